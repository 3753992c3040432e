"""Choosing a test sample by label and index, starting from the one clicked in the Embeddings charts."""
from __future__ import annotations

import numpy as np

import pipelines
from dashboard.state import widget_key
from dashboard.tables import label_text

ANY_LABEL = "any"


def _caption(dataset: pipelines.Dataset, row: int) -> str:
    label = "" if dataset.y is None else f" · {dataset.label_name} {label_text(dataset.y[row])}"
    return f"#{row}{label}"


def pick_sample(where, title: str, data: pipelines.PreparedData, default: int, prefix: str) -> int:
    """A test sample (its dataset row) picked in `where`: by class first where labels are classes, then by index;
    it starts at `default`, and a new `default` (another click in Embeddings) starts it afresh."""
    dataset, rows = data.dataset, data.test_index
    key = widget_key(prefix, f"{title}_{default}")
    if dataset.label_kind == "categorical":
        classes = [ANY_LABEL, *sorted({label_text(v) for v in data.y_test})]
        chosen = where.selectbox(f"{title}: {dataset.label_name}", classes, key=f"{key}_label",
                                 help="Narrow the samples below to one class.")
        if chosen != ANY_LABEL:
            rows = rows[np.array([label_text(v) == chosen for v in data.y_test])]
    start = int(np.flatnonzero(rows == default)[0]) if default in rows else 0
    return int(where.selectbox(f"{title}: test sample", rows, index=start, key=f"{key}_row",
                               format_func=lambda row: _caption(dataset, int(row))))


def other_sample(data: pipelines.PreparedData, sample: int) -> int:
    """A test sample to pair with `sample`: the first of another class where there are classes, else the next."""
    labels, rows = data.y_test, data.test_index
    if data.dataset.label_kind == "categorical":
        others = rows[labels != data.dataset.y[sample]]
        if len(others):
            return int(others[0])
    position = int(np.flatnonzero(rows == sample)[0])
    return int(rows[(position + 1) % len(rows)])
