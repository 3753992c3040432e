"""A built-in dataset whose files are missing: the dashboard shows the one sentence, a download button and the
import command, keeps running when a download breaks off, and loads the dataset once a download succeeds
(Streamlit's AppTest; files served from 127.0.0.1, Keras' cache in a temporary folder)."""
from __future__ import annotations

from app_driver import start
from archive_files import expect_served_files, http_server, images, write_idx_folder

from pipelines.data.image_archives import BASE_URL_VARIABLE


def _download_button(app):
    return next(button for button in app.sidebar.button if button.label == "Download Fashion-MNIST")


def test_missing_files_offer_a_download_that_survives_a_broken_transfer_and_then_loads(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    app = start(monkeypatch, dataset="fashion-mnist", methods=["pca"])
    assert any("not on this machine" in error.value and "datasets fetch fashion" in error.value
               for error in app.sidebar.error)
    assert [code.value for code in app.sidebar.code] == ["python -m pipelines datasets import fashion-mnist PATH"]
    assert app.main.info, "the pages wait for a usable dataset"

    mirror = write_idx_folder(tmp_path / "mirror", *images())
    expect_served_files(monkeypatch, "fashion-mnist", mirror)
    with http_server(mirror, cut_short=("train-images-idx3-ubyte.gz",)) as (url, _):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        _download_button(app).click().run()
    assert not app.exception, app.exception
    assert any("failed" in error.value and "nothing was kept" in error.value for error in app.sidebar.error)
    assert _download_button(app), "the user can try again"

    with http_server(mirror) as (url, _):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        _download_button(app).click().run()
    assert not app.exception, app.exception
    assert not app.sidebar.error
    assert any("70 samples × 784 features" in caption.value for caption in app.sidebar.caption)
