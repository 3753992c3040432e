"""An uploaded CSV of pixel columns, declared as images, behaves like the built-in digits: image views and the
Conv AE (Streamlit's AppTest on small, fast settings)."""
from __future__ import annotations

import numpy as np
from app_driver import figures, open_page, start

from pipelines import METHODS, load_csv, load_dataset, run_spec

UPLOAD = "Upload CSV…"
IMAGE_METHOD = next(m for m in METHODS if METHODS[m].needs_images)


def digits_csv(rows: int = 120) -> bytes:
    """The first `rows` scikit-learn digits as a CSV: a `digit` column and 64 pixel columns from 0 to 16."""
    digits = load_dataset("digits")
    lines = ["digit," + ",".join(f"px{i}" for i in range(64))]
    lines += [f"{label}," + ",".join(str(int(round(v * 16))) for v in image)
              for label, image in zip(digits.y[:rows], digits.X[:rows])]
    return ("\n".join(lines) + "\n").encode()


def _uploaded(monkeypatch):
    """The app on a fresh upload of `digits_csv()` with its label column chosen and the Conv AE on."""
    app = start(monkeypatch, methods=["pca", IMAGE_METHOD], sweep_sizes=[2, 4])
    app.selectbox(key="sidebar_dataset").set_value(UPLOAD).run()
    app.file_uploader(key="sidebar_upload").set_value(("digits.csv", digits_csv(), "text/csv")).run()
    next(box for box in app.sidebar.selectbox if box.label.startswith("Label column")).set_value("digit").run()
    assert not app.exception, app.exception
    return app


def _image_box(app):
    return next(box for box in app.sidebar.checkbox if box.label == "These columns are pixels of an image")


def _curves(app) -> set[str]:
    return {trace["name"] for trace in figures(app)[0]["data"]}


def test_an_upload_is_a_table_until_its_columns_are_declared_pixels(monkeypatch):
    app = _uploaded(monkeypatch)
    assert _image_box(app).value is False, "reading a file as images is the user's choice"
    assert any(METHODS[IMAGE_METHOD].label in w.value and "needs image data" in w.value for w in app.main.warning)
    assert any("constant column" in w.value for w in app.sidebar.warning), "a table drops the always-blank pixels"


def test_declared_8x8_pixels_give_image_galleries_and_train_the_conv_ae(monkeypatch):
    app = _uploaded(monkeypatch)
    _image_box(app).check().run()
    shape = next(box for box in app.sidebar.text_input if box.label == "Image height×width")
    assert shape.value == "8x8", "64 pixel columns (the label column aside) are offered as 8×8"
    assert not app.exception, app.exception
    assert any("64 features" in caption.value for caption in app.sidebar.caption)
    assert any("divided by 16" in w.value for w in app.sidebar.warning)
    assert METHODS[IMAGE_METHOD].label in _curves(app), "the Conv AE trained on the uploaded images"
    assert not any("needs image data" in w.value for w in app.main.warning)

    open_page(app, "views/reconstructions.py")
    gallery = figures(app)[0]
    assert gallery["data"][0]["type"] == "image", "reconstructions are an image gallery, not per-pixel bars"
    assert gallery["layout"]["yaxis"]["ticktext"][0] == "Original"


def test_a_shape_that_does_not_fit_says_what_to_type(monkeypatch):
    app = _uploaded(monkeypatch)
    _image_box(app).check().run()
    next(box for box in app.sidebar.text_input if box.label == "Image height×width").set_value("8x9").run()
    assert not app.exception, app.exception
    (error,) = [e.value for e in app.sidebar.error]
    assert "64 pixel columns" in error and "multiply to 64" in error and "8x8" in error


def test_the_image_method_reads_a_declared_shape_and_keeps_the_built_in_square_keys():
    square, wide = (load_csv(digits_csv(), label_column="digit", image_shape=shape) for shape in ((8, 8), (4, 16)))
    np.testing.assert_allclose(square.X, load_dataset("digits").X[:120], atol=1e-6)  # divided by 16, as digits are
    spec = run_spec(wide, IMAGE_METHOD, [2])
    assert spec.estimator_params()["image_shape"] == (4, 16), "4×16 is not the 8×8 square the method would assume"
    assert run_spec(square, IMAGE_METHOD, [2]).params == run_spec(load_dataset("digits"), IMAGE_METHOD, [2]).params
    reducer = METHODS[IMAGE_METHOD].build(2, **{**spec.estimator_params(), "epochs": 1}).fit(wide.X)
    assert reducer.inverse_transform(reducer.transform(wide.X[:3])).shape == (3, 64)
