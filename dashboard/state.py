"""Every session-state key the dashboard shares between its modules and pages, and their accessors."""
from __future__ import annotations

from typing import Callable

import numpy as np
import streamlit as st

from dashboard.choices import Selection

SELECTION = "selection"  # the sidebar's current `Selection`, or None while no usable dataset is chosen
SELECTED_SAMPLES = "selected_samples"  # per dataset key, the sample index last clicked in an embedding chart
URL_READ = "url_read"  # set once the sidebar has taken its starting values from the page's URL
# The sidebar's choices by widget key, kept apart from the widgets: Streamlit drops a widget's value after any run
# that did not draw it (an "Upload CSV…" run ends before the Models section; a page switch interrupts a half-drawn
# run) and redraws it at its minimum, which the link then saved. Only the user's own changes update these.
KEPT_CHOICES = "kept_choices"


def widget_key(prefix: str, name: str) -> str:
    """A widget key namespaced by the page or module that owns the widget."""
    return f"{prefix}_{name}"


def kept_choice(key: str, start: object) -> dict[str, object]:
    """The arguments that bind a widget to its kept choice (`start` until the user changes it): the widget is set
    from the kept value on every run, and the user's changes are copied back by its on_change callback."""
    kept = st.session_state.setdefault(KEPT_CHOICES, {})
    kept.setdefault(key, start)
    st.session_state[key] = kept[key]
    return {"key": key, "on_change": _keep, "args": (key,)}


def keep_choice(key: str, value: object) -> None:
    """Set a kept choice from outside its widget (a link, a reset button); its widget shows it on the next draw."""
    st.session_state.setdefault(KEPT_CHOICES, {})[key] = value


def _keep(key: str) -> None:
    keep_choice(key, st.session_state[key])


def selection() -> Selection | None:
    """What the sidebar chose in this run of the script."""
    return st.session_state.get(SELECTION)


def set_selection(chosen: Selection | None) -> None:
    """Publish the sidebar's choices to the page that runs next."""
    st.session_state[SELECTION] = chosen


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
