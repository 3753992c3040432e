"""Nonlinear autoencoder: a deep ELU network that can follow curved manifolds."""
from pipelines.reducers.autoencoder import Autoencoder


def build(n_components: int, **params) -> Autoencoder:
    """Unfitted nonlinear autoencoder (the `Autoencoder` defaults); `params` override them."""
    return Autoencoder(n_components=n_components, **params)
