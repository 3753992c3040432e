"""One resolver: lock each key, load what is stored, execute the rest, save; the CLI, studies and jobs share it."""
import pytest

from pipelines import load_dataset, plan
from pipelines.runs.resolver import LOADED, resolve
from pipelines.runs.store import RunStore
from pipelines.runs.tasks import InProcessExecutor


class CountingExecutor(InProcessExecutor):
    """The in-process executor, remembering which runs it was asked to compute."""

    def __init__(self):
        super().__init__()
        self.computed: list[str] = []

    def map(self, specs, data, on_event=None, should_stop=None):
        self.computed += [spec.key for spec in specs]
        yield from super().map(specs, data, on_event, should_stop)


@pytest.fixture(scope="module")
def planned():
    return plan(load_dataset("iris"), ["pca", "kernel_pca"], [1, 2])


def test_what_is_stored_is_loaded_and_only_the_rest_is_executed_and_saved(planned, tmp_path):
    data, (pca, kernel_pca) = planned
    store, executor, events = RunStore(tmp_path), CountingExecutor(), []
    first = list(resolve([pca], data, store, executor))
    assert executor.computed == [pca.key] and store.contains(pca) and not first[0].from_store

    results = list(resolve([pca, kernel_pca], data, store, executor, events.append))
    assert executor.computed == [pca.key, kernel_pca.key], "the stored run is not computed again"
    assert [r.spec.key for r in results] == [pca.key, kernel_pca.key] and results[0].from_store
    assert [e.task for e in events if e.message == LOADED] == [pca.key]
    assert store.contains(kernel_pca)


def test_a_study_counts_the_runs_it_loads_and_saves_as_its_own(planned, tmp_path):
    data, (pca, kernel_pca) = planned
    store = RunStore(tmp_path)
    list(resolve([pca], data, store))
    list(resolve([pca, kernel_pca], data, store, study="mine"))
    assert dict(zip(store.runs()["key"], store.runs()["study"])) == {pca.key: "mine", kernel_pca.key: "mine"}


def test_without_a_store_everything_is_executed_and_nothing_kept(planned, tmp_path):
    data, specs = planned
    executor = CountingExecutor()
    assert len(list(resolve(specs, data, None, executor))) == 2 and len(executor.computed) == 2


def test_keys_are_locked_while_their_runs_resolve(planned, tmp_path):
    data, (pca, _) = planned
    store = RunStore(tmp_path)
    results = resolve([pca], data, store)
    next(results)
    assert store.lock(pca.key).is_locked is False  # another lock object: is_locked reports only its own holding
    other = store.lock(pca.key)
    with pytest.raises(TimeoutError):
        other.acquire(timeout=0.1)
    list(results)
    other.acquire(timeout=1)
    other.release()
