"""The generation table: for fitted models × samplers, n new samples decoded and compared with n held-out test rows in
the split's feature space (Fréchet distance, precision, recall, density, coverage), one tidy row per model, sampler
and training seed. Models come through the one resolver (`pipelines.runs.sweep.run`), the feature space's classifier
from the run store (`pipelines.runs.features`)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from pipelines.analysis import latent
from pipelines.analysis.features import FeatureSpace
from pipelines.analysis.sample_quality import METRICS, NEIGHBOURS, sample_quality
from pipelines.analysis.samplers import GMM_COMPONENTS, SAMPLERS, samplers_for
from pipelines.data.datasets import Dataset
from pipelines.data.preprocessing import PreparedData, prepare
from pipelines.errors import InputError
from pipelines.reducers import METHODS
from pipelines.reducers.method import Models, ProgressCallback
from pipelines.runs.features import feature_space
from pipelines.runs.fitting import one_blas_thread
from pipelines.runs.sweep import run
from pipelines.runs.tasks import Executor

if TYPE_CHECKING:
    from pipelines.runs.store import RunStore

DEFAULT_SAMPLES = 2000
MAX_SAMPLES = 10_000  # the neighbour balls compare every pair of rows: 10,000² distances are 0.8 GB
GENERATION_COLUMNS = ["dataset", "method", "bottleneck", "sampler", "train_seed", "n_samples", "feature_space",
                      *METRICS]


@dataclass(frozen=True, eq=False)
class GenerationTable:
    """The tidy table, what was left out and why (one sentence each), and how long the table took."""

    rows: pd.DataFrame  # GENERATION_COLUMNS
    notes: tuple[str, ...]
    seconds: float  # drawing, decoding, featurising and scoring; not training


def check_generation(data: PreparedData, samplers: Sequence[str], n_samples: int) -> None:
    """Refuse, in one line, what cannot give a table: unknown samplers, a sample count out of range, too few test
    rows for the neighbour balls."""
    unknown = [name for name in samplers if name not in SAMPLERS]
    if unknown or not samplers:
        raise InputError(f"Unknown sampler {unknown[0] if unknown else '(none given)'!r}; choose from "
                         f"{', '.join(SAMPLERS)}.")
    needed = 2 * NEIGHBOURS + 1
    if not needed <= n_samples <= MAX_SAMPLES:
        raise InputError(f"The number of samples must be between {needed} and {MAX_SAMPLES:,}, not {n_samples}.")
    if len(data.X_test) < needed:
        raise InputError(f"Sample quality needs at least {needed} test rows (k = {NEIGHBOURS} neighbours), but "
                         f"{data.dataset.name} has {len(data.X_test)}; use a larger test fraction or more data.")


def reference_rows(data: PreparedData, n_samples: int) -> np.ndarray:
    """The held-out rows generated samples are compared with: every test row, or a seeded `n_samples` of them."""
    if len(data.X_test) <= n_samples:
        return data.X_test
    return data.X_test[np.sort(np.random.default_rng(0).choice(len(data.X_test), n_samples, replace=False))]


def prior_notes(methods: Sequence[str], samplers: Sequence[str]) -> list[str]:
    """A note for every method that skips a sampler it cannot use (the prior, without one)."""
    notes = []
    for method in dict.fromkeys(methods):
        skipped = [s for s in samplers if s not in samplers_for(method)]
        if skipped:
            notes.append(f"{METHODS[method].label} has no prior, so it skips {', '.join(skipped)}.")
    return notes


def quality_cell(data: PreparedData, method: str, k: int, reducer: object, space: FeatureSpace,
                 real_features: np.ndarray, sampler: str, n_samples: int, *, train_seed: int = 0,
                 gmm_components: int = GMM_COMPONENTS) -> tuple[dict | None, str]:
    """One model and sampler: its row of the table (None when the model is left out) and a note ("" if none).
    Draws are seeded by `train_seed`, so repeats differ in their samples too."""
    where = f"{METHODS[method].label} at {k} codes"
    try:
        # One BLAS thread, as for fits: a mixture's EM on small matrices ran 35x slower with TensorFlow's threads
        # and BLAS's fighting over 2 cores (37 s against 1.1 s on mnist-5k's codes).
        with one_blas_thread():
            fitted = latent.fitted_sampler(method, reducer, data.X_train, sampler, gmm_components)
            fake = space(latent.decode_draws(reducer, fitted, n_samples, train_seed))
            scores = sample_quality(real_features, fake)
    except ValueError as error:
        if isinstance(error, InputError):
            raise
        return None, f"{where} with {SAMPLERS[sampler].label} is left out: {error}."
    row = {"dataset": data.dataset.name, "method": method, "bottleneck": k, "sampler": sampler,
           "train_seed": train_seed, "n_samples": n_samples, "feature_space": space.name, **scores}
    return row, f"{where}: {fitted.note_}." if fitted.note_ else ""


def quality_rows(data: PreparedData, models: Models, space: FeatureSpace, samplers: Sequence[str],
                 n_samples: int = DEFAULT_SAMPLES, *, train_seed: int = 0, gmm_components: int = GMM_COMPONENTS,
                 progress: ProgressCallback | None = None) -> tuple[list[dict], list[str]]:
    """One row per model (`(method, bottleneck)` → fitted reducer) and applicable sampler, and a note per sampler
    skipped or model left out."""
    check_generation(data, samplers, n_samples)
    real = space(reference_rows(data, n_samples))
    ordered = sorted(models, key=lambda key: (list(METHODS).index(key[0]), key[1]))  # a ChainMap lists them reversed
    cells = [(key, s) for key in ordered for s in samplers if s in samplers_for(key[0])]
    rows, notes = [], prior_notes([method for method, _ in ordered], samplers)
    for i, ((method, k), sampler) in enumerate(cells):
        if progress is not None:
            progress(i / len(cells), f"{METHODS[method].label} at {k} codes, {SAMPLERS[sampler].label}")
        row, note = quality_cell(data, method, k, models[(method, k)], space, real, sampler, n_samples,
                                 train_seed=train_seed, gmm_components=gmm_components)
        rows += [row] if row is not None else []
        notes += [note] if note else []
    if progress is not None:
        progress(1.0, "sample quality measured")
    return rows, notes


def generation_table(data: PreparedData, repeats: Mapping[int, Models], space: FeatureSpace,
                     samplers: Sequence[str], n_samples: int = DEFAULT_SAMPLES, *,
                     gmm_components: int = GMM_COMPONENTS,
                     progress: ProgressCallback | None = None) -> GenerationTable:
    """The table for every training seed's models (`repeats`: seed → models)."""
    started = time.perf_counter()
    rows, notes = [], []
    for i, (seed, models) in enumerate(repeats.items()):
        part = None if progress is None else (
            lambda fraction, message, i=i: progress((i + fraction) / len(repeats), message))
        seed_rows, seed_notes = quality_rows(data, models, space, samplers, n_samples, train_seed=seed,
                                             gmm_components=gmm_components, progress=part)
        rows += seed_rows
        notes += [note for note in seed_notes if note not in notes]
    return GenerationTable(pd.DataFrame(rows, columns=GENERATION_COLUMNS), tuple(notes),
                           time.perf_counter() - started)


def generate(dataset: Dataset, methods: Sequence[str], bottlenecks: Sequence[int], samplers: Sequence[str],
             n_samples: int = DEFAULT_SAMPLES, *, test_size: float = 0.2, split_seed: int = 0,
             train_seeds: Sequence[int] = (0,), params: Mapping[str, Mapping] | None = None,
             gmm_components: int = GMM_COMPONENTS, store: "RunStore | None" = None,
             executor: Executor | None = None,
             progress: Callable[[float, str], None] | None = None) -> GenerationTable:
    """Fit (or load) every method at every bottleneck once per training seed, then measure their samples: the
    models take the first 80% of the progress, the table the rest."""
    check_generation(prepare(dataset, test_size=test_size, seed=split_seed), samplers, n_samples)
    report = progress or (lambda fraction, message: None)
    result = run(dataset, methods, bottlenecks, test_size=test_size, split_seed=split_seed, train_seeds=train_seeds,
                 params=params, store=store, executor=executor, progress=lambda f, m: report(0.8 * f, m))
    report(0.8, "preparing the feature space")
    space = feature_space(result.data, store)
    return generation_table(result.data, result.repeats, space, samplers, n_samples, gmm_components=gmm_components,
                            progress=lambda f, m: report(0.8 + 0.2 * f, m))
