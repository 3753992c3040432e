"""Every session-state key the dashboard shares between its modules and pages, and their accessors."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from dashboard.choices import Selection

SELECTION = "selection"  # the sidebar's current `Selection`, or None while no usable dataset is chosen
SELECTED_SAMPLE = "selected_sample"  # test-sample index last clicked in an embedding chart


def widget_key(prefix: str, name: str) -> str:
    """A widget key namespaced by the page or module that owns the widget."""
    return f"{prefix}_{name}"


def selection() -> Selection | None:
    """What the sidebar chose in this run of the script."""
    return st.session_state.get(SELECTION)


def set_selection(chosen: Selection | None) -> None:
    """Publish the sidebar's choices to the page that runs next."""
    st.session_state[SELECTION] = chosen


def selected_sample(default: int) -> int:
    """The sample the user last clicked in an embedding chart, or `default`."""
    return st.session_state.get(SELECTED_SAMPLE, default)


def remember_clicked_sample(chart_key: str) -> Callable[[], None]:
    """A chart's on_select callback that remembers the sample index of the point clicked in it."""
    def remember() -> None:
        points = st.session_state[chart_key].selection.points
        if points:
            st.session_state[SELECTED_SAMPLE] = int(float(points[0]["customdata"][0]))
    return remember
