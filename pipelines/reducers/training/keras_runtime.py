"""Import Keras lazily, once, with a quiet and deterministic TensorFlow backend."""
from __future__ import annotations

import functools
import gc
import os
import threading


@functools.cache
def keras_module():
    """Return the `keras` module, configuring TensorFlow on first use."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    # 3: also hides the C++ runtime's harmless error lines about tf.data attributes; real errors still raise.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    # Same seed, same numbers: forbid nondeterministic kernels (costs nothing measurable on the CPU).
    tf.config.experimental.enable_op_determinism()
    from pipelines.reducers.training import keras_engine  # noqa: F401  (registers the custom layers saved models use)

    # TensorFlow leaves some 400,000 objects the garbage collector would rescan in every full collection (0.2 s
    # each, during later page reruns); they live as long as the process, so exempt them from collection.
    gc.collect()  # what is garbage now is freed first, not kept for good
    gc.freeze()

    return keras


def start_loading() -> threading.Thread:
    """Import Keras and TensorFlow in a background thread (seconds of work), so that the first fit, started while
    other work runs, finds them loaded; a fit that comes sooner waits for the import in progress."""
    thread = threading.Thread(target=keras_module, name="load-keras", daemon=True)
    thread.start()
    return thread
