"""Studies: a TOML file naming datasets, methods, bottlenecks, seeds and parameter grids, expanded into runs that
go through the run store (what is stored is not trained again, so an interrupted study resumes) and an executor
(in this process, or on Ray), ending in one tidy frame and a short summary.

Everything is checked before anything trains: the file, every name against the registry, every grid value
against its method's settings schema, every size and cost against the data (`plan`).

A study with `generate = {samplers = [...], samples = N}` also measures every run's samples (see
`pipelines.runs.generation`), a second tidy frame with the generation table's columns.
"""
from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd

from pipelines.analysis.diagnostics import run_diverged
from pipelines.analysis.repeats import MAX_REPEATS, training_seeds
from pipelines.analysis.samplers import GMM_COMPONENTS, SAMPLERS
from pipelines.data.csv_loader import load_csv
from pipelines.data.datasets import DATASETS, Dataset, load_dataset
from pipelines.data.preprocessing import PreparedData
from pipelines.errors import InputError
from pipelines.reducers import METHODS
from pipelines.runs.features import feature_space
from pipelines.runs.fitting import SCORE_COLUMNS
from pipelines.runs.generation import DEFAULT_SAMPLES, GENERATION_COLUMNS, check_generation, quality_rows
from pipelines.runs.resolver import LOADED, resolve
from pipelines.runs.spec import RunSpec
from pipelines.runs.store import RunStore
from pipelines.runs.tasks import (
    Executor,
    FailureSink,
    InProcessStudyExecutor,
    ProgressEvent,
    TaskResult,
    plan,
)

KEYS = {"name", "datasets", "methods", "bottlenecks", "seeds", "repeats", "split_seed", "test_size", "grid",
        "generate"}
STUDY_COLUMNS = ["study", *SCORE_COLUMNS, "settings", "key"]
STUDY_GENERATION_COLUMNS = ["study", *GENERATION_COLUMNS, "settings", "key"]
GENERATE_KEYS = {"samplers", "samples", "gmm_components"}


@dataclass(frozen=True)
class GenerateRequest:
    """A study's request to measure its runs' samples: which samplers, how many samples per model."""

    samplers: tuple[str, ...]
    samples: int = DEFAULT_SAMPLES
    gmm_components: int = GMM_COMPONENTS


@dataclass(frozen=True)
class DatasetSource:
    """A built-in dataset's name, or a CSV file with its label column."""

    name: str | None = None
    csv: Path | None = None
    label_column: str | None = None

    def load(self) -> Dataset:
        """The dataset itself."""
        return load_dataset(self.name) if self.csv is None else load_csv(self.csv, label_column=self.label_column)


@dataclass(frozen=True)
class Study:
    """What a study file asks for; `grid` maps a method to each setting's values, every combination one run."""

    name: str
    datasets: tuple[DatasetSource, ...]
    methods: tuple[str, ...]
    bottlenecks: tuple[int, ...]
    train_seeds: tuple[int, ...] = (0,)
    split_seed: int = 0
    test_size: float = 0.2
    grid: Mapping[str, Mapping[str, tuple]] = field(default_factory=dict)
    generate: GenerateRequest | None = None

    def grid_points(self, method: str) -> list[dict[str, object]]:
        """Every combination of `method`'s grid values (one empty combination when it has no grid)."""
        axes = self.grid.get(method, {})
        names = sorted(axes)
        return [dict(zip(names, values)) for values in itertools.product(*(axes[n] for n in names))]


@dataclass(frozen=True)
class StudyPart:
    """One dataset's share of a study: its prepared split and its runs, in the study's order."""

    data: PreparedData
    specs: tuple[RunSpec, ...]


@dataclass(frozen=True)
class StudyPlan:
    """A study expanded into runs, checked and ready to train."""

    study: Study
    parts: tuple[StudyPart, ...]

    @property
    def specs(self) -> list[RunSpec]:
        """Every run of the study, in its order."""
        return [spec for part in self.parts for spec in part.specs]


@dataclass(frozen=True)
class Failure:
    """A run that could not be trained, and why."""

    spec: RunSpec
    reason: str


@dataclass(frozen=True)
class StudyProgress:
    """Where a study stands: runs finished (stored ones included), running, failed, of all."""

    done: int
    running: int
    failed: int
    total: int
    from_store: int


@dataclass(frozen=True, eq=False)
class StudyOutcome:
    """A finished (or partly failed) study: every run's tidy scores and what failed."""

    plan: StudyPlan
    scores: pd.DataFrame  # STUDY_COLUMNS, in the plan's order whatever order the runs finished in
    failures: tuple[Failure, ...]
    from_store: int  # runs that were already stored
    trained: int
    generation: pd.DataFrame | None = None  # STUDY_GENERATION_COLUMNS, when the study asks to generate
    generation_notes: tuple[str, ...] = ()


def load_study(path: Path | str) -> Study:
    """The study in TOML file `path`, with every name and value checked; CSV paths are relative to the file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except OSError as error:
        raise InputError(f"Cannot read study file {path} ({error.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path} is not valid TOML: {error}.") from None
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise InputError(f"{path}: unknown key {unknown[0]!r}; a study has {', '.join(sorted(KEYS))}.")
    methods = _names(raw, "methods", path)
    bad = [m for m in methods if m not in METHODS]
    if bad:
        raise InputError(f"{path}: unknown method {bad[0]!r}; choose from {', '.join(METHODS)}.")
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise InputError(f"{path}: name must be letters, digits, '_', '.' or '-' (it names files), not {name!r}.")
    return Study(name=name, datasets=_datasets(raw, path), methods=tuple(methods),
                 bottlenecks=tuple(_whole_numbers(raw, "bottlenecks", path)), train_seeds=_seeds(raw, path),
                 split_seed=_whole_number(raw.get("split_seed", 0), "split_seed", path),
                 test_size=_fraction(raw.get("test_size", 0.2), path), grid=_grid(raw.get("grid", {}), methods, path),
                 generate=_generate(raw.get("generate"), path))


def _generate(raw: object, path: Path) -> GenerateRequest | None:
    if raw is None:
        return None
    example = 'generate = {samplers = ["gaussian", "gmm"], samples = 2000}'
    if not isinstance(raw, dict) or set(raw) - GENERATE_KEYS:
        raise InputError(f"{path}: generate must be a table with {', '.join(sorted(GENERATE_KEYS))}, e.g. {example}.")
    samplers = raw.get("samplers")
    if not isinstance(samplers, list) or not samplers or any(name not in SAMPLERS for name in samplers):
        raise InputError(f"{path}: generate.samplers must be a non-empty list from {', '.join(SAMPLERS)}, e.g. "
                         f"{example}.")
    return GenerateRequest(tuple(dict.fromkeys(samplers)),
                           _whole_number(raw.get("samples", DEFAULT_SAMPLES), "generate.samples", path),
                           max(1, _whole_number(raw.get("gmm_components", GMM_COMPONENTS), "generate.gmm_components",
                                                path)))


def _names(raw: Mapping, key: str, path: Path) -> list[str]:
    values = raw.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise InputError(f"{path}: {key} must be a non-empty list of names, e.g. {key} = [\"pca\", \"linear_ae\"].")
    return values


def _whole_number(value: object, key: str, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{path}: {key} must be a whole number from 0 up, not {value!r}.")
    return value


def _whole_numbers(raw: Mapping, key: str, path: Path) -> list[int]:
    values = raw.get(key)
    if not isinstance(values, list) or not values:
        raise InputError(f"{path}: {key} must be a non-empty list of whole numbers, e.g. {key} = [1, 2, 4].")
    return [_whole_number(v, key, path) for v in values]


def _fraction(value: object, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise InputError(f"{path}: test_size must be a fraction between 0 and 1, not {value!r}.")
    return float(value)


def _seeds(raw: Mapping, path: Path) -> tuple[int, ...]:
    if "seeds" in raw and "repeats" in raw:
        raise InputError(f"{path}: give seeds or repeats, not both.")
    if "seeds" in raw:
        return tuple(_whole_numbers(raw, "seeds", path))
    repeats = raw.get("repeats", 1)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= MAX_REPEATS:
        raise InputError(f"{path}: repeats must be a whole number from 1 to {MAX_REPEATS}, not {repeats!r}.")
    return tuple(training_seeds(0, repeats))


def _datasets(raw: Mapping, path: Path) -> tuple[DatasetSource, ...]:
    entries = raw.get("datasets")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: datasets must be a non-empty list, e.g. datasets = [\"iris\", "
                         "{ csv = \"my.csv\", label_column = \"species\" }].")
    sources = []
    for entry in entries:
        if isinstance(entry, str) and entry in DATASETS:
            sources.append(DatasetSource(name=entry))
            continue
        if isinstance(entry, str) and entry.lower().endswith(".csv"):
            entry = {"csv": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("csv"), str) or set(entry) - {"csv",
                                                                                                  "label_column"}:
            raise InputError(f"{path}: unknown dataset {entry!r}; use a built-in one ({', '.join(DATASETS)}), a "
                             "CSV path, or { csv = \"PATH\", label_column = \"NAME\" }.")
        csv = (path.parent / entry["csv"]).resolve()
        if not csv.is_file():
            raise InputError(f"{path}: the CSV file {csv} does not exist.")
        sources.append(DatasetSource(csv=csv, label_column=entry.get("label_column")))
    return tuple(sources)


def _grid(raw: object, methods: Sequence[str], path: Path) -> dict[str, dict[str, tuple]]:
    """Each method's setting values, each value parsed by the method's settings schema."""
    if not isinstance(raw, dict):
        raise InputError(f"{path}: grid must be a table, e.g. [grid] then linear_ae.epochs = [20, 50].")
    grid: dict[str, dict[str, tuple]] = {}
    for method, axes in raw.items():
        if method not in METHODS:
            raise InputError(f"{path}: grid names unknown method {method!r}; choose from {', '.join(METHODS)}.")
        if method not in methods:
            raise InputError(f"{path}: grid sets {method}, which is not among methods; add it or drop its grid.")
        if not isinstance(axes, dict):
            raise InputError(f"{path}: grid.{method} must be a table of settings, e.g. {method}.epochs = [20, 50].")
        schema = {s.name: s for s in METHODS[method].settings}
        grid[method] = {}
        for name, values in axes.items():
            layers = name in schema and schema[name].kind == "layers"
            if not isinstance(values, list) or (layers and not all(isinstance(v, list) for v in values)):
                if layers:
                    raise InputError(f"{path}: grid {method}.{name} must be a list of layer lists, e.g. "
                                     f"[[128, 64]] for one value or [[128, 64], [256, 128, 64]] for two.")
                values = [values]  # one value, not a grid
            if not values:
                raise InputError(f"{path}: grid {method}.{name} has no values.")
            try:
                parsed = [METHODS[method].parse_settings({name: value})[name] for value in values]
            except InputError as error:
                raise InputError(f"{path}: grid {method}.{name}: {error}") from None
            grid[method][name] = tuple(dict.fromkeys(parsed))  # a value given twice is one run
    return grid


def plan_study(study: Study) -> StudyPlan:
    """Every run of `study`, dataset by dataset, method by method, grid point by grid point, seed by seed; sizes,
    data and cost are checked here, so a bad study is refused before anything trains."""
    parts = []
    for source in study.datasets:
        dataset = source.load()
        specs: dict[str, RunSpec] = {}
        data = None
        for method in study.methods:
            for point in study.grid_points(method):
                try:
                    data, planned = plan(dataset, [method], study.bottlenecks, test_size=study.test_size,
                                         split_seed=study.split_seed, train_seeds=study.train_seeds,
                                         params={method: point})
                except InputError as error:
                    raise InputError(f"{dataset.name}: {error}") from None
                specs.update((spec.key, spec) for spec in planned if spec.key not in specs)
        if study.generate is not None:
            try:
                check_generation(data, study.generate.samplers, study.generate.samples)
            except InputError as error:
                raise InputError(f"{dataset.name}: {error}") from None
        parts.append(StudyPart(data, tuple(specs.values())))
    return StudyPlan(study, tuple(parts))


def run_study(plan: StudyPlan, store: RunStore,
              executor: Callable[[FailureSink], Executor] = InProcessStudyExecutor,
              on_progress: Callable[[StudyProgress], None] | None = None) -> StudyOutcome:
    """Train the runs of `plan` missing from `store` on `executor(on_failure)`, storing each as it finishes (so an
    interrupted study resumes where it stopped), and gather every run's scores."""
    name = plan.study.name
    results: dict[str, TaskResult] = {}
    failures: list[Failure] = []
    running: set[str] = set()
    total = len(plan.specs)
    stored = 0

    def report() -> None:
        if on_progress is not None:
            on_progress(StudyProgress(len(results), len(running), len(failures), total, stored))

    def on_event(event: ProgressEvent) -> None:
        nonlocal stored
        if event.message == LOADED:
            stored += 1
            return
        was = event.task in running
        (running.add if event.fraction < 1 else running.discard)(event.task)
        if was != (event.task in running):
            report()

    def on_failure(group: Sequence[RunSpec], reason: str) -> None:
        failures.extend(Failure(spec, reason) for spec in group)
        running.difference_update(spec.key for spec in group)
        report()

    report()
    for part in plan.parts:
        for result in resolve(part.specs, part.data, store, executor(on_failure), on_event, study=name):
            results[result.spec.key] = result
            running.discard(result.spec.key)
            report()
    frames = [_study_rows(name, results[spec.key]) for spec in plan.specs if spec.key in results]
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=STUDY_COLUMNS)
    generation, notes = (None, ()) if plan.study.generate is None else _generation(plan, results, store)
    return StudyOutcome(plan, scores, tuple(failures), stored, len(results) - stored, generation, notes)


def _generation(plan: StudyPlan, results: Mapping[str, TaskResult], store: RunStore
                ) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every finished run's sample quality, one row per model, sampler and seed, in the plan's order."""
    request, rows, notes = plan.study.generate, [], []
    for part in plan.parts:
        finished = [spec for spec in part.specs if spec.key in results]
        space = feature_space(part.data, store) if finished else None
        for spec in finished:
            run_rows, run_notes = quality_rows(part.data, results[spec.key].models, space, request.samplers,
                                               request.samples, train_seed=spec.train_seed,
                                               gmm_components=request.gmm_components)
            rows += [{"study": plan.study.name, **row, "settings": settings_text(spec), "key": spec.key}
                     for row in run_rows]
            notes += [f"{spec.dataset}: {note}" for note in run_notes if f"{spec.dataset}: {note}" not in notes]
    return pd.DataFrame(rows, columns=STUDY_GENERATION_COLUMNS), tuple(notes)


def settings_text(spec: RunSpec) -> str:
    """The settings a run changed from its method's defaults, e.g. "epochs=20", or "defaults"."""
    changed = spec.changed_settings()
    return ", ".join(f"{name}={_text(value)}" for name, value in sorted(changed.items())) or "defaults"


def _text(value: object) -> str:
    return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, (tuple, list)) else str(value)


def _study_rows(study: str, result: TaskResult) -> pd.DataFrame:
    rows = result.scores.assign(study=study, settings=settings_text(result.spec), key=result.spec.key)
    return rows[STUDY_COLUMNS]


def summary(outcome: StudyOutcome) -> str:
    """A short table: per dataset, method and settings, the runs, failures, diverged runs and the mean test MSE
    (± its standard deviation over seeds) at each bottleneck; then one line per failed run."""
    test = outcome.scores[outcome.scores["split"] == "test"]
    planned = pd.DataFrame([{"dataset": s.dataset, "method": s.method, "settings": settings_text(s), "key": s.key}
                            for s in outcome.plan.specs])
    failed = {failure.spec.key for failure in outcome.failures}
    rows = []
    for (dataset, method, settings), runs in planned.groupby(["dataset", "method", "settings"], sort=False):
        scores = test[test["key"].isin(runs["key"])]
        both_splits = outcome.scores[outcome.scores["key"].isin(runs["key"])]
        diverged = both_splits.groupby("key").apply(run_diverged, include_groups=False)
        row = {"dataset": dataset, "method": METHODS[method].label, "settings": settings,
               "runs": f"{scores['key'].nunique()}/{len(runs)}", "failed": int(runs["key"].isin(failed).sum()),
               "diverged": int(diverged.sum()) if len(diverged) else 0}
        for k, at in scores.groupby("bottleneck"):
            mse = at["mse"].to_numpy()
            row[f"MSE k={k}"] = f"{mse.mean():.4g}" + (f" ± {mse.std(ddof=1):.2g}" if len(mse) > 1 else "")
        rows.append(row)
    lines = [f"Study {outcome.plan.study.name}: {len(outcome.plan.specs)} runs, {outcome.from_store} from the "
             f"store, {outcome.trained} trained, {len(outcome.failures)} failed; test MSE mean ± sd over seeds",
             pd.DataFrame(rows).fillna("").to_string(index=False)]
    lines += [f"failed: {f.spec.dataset} · {METHODS[f.spec.method].label} · {settings_text(f.spec)} · training seed "
              f"{f.spec.train_seed}: {f.reason}" for f in outcome.failures]
    if outcome.generation is not None and not outcome.generation.empty:
        lines += ["Sample quality, mean over seeds (Fréchet distance: lower is better; the others: higher)",
                  _generation_summary(outcome.generation)]
    lines += [f"note: {note}" for note in outcome.generation_notes]
    return "\n".join(lines)


def _generation_summary(rows: pd.DataFrame) -> str:
    grouped = rows.groupby(["dataset", "feature_space", "method", "settings", "bottleneck", "sampler"], sort=False)
    table = grouped[["fd", "precision", "recall", "density", "coverage"]].mean().reset_index()
    table["method"] = table["method"].map(lambda m: METHODS[m].label)
    return table.to_string(index=False, float_format=lambda v: f"{v:.3g}")
