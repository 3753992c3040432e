"""Nonlinear autoencoder: a deep ELU network that can follow curved manifolds."""
from pipelines.reducers import autoencoder
from pipelines.reducers.autoencoder import Autoencoder
from pipelines.reducers.method import Method


def build(n_components: int, **params) -> Autoencoder:
    """Unfitted nonlinear autoencoder (the `Autoencoder` defaults); `params` override them."""
    return Autoencoder(n_components=n_components, **params)


METHOD = Method(
    name="nonlinear_ae", label="Nonlinear AE", color="#54A24B", build=build, marker="square",
    description="Hidden layers with nonlinear activations let it follow curved structure that no linear method "
                "can, so it can beat PCA at small bottlenecks (Hinton & Salakhutdinov 2006), at the price of "
                "training time and a risk of overfitting.",
    settings=autoencoder.architecture_settings(Autoencoder().get_params()) + autoencoder.training_settings(
        Autoencoder().get_params()),
    trained_by_gradient=True, fuses_seeds=True, relative_cost=2.0, fit_group=autoencoder.fit_group,
    estimate_cost=autoencoder.estimate_cost)
