"""Where new codes come from: a method's own prior, or a distribution fitted to its training codes (a Gaussian, or a
Gaussian mixture, the "ex-post density estimation" of Ghosh et al. 2020). Each sampler is a small class with
`fit(codes)` and `sample(n, seed)`; the same seed gives the same codes, from a generator of its own."""
from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

from pipelines.errors import InputError
from pipelines.reducers import METHODS

GMM_COMPONENTS = 10  # Ghosh et al.'s choice on MNIST
ROWS_PER_DIMENSION = 2  # a full-covariance component gets at least 2 × (codes + 1) training rows


def _checked(codes: np.ndarray) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) < 2:
        raise InputError(f"A sampler is fitted to at least 2 rows of codes, not an array of shape {codes.shape}.")
    if not np.isfinite(codes).all():
        raise ValueError("its codes are not finite numbers (the model diverged), so no distribution can be fitted "
                         "to them")
    return codes


class PriorSampler:
    """Draws from N(0, I), the prior a generative autoencoder (the VAE, the adversarial AE) was trained to fill."""

    name, label = "prior", "Prior N(0, I)"
    source = "its prior N(0, I)"

    def fit(self, codes: np.ndarray) -> PriorSampler:
        """Learn only how many codes there are: the prior does not depend on the data."""
        self.n_codes_ = np.asarray(codes).shape[1]  # finite or not: the prior does not read them
        self.note_ = ""
        return self

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """(n, n_codes) draws, the same for the same `seed`."""
        return np.random.default_rng(seed).standard_normal((n, self.n_codes_))


class GaussianSampler:
    """Draws from one Gaussian with the mean and full covariance of the training codes."""

    name, label = "gaussian", "Gaussian"
    source = "a Gaussian fitted to its training codes"

    def fit(self, codes: np.ndarray) -> GaussianSampler:
        """Fit the mean and covariance of `codes`."""
        codes = _checked(codes)
        self.mean_ = codes.mean(axis=0)
        self.covariance_ = np.atleast_2d(np.cov(codes, rowvar=False))
        self.note_ = ""
        return self

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """(n, n_codes) draws, the same for the same `seed`."""
        return np.random.default_rng(seed).multivariate_normal(self.mean_, self.covariance_, size=n)


class GmmSampler:
    """Draws from a mixture of full-covariance Gaussians fitted to the training codes (scikit-learn's EM)."""

    name, label = "gmm", "Gaussian mixture"
    source = "a Gaussian mixture fitted to its training codes"

    def __init__(self, n_components: int = GMM_COMPONENTS, random_state: int = 0):
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, codes: np.ndarray) -> GmmSampler:
        """Fit the mixture; with too few rows for `n_components` full covariances it fits fewer, and `note_` says so."""
        codes = _checked(codes)
        if self.n_components < 1:
            raise InputError(f"A Gaussian mixture needs at least 1 component, not {self.n_components}.")
        rows, dimensions = codes.shape
        affordable = max(1, rows // (ROWS_PER_DIMENSION * (dimensions + 1)))
        used = min(self.n_components, affordable)
        self.note_ = "" if used == self.n_components else (
            f"{used} mixture component{'s' if used > 1 else ''} instead of {self.n_components}: {rows} training "
            f"rows allow one full-covariance component per {ROWS_PER_DIMENSION * (dimensions + 1)} rows at "
            f"{dimensions} codes")
        self.mixture_ = GaussianMixture(used, covariance_type="full", random_state=self.random_state).fit(codes)
        return self

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """(n, n_codes) draws, the same for the same `seed`: a component by its weight, then a draw from it."""
        rng = np.random.default_rng(seed)
        mixture = self.mixture_
        picked = rng.choice(len(mixture.weights_), size=n, p=mixture.weights_ / mixture.weights_.sum())
        draws = np.empty((n, mixture.means_.shape[1]))
        for component in np.unique(picked):
            rows = picked == component
            draws[rows] = rng.multivariate_normal(mixture.means_[component], mixture.covariances_[component],
                                                  size=int(rows.sum()))
        return draws


SAMPLERS = {sampler.name: sampler for sampler in (PriorSampler, GaussianSampler, GmmSampler)}
Sampler = PriorSampler | GaussianSampler | GmmSampler


def samplers_for(method: str) -> list[str]:
    """The samplers that apply to `method`: the prior only for a method trained to fill one."""
    return [name for name in SAMPLERS if name != PriorSampler.name or METHODS[method].can_sample]


def default_sampler(method: str) -> str:
    """A method's own sampler: its prior if it has one, else a Gaussian fitted to its codes."""
    return PriorSampler.name if METHODS[method].can_sample else GaussianSampler.name


def make_sampler(name: str, gmm_components: int = GMM_COMPONENTS) -> Sampler:
    """An unfitted sampler by name; raises InputError for an unknown name."""
    if name not in SAMPLERS:
        raise InputError(f"Unknown sampler {name!r}; choose from {', '.join(SAMPLERS)}.")
    return GmmSampler(gmm_components) if name == GmmSampler.name else SAMPLERS[name]()
