"""Latent Lab's library: offline datasets, PCA and autoencoders as scikit-learn transformers, sweeps and
metrics. Importing it is cheap: TensorFlow loads only when an autoencoder is first fitted."""
from pipelines.csv_loader import load_csv
from pipelines.datasets import DATASETS, DEFAULT_DATASET, Dataset, load_dataset
from pipelines.embeddings import embedding_frame
from pipelines.errors import InputError
from pipelines.preprocessing import PreparedData, prepare
from pipelines.reducers import METHODS, Autoencoder, make_reducer
from pipelines.runs import RunResult, run, sweep
from pipelines.fitting import fit_reducers, score_reducers

__all__ = ["DATASETS", "DEFAULT_DATASET", "METHODS", "Autoencoder", "Dataset", "InputError", "PreparedData",
           "embedding_frame", "fit_reducers", "load_csv", "load_dataset", "make_reducer", "prepare",
           "run", "RunResult", "score_reducers", "sweep"]
