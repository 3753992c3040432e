"""Analysis of fitted models: metrics, embeddings, latent arrays, statistics over repeats and training diagnostics."""
