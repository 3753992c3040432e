"""What the user chose in the sidebar, the defaults they start from, and the runs those choices define."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields, replace

import pipelines
from pipelines import DEFAULT_DATASET, METHODS

DEFAULTS_VARIABLE = "LATENT_LAB_DASHBOARD_DEFAULTS"  # JSON overriding `Defaults` fields, e.g. for fast tests


def _library_default(method: str, name: str):
    return pipelines.make_reducer(method, 1).get_params()[name]


@dataclass(frozen=True)
class Defaults:
    """Where the sidebar starts: the library's own settings unless the environment overrides them."""

    dataset: str = DEFAULT_DATASET
    sweep_sizes: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    bottleneck: int = 2
    methods: tuple[str, ...] = tuple(METHODS)
    test_size: float = 0.2
    seed: int = 0
    hidden_layer_sizes: tuple[int, ...] = field(
        default_factory=lambda: tuple(_library_default("nonlinear_ae", "hidden_layer_sizes")))
    activation: str = field(default_factory=lambda: _library_default("nonlinear_ae", "activation"))
    nonlinear_epochs: int = field(default_factory=lambda: _library_default("nonlinear_ae", "epochs"))
    linear_epochs: int = field(default_factory=lambda: _library_default("linear_ae", "epochs"))
    learning_rate: float = field(default_factory=lambda: _library_default("nonlinear_ae", "learning_rate"))
    batch_size: int = field(default_factory=lambda: _library_default("nonlinear_ae", "batch_size"))


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


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines one method's fitted models: changing anything here means training again."""

    dataset_key: str
    method: str
    sizes: tuple[int, ...]
    test_size: float
    seed: int
    params: tuple[tuple[str, object], ...]


@dataclass(frozen=True, eq=False)
class Selection:
    """The sidebar's choices: a loaded dataset, which methods, which sizes and the training settings."""

    dataset: pipelines.Dataset
    dataset_key: str  # the built-in's name, or the upload's content hash and label column
    max_bottleneck: int
    bottleneck: int
    sweep_sizes: tuple[int, ...]
    methods: tuple[str, ...]
    test_size: float
    seed: int
    params: dict[str, dict[str, object]]  # per method, what the "Autoencoder settings" set

    def spec(self, method: str, sizes: tuple[int, ...]) -> RunSpec:
        """The run of `method` at `sizes` under these choices."""
        params = tuple(sorted(self.params.get(method, {}).items()))
        return RunSpec(self.dataset_key, method, sizes, self.test_size, self.seed, params)

    def sizes_for(self, k: int) -> tuple[int, ...]:
        """Where models of bottleneck `k` come from: the sweep when it has `k`, else a run of `k` alone."""
        return self.sweep_sizes if k in self.sweep_sizes else (k,)


@dataclass(frozen=True, eq=False)
class ModelsAt:
    """Fitted models of several methods at one bottleneck, the data they share, and what identifies them."""

    key: tuple[tuple[RunSpec, ...], int]
    bottleneck: int
    data: pipelines.PreparedData
    models: dict[str, object]  # method -> fitted reducer; shared between sessions, never mutated


def parse_layer_sizes(text: str) -> tuple[int, ...]:
    """Hidden layer widths from text such as "128, 64"; empty text means no hidden layers."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise pipelines.InputError(f"Hidden layers must be positive whole numbers separated by commas, such as "
                                   f"128, 64; not {text!r}.")
    return tuple(int(p) for p in parts)
