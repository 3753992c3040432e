"""Every session-state key the dashboard shares between its modules and pages, and their accessors."""
from __future__ import annotations

from typing import Callable

import numpy as np
import streamlit as st

from dashboard.choices import Selection

SELECTION = "selection"  # the sidebar's current `Selection`, or None while no usable dataset is chosen
SELECTED_SAMPLES = "selected_samples"  # per dataset key, the sample index last clicked in an embedding chart
STOPPED_RUNS = "stopped_runs"  # spec keys of trainings this session stopped; they wait for "Train again"
URL_READ = "url_read"  # set once the sidebar has taken its starting values from the page's URL


def widget_key(prefix: str, name: str) -> str:
    """A widget key namespaced by the page or module that owns the widget."""
    return f"{prefix}_{name}"


def selection() -> Selection | None:
    """What the sidebar chose in this run of the script."""
    return st.session_state.get(SELECTION)


def set_selection(chosen: Selection | None) -> None:
    """Publish the sidebar's choices to the page that runs next."""
    st.session_state[SELECTION] = chosen


def stopped_runs() -> set[str]:
    """Spec keys of the trainings this session stopped."""
    return st.session_state.setdefault(STOPPED_RUNS, set())


def selected_sample(dataset_key: str, test_index: np.ndarray) -> int:
    """The test sample last clicked in an embedding chart of this dataset, or its first test sample."""
    clicked = st.session_state.get(SELECTED_SAMPLES, {}).get(dataset_key)
    return clicked if clicked is not None and clicked in test_index else int(test_index[0])


def remember_clicked_sample(chart_key: str, dataset_key: str) -> Callable[[], None]:
    """A chart's on_select callback that remembers the sample index of the point clicked in it."""
    def remember() -> None:
        points = st.session_state[chart_key].selection.points
        if points:
            clicked = st.session_state.setdefault(SELECTED_SAMPLES, {})
            clicked[dataset_key] = int(float(points[0]["customdata"][0]))
    return remember
