"""Training that outlives a script run: leaving a page mid-training never abandons the work, and a finished
run is kept on disk (pipelines.runs.store), so a browser refresh or a server restart shows it without retraining.
A job can be stopped, and one that no session has asked about for a while stops by itself.

Trainings take turns for a few slots, shared fairly between sessions (browser tabs): a free slot goes to the
session holding the fewest, first come first served among equals, so no tab can keep every slot while another
waits. Cheap fits (PCA, anything estimated under a second) take no slot, so they never wait behind a training."""
from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from typing import Callable, Protocol

import pipelines
from pipelines import METHODS
from pipelines.reducers import FitControl, cost
from pipelines.runs.store import RunStore
from pipelines.runs.sweep import load_or_fit_repeats

ABANDONED_AFTER_SECONDS = 60.0  # a job nobody has looked at for this long stops, freeing the CPU and memory
CHEAP_SECONDS = 1.0  # fits estimated to take less than this never wait for a training slot, nor do PCA-like fits
SLOT_POLL_SECONDS = 0.2  # how often a job waiting for a slot checks whether it was stopped
# Jobs that train at once: two overlap one's compilation with another's epochs on a 2-core machine, while the cost
# guard's memory estimate (made per job) stays within a small multiple of what it allows.
SLOTS = 2
_SERIAL_NUMBERS = itertools.count(1)


def job_key(specs: tuple[pipelines.RunSpec, ...]) -> str:
    """What names the training of these repeats, e.g. in the set of stopped trainings."""
    return "-".join(spec.key for spec in specs)


class SlotUser(Protocol):
    """What the slots and the waiting message need to know of a training."""

    owner: str  # the session that started it
    label: str  # its method's

    def seconds_left(self) -> float:
        ...


class TrainingSlots:
    """A fixed number of slots that trainings hold while they compile and train, handed out fairly: a free slot
    goes to the waiting training whose owner holds the fewest slots, the earliest among equals."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._changed = threading.Condition()
        self._holders: list[SlotUser] = []
        self._waiting: list[SlotUser] = []  # in order of arrival

    def acquire(self, user: SlotUser, give_up: Callable[[], bool] = lambda: False) -> bool:
        """Wait for a slot for `user` and take it (True), or stop waiting as soon as `give_up()` says so (False)."""
        with self._changed:
            self._waiting.append(user)
            try:
                while not self._is_next(user):
                    if give_up():
                        return False
                    self._changed.wait(SLOT_POLL_SECONDS)
                self._holders.append(user)
                return True
            finally:
                self._waiting.remove(user)
                self._changed.notify_all()  # the next in line may be another waiter now

    def release(self, user: SlotUser) -> None:
        """Give back the slot `user` holds."""
        with self._changed:
            self._holders.remove(user)
            self._changed.notify_all()

    def _is_next(self, user: SlotUser) -> bool:
        if len(self._holders) >= self.capacity:
            return False
        held = Counter(holder.owner for holder in self._holders)
        return min(self._waiting, key=lambda waiting: held[waiting.owner]) is user  # min keeps the earliest of ties

    def holders(self) -> list[SlotUser]:
        """The trainings holding a slot now."""
        with self._changed:
            return list(self._holders)

    def sharing(self, user: SlotUser) -> int:
        """How many trainings share the machine while `user` trains: the slots' holders, `user` among them."""
        with self._changed:
            return max(1, min(self.capacity, len(self._holders) + (user not in self._holders)))


TRAINING_SLOTS = TrainingSlots(SLOTS)
# The trainings a user stopped, for the life of the server: a reload (a new session) shows them stopped instead of
# training them again, until someone asks to train one again. Job key → serial number of the job that was stopped.
_STOPPED_BY_USER: dict[str, int] = {}
_stops = threading.Lock()


def stopped_job(key: str) -> int | None:
    """The serial number of the job of this key that a user stopped (and nobody asked to train again), or None."""
    return _STOPPED_BY_USER.get(key)


def was_stopped(key: str) -> bool:
    """Whether a user stopped the training of this job key (and nobody asked to train it again since)."""
    return key in _STOPPED_BY_USER


def train_again(key: str, serial: int) -> None:
    """Forget the stop of job `serial` of this key, so that the next page asking for the key trains it. A later
    stop of the key (another job's) stays: a "Train again" click that arrives late undoes only what it showed."""
    with _stops:
        if _STOPPED_BY_USER.get(key) == serial:
            del _STOPPED_BY_USER[key]


class TrainingJob:
    """One method's run, with all its repeats, trained in a background thread; any page or session can read its
    progress, await or stop it. `owner` is the session that started it (its slot counts as that session's)."""

    def __init__(self, specs: tuple[pipelines.RunSpec, ...], data: pipelines.PreparedData, owner: str = "",
                 abandoned_after: float = ABANDONED_AFTER_SECONDS, slots: TrainingSlots = TRAINING_SLOTS):
        self.specs = specs
        self.spec = specs[0]  # the first repeat's
        self.key = job_key(specs)
        self.serial = next(_SERIAL_NUMBERS)  # tells apart two jobs of one key, e.g. before and after "Train again"
        self.owner = owner
        self.label = METHODS[self.spec.method].label
        # Slots keep gradient trainings from crowding each other. A method without one (PCA, kernel PCA) takes
        # seconds even on 56,000 images (PCA's estimate there is 6.9 s), and its curve is what a user sees first,
        # so it never queues behind autoencoders that hold both slots.
        self.cheap = (not METHODS[self.spec.method].trained_by_gradient
                      or pipelines.runs.tasks.estimate(specs, data).seconds < CHEAP_SECONDS)
        self.fraction, self.message = 0.0, "waiting to start"
        self.waiting = False  # for a training slot
        self.training = False  # holds a training slot: compiling and epochs, not waiting or loading
        self.results: list[pipelines.TaskResult] | None = None  # one per repeat
        self.error: BaseException | None = None
        self.last_asked = time.monotonic()
        self._abandoned_after = abandoned_after
        self._slots = slots
        self._data = data
        self._ending = threading.Lock()  # a stop and the job's end, one at a time
        self._started: float | None = None  # when the fit began
        self._paced_from: tuple[float, float] | None = None  # (time, fraction) of the first progress report
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
            if not self.cheap:
                self.waiting, self.message = True, "waiting for a training slot"
                slot = self._slots.acquire(self, self._should_stop)
                self.waiting = False
                if not slot:
                    raise pipelines.TrainingStopped("stopped before it started")
            self.message, self.training, self._started = "starting", slot, time.monotonic()
            self.results = load_or_fit_repeats(self.specs, data, store, FitControl(self._report, self._should_stop))
        except BaseException as error:  # handed over to the page that waits for this job
            self.error = error
        finally:
            if slot:
                self._slots.release(self)
            with self._ending:
                if self.results is not None:  # it finished before a late stop could end it: nothing to retrain
                    train_again(self.key, self.serial)
                self._done.set()

    def _report(self, fraction: float, message: str) -> None:
        if self._paced_from is None:
            self._paced_from = (time.monotonic(), fraction)
        self.fraction, self.message = fraction, message

    def _should_stop(self) -> bool:
        return self._stop_requested.is_set() or time.monotonic() - self.last_asked > self._abandoned_after

    def sharing(self) -> int:
        """How many trainings share the machine while this one trains (this one included)."""
        return 1 if self.cheap else self._slots.sharing(self)

    def expected(self) -> cost.Estimate:
        """What the job costs, its time counting the trainings that share the machine with it now."""
        return pipelines.runs.tasks.estimate(self.specs, self._data, self.sharing())

    def seconds_left(self) -> float:
        """Roughly how long until the job ends: from its pace once it reported twice, else from its estimate for
        the trainings that share the machine."""
        now = time.monotonic()
        if self._paced_from is not None and self.fraction > self._paced_from[1]:
            since, start_fraction = self._paced_from
            return (now - since) / (self.fraction - start_fraction) * (1 - self.fraction)
        return max(1.0, self.expected().seconds - (now - self._started if self._started is not None else 0.0))

    def status(self, viewer: str) -> str:
        """What the job is doing, in words for the session `viewer`: whose trainings it waits for and how long
        they will take, or its progress and roughly how long is left."""
        if self.waiting:
            holders = sorted(self._slots.holders(), key=lambda holder: holder.seconds_left())
            whose = " and ".join(f"{'this tab' if holder.owner == viewer else 'another tab'}'s {holder.label} "
                                 f"({cost.about(holder.seconds_left())} left)" for holder in holders)
            return f"waiting for a training slot: {whose}" if whose else "waiting for a training slot"
        if self._started is None or "left" in self.message:  # the fit's own message may already say how long
            return self.message
        return f"{self.message} · {cost.about(self.seconds_left())} left"

    @property
    def stopped(self) -> bool:
        """Whether the job ended because it was stopped (by a user or for being abandoned)."""
        return isinstance(self.error, pipelines.TrainingStopped)

    def stop(self) -> None:
        """Ask the job to stop; it ends within about a second and stores nothing, and its key counts as stopped
        (`was_stopped`) until `train_again`. A job that has ended stays as it is."""
        with self._ending:
            if not self._done.is_set():
                with _stops:
                    _STOPPED_BY_USER[self.key] = self.serial
                self._stop_requested.set()

    def wait(self, seconds: float) -> bool:
        """Whether the job has finished, waiting at most `seconds` for it; asking counts as interest in it."""
        self.last_asked = time.monotonic()
        return self._done.wait(seconds)
