"""Background training jobs: a job nobody watches stops by itself, a watched one runs on, and a stopped one
stores nothing; progress never claims that no time is left while epochs remain."""
from __future__ import annotations

import re
import time

import pytest

from dashboard.jobs import TrainingJob
from pipelines import load_dataset, prepare, run_spec
from pipelines.reducers.fused_training import progress_message
from pipelines.store import RunStore

LONG = {"epochs": 100_000}  # far longer than any test waits


@pytest.fixture(scope="module")
def iris():
    return load_dataset("iris")


def _job(dataset, abandoned_after: float) -> TrainingJob:
    spec = run_spec(dataset, "linear_ae", (1, 2), settings=LONG)
    return TrainingJob((spec,), prepare(dataset), abandoned_after=abandoned_after)


def _stored(job: TrainingJob) -> bool:
    return job.spec.key in set(RunStore().runs()["key"])


def test_a_job_nobody_asks_about_stops_by_itself_and_stores_nothing(iris):
    job = _job(iris, abandoned_after=1.0)
    assert job._done.wait(120), "an abandoned job ends"
    assert job.stopped and job.results is None and not _stored(job)


def test_a_watched_job_keeps_training_until_it_is_stopped(iris):
    job = _job(iris, abandoned_after=2.0)
    deadline = time.monotonic() + 6.0  # three times as long as an unwatched job would last
    while time.monotonic() < deadline:
        assert not job.wait(0.2), "a job that a page keeps asking about runs on"
    assert job.fraction > 0
    job.stop()
    asked = time.monotonic()
    # About a second on an idle machine (pipelines' own test holds it to 1 s); the slack is for a busy CI worker.
    assert job.wait(10.0) and time.monotonic() - asked < 2.5, "a stop ends the job within about a second"
    assert job.stopped and not _stored(job)


@pytest.mark.parametrize("epochs", [2, 7, 200])
@pytest.mark.parametrize("seconds_per_epoch", [1e-4, 0.004, 0.3, 2.5])
def test_progress_never_reads_zero_seconds_left_while_epochs_remain(epochs, seconds_per_epoch):
    for epoch in range(epochs):
        message = progress_message(epoch, epochs, seconds_per_epoch * epoch)
        assert f"epoch {epoch + 1}/{epochs}" in message
        left = re.search(r"at most (\d+) s left", message)
        assert left is None or int(left.group(1)) >= 1
        if epoch + 1 < epochs and epoch > 0:
            assert left or "under 1 s left" in message


def test_a_job_waiting_for_a_training_slot_can_be_stopped_there_and_holds_none(iris, monkeypatch):
    from dashboard import jobs

    monkeypatch.setattr(jobs, "TRAINING_SLOTS", jobs.threading.BoundedSemaphore(1))
    jobs.TRAINING_SLOTS.acquire()  # another training holds the only slot
    job = _job(iris, abandoned_after=60.0)
    deadline = time.monotonic() + 30
    while job.message != "waiting for another training to finish" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.message == "waiting for another training to finish" and not job.training
    job.stop()
    assert job.wait(2.0) and job.stopped and not _stored(job)
    jobs.TRAINING_SLOTS.release()
    assert jobs.TRAINING_SLOTS.acquire(timeout=1), "the stopped job holds no slot"


def test_a_stored_run_loads_without_waiting_for_a_training_slot(iris, monkeypatch):
    from dashboard import jobs

    spec = run_spec(iris, "pca", (1, 2))
    data = prepare(iris)
    RunStore().load_or_execute(spec, data)
    monkeypatch.setattr(jobs, "TRAINING_SLOTS", jobs.threading.BoundedSemaphore(1))
    jobs.TRAINING_SLOTS.acquire()
    job = TrainingJob((spec,), data)
    assert job.wait(10.0) and job.error is None and job.results[0].from_store
