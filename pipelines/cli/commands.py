"""Command line: `python -m pipelines datasets` (list, fetch, import), `methods`, `sweep`, `study` and `generate`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from pipelines.analysis.repeats import MAX_REPEATS, training_seeds
from pipelines.cli.datasets import add_parser as add_datasets_parser
from pipelines.cli.datasets import run_datasets_command
from pipelines.cli.generate import add_parser as add_generate_parser
from pipelines.cli.generate import run_generate_command
from pipelines.cli.study import add_parser as add_study_parser
from pipelines.cli.study import run_study_command
from pipelines.data.csv_loader import PIXEL_MAXIMA, load_csv, parse_image_shape
from pipelines.data.datasets import DEFAULT_DATASET, load_dataset
from pipelines.errors import InputError
from pipelines.reducers import METHODS
from pipelines.reducers.training import keras_runtime
from pipelines.runs.store import STORE_ENV_VAR, RunStore
from pipelines.runs.sweep import plan_repeats, run
from pipelines.runs.tasks import InProcessExecutor

EXIT_BAD_INPUT = 2
FITS_AT_ONCE = min(2, os.cpu_count() or 1)  # methods fitted side by side, in threads


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line on stderr, not argparse's usage block."""
        raise InputError(f"{message[0].upper()}{message[1:]}; run `python -m {self.prog} --help` for the options.")


def _int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers, "
                                         "e.g. 1,2,4,8") from None


def _image_shape(text: str) -> tuple[int, int]:
    try:
        return parse_image_shape(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error).rstrip(".")) from None


def _name_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipelines", description="Compare PCA with linear and nonlinear autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_datasets_parser(commands)
    commands.add_parser("methods", help="list the methods and their settings")
    sweep_parser = commands.add_parser("sweep", help="reconstruction error of each method at each bottleneck size")
    source = sweep_parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", default=None, help=f"built-in dataset (default {DEFAULT_DATASET})")
    source.add_argument("--csv", type=Path, help="your own CSV file instead of a built-in dataset")
    sweep_parser.add_argument("--label-column", help="column of --csv holding labels (used for colours, not training)")
    sweep_parser.add_argument("--image-shape", type=_image_shape, metavar="HEIGHTxWIDTH",
                              help="read the numeric columns of --csv as the pixels of HEIGHTxWIDTH images, e.g. 8x8")
    sweep_parser.add_argument("--pixel-max", type=float, default=None,
                              help="the largest value a pixel of --image-shape can take; pixels are divided by it "
                                   f"(default: the smallest of {', '.join(f'{m:g}' for m in PIXEL_MAXIMA)} that is "
                                   "at least the file's largest value)")
    sweep_parser.add_argument("--bottlenecks", type=_int_list, default=[1, 2, 4, 8, 16, 32],
                     help="comma-separated bottleneck sizes (default 1,2,4,8,16,32)")
    sweep_parser.add_argument("--methods", type=_name_list, default=[m for m in METHODS if METHODS[m].default_on],
                              help=f"comma-separated methods from {','.join(METHODS)} (default: those on by default)")
    sweep_parser.add_argument("--test-size", type=float, default=0.2, help="held-out fraction (default 0.2)")
    sweep_parser.add_argument("--seed", type=int, default=None,
                              help="shorthand for the same --split-seed and --train-seed")
    sweep_parser.add_argument("--split-seed", type=int, default=None, help="seed of the train/test split (default 0)")
    sweep_parser.add_argument("--train-seed", type=int, default=None,
                              help="seed of the models' initial weights and batch order (default 0)")
    repeats = sweep_parser.add_mutually_exclusive_group()
    repeats.add_argument("--repeats", type=int, default=1,
                         help="train every method this many times, with training seeds from --train-seed up "
                              "(default 1)")
    repeats.add_argument("--train-seeds", type=_int_list, default=None,
                         help="comma-separated training seeds, one repeat each (instead of --repeats)")
    sweep_parser.add_argument("--vary-split", action="store_true",
                              help="give every repeat its own split too (split seeds from --split-seed up, repeated "
                                   "hold-out), so the spread includes the data's, not only the training's")
    sweep_parser.add_argument("--param", action="append", default=[], metavar="METHOD.NAME=VALUE",
                              help="a method's setting, e.g. nonlinear_ae.hidden_layer_sizes=64,32 (repeatable); "
                                   "`python -m pipelines methods` lists them")
    sweep_parser.add_argument("--out", type=Path, help="write the tidy results to this CSV file")
    sweep_parser.add_argument("--store-dir", type=Path, default=None,
                     help=f"where finished runs are kept (default ${STORE_ENV_VAR} or the user cache directory)")
    sweep_parser.add_argument("--no-store", action="store_true", help="neither reuse nor keep finished runs")
    add_study_parser(commands)
    add_generate_parser(commands)
    return parser


class _Progress:
    """Progress on stderr: one updating line on a terminal, a line per 10% otherwise."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self.shown = -1

    def __call__(self, fraction: float, message: str) -> None:
        step = int(fraction * (100 if self.interactive else 10))
        if step == self.shown:
            return
        self.shown = step
        if self.interactive:
            print(f"\r[{fraction:4.0%}] {message[:90]:<90}", end="", file=sys.stderr, flush=True)
        else:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _summary(results: pd.DataFrame, vary_split: bool = False) -> str:
    """Held-out MSE and R² per bottleneck and method: the mean over repeats, ± the standard deviation if several (a
    deterministic method, fitted once per split, says so instead of showing ± 0)."""
    test = results[results["split"] == "test"].groupby(["method", "bottleneck"], sort=False)[["mse", "r2"]]
    counts, means, spreads = test.size(), test.mean(), test.std().fillna(0.0)
    several = counts.max() > 1
    methods = [m for m in METHODS if m in set(results["method"])]
    columns = {}
    for metric in ("mse", "r2"):
        for method in methods:
            text = means.loc[method, metric].map(lambda v: f"{v:.4f}")
            if several:
                spread = spreads.loc[method, metric].map(lambda v: f" ± {v:.4f}")
                text = text + spread.where(counts.loc[method] > 1, " (deterministic)")
            columns[f"{metric} {METHODS[method].label}"] = text
    table = pd.DataFrame(columns)
    table.index.name = "bottleneck"
    if not several:
        return "Held-out reconstruction error\n" + table.to_string()
    splits = "each on its own split" if vary_split else "on one split"
    once = "; a deterministic method is fitted once per split" if (counts == 1).any() else ""
    return (f"Held-out reconstruction error, mean ± standard deviation over {counts.max()} repeats ({splits}){once}\n"
            + table.to_string())


def _run_sweep(args: argparse.Namespace) -> None:
    if args.label_column and not args.csv:
        raise InputError("--label-column only applies to --csv; add --csv PATH or drop --label-column.")
    if args.out is not None and not args.out.parent.exists():
        raise InputError(f"Cannot write {args.out}: the folder {args.out.parent} does not exist.")
    if (args.image_shape or args.pixel_max is not None) and not args.csv:
        raise InputError("--image-shape and --pixel-max only apply to --csv; add --csv PATH or drop them.")
    if args.pixel_max is not None and not args.image_shape:
        raise InputError("--pixel-max scales images; add --image-shape HEIGHTxWIDTH or drop --pixel-max.")
    dataset = (load_csv(args.csv, label_column=args.label_column, image_shape=args.image_shape,
                        pixel_max=args.pixel_max) if args.csv else load_dataset(args.dataset or DEFAULT_DATASET))
    for note in dataset.notes:
        print(f"note: {note}", file=sys.stderr)
    split_seed = args.split_seed if args.split_seed is not None else (args.seed or 0)
    train_seed = args.train_seed if args.train_seed is not None else (args.seed or 0)
    if args.train_seeds is not None and args.train_seed is not None:
        raise InputError("Give either --train-seed (with --repeats) or --train-seeds, not both.")
    if not 1 <= args.repeats <= MAX_REPEATS:
        raise InputError(f"--repeats must be between 1 and {MAX_REPEATS}, not {args.repeats}.")
    seeds = args.train_seeds if args.train_seeds is not None else training_seeds(train_seed, args.repeats)
    options = dict(test_size=args.test_size, split_seed=split_seed, train_seeds=seeds, vary_split=args.vary_split,
                   params=parse_params(args.param, args.methods))
    parts = plan_repeats(dataset, args.methods, args.bottlenecks, **options)  # refuses bad input before training
    specs = [spec for _, part in parts for spec in part]
    n_training_rows = len(parts[0][0].X_train)
    for method in dict.fromkeys(spec.method for spec in specs):
        note = METHODS[method].fit_note(n_training_rows)
        if note:
            print(f"note: {note}", file=sys.stderr)
    store = None if args.no_store else RunStore(args.store_dir)
    if any(METHODS[spec.method].trained_by_gradient and (store is None or not store.contains(spec)) for spec in specs):
        keras_runtime.start_loading()  # TensorFlow imports while PCA fits, and only if an autoencoder trains
    result = run(dataset, args.methods, args.bottlenecks, **options, store=store, progress=_Progress(),
                 executor=InProcessExecutor(at_once=FITS_AT_ONCE))
    if store is not None:
        print(f"{'Loaded from' if result.from_store else 'Stored in'} {store.root}", file=sys.stderr)
    results = result.scores
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_summary(results, args.vary_split))
    if args.out is not None:
        try:
            results.to_csv(args.out, index=False)
        except OSError as error:
            raise InputError(f"Cannot write {args.out} ({error.strerror}); choose another --out path.") from None
        print(f"Wrote {len(results)} rows to {args.out}")


def parse_params(assignments: list[str], methods: list[str]) -> dict[str, dict[str, object]]:
    """Settings per method from "METHOD.NAME=VALUE" texts, checked against each method's settings schema."""
    raw: dict[str, dict[str, str]] = {}
    for text in assignments:
        target, equals, value = text.partition("=")
        method, dot, name = target.strip().partition(".")
        if not (equals and dot and name):
            raise InputError(f"--param {text!r} is not METHOD.NAME=VALUE, e.g. nonlinear_ae.epochs=30.")
        if method not in METHODS:
            raise InputError(f"--param {text!r}: unknown method {method!r}; choose from {', '.join(METHODS)}.")
        if method not in methods:
            raise InputError(f"--param {text!r} sets {method}, which is not among --methods; add it or drop it.")
        raw.setdefault(method, {})[name.strip()] = value.strip()
    return {method: METHODS[method].parse_settings(values) for method, values in raw.items()}


def _list_methods() -> None:
    for method in METHODS.values():
        print(f"{method.name:<14} {method.label}{'' if method.default_on else ' (off by default in the dashboard)'}")
        for setting in method.settings:
            bounds = f" [{setting.low:g}, {setting.high:g}]" if setting.low is not None else ""
            choices = f" {{{', '.join(setting.choices)}}}" if setting.choices else ""
            print(f"  {method.name}.{setting.name}={setting.text(setting.default)}{bounds}{choices}  {setting.help}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input exits with status 2 and one line on stderr."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "datasets":
            run_datasets_command(args)
        elif args.command == "methods":
            _list_methods()
        elif args.command == "study":
            return run_study_command(args)
        elif args.command == "generate":
            return run_generate_command(args)
        else:
            _run_sweep(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
