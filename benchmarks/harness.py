"""What every benchmark shares: importing the repository, timing, TensorFlow warm-up and target verdicts."""
from __future__ import annotations

import os
import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parents[1]  # `pipelines` itself is installed with the project (pip install -e .)
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hides C++ notices about tf.data op versions


@dataclass
class Timing:
    """Wall-clock and process CPU seconds (all threads) of one timed block."""

    wall: float = 0.0
    cpu: float = 0.0

    def __add__(self, other: "Timing") -> "Timing":
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


@contextmanager
def timed() -> Iterator[Timing]:
    """Measure the wall and CPU seconds of the `with` block into the yielded Timing."""
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall, timing.cpu = time.perf_counter() - wall, time.process_time() - cpu


def machine_line() -> str:
    """Cores, load and library versions: what a reader needs to judge the timings."""
    import keras
    import tensorflow as tf

    load = os.getloadavg()[0]
    return (f"machine: {os.cpu_count()} CPU cores, load average {load:.1f} (1 min); Python "
            f"{platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}")


def load_note() -> str:
    """A warning when other processes compete for the cores, which inflates wall times."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load <= 1.2 * cores:
        return f"load average {load:.1f} on {cores} cores: wall times are representative"
    return (f"load average {load:.1f} on {cores} cores: other processes competed for the CPU, so wall "
            "times are inflated; CPU seconds are less affected")


def import_tensorflow() -> Timing:
    """Import Keras and TensorFlow exactly as `pipelines` does (quiet, deterministic ops)."""
    from pipelines.reducers.training.keras_runtime import keras_module

    with timed() as timing:
        keras_module()
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # every fused fit traces a fresh function; the retracing notice is expected
    return timing


def warm_up_keras_fit() -> Timing:
    """One tiny plain `model.fit`, so the naive loop's first model pays no one-off runtime start-up."""
    import keras
    import numpy as np

    X = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    keras.utils.set_random_seed(0)  # TensorFlow's deterministic mode (set by pipelines) refuses unseeded shuffles
    with timed() as timing:
        inputs = keras.Input((8,))
        model = keras.Model(inputs, keras.layers.Dense(8)(keras.layers.Dense(2)(inputs)))
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        model.fit(X, X, epochs=1, batch_size=32, verbose=0)
        model.predict(X, verbose=0)
    return timing


def warm_up_fused_fit() -> Timing:
    """One tiny fused autoencoder fit, so our first sweep pays no one-off XLA start-up."""
    import numpy as np

    from pipelines import make_reducer

    X = np.random.default_rng(0).random((64, 8), dtype=np.float32)
    with timed() as timing:
        model = make_reducer("nonlinear_ae", 2, hidden_layer_sizes=(4,), epochs=1).fit(X)
        model.inverse_transform(model.transform(X))
    return timing


def verdict(passed: bool, target: str, measured: str) -> str:
    """One PASS/FAIL line against a target."""
    return f"  {'PASS' if passed else 'FAIL'}  {target}: {measured}"


def print_measures(measured: dict[str, float], targets: dict[str, float]) -> None:
    """A table of measures, each with its upper target and verdict where it has one."""
    print(f"{'measure':<50} {'value':>8} {'target':>8}  verdict")
    for name, value in measured.items():
        target = targets.get(name)
        outcome = "" if target is None else ("PASS" if value <= target else "FAIL")
        print(f"{name:<50} {value:8.2f} {'' if target is None else f'{target:8.2f}':>8}  {outcome}")
