"""A registry entry: everything the pages, figures, command line, store and tests need to know about a method."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator

from pipelines.errors import InputError, TrainingStopped
from pipelines.reducers.cost import FLOPS_PER_SECOND, Estimate
from pipelines.reducers.settings import Setting

Models = dict[tuple[str, int], BaseEstimator]  # fitted reducers by (method, bottleneck)

if TYPE_CHECKING:
    from pathlib import Path

    from pipelines.data.datasets import Dataset

ProgressCallback = Callable[[float, str], None]  # (fraction of this fit done, what is happening)


@dataclass(frozen=True)
class FitControl:
    """How a fit reports progress and learns that it should stop (checked at least once per epoch)."""

    progress: ProgressCallback | None = None
    should_stop: Callable[[], bool] | None = None

    def report(self, fraction: float, message: str) -> None:
        """Pass on progress, then stop if asked to."""
        if self.progress is not None:
            self.progress(fraction, message)
        self.stop_if_asked()

    def scaled(self, start: float, share: float, prefix: str = "") -> "FitControl":
        """This control for a part of the work: the part's fractions map onto [start, start + share], and its
        messages start with `prefix` (e.g. which repeat is training)."""
        def report(fraction: float, message: str) -> None:
            if self.progress is not None:
                self.progress(start + share * fraction, prefix + message)

        return FitControl(report, self.should_stop)

    def stop_if_asked(self) -> None:
        """Raise TrainingStopped when a stop was requested."""
        if self.should_stop is not None and self.should_stop():
            raise TrainingStopped("Training was stopped before it finished; nothing was stored.")


FitGroup = Callable[[Sequence[BaseEstimator], np.ndarray, FitControl], None]
EstimateCost = Callable[[Mapping[str, object], int, int, Sequence[int]], Estimate]


def fit_each(reducers: Sequence[BaseEstimator], X: np.ndarray, control: FitControl) -> None:
    """Fit reducers one after another: the default for methods with nothing to share between sizes."""
    for i, reducer in enumerate(reducers):
        control.stop_if_asked()
        reducer.fit(X)
        control.report((i + 1) / len(reducers), f"bottleneck {reducer.n_components} done")


def negligible_cost(params: Mapping[str, object], n_rows: int, n_features: int, sizes: Sequence[int]) -> Estimate:
    """A fit that costs about one SVD of the data: some 4·rows·features·min(rows, features) operations (PCA's
    exact SVD of mnist-5k's 4,000 × 784 training rows was measured at 0.44 s, this says 0.49 s)."""
    operations = 4.0 * n_rows * n_features * min(n_rows, n_features)
    return Estimate(parameters=n_features * max(sizes), widest_layer=0, seconds=operations / FLOPS_PER_SECOND,
                    memory_bytes=8.0 * n_rows * n_features)


@dataclass(frozen=True)
class Method:
    """A registered dimensionality reducer: a scikit-learn transformer with `inverse_transform`, and its looks,
    capabilities, settings and fitting policy."""

    name: str
    label: str
    color: str  # one colour per method on every page
    description: str  # what it is and what to expect of it, in plain words (the About page shows it)
    build: Callable[..., BaseEstimator]  # build(n_components, **settings) -> unfitted reducer
    settings: tuple[Setting, ...] = ()
    marker: str = "circle"
    line_width: float = 2.0
    opacity: float = 1.0
    trained_by_gradient: bool = False  # fitted models have a loss history (history_, n_epochs_, best_epoch_)
    linear_decoder: bool = False  # theory bounds it by PCA's error; principal angles apply
    loss_units: str | None = None  # what its training loss measures, when it is not the MSE in the data's units
    fuses_seeds: bool = False  # fit_group trains reducers that differ in random_state too, in one computation
    # Whether its fit on this many training rows is the same under every training seed, so repeats train it once.
    deterministic: Callable[[int], bool] = lambda n_training_rows: False
    can_sample: bool = False
    needs_images: bool = False
    default_on: bool = True  # trained when the dashboard opens
    relative_cost: float = 1.0  # rough training time relative to a linear autoencoder, to weigh progress
    fit_group: FitGroup = fit_each
    estimate_cost: EstimateCost = negligible_cost
    fit_note: Callable[[int], str | None] = lambda n_training_rows: None  # how fitting departs from the plain fit
    save_state: Callable[[BaseEstimator, "Path"], None] | None = None  # None: the generic fitted-attribute saver
    load_state: Callable[[BaseEstimator, "Path"], None] | None = None
    # scikit-learn estimator checks its estimator is known to fail, and why (e.g. a limit of scikit-learn itself)
    known_check_failures: Mapping[str, str] = field(default_factory=dict)

    def accepts(self, dataset: "Dataset") -> str | None:
        """None when the method can run on `dataset`, else the reason it cannot."""
        if self.needs_images and dataset.image_shape is None:
            return (f"{self.label} needs image data; {dataset.name} is tabular: choose an image dataset (such as "
                    "digits) or leave it out.")
        return None

    def parse_settings(self, values: Mapping[str, object]) -> dict[str, object]:
        """Validated settings from `values` (names of this method's schema); unknown names are refused."""
        schema = {s.name: s for s in self.settings}
        unknown = [name for name in values if name not in schema]
        if unknown:
            known = ", ".join(schema) or "none"
            raise InputError(f"{self.label} has no setting {unknown[0]!r}; its settings are: {known}.")
        return {name: schema[name].parse(value) for name, value in values.items()}

    def full_params(self, settings: Mapping[str, object] | None = None) -> dict[str, object]:
        """Every parameter of the estimator this method builds, defaults included, `n_components` left out."""
        params = self.build(1, **(settings or {})).get_params()
        params.pop("n_components")
        return params
