"""Training that outlives a script run: leaving a page mid-training never abandons the work, and a finished
run is kept on disk (pipelines.store), so a browser refresh or a server restart shows it without retraining."""
from __future__ import annotations

import threading

import pipelines
from dashboard.choices import RunSpec
from pipelines.store import RunStore


class TrainingJob:
    """One run trained in a background thread; any page or session can read its progress and await its result."""

    def __init__(self, spec: RunSpec, dataset: pipelines.Dataset):
        self.fraction, self.message = 0.0, "waiting to start"
        self.result: pipelines.RunResult | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._train, args=(spec, dataset), name=f"train-{spec.method}", daemon=True).start()

    def _train(self, spec: RunSpec, dataset: pipelines.Dataset) -> None:
        try:
            self.result = RunStore().load_or_run(dataset, [spec.method], list(spec.sizes), test_size=spec.test_size,
                                                 seed=spec.seed, params={spec.method: dict(spec.params)},
                                                 progress=self._report)
        except BaseException as error:  # handed over to the page that waits for this job
            self.error = error
        finally:
            self._done.set()

    def _report(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message

    def wait(self, seconds: float) -> bool:
        """Whether the job has finished, waiting at most `seconds` for it."""
        return self._done.wait(seconds)
