"""Fashion-MNIST in the dashboard (Streamlit's AppTest, Keras' cache in a temporary folder): while its files are
missing or unreadable every page says so and points at the sidebar's download and the import command; with a tiny
copy in place every page of the app renders."""
from __future__ import annotations

import re

import pytest
from app_driver import APP, FAST_SETTINGS, start
from archive_files import images, write_idx_folder

from pipelines.data import image_archives

# Every page the app navigates to, as app.py lists them: (script, title).
PAGES = re.findall(r'st\.Page\("(views/\w+\.py)", title="([^"]+)"', APP.read_text())
NEEDS_DATA = [(script, title) for script, title in PAGES if "require_selection" in (APP.parent / script).read_text()]
IMPORT = "python -m pipelines datasets import fashion-mnist PATH"


def _main_text(app) -> str:
    return " ".join(element.value for kind in ("info", "error", "warning") for element in getattr(app.main, kind))


def test_the_app_lists_its_pages_and_those_that_need_a_dataset():
    assert len(PAGES) >= 8 and ("views/error_curves.py", "Error curves") in PAGES
    assert ("views/embeddings.py", "Embeddings") in NEEDS_DATA and ("views/about.py", "About") not in NEEDS_DATA


def test_while_the_files_are_missing_each_page_renders_and_points_at_the_download_and_the_import(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    app = start(monkeypatch, dataset="fashion-mnist", methods=["pca"])
    for script, title in PAGES:
        app.switch_page(script).run()
        assert not app.exception, (title, app.exception)
        if (script, title) not in NEEDS_DATA:
            continue
        text = _main_text(app)
        assert "Fashion-MNIST's files are not on this machine" in text, (title, text)
        assert "Download Fashion-MNIST" in text and IMPORT in text, (title, text)
        assert "Choose a dataset" not in text, (title, text)
    assert any(button.label == "Download Fashion-MNIST" for button in app.sidebar.button), "the button it names"


def test_unreadable_files_are_called_unreadable_and_no_dataset_keeps_the_plain_hint(monkeypatch, tmp_path):
    """The files load once and are damaged afterwards, as the server's dataset cache must notice."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    folder = write_idx_folder(image_archives.folder("fashion-mnist"), *images())
    app = start(monkeypatch, dataset="fashion-mnist", methods=["pca"])
    assert "cannot be read" not in _main_text(app)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b not really gzip")
    app = start(monkeypatch, dataset="fashion-mnist", methods=["pca"])
    text = _main_text(app)
    assert "Fashion-MNIST's files cannot be read" in text and IMPORT in text, text

    app.selectbox(key="sidebar_dataset").set_value("Upload CSV…").run()
    assert not app.exception, app.exception
    assert "Choose a dataset in the sidebar, or upload a CSV file" in _main_text(app)


@pytest.mark.slow
def test_every_page_renders_on_a_tiny_fashion_mnist(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    write_idx_folder(image_archives.folder("fashion-mnist"), *images())
    settings = {method: {**fast, "max_steps": 10} for method, fast in FAST_SETTINGS.items()}
    app = start(monkeypatch, dataset="fashion-mnist", sweep_sizes=[1, 2], bottleneck=2, settings=settings)
    assert any("70 samples × 784 features" in caption.value for caption in app.sidebar.caption)
    broken = {}
    for script, title in PAGES:
        app.switch_page(script).run()
        if app.exception:
            broken[title] = [exception.value for exception in app.exception]
        elif not any(heading.value.startswith(title) for heading in app.title):  # "About Latent Lab"
            broken[title] = f"titles {[heading.value for heading in app.title]}, main area: {_main_text(app)}"
        elif app.main.error:
            broken[title] = [error.value for error in app.main.error]
    assert not broken, broken
