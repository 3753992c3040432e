"""The fitted models a page needs under the sidebar's choices: cached runs, trained with progress when missing.

A method's sweep is one cached training job, keyed by its `RunSpec`; models at a bottleneck outside the sweep
come from a small job of that size alone. So changing only the bottleneck or a view option reuses what exists,
switching a method off and on again, or changing one method's settings, never retrains the others, and a page
left mid-training leaves its job running for the next page to pick up. Every progress bar has a Stop button;
a method that cannot train (bad settings, data it does not accept, over the cost limits) or was stopped is
reported in the main area and left out, while the other methods are shown.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import pandas as pd
import streamlit as st

import pipelines
from dashboard import cache, state
from dashboard.choices import ModelsAt, Selection
from dashboard.jobs import TrainingJob, job_key
from dashboard.plain_text import markdown_literal
from pipelines import METHODS

PROGRESS_INTERVAL_SECONDS = 0.25
FIRST_EPOCH_HINT = " (the first epoch also builds and compiles the model, which takes a few seconds)"
# While training, elements left from the previous script run show older choices (e.g. another dataset's images):
# hide them instead of greying them out. Streamlit marks them with data-stale.
HIDE_STALE = "<style>[data-stale='true'] {display: none !important;}</style>"


def require_selection() -> Selection:
    """The sidebar's choices; stops the page with a hint while no usable dataset is chosen."""
    chosen = state.selection()
    if chosen is None:
        st.info("Choose a dataset in the sidebar, or upload a CSV file that can be read, to see this page.")
        st.stop()
    return chosen


def _methods(selection: Selection, methods: Sequence[str] | None) -> tuple[str, ...]:
    """The requested methods that can train; the others are reported once, with their reason."""
    requested = tuple(methods or (*selection.methods, *selection.problems))
    for method in requested:
        if method in selection.problems:
            st.warning(f"**{METHODS[method].label}** is left out: {markdown_literal(selection.problems[method])}",
                       icon=":material/block:")
    ready = tuple(m for m in requested if m not in selection.problems)
    n_training_rows = len(_data(selection).X_train)
    for method in ready:
        note = METHODS[method].fit_note(n_training_rows)
        if note:
            st.caption(f":material/info: **{METHODS[method].label}:** {markdown_literal(note)}")
    if not ready:
        st.info("Turn on at least one method that can train in the sidebar.")
        st.stop()
    return ready


def _train_again(key: str) -> None:
    state.stopped_runs().discard(key)


def _stop(job: TrainingJob) -> None:
    job.stop()
    state.stopped_runs().add(job.key)


def _data(selection: Selection) -> pipelines.PreparedData:
    return cache.prepared(selection.dataset_key, selection.test_size, selection.split_seed, selection.dataset)


def _await(job: TrainingJob, data: pipelines.PreparedData, stage: str,
           alongside: Sequence[TrainingJob | None] = ()) -> None:
    """Show the job's progress, with a Stop button, until it ends; the jobs `alongside` (training at the same
    time for this page) count as asked about meanwhile, so none of them is taken for abandoned."""
    st.html(HIDE_STALE)
    label = METHODS[job.spec.method].label
    slot = st.empty()  # emptied when the job ends: a finished step leaves no bar or Stop button behind
    with slot.container(border=True):
        estimate = pipelines.tasks.estimate(job.specs, data)
        if estimate.is_slow:
            st.info(f"{label} will take {estimate.describe()} to train on this machine; you can stop it at any time.",
                    icon=":material/timer:")
        bar, stop = st.columns([5, 1], vertical_alignment="center")
        progress = bar.progress(job.fraction, text=f"{stage} · {label} · starting")
        stop.button("Stop training", key=f"stop_{job.key}", on_click=_stop, args=(job,),
                    icon=":material/stop_circle:")
        while not job.wait(PROGRESS_INTERVAL_SECONDS):
            for other in alongside:
                if other is not None:
                    other.wait(0)
            hint = FIRST_EPOCH_HINT if job.fraction == 0 and job.training else ""
            progress.progress(job.fraction, text=f"{stage} · {label} · {markdown_literal(job.message)}{hint}")
    slot.empty()


def _together(results: list[pipelines.TaskResult]) -> pipelines.TaskResult:
    """One method's repeats as one result: the first repeat's models, every repeat's scores."""
    first = results[0]
    if len(results) == 1:
        return first
    return pipelines.TaskResult(first.spec, first.models, pd.concat([r.scores for r in results], ignore_index=True),
                                first.seconds, from_store=all(r.from_store for r in results))


def _specs(selection: Selection, method: str, sizes: tuple[int, ...], first_repeat_only: bool
           ) -> tuple[pipelines.RunSpec, ...]:
    """The runs of `method` at `sizes`: every repeat's, or only the first's."""
    return selection.specs(method, sizes)[:1 if first_repeat_only else None]


def _run(selection: Selection, method: str, sizes: tuple[int, ...], stage: str,
         first_repeat_only: bool = False, alongside: Sequence[TrainingJob | None] = ()
         ) -> pipelines.TaskResult | None:
    """The run of `method` at `sizes` with every repeat (or only the first), trained with progress if needed; None
    (with a message) if it was stopped."""
    specs = _specs(selection, method, sizes, first_repeat_only)
    key, label = job_key(specs), METHODS[method].label
    if key in state.stopped_runs():
        st.info(f"Training of **{label}** was stopped before it finished, so nothing was stored and it is left out.",
                icon=":material/stop_circle:")
        st.button(f"Train {label} again", key=f"again_{key}", on_click=_train_again, args=(key,))
        return None
    data = _data(selection)
    job = cache.training_job(specs, data)
    if job.stopped:
        cache.training_job.clear(specs, data)  # it stopped unwatched, or before "Train again"; start afresh
        job = cache.training_job(specs, data)
    if not job.wait(0):
        _await(job, data, stage, alongside)
    if job.stopped:
        return _run(selection, method, sizes, stage, first_repeat_only, alongside)
    if job.error is not None:
        cache.training_job.clear(specs, data)  # a later run of the page tries again
        if isinstance(job.error, pipelines.InputError):
            st.error(f"**{label}**: {markdown_literal(job.error)}")
            return None
        raise job.error
    return _together(job.results)


def first_repeat_note(selection: Selection) -> None:
    """Say, on a page that shows one model per method, that it is the first repeat's."""
    if selection.repeats > 1:
        st.caption(f":material/info: This page shows the first of {selection.repeats} repeats (training seed "
                   f"{selection.train_seed}); the Error curves page shows every repeat's spread.")


def _start(selection: Selection, method: str, sizes: tuple[int, ...], first_repeat_only: bool = False
           ) -> TrainingJob | None:
    """The training job of `method` at `sizes` with every repeat (or the first), started now unless this session
    stopped it."""
    specs = _specs(selection, method, sizes, first_repeat_only)
    if job_key(specs) in state.stopped_runs():
        return None
    return cache.training_job(specs, _data(selection))


def sweep_in_stages(selection: Selection, methods: Sequence[str] | None = None
                    ) -> Iterator[dict[str, pipelines.TaskResult]]:
    """The sweep's runs, yielded as each method becomes ready while a later one still trains, so pages can draw
    before everything trains (and draw once when nothing does). Every method's training starts at once."""
    methods = _methods(selection, methods)
    if not selection.sweep_sizes:
        st.info("Choose at least one sweep size in the sidebar.")
        st.stop()
    jobs = [_start(selection, method, selection.sweep_sizes) for method in methods]
    runs: dict[str, pipelines.TaskResult] = {}
    shown = 0  # how many of `runs` the page has drawn
    for i, method in enumerate(methods, 1):
        result = _run(selection, method, selection.sweep_sizes, f"Training step {i} of {len(methods)}",
                      alongside=jobs[i:])
        if result is not None:
            runs[method] = result
            following = jobs[i] if i < len(jobs) else None
            if following is not None and not following.wait(0):
                shown = len(runs)
                yield dict(runs)
    if not runs:
        st.stop()
    if shown < len(runs):  # the last ready method, or methods whose follower failed or was stopped
        yield dict(runs)


def sweep(selection: Selection, methods: Sequence[str] | None = None) -> dict[str, pipelines.TaskResult]:
    """Every method's run over the sweep sizes, keyed by method (methods that were stopped are left out)."""
    *_, runs = sweep_in_stages(selection, methods)
    return runs


def models_at(selection: Selection, k: int, methods: Sequence[str] | None = None) -> ModelsAt:
    """Every method's model with `k` codes: from the sweep when it has `k`, else from a run of `k` alone."""
    methods = _methods(selection, methods)
    sizes = selection.sizes_for(k)
    # Pages that show one model per method use the first repeat: a size outside the sweep trains only that one.
    only_first = k not in selection.sweep_sizes
    jobs = [_start(selection, m, sizes, only_first) for m in methods]
    runs = {m: _run(selection, m, sizes, f"Training step {i} of {len(methods)}", first_repeat_only=only_first,
                    alongside=jobs[i:]) for i, m in enumerate(methods, 1)}
    runs = {m: run for m, run in runs.items() if run is not None}
    if not runs:
        st.stop()
    key = (tuple(run.spec.key for run in runs.values()), k)
    return ModelsAt(key, k, _data(selection), {m: run.models[(m, k)] for m, run in runs.items()})
