"""The fitted models a page needs under the sidebar's choices: cached runs, trained with progress when missing.

A method's sweep is one cached training job, keyed by its `RunSpec`; models at a bottleneck outside the sweep
come from a small job of that size alone. So changing only the bottleneck or a view option reuses what exists,
switching a method off and on again, or changing autoencoder settings, never retrains PCA, and a page left
mid-training leaves its job running for the next page to pick up.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import streamlit as st

import pipelines
from dashboard import cache, state
from dashboard.choices import ModelsAt, Selection
from dashboard.plain_text import markdown_literal

PROGRESS_INTERVAL_SECONDS = 0.25
FIRST_EPOCH_HINT = " (the first epoch also builds and compiles the model, which takes a few seconds)"


def require_selection() -> Selection:
    """The sidebar's choices; stops the page with a hint while no usable dataset is chosen."""
    chosen = state.selection()
    if chosen is None:
        st.info("Choose a dataset in the sidebar, or upload a CSV file that can be read, to see this page.")
        st.stop()
    return chosen


def _methods(selection: Selection, methods: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(methods or selection.methods)
    if not chosen:
        st.info("Turn on at least one method in the sidebar.")
        st.stop()
    return chosen


def _run(selection: Selection, method: str, sizes: tuple[int, ...], stage: str) -> pipelines.RunResult:
    """The run of `method` at `sizes`, showing its training progress (what trains, time left) until it is ready."""
    spec = selection.spec(method, sizes)
    job = cache.training_job(spec, selection.dataset)
    if not job.wait(0):
        bar = st.progress(job.fraction, text=f"{stage} · starting")
        while not job.wait(PROGRESS_INTERVAL_SECONDS):
            hint = FIRST_EPOCH_HINT if job.fraction == 0 else ""
            bar.progress(job.fraction, text=f"{stage} · {markdown_literal(job.message)}{hint}")
        bar.empty()
    if job.error is not None:
        cache.training_job.clear(spec, selection.dataset)  # a later run of the page tries again
        if isinstance(job.error, pipelines.InputError):
            st.error(markdown_literal(job.error))
            st.stop()
        raise job.error
    return job.result


def sweep_in_stages(selection: Selection, methods: Sequence[str] | None = None
                    ) -> Iterator[dict[str, pipelines.RunResult]]:
    """The sweep's runs, yielded as each method becomes ready, so pages can draw before everything trains."""
    methods = _methods(selection, methods)
    if not selection.sweep_sizes:
        st.info("Choose at least one sweep size in the sidebar.")
        st.stop()
    runs: dict[str, pipelines.RunResult] = {}
    for i, method in enumerate(methods, 1):
        runs[method] = _run(selection, method, selection.sweep_sizes, f"Training step {i} of {len(methods)}")
        yield dict(runs)


def sweep(selection: Selection, methods: Sequence[str] | None = None) -> dict[str, pipelines.RunResult]:
    """Every method's run over the sweep sizes, keyed by method."""
    *_, runs = sweep_in_stages(selection, methods)
    return runs


def models_at(selection: Selection, k: int, methods: Sequence[str] | None = None) -> ModelsAt:
    """Every method's model with `k` codes: from the sweep when it has `k`, else from a run of `k` alone."""
    methods = _methods(selection, methods)
    sizes = selection.sizes_for(k)
    runs = {m: _run(selection, m, sizes, f"Training step {i} of {len(methods)}") for i, m in enumerate(methods, 1)}
    key = (tuple(selection.spec(m, sizes) for m in methods), k)
    return ModelsAt(key, k, next(iter(runs.values())).data, {m: run.models[(m, k)] for m, run in runs.items()})
