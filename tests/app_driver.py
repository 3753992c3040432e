"""Start the dashboard in Streamlit's AppTest on small, fast settings, and read what its pages show."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dashboard.choices import DEFAULTS_VARIABLE
from pipelines import METHODS

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
TIMEOUT = 180  # the first run in a process imports TensorFlow and compiles the training step
# Few epochs and small layers for every method that trains by gradient, whatever the registry holds.
FAST_SETTINGS = {m: {"epochs": 5, **({"hidden_layer_sizes": [8]} if any(
    s.name == "hidden_layer_sizes" for s in entry.settings) else {})}
    for m, entry in METHODS.items() if entry.trained_by_gradient}
FAST = {"dataset": "iris", "sweep_sizes": [1, 2, 3], "settings": FAST_SETTINGS}
DEFAULT_ON = [m for m, entry in METHODS.items() if entry.default_on]
DEFAULT_AUTOENCODERS = [m for m in DEFAULT_ON if METHODS[m].trained_by_gradient]


def start(monkeypatch, **overrides) -> AppTest:
    """The app's first run under FAST defaults, changed by `overrides` (fields of dashboard.choices.Defaults)."""
    monkeypatch.setenv(DEFAULTS_VARIABLE, json.dumps({**FAST, **overrides}))
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    return app


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def charts(app: AppTest) -> list:
    return app.get("plotly_chart")


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in charts(app)]


def shown(table) -> pd.DataFrame:
    """The text st.dataframe shows in each cell: a Styler's display values, else the values as text."""
    display = table.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display) if display else table.value.astype(str)


def values(array: list | dict) -> np.ndarray:
    """A trace's array from a figure's JSON, where Plotly may encode numbers as base64 typed arrays."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)
