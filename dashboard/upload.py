"""The sidebar's "Upload CSV…" choice: the user's file, its label column, and the dataset read from it."""
from __future__ import annotations

import streamlit as st

import pipelines
from dashboard import cache
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key

PREFIX = "sidebar"


def _key(name: str) -> str:
    return widget_key(PREFIX, name)


def uploaded() -> tuple[pipelines.Dataset, str] | None:
    """The user's CSV and its key, or None (with a message) until a readable file is chosen."""
    file = st.file_uploader("CSV file", type=["csv", "tsv", "txt"], key=_key("upload"),
                            help="One row per sample, one numeric column per feature, a header row on top. "
                                 "An uploaded file cannot travel in the page's link.")
    if file is None:
        st.info("Choose a CSV file: one row per sample and one numeric column per feature.")
        return None
    raw = file.getvalue()
    label = st.selectbox("Label column (optional)", cache.csv_columns(raw), index=None,
                         placeholder="No label column", key=_key(f"label_{file.file_id}"),
                         help="Colours the plots; it is never used for training.")
    try:
        dataset = cache.uploaded_dataset(raw, label, file.name)
    except pipelines.InputError as error:
        st.error(markdown_literal(error))
        return None
    return dataset, f"csv:{dataset.fingerprint}:{label or ''}"
