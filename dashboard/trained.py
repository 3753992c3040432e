"""The fitted models a page needs under the sidebar's choices: cached runs, trained with progress when missing.

A method's sweep is one cached training job, keyed by its `RunSpec`; models at a bottleneck outside the sweep
come from a small job of that size alone. So changing only the bottleneck or a view option reuses what exists,
switching a method off and on again, or changing one method's settings, never retrains the others, and a page
left mid-training leaves its job running for the next page to pick up. While a page waits, every training of the
page that has not ended shows its own bar, time left and Stop button, with one Stop all; a stopped training stays
stopped, even after a reload, until its "Train again" button. A method that cannot train (bad settings, data it
does not accept, over the cost limits) or was stopped is reported in the main area and left out, while the other
methods are shown.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import pipelines
from dashboard import cache, jobs, sidebar, state
from dashboard.choices import ModelsAt, Selection
from dashboard.jobs import TrainingJob, job_key
from dashboard.plain_text import markdown_literal
from pipelines import METHODS
from pipelines.data import image_archives

PROGRESS_INTERVAL_SECONDS = 0.25
FIRST_EPOCH_HINT = " (the first epoch also builds and compiles the model, which takes a few seconds)"
# While training, elements left from the previous script run show older choices (e.g. another dataset's images):
# hide them instead of greying them out. Streamlit marks them with data-stale.
# Only in the main area: hiding the sidebar's stale widgets made the Methods box lose its options mid-click.
HIDE_STALE = "<style>[data-testid='stMain'] [data-stale='true'] {display: none !important;}</style>"


def require_selection() -> Selection:
    """The sidebar's choices; stops the page with a hint while no usable dataset is chosen."""
    chosen = state.selection()
    if chosen is None:
        st.info(_no_dataset_hint(st.session_state.get(state.widget_key(sidebar.PREFIX, "dataset"))))
        st.stop()
    return chosen


def _no_dataset_hint(name: str | None) -> str:
    """Why the page has nothing to show: a built-in dataset's files are missing or unreadable, or no dataset."""
    if name not in image_archives.ARCHIVES:
        return "Choose a dataset in the sidebar, or upload a CSV file that can be read, to see this page."
    title = image_archives.ARCHIVES[name].title
    problem = "are not on this machine" if image_archives.missing_files(name) else "cannot be read"
    return (f"{title}'s files {problem} (see the sidebar): get them with the sidebar's **Download {title}** button, "
            f"or import a local copy with `{image_archives.import_command(name)}`, to see this page.")


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


def _session() -> str:
    """This browser tab's session: the owner of the trainings its pages start."""
    context = get_script_run_ctx()
    return context.session_id if context is not None else ""


def _stop(*page_jobs: TrainingJob) -> None:
    for job in page_jobs:
        job.stop()


def _data(selection: Selection) -> pipelines.PreparedData:
    return cache.prepared(selection.dataset_key, selection.test_size, selection.split_seed, selection.dataset)


def _progress_text(job: TrainingJob, viewer: str) -> str:
    hint = FIRST_EPOCH_HINT if job.fraction == 0 and job.training else ""
    return f"{job.label} · {markdown_literal(job.status(viewer))}{hint}"


def _progress_row(job: TrainingJob, viewer: str, panel: int):
    """One training's row of a panel: its estimate when slow, its bar and its Stop button; returns the row (to
    empty when the job ends) and the bar."""
    row = st.empty()
    with row.container():
        expected, others = job.expected(), job.sharing() - 1
        if expected.is_slow:
            shared = f", sharing its cores with {others} other training{'s' * (others > 1)}" if others else ""
            st.caption(f":material/timer: {job.label} will take {expected.describe()} to train on this machine"
                       f"{shared}; you can stop it at any time.")
        bar_column, stop_column = st.columns([3, 1], vertical_alignment="center")
        bar = bar_column.progress(job.fraction, text=_progress_text(job, viewer))
        stop_column.button(f"Stop {job.label}", key=f"stop_{job.serial}_in_{panel}", on_click=_stop, args=(job,),
                           icon=":material/stop_circle:")
    return row, bar


def _await(awaited: TrainingJob, page_jobs: Sequence[TrainingJob | None]) -> None:
    """Show every training of the page that has not ended, each with its bar, time left and Stop button (and one
    Stop all), until `awaited` ends; asking about them all meanwhile keeps any from being taken for abandoned."""
    st.html(HIDE_STALE)
    viewer = _session()
    running = [job for job in dict.fromkeys((*page_jobs, awaited)) if job is awaited or (
        job is not None and not job.wait(0) and not jobs.was_stopped(job.key))]
    panel = st.empty()  # emptied when `awaited` ends: a finished step leaves no bar or Stop button behind
    with panel.container(border=True):
        if len(running) > 1:
            st.button("Stop all", key=f"stop_all_in_{awaited.serial}", on_click=_stop, args=tuple(running),
                      icon=":material/stop_circle:", help="Stop every training of this page")
        rows = {job: _progress_row(job, viewer, awaited.serial) for job in running}
        while not awaited.wait(PROGRESS_INTERVAL_SECONDS):
            for job, (row, bar) in list(rows.items()):
                if job.wait(0):
                    row.empty()
                    del rows[job]
                else:
                    bar.progress(job.fraction, text=_progress_text(job, viewer))
    panel.empty()


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


def _run(selection: Selection, method: str, sizes: tuple[int, ...], first_repeat_only: bool = False,
         page_jobs: Sequence[TrainingJob | None] = ()) -> pipelines.TaskResult | None:
    """The run of `method` at `sizes` with every repeat (or only the first), trained with progress (beside the
    page's other trainings, `page_jobs`) if needed; None (with a message) if it was stopped."""
    specs = _specs(selection, method, sizes, first_repeat_only)
    key, label = job_key(specs), METHODS[method].label
    stopped = jobs.stopped_job(key)
    if stopped is not None:
        st.info(f"Training of **{label}** was stopped before it finished, so nothing was stored and it is left out.",
                icon=":material/stop_circle:")
        st.button(f"Train {label} again", key=f"again_{key}", on_click=jobs.train_again, args=(key, stopped))
        return None
    data = _data(selection)
    job = cache.training_job(specs, data, _session())
    if job.stopped:
        cache.training_job.clear(specs, data)  # it stopped unwatched, or before "Train again"; start afresh
        job = cache.training_job(specs, data, _session())
    if not job.wait(0):
        _await(job, page_jobs)
    if job.stopped:
        return _run(selection, method, sizes, first_repeat_only, page_jobs)
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
    """The training job of `method` at `sizes` with every repeat (or the first), started now unless a user
    stopped it."""
    specs = _specs(selection, method, sizes, first_repeat_only)
    if jobs.was_stopped(job_key(specs)):
        return None
    return cache.training_job(specs, _data(selection), _session())


def sweep_in_stages(selection: Selection, methods: Sequence[str] | None = None
                    ) -> Iterator[dict[str, pipelines.TaskResult]]:
    """The sweep's runs, yielded as each method becomes ready while a later one still trains, so pages can draw
    before everything trains (and draw once when nothing does). Every method's training starts at once."""
    methods = _methods(selection, methods)
    if not selection.sweep_sizes:
        st.info("Choose at least one sweep size in the sidebar.")
        st.stop()
    page_jobs = [_start(selection, method, selection.sweep_sizes) for method in methods]
    runs: dict[str, pipelines.TaskResult] = {}
    shown = 0  # how many of `runs` the page has drawn
    for i, method in enumerate(methods, 1):
        result = _run(selection, method, selection.sweep_sizes, page_jobs=page_jobs)
        if result is not None:
            runs[method] = result
            following = page_jobs[i] if i < len(page_jobs) else None
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
    page_jobs = [_start(selection, m, sizes, only_first) for m in methods]
    runs = {m: _run(selection, m, sizes, only_first, page_jobs) for m in methods}
    runs = {m: run for m, run in runs.items() if run is not None}
    if not runs:
        st.stop()
    key = (tuple(run.spec.key for run in runs.values()), k)
    return ModelsAt(key, k, _data(selection), {m: run.models[(m, k)] for m, run in runs.items()})
