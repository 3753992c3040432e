"""What the user chose in the sidebar, the defaults they start from, and the runs those choices define."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields, replace

import pipelines
from pipelines import DEFAULT_DATASET, METHODS
from pipelines.analysis.repeats import repeat_seeds, repeats_to_fit, training_seeds
from pipelines.data.preprocessing import training_rows

DEFAULTS_VARIABLE = "LATENT_LAB_DASHBOARD_DEFAULTS"  # JSON overriding `Defaults` fields, e.g. for fast tests


@dataclass(frozen=True)
class Defaults:
    """Where the sidebar starts: the registry's own settings unless the environment overrides them."""

    dataset: str = DEFAULT_DATASET
    sweep_sizes: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    bottleneck: int = 2
    methods: tuple[str, ...] = field(default_factory=lambda: tuple(m for m in METHODS if METHODS[m].default_on))
    test_size: float = 0.2
    split_seed: int = 0
    train_seed: int = 0
    repeats: int = 1
    vary_split: bool = False
    settings: dict[str, dict[str, object]] = field(default_factory=dict)  # per method, overrides of its schema

    def setting(self, method: str, name: str) -> object:
        """The starting value of one of `method`'s settings."""
        schema = next(s for s in METHODS[method].settings if s.name == name)
        value = self.settings.get(method, {}).get(name, schema.default)
        return tuple(value) if schema.kind == "layers" else value


def defaults() -> Defaults:
    """The sidebar's starting values, with any overrides from the DEFAULTS_VARIABLE environment variable."""
    overrides = json.loads(os.environ.get(DEFAULTS_VARIABLE) or "{}")
    unknown = set(overrides) - {f.name for f in fields(Defaults)}
    if unknown:
        raise ValueError(f"{DEFAULTS_VARIABLE} has unknown setting(s): {', '.join(sorted(unknown))}.")
    tuples = {k: tuple(v) for k, v in overrides.items() if isinstance(v, list)}
    return replace(Defaults(), **{**overrides, **tuples})


def default_sweep_sizes(preferred: tuple[int, ...], max_bottleneck: int) -> list[int]:
    """The preferred sizes that fit the data, ending at the largest size when the data are narrower."""
    sizes = [k for k in preferred if k <= max_bottleneck]
    if max_bottleneck < max(preferred) and max_bottleneck not in sizes:
        sizes.append(max_bottleneck)
    return sizes


@dataclass(frozen=True, eq=False)
class Selection:
    """The sidebar's choices: a loaded dataset, which methods, which sizes and each method's settings."""

    dataset: pipelines.Dataset
    dataset_key: str  # the built-in's name, or the upload's content hash and label column
    max_bottleneck: int
    bottleneck: int
    sweep_sizes: tuple[int, ...]
    methods: tuple[str, ...]  # chosen and able to train: valid settings, accepted data, within the cost limits
    test_size: float
    split_seed: int
    train_seed: int  # of the first repeat
    settings: dict[str, dict[str, object]]  # per method, the values of its settings schema
    problems: dict[str, str] = field(default_factory=dict)  # chosen methods that cannot train, and why
    repeats: int = 1  # trainings of every method, with training seeds from train_seed up
    vary_split: bool = False  # repeated hold-out: repeat i also has its own split, split seed split_seed + i

    @property
    def train_seeds(self) -> tuple[int, ...]:
        """The training seed of every repeat."""
        return training_seeds(self.train_seed, self.repeats)

    def specs(self, method: str, sizes: tuple[int, ...]) -> tuple[pipelines.RunSpec, ...]:
        """The runs of `method` at `sizes` under these choices, one per repeat (the first repeat's first); a
        deterministic method's once per split, and with `vary_split` each repeat on its own split."""
        repeats = repeat_seeds(self.split_seed, self.train_seeds, self.vary_split)
        n_training_rows = training_rows(len(self.dataset.X), self.test_size)
        return tuple(pipelines.run_spec(self.dataset, method, sizes, test_size=self.test_size, split_seed=split,
                                        train_seed=seed, settings=self.settings.get(method))
                     for split, seed in repeats_to_fit(method, n_training_rows, repeats))

    def sizes_for(self, k: int) -> tuple[int, ...]:
        """Where models of bottleneck `k` come from: the sweep when it has `k`, else a run of `k` alone."""
        return self.sweep_sizes if k in self.sweep_sizes else (k,)


@dataclass(frozen=True, eq=False)
class ModelsAt:
    """Fitted models of several methods at one bottleneck, the data they share, and what identifies them."""

    key: tuple[tuple[str, ...], int]  # the runs' spec keys and the bottleneck
    bottleneck: int
    data: pipelines.PreparedData
    models: dict[str, object]  # method -> fitted reducer; shared between sessions, never mutated
