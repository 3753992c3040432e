"""`python -m pipelines generate`: how close each method's samples are to held-out data, per sampler, as a tidy CSV
(Fréchet distance, precision, recall, density, coverage in the dataset's feature space)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from pipelines.analysis.repeats import MAX_REPEATS, training_seeds
from pipelines.analysis.sample_quality import METRICS
from pipelines.analysis.samplers import GMM_COMPONENTS, SAMPLERS
from pipelines.data.csv_loader import load_csv
from pipelines.data.datasets import DEFAULT_DATASET, load_dataset
from pipelines.errors import InputError
from pipelines.reducers import METHODS
from pipelines.runs.generation import DEFAULT_SAMPLES, generate
from pipelines.runs.store import STORE_ENV_VAR, RunStore
from pipelines.runs.tasks import InProcessExecutor

GENERATIVE_DEFAULT = ["pca", "nonlinear_ae", "vae", "aae"]


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `generate` subcommand and its options."""
    parser = commands.add_parser("generate", help="sample quality of every method and sampler (FD, precision, "
                                                  "recall, density, coverage)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", default=None, help=f"built-in dataset (default {DEFAULT_DATASET})")
    source.add_argument("--csv", type=Path, help="your own CSV file instead of a built-in dataset")
    parser.add_argument("--label-column", help="column of --csv holding labels (not used to train)")
    parser.add_argument("--methods", type=_names, default=GENERATIVE_DEFAULT,
                        help=f"comma-separated methods from {','.join(METHODS)} "
                             f"(default {','.join(GENERATIVE_DEFAULT)})")
    parser.add_argument("--bottleneck", type=int, default=16, help="codes of every model (default 16)")
    parser.add_argument("--samplers", type=_names, default=list(SAMPLERS),
                        help=f"comma-separated samplers from {','.join(SAMPLERS)} (default all; a method without a "
                             "prior skips prior)")
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES,
                        help=f"samples drawn per model and sampler, compared with as many test rows (default "
                             f"{DEFAULT_SAMPLES})")
    parser.add_argument("--gmm-components", type=int, default=GMM_COMPONENTS,
                        help=f"components of the gmm sampler (default {GMM_COMPONENTS})")
    parser.add_argument("--repeats", type=int, default=1, help="training seeds from 0 up, one repeat each (default 1)")
    parser.add_argument("--test-size", type=float, default=0.2, help="held-out fraction (default 0.2)")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the train/test split (default 0)")
    parser.add_argument("--out", type=Path, help="write the tidy table to this CSV file")
    parser.add_argument("--store-dir", type=Path, default=None,
                        help=f"where finished runs are kept (default ${STORE_ENV_VAR} or the user cache directory)")


def summary(rows: pd.DataFrame) -> str:
    """Mean (± sd over repeats) of every metric per method and sampler, with the feature space named."""
    grouped = rows.groupby(["method", "sampler"], sort=False)[list(METRICS)]
    means, spreads, counts = grouped.mean(), grouped.std(), grouped.size()
    table = means.map(lambda v: f"{v:.3f}")
    if counts.max() > 1:
        table = table + spreads.map(lambda v: "" if pd.isna(v) else f" ± {v:.3f}")
    table.index = [f"{METHODS[m].label} + {SAMPLERS[s].label}" for m, s in table.index]
    spaces = ", ".join(dict.fromkeys(rows["feature_space"]))
    return f"Sample quality in the {spaces}\n{table.to_string()}"


def run_generate_command(args: argparse.Namespace) -> int:
    """Measure, print the summary and notes, write the CSV."""
    if args.out is not None and not args.out.parent.exists():
        raise InputError(f"Cannot write {args.out}: the folder {args.out.parent} does not exist.")
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown or not args.methods:
        raise InputError(f"Unknown method {unknown[0] if unknown else '(none given)'!r}; choose from "
                         f"{', '.join(METHODS)}.")
    if not 1 <= args.repeats <= MAX_REPEATS:
        raise InputError(f"--repeats must be between 1 and {MAX_REPEATS}, not {args.repeats}.")
    if args.gmm_components < 1:
        raise InputError(f"--gmm-components must be 1 or more, not {args.gmm_components}.")
    store = RunStore(args.store_dir)
    if args.label_column and args.csv is None:
        raise InputError("--label-column applies to --csv only; add --csv FILE or drop it.")
    dataset = (load_csv(args.csv, label_column=args.label_column) if args.csv is not None
               else load_dataset(args.dataset or DEFAULT_DATASET))
    table = generate(dataset, args.methods, [args.bottleneck], args.samplers, args.samples,
                     test_size=args.test_size, split_seed=args.split_seed,
                     train_seeds=training_seeds(0, args.repeats), gmm_components=args.gmm_components, store=store,
                     executor=InProcessExecutor())
    for note in table.notes:
        print(f"note: {note}", file=sys.stderr)
    if table.rows.empty:
        raise InputError("No model gave samples to measure; see the notes above.")
    print(summary(table.rows))
    print(f"Measured in {table.seconds:.1f} s after the models were ready.", file=sys.stderr)
    if args.out is not None:
        try:
            table.rows.to_csv(args.out, index=False)
        except OSError as error:
            raise InputError(f"Cannot write {args.out} ({error.strerror}); choose another --out path.") from None
        print(f"Wrote {len(table.rows)} rows to {args.out}")
    return 0
