"""PCA: the best rank-k linear reconstruction (Eckart–Young), the reference every autoencoder is held to."""
from sklearn.decomposition import PCA


def build(n_components: int, random_state: int = 0, **params) -> PCA:
    """Unfitted scikit-learn PCA; the exact SVD keeps results identical across runs."""
    return PCA(n_components=n_components, **{"svd_solver": "full", "random_state": random_state, **params})
