"""Samplers of new codes: the prior, a fitted Gaussian and a fitted Gaussian mixture."""
from __future__ import annotations

import numpy as np
import pytest

from pipelines import make_reducer
from pipelines.analysis import latent
from pipelines.analysis.samplers import GmmSampler, make_sampler, samplers_for
from pipelines.errors import InputError


def _two_clusters(rows: int = 2000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(-4.0, 0.5, (rows // 2, 2)), rng.normal(4.0, 0.5, (rows // 2, 2))])


@pytest.mark.parametrize("name", ["prior", "gaussian", "gmm"])
def test_every_sampler_repeats_with_its_seed_and_changes_with_another(name):
    sampler = make_sampler(name).fit(_two_clusters())
    first = sampler.sample(50, seed=3)
    assert first.shape == (50, 2)
    assert np.array_equal(first, sampler.sample(50, seed=3)) and not np.allclose(first, sampler.sample(50, seed=4))


def test_the_prior_is_standard_normal_whatever_the_codes():
    draws = make_sampler("prior").fit(_two_clusters() + 100).sample(20000, seed=0)
    assert np.allclose(draws.mean(axis=0), 0, atol=0.03) and np.allclose(np.cov(draws, rowvar=False), np.eye(2),
                                                                          atol=0.05)


def test_a_mixture_finds_two_clusters_that_one_gaussian_fills_in_between():
    codes = _two_clusters()
    gaussian = make_sampler("gaussian").fit(codes).sample(4000, seed=0)
    mixture = make_sampler("gmm").fit(codes).sample(4000, seed=0)
    between = lambda draws: np.mean(np.abs(draws[:, 0]) < 2)  # the empty gap between the two clusters
    assert between(mixture) < 0.01 < 0.2 < between(gaussian)
    assert abs((mixture[:, 0] > 0).mean() - 0.5) < 0.05


def test_a_mixture_fits_fewer_components_on_few_rows_and_says_so():
    sampler = GmmSampler(n_components=10).fit(_two_clusters(rows=30))
    assert sampler.mixture_.n_components == 5 and "5 mixture components instead of 10" in sampler.note_
    assert GmmSampler(n_components=2).fit(_two_clusters()).note_ == ""


def test_only_a_method_with_a_prior_offers_it():
    assert samplers_for("vae") == ["prior", "gaussian", "gmm"] and samplers_for("pca") == ["gaussian", "gmm"]
    with pytest.raises(InputError, match="no prior"):
        latent.draws("pca", None, np.zeros((4, 2)), 4, sampler="prior")
    with pytest.raises(InputError, match="Unknown sampler"):
        make_sampler("flow")


def test_draws_decode_the_samplers_codes(digits):
    pca = make_reducer("pca", 3).fit(digits.X_train)
    drawn = latent.draws("pca", pca, digits.X_train, 6, seed=2, sampler="gmm", gmm_components=3)
    fitted = latent.fitted_sampler("pca", pca, digits.X_train, "gmm", 3)
    assert drawn.source == fitted.source and np.allclose(drawn.samples,
                                                         pca.inverse_transform(fitted.sample(6, seed=2)))
