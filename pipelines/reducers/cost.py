"""The cost guard: what a fit will cost, estimated before anything trains, and the limits it must stay within.

Limits live here and nowhere else; set LATENT_LAB_LIMITS to JSON overriding any of them, e.g.
`LATENT_LAB_LIMITS='{"max_layer_width": 8192}'`.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields, replace

from pipelines.errors import InputError
from pipelines.reducers.training.architectures import dense_layer_widths

LIMITS_VARIABLE = "LATENT_LAB_LIMITS"
# Measured on the 2-core reference machine: the fused dense trainer sustains about 20 GFLOP/s.
FLOPS_PER_SECOND = 2e10
SLOW_SECONDS = 30.0  # fits estimated to take longer are announced before they start
MONITORED_ROWS_AT_ONCE = 12_288  # rows × models the fused trainer scores per call at an epoch's end


@dataclass(frozen=True)
class Limits:
    """The largest fit the library accepts."""

    max_layer_width: int = 4096
    max_parameters: int = 5_000_000  # per model
    max_seconds: float = 3600.0  # estimated training time of one method's group
    max_memory_gb: float = 0.9  # estimated extra memory of one method's group: the server stays under 1.5 GB


def limits() -> Limits:
    """The limits, with any overrides from LATENT_LAB_LIMITS."""
    overrides = json.loads(os.environ.get(LIMITS_VARIABLE) or "{}")
    unknown = set(overrides) - {f.name for f in fields(Limits)}
    if unknown:
        raise InputError(f"{LIMITS_VARIABLE} has unknown limit(s) {', '.join(sorted(unknown))}; use "
                         f"{', '.join(f.name for f in fields(Limits))}.")
    return replace(Limits(), **overrides)


@dataclass(frozen=True)
class Estimate:
    """What fitting one method at several bottleneck sizes will cost."""

    parameters: int  # of the largest single model
    widest_layer: int
    seconds: float  # wall time of the whole group, roughly
    memory_bytes: float

    @property
    def is_slow(self) -> bool:
        """Whether the fit deserves an announcement before it starts."""
        return self.seconds > SLOW_SECONDS

    def describe(self) -> str:
        """E.g. "about 2 min (1.2 M parameters per model)"."""
        return f"{about(self.seconds)} ({self.parameters / 1e6:.2g} M parameters per model)"


def about(seconds: float) -> str:
    """A rough duration in words, e.g. "about 40 s" or "about 2 min"; never less than a second."""
    minutes = seconds / 60
    return f"about {minutes:.0f} min" if minutes >= 1.5 else f"about {max(1.0, seconds):.0f} s"


def check(label: str, estimate: Estimate, within: Limits | None = None) -> None:
    """Refuse, with one sentence saying what to change, a fit that exceeds the limits."""
    within = within or limits()
    if estimate.widest_layer > within.max_layer_width:
        raise InputError(f"{label}: a layer of {estimate.widest_layer:,} units is wider than the limit of "
                         f"{within.max_layer_width:,}; use narrower hidden layers.")
    if estimate.parameters > within.max_parameters:
        raise InputError(f"{label}: {estimate.parameters:,} parameters per model exceed the limit of "
                         f"{within.max_parameters:,}; use fewer or narrower hidden layers.")
    if estimate.memory_bytes > within.max_memory_gb * 1e9:
        raise InputError(f"{label}: training would need about {estimate.memory_bytes / 1e9:.1f} GB of memory, "
                         f"more than the limit of {within.max_memory_gb:g} GB; use fewer rows, sizes or units.")
    if estimate.seconds > within.max_seconds:
        raise InputError(f"{label}: training would take {estimate.describe()}, more than the limit of "
                         f"{within.max_seconds / 60:.0f} min; use fewer epochs or smaller layers.")


def dense_autoencoder_estimate(n_rows: int, n_features: int, sizes: tuple[int, ...], hidden: tuple[int, ...],
                               rows_processed: int, models_per_size: int = 1, monitored_rows: int = 0) -> Estimate:
    """Cost of training mirrored dense autoencoders at `sizes` together, each padded to the widest code (as the fused
    trainer stacks them), for `rows_processed` rows (steps × batch size) each."""
    layers = dense_layer_widths(n_features, max(sizes), hidden)
    parameters = sum((inputs + 1) * units for inputs, units in layers)
    stacked = parameters * len(sizes) * models_per_size
    models, widest = len(sizes) * models_per_size, max(w for _, w in layers)
    # Forward and backward passes cost about 6 floating-point operations per weight per sample.
    seconds = 6.0 * stacked * rows_processed / FLOPS_PER_SECOND + 3.0  # plus one XLA compilation
    # Ten float32 copies of the stacked weights: the weights, Adam's two moments, the gradient, the initial and best
    # weights kept for early stopping, the arrays they are built from and XLA's temporaries (measured on mnist-5k:
    # 1.2 GB above the loaded process for 30 M stacked weights, benchmarks/guard_memory.py), plus a batch's
    # activations per model.
    memory = 10 * 4 * stacked + 4 * 2 * 256 * widest * len(layers) * models
    # One float32 copy of the data for the compiled steps; the rows scored at each epoch's end are scored in chunks
    # of MONITORED_ROWS_AT_ONCE rows × models, whatever the number of models.
    memory += 4 * n_rows * n_features
    memory += 4 * 3 * min(monitored_rows * models, MONITORED_ROWS_AT_ONCE) * (n_features + widest)
    return Estimate(parameters, max(units for _, units in layers), seconds, memory)
