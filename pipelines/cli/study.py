"""`python -m pipelines study STUDY.toml`: expand a study, train what the store lacks (here or on Ray), and
write its tidy CSV and summary."""
from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from pipelines.errors import InputError
from pipelines.runs.store import STORE_ENV_VAR, RunStore
from pipelines.runs.tasks import Executor
from pipelines.study import (
    FailureSink,
    InProcessStudyExecutor,
    StudyProgress,
    load_study,
    plan_study,
    run_study,
    summary,
)

EXIT_FAILED_RUNS = 1
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `study` subcommand and its options."""
    parser = commands.add_parser("study", help="run a grid of runs from a TOML study file (resumable)")
    parser.add_argument("study", type=Path, help="the study file (see studies/ and the README's Studies section)")
    parser.add_argument("--backend", choices=["local", "ray"], default="local",
                        help="where runs train: in this process (default) or on Ray")
    parser.add_argument("--address", default=None,
                        help="Ray cluster address, e.g. 10.0.0.1:6379 (default $RAY_ADDRESS; without either a local "
                             "Ray instance is started)")
    parser.add_argument("--workers", type=int, default=None,
                        help="CPUs of the local Ray instance, one task each (default: all cores)")
    parser.add_argument("--tasks-per-worker", type=int, default=10,
                        help="tasks a Ray worker runs before it is replaced (default 10)")
    parser.add_argument("--retries", type=int, default=3, help="retries of a task whose Ray worker died (default 3)")
    parser.add_argument("--out", type=Path, default=None,
                        help="the study's tidy CSV (default results-STUDY_NAME.csv in the current folder); a study "
                             "that generates also writes its sample quality to the same name ending -generation.csv")
    parser.add_argument("--store-dir", type=Path, default=None,
                        help=f"where finished runs are kept (default ${STORE_ENV_VAR} or the user cache directory)")


class _Bar:
    """A tqdm bar of runs finished, with running and failed counts; its rate and time left count trained runs."""

    def __init__(self, name: str):
        self.bar: tqdm | None = None
        self.name = name

    def __call__(self, progress: StudyProgress) -> None:
        if self.bar is None:
            self.bar = tqdm(total=progress.total, initial=progress.done, desc=self.name, unit="run",
                            file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
        self.bar.set_postfix_str(f"running {progress.running}, failed {progress.failed}", refresh=False)
        self.bar.update(progress.done + progress.failed - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _executor(args: argparse.Namespace) -> Callable[[FailureSink], Executor]:
    """What trains the runs; for Ray, the cluster is joined here, so a wrong address fails before training."""
    if args.backend == "local":
        if args.address or args.workers:
            raise InputError("--address and --workers apply to --backend ray only.")
        return InProcessStudyExecutor
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be 1 or more, not {args.workers}.")
    if args.tasks_per_worker < 1 or args.retries < 0:
        raise InputError("--tasks-per-worker must be 1 or more and --retries 0 or more.")
    from pipelines.runs import ray_executor

    ray_executor.connect(args.address, args.workers)
    return partial(ray_executor.RayExecutor, tasks_per_worker=args.tasks_per_worker, retries=args.retries)


def run_study_command(args: argparse.Namespace) -> int:
    """Run the study of `args`; 0 when every run finished, 1 when some failed (they are listed), 130 when
    interrupted (run it again to resume)."""
    study = load_study(args.study)
    out = args.out or Path(f"results-{study.name}.csv")
    if not out.parent.exists():
        raise InputError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    plan = plan_study(study)  # refuses bad sizes and costs before anything trains
    store = RunStore(args.store_dir)
    executor = _executor(args)
    bar = _Bar(study.name)
    try:
        outcome = run_study(plan, store, executor, on_progress=bar)
    except KeyboardInterrupt:
        bar.close()
        print(f"\nInterrupted: finished runs are in {store.root}; run the same command again to resume.",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        bar.close()
        if args.backend == "ray":
            from pipelines.runs.ray_executor import disconnect

            disconnect()
    generation_out = out.with_name(f"{out.stem}-generation.csv")
    try:
        outcome.scores.to_csv(out, index=False)
        if outcome.generation is not None:
            outcome.generation.to_csv(generation_out, index=False)
    except OSError as error:
        raise InputError(f"Cannot write {out} ({error.strerror}); choose another --out path.") from None
    print(summary(outcome))
    print(f"Wrote {len(outcome.scores)} rows to {out}; runs are stored in {store.root}")
    if outcome.generation is not None:
        print(f"Wrote {len(outcome.generation)} rows of sample quality to {generation_out}")
    return EXIT_FAILED_RUNS if outcome.failures else 0
