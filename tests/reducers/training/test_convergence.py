"""With default settings on digits, training converges to what theory says (issue: correctness, not tuning)."""
import pytest

from pipelines import load_dataset, run

BOTTLENECKS = [1, 2, 4, 8, 16, 32]


@pytest.fixture(scope="module")
def test_mse():
    result = run(load_dataset("digits"), ["pca", "linear_ae", "nonlinear_ae"], BOTTLENECKS, test_size=0.2, split_seed=0,
                 train_seeds=(0,))
    test = result.scores[result.scores["split"] == "test"]
    return test.pivot(index="bottleneck", columns="method", values="mse")


@pytest.mark.slow
@pytest.mark.parametrize("k", BOTTLENECKS)
def test_linear_autoencoder_matches_pca_within_one_percent(test_mse, k):
    """Baldi & Hornik (1989): a linear AE trained on MSE reaches PCA's subspace, so PCA's error."""
    assert test_mse.loc[k, "linear_ae"] <= 1.01 * test_mse.loc[k, "pca"]


@pytest.mark.slow
@pytest.mark.parametrize("k", [k for k in BOTTLENECKS if k <= 8])
def test_nonlinear_autoencoder_beats_pca_at_small_bottlenecks(test_mse, k):
    """Hinton & Salakhutdinov (2006): a deep AE reconstructs better than PCA through a narrow bottleneck."""
    assert test_mse.loc[k, "nonlinear_ae"] < test_mse.loc[k, "pca"]
