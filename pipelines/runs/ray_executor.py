"""Tasks on a Ray cluster (or a local Ray instance): an `Executor` whose workers fit one repeat group each.

The dataset goes to the object store once per `map`; each worker pins TensorFlow's thread pools to the CPUs its
task holds, fits the group and sends back `PlainResult`s (scores as CSV text, models as their saved files), so
no pickled model crosses the wire and only the driver writes the run store. A worker is replaced after
`tasks_per_worker` tasks (Ray's `max_calls`), so memory TensorFlow leaks cannot pile up, and a task whose worker
dies is retried by Ray (`max_retries`); a task that raises is not retried: its error is its own.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Iterator, Sequence

from pipelines.data.preprocessing import PreparedData
from pipelines.errors import InputError, TrainingStopped
from pipelines.runs.spec import RunSpec
from pipelines.runs.tasks import (
    EventSink,
    FailureSink,
    ProgressEvent,
    TaskResult,
    error_line,
    execute_together,
    repeat_groups,
)
from pipelines.runs.transport import PlainResult, from_plain, to_plain

ADDRESS_ENV_VAR = "RAY_ADDRESS"


def pin_threads(threads: int) -> None:
    """Size TensorFlow's thread pools to `threads` before TensorFlow starts in this process (it reads these once)."""
    if "tensorflow" not in sys.modules:
        os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
        os.environ["TF_NUM_INTEROP_THREADS"] = str(threads)


def fit_group(specs: Sequence[RunSpec], data: PreparedData, threads: int) -> list[PlainResult]:
    """What a worker runs: one repeat group fitted together, its results in plain form."""
    pin_threads(threads)
    return [to_plain(result) for result in execute_together(specs, data)]


def failure_reason(error: BaseException) -> str:
    """One line saying why a task failed: its own exception, or what happened to its worker."""
    import ray.exceptions

    if isinstance(error, ray.exceptions.RayTaskError) and error.cause is not None:
        return error_line(error.cause)
    return error_line(error)


def connect(address: str | None = None, workers: int | None = None) -> bool:
    """Join the Ray cluster at `address` (or $RAY_ADDRESS), else start a local Ray instance with `workers` CPUs
    (all cores by default); True when this call started or joined it, False when this process already had."""
    import ray

    if ray.is_initialized():
        return False
    address = address or os.environ.get(ADDRESS_ENV_VAR) or None
    # Workers' output would tear the driver's progress bar; their errors come back with their results.
    options = dict(log_to_driver=False, logging_level="WARNING")
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers or os.cpu_count(), include_dashboard=False, **options)
    except ConnectionError as error:
        raise InputError(f"Cannot reach the Ray cluster at {address} ({error}); start it with `ray start --head`, "
                         "set RAY_AUTH_MODE=token if it uses token authentication, or leave out --address for a "
                         "local instance.") from None
    return True


def disconnect() -> None:
    """Leave the cluster (a local instance stops with it)."""
    import ray

    ray.shutdown()


class RayExecutor:
    """Runs each repeat group as one Ray task, as many at once as the cluster has room for."""

    def __init__(self, on_failure: FailureSink | None = None, *, cpus_per_task: int = 1, tasks_per_worker: int = 10,
                 retries: int = 3):
        self.on_failure = on_failure  # None: a failed task ends the map with its error, like the in-process one
        self.cpus_per_task = cpus_per_task
        self.tasks_per_worker = tasks_per_worker
        self.retries = retries

    def slots(self) -> int:
        """How many tasks the cluster can run at once."""
        import ray

        return max(1, int(ray.cluster_resources().get("CPU", 1) // self.cpus_per_task))

    def map(self, specs: Sequence[RunSpec], data: PreparedData, on_event: EventSink | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
        """Fit every repeat group of `specs` on the cluster, yielding results as their tasks finish."""
        import ray

        connect()  # a no-op when this process has joined a cluster already
        remote = ray.remote(num_cpus=self.cpus_per_task, max_calls=self.tasks_per_worker,
                            max_retries=self.retries, retry_exceptions=False)(fit_group)
        shared = ray.put(data)  # once: every task reads this copy
        waiting, running = list(repeat_groups(specs)), {}
        slots = self.slots()
        try:
            while waiting or running:
                # Never more tasks in flight than the cluster runs at once: "running" means running.
                while waiting and len(running) < slots:
                    group = waiting.pop(0)
                    running[remote.remote(group, shared, self.cpus_per_task)] = group
                    self._report(on_event, group, 0.0, "running on a Ray worker")
                ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
                if should_stop is not None and should_stop():
                    raise TrainingStopped("Training was stopped before it finished; nothing was stored.")
                for ref in ready:
                    group = running.pop(ref)
                    try:
                        plain = ray.get(ref)
                    except (ray.exceptions.RayTaskError, ray.exceptions.WorkerCrashedError,
                            ray.exceptions.NodeDiedError, ray.exceptions.OutOfMemoryError) as error:
                        if self.on_failure is None:
                            raise
                        self.on_failure(group, failure_reason(error))
                        continue
                    self._report(on_event, group, 1.0, "done")
                    yield from (from_plain(spec, result) for spec, result in zip(group, plain))
        finally:
            for ref in running:  # an interrupted driver leaves no orphan work behind
                ray.cancel(ref, force=True)

    @staticmethod
    def _report(on_event: EventSink | None, group: Sequence[RunSpec], fraction: float, message: str) -> None:
        if on_event is not None:
            for spec in group:
                on_event(ProgressEvent(spec.key, fraction, message))
