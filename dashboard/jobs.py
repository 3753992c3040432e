"""Training that outlives a script run: leaving a page mid-training never abandons the work, and a finished
run is kept on disk (pipelines.store), so a browser refresh or a server restart shows it without retraining.
A job can be stopped, and one that no session has asked about for a while stops by itself."""
from __future__ import annotations

import threading
import time

import pipelines
from pipelines.reducers import FitControl
from pipelines.store import RunStore

ABANDONED_AFTER_SECONDS = 60.0  # a job nobody has looked at for this long stops, freeing the CPU and memory
# Jobs that train at once: two overlap one's compilation with another's epochs on a 2-core machine, while the cost
# guard's memory estimate (made per job) stays within a small multiple of what it allows.
TRAINING_SLOTS = threading.BoundedSemaphore(2)


def job_key(specs: tuple[pipelines.RunSpec, ...]) -> str:
    """What names the training of these repeats, e.g. in the set of stopped trainings."""
    return "-".join(spec.key for spec in specs)


class TrainingJob:
    """One method's run, with all its repeats, trained in a background thread; any page or session can read its
    progress, await or stop it."""

    def __init__(self, specs: tuple[pipelines.RunSpec, ...], data: pipelines.PreparedData,
                 abandoned_after: float = ABANDONED_AFTER_SECONDS):
        self.specs = specs
        self.spec = specs[0]  # the first repeat's
        self.key = job_key(specs)
        self.fraction, self.message = 0.0, "waiting to start"
        self.training = False  # holds a training slot: compiling and epochs, not waiting or loading
        self.results: list[pipelines.TaskResult] | None = None  # one per repeat
        self.error: BaseException | None = None
        self.last_asked = time.monotonic()
        self._abandoned_after = abandoned_after
        self._stop_requested = threading.Event()
        self._done = threading.Event()
        threading.Thread(target=self._train, args=(data,), name=f"train-{self.spec.method}", daemon=True).start()

    def _train(self, data: pipelines.PreparedData) -> None:
        slot = False
        try:
            store = RunStore()
            stored = [store.load(spec, data) for spec in self.specs]
            if all(result is not None for result in stored):  # loading needs no training slot
                self.results = stored
                return
            self.message = "waiting for another training to finish"
            while not (slot := TRAINING_SLOTS.acquire(timeout=0.2)):
                if self._should_stop():
                    raise pipelines.TrainingStopped("stopped before it started")
            self.message, self.training = "starting", True
            self.results = store.load_or_execute_together(self.specs, data, FitControl(self._report,
                                                                                       self._should_stop))
        except BaseException as error:  # handed over to the page that waits for this job
            self.error = error
        finally:
            if slot:
                TRAINING_SLOTS.release()
            self._done.set()

    def _report(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message

    def _should_stop(self) -> bool:
        return self._stop_requested.is_set() or time.monotonic() - self.last_asked > self._abandoned_after

    @property
    def stopped(self) -> bool:
        """Whether the job ended because it was stopped (by a user or for being abandoned)."""
        return isinstance(self.error, pipelines.TrainingStopped)

    def stop(self) -> None:
        """Ask the job to stop; it ends within about a second and stores nothing."""
        self._stop_requested.set()

    def wait(self, seconds: float) -> bool:
        """Whether the job has finished, waiting at most `seconds` for it; asking counts as interest in it."""
        self.last_asked = time.monotonic()
        return self._done.wait(seconds)
