"""The space sample quality is measured in. For labelled images, the penultimate layer of a small convolutional
classifier trained on the training split (the role Inception's features play in FID: distances between what a
classifier sees, not between pixels); for any other data, the data space standardised on the training rows.

Training lives here; keeping a trained classifier (so it is trained once per dataset and split) is the run layer's
job (`pipelines.runs.features`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from sklearn.preprocessing import StandardScaler

from pipelines.data.preprocessing import PreparedData
from pipelines.reducers.training.architectures import layer_seed
from pipelines.reducers.training.keras_runtime import keras_module

DATA_SPACE = "standardised data space"
FEATURE_LAYER = "features"
# Everything that defines a trained classifier besides the data: changing any of it trains a new one.
CLASSIFIER_RECIPE = {"filters": (32, 64), "features": 128, "epochs": 10, "max_steps": 3000, "batch_size": 64,
                     "learning_rate": 1e-3, "seed": 0}


class DataSpace:
    """Rows standardised with the training rows' mean and standard deviation."""

    name = DATA_SPACE

    def __init__(self, X_train: np.ndarray):
        self.scaler = StandardScaler().fit(X_train)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """(n, n_features) standardised rows."""
        return self.scaler.transform(np.asarray(X, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class ClassifierSpace:
    """The penultimate layer of a trained image classifier, and how well that classifier does on the test split."""

    classifier: object  # a keras.Model whose FEATURE_LAYER is its penultimate layer
    test_accuracy: float

    @property
    def name(self) -> str:
        """What the features are, with the classifier's accuracy, for the label next to every number."""
        return f"classifier features (penultimate layer, {self.test_accuracy:.1%} test accuracy)"

    @cached_property
    def extractor(self):
        """The classifier up to its penultimate layer."""
        return keras_module().Model(self.classifier.inputs, self.classifier.get_layer(FEATURE_LAYER).output)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """(n, features) activations of the penultimate layer."""
        return np.asarray(self.extractor.predict(np.asarray(X, dtype=np.float32), batch_size=1024, verbose=0),
                          dtype=np.float64)


FeatureSpace = DataSpace | ClassifierSpace


def has_classifier(data: PreparedData) -> bool:
    """Whether the data are labelled images, whose sample quality is measured by a classifier's features."""
    dataset = data.dataset
    return (dataset.image_shape is not None and dataset.label_kind == "categorical"
            and len(np.unique(data.y_train)) > 1)


def _classifier(image_shape: tuple[int, int], n_classes: int):
    keras = keras_module()
    seed, (height, width) = CLASSIFIER_RECIPE["seed"], image_shape
    inputs = keras.Input((height * width,), name="pixels")
    x = keras.layers.Reshape((height, width, 1))(inputs)
    for i, channels in enumerate(CLASSIFIER_RECIPE["filters"]):
        x = keras.layers.Conv2D(channels, 3, strides=2, padding="same", activation="relu", name=f"conv_{i}",
                                kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, i)))(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(CLASSIFIER_RECIPE["features"], activation="relu", name=FEATURE_LAYER,
                           kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, 100)))(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="classes",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(seed, 101)))(x)
    model = keras.Model(inputs, outputs, name="feature_classifier")
    model.compile(optimizer=keras.optimizers.Adam(CLASSIFIER_RECIPE["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_classifier(data: PreparedData) -> ClassifierSpace:
    """A classifier trained on the training split of labelled images (seeded: the same data give the same
    weights), scored on the test split."""
    classes, y_train = np.unique(data.y_train, return_inverse=True)
    y_test = np.searchsorted(classes, data.y_test)
    known = np.isin(data.y_test, classes)  # a class absent from the training rows cannot be predicted
    model = _classifier(data.dataset.image_shape, len(classes))
    X_train = np.asarray(data.X_train, dtype=np.float32)
    batch = CLASSIFIER_RECIPE["batch_size"]
    # Sized by work, so that large datasets train in about as many steps as mnist-5k's 10 epochs of 62.
    epochs = max(1, min(CLASSIFIER_RECIPE["epochs"],
                        math.ceil(CLASSIFIER_RECIPE["max_steps"] / max(1, len(X_train) // batch))))
    rng = np.random.default_rng(CLASSIFIER_RECIPE["seed"])
    for _ in range(epochs):  # our own seeded order of the rows, not TensorFlow's global shuffling
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            model.train_on_batch(X_train[rows], y_train[rows])
    predicted = model.predict(np.asarray(data.X_test, dtype=np.float32), batch_size=1024, verbose=0).argmax(axis=1)
    accuracy = float(np.mean(known & (predicted == y_test.clip(0, len(classes) - 1))))
    return ClassifierSpace(model, accuracy)


def save_classifier(space: ClassifierSpace, folder: Path) -> None:
    """Write the classifier (Keras format) into `folder`; its accuracy is the caller's to keep."""
    folder.mkdir(parents=True, exist_ok=True)
    space.classifier.save(folder / "classifier.keras")


def load_classifier(folder: Path, test_accuracy: float) -> ClassifierSpace:
    """A classifier written by `save_classifier`."""
    keras = keras_module()
    return ClassifierSpace(keras.models.load_model(folder / "classifier.keras", compile=False), test_accuracy)


def data_space(data: PreparedData) -> DataSpace:
    """The standardised data space of `data`'s training rows."""
    return DataSpace(data.X_train)
