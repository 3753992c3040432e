"""The sidebar's "Upload CSV…" choice: the user's file, its label column, whether its columns are the pixels of
images, and the dataset read from it."""
from __future__ import annotations

import streamlit as st

import pipelines
from dashboard import cache
from dashboard.plain_text import markdown_literal
from dashboard.state import kept_choice, widget_key
from pipelines.data.csv_loader import PIXEL_MAXIMA, parse_image_shape, square_shape

PREFIX = "sidebar"


def _key(name: str) -> str:
    return widget_key(PREFIX, name)


def _image_choice(file_id: str, n_pixels: int) -> tuple[tuple[int, int] | None, float | None] | None:
    """The image shape and largest pixel value the user declares (None, None for a table), or None (with a message)
    while the shape is missing or unreadable."""
    if not st.checkbox("These columns are pixels of an image", **kept_choice(_key(f"image_{file_id}"), False),
                       help="Read each row as one grey image: pixels are scaled to [0, 1], never standardised or "
                            "dropped, and the image views and the Conv AE become available."):
        return None, None
    square = square_shape(n_pixels)
    shape_text = st.text_input(
        "Image height×width", placeholder="e.g. 8x8",  # a new pixel count (another label column) offers afresh
        **kept_choice(_key(f"image_shape_{file_id}_{n_pixels}"), f"{square[0]}x{square[1]}" if square else ""),
        help=f"The file has {n_pixels:,} pixel columns (every column but the label column), in row-major order.")
    pixel_max = st.number_input(
        "Largest possible pixel value", min_value=0.0, **kept_choice(_key(f"pixel_max_{file_id}"), None),
        placeholder="auto: " + ", ".join(f"{m:g}" for m in PIXEL_MAXIMA[:-1]) + f" or {PIXEL_MAXIMA[-1]:g}",
        help="Pixels are divided by it to lie in [0, 1], e.g. 255 for 8-bit images or 16 for scikit-learn's digits; "
             "left empty it is the smallest of " + ", ".join(f"{m:g}" for m in PIXEL_MAXIMA) + " that is at least "
             "the file's largest value.")
    if not shape_text.strip():
        st.info(f"Type the images' height×width: two whole numbers whose product is {n_pixels:,}.")
        return None
    try:
        return parse_image_shape(shape_text), pixel_max
    except pipelines.InputError as error:
        st.error(markdown_literal(error))
        return None


def uploaded() -> tuple[pipelines.Dataset, str] | None:
    """The user's CSV and its key, or None (with a message) until a readable file is chosen."""
    file = st.file_uploader("CSV file", type=["csv", "tsv", "txt"], key=_key("upload"),
                            help="One row per sample, one numeric column per feature, a header row on top. "
                                 "An uploaded file cannot travel in the page's link.")
    if file is None:
        st.info("Choose a CSV file: one row per sample and one numeric column per feature.")
        return None
    raw = file.getvalue()
    columns = cache.csv_columns(raw)
    label = st.selectbox("Label column (optional)", columns, placeholder="No label column",
                         **kept_choice(_key(f"label_{file.file_id}"), None),
                         help="Colours the plots; it is never used for training. A text column can only be a label.")
    image = _image_choice(file.file_id, len(columns) - (label is not None))
    if image is None:
        return None
    image_shape, pixel_max = image
    try:
        dataset = cache.uploaded_dataset(raw, label, file.name, image_shape, pixel_max)
    except pipelines.InputError as error:
        st.error(markdown_literal(error))
        return None
    as_image = f":{image_shape[0]}x{image_shape[1]}/{pixel_max or 'auto'}" if image_shape else ""
    return dataset, f"csv:{dataset.fingerprint}:{label or ''}{as_image}"
