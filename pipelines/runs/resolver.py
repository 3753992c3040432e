"""The one path from run definitions to results, shared by the command line, studies and the dashboard's jobs:
lock every key, load what the store holds, execute the rest on an executor and save it.

Only this driver writes the store; executors compute, the store stores. Keys are locked in one sorted order, so two
sessions (or processes) asking for the same run share one computation and two asking for overlapping runs cannot
deadlock.
"""
from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from pipelines.data.preprocessing import PreparedData
from pipelines.runs.spec import RunSpec
from pipelines.runs.tasks import EventSink, Executor, InProcessExecutor, ProgressEvent, TaskResult

if TYPE_CHECKING:
    from pipelines.runs.store import RunStore

LOADED = "loaded from the run store"


def resolve(specs: Sequence[RunSpec], data: PreparedData, store: "RunStore | None", executor: Executor | None = None,
            on_event: EventSink | None = None, study: str | None = None,
            should_stop: Callable[[], bool] | None = None) -> Iterator[TaskResult]:
    """The results of `specs` (runs on the split `data`) as they are ready: stored ones loaded (and counted as
    `study`'s when given), then the others as `executor` (in this process by default) finishes them, each saved
    first. A run the executor reports as failed instead of raising (a study's executors do) is left out. Without a
    store every run is executed and nothing is kept. The keys stay locked until the iteration ends."""
    unique = list({spec.key: spec for spec in specs}.values())
    loaded = set()
    with ExitStack() as locks:
        for key in sorted(spec.key for spec in unique) if store is not None else ():
            locks.enter_context(store.lock(key))
        for spec in unique if store is not None else ():
            stored = store.load(spec, data)
            if stored is not None:
                if study is not None:
                    store.join_study(spec.key, study)
                loaded.add(spec.key)
                if on_event is not None:
                    on_event(ProgressEvent(spec.key, 1.0, LOADED))
                yield stored
        missing = [spec for spec in unique if spec.key not in loaded]
        if missing:
            for result in (executor or InProcessExecutor()).map(missing, data, on_event, should_stop):
                if store is not None:
                    store.save(result, study=study)
                yield result
