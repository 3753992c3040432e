"""Latent Lab's library: offline datasets, PCA and autoencoders as scikit-learn transformers, runs planned as
tasks, metrics and the run store. Importing it is cheap: TensorFlow loads only when an autoencoder is first fitted."""
from pipelines.csv_loader import load_csv
from pipelines.datasets import DATASETS, DEFAULT_DATASET, Dataset, load_dataset
from pipelines.embeddings import embedding_frame
from pipelines.errors import InputError, TrainingStopped
from pipelines.fitting import fit_reducers, score_reducers
from pipelines.preprocessing import PreparedData, prepare
from pipelines.reducers import METHODS, Autoencoder, make_reducer
from pipelines.run_spec import RunSpec, run_spec
from pipelines.runs import RunResult, run, sweep
from pipelines.tasks import InProcessExecutor, ProgressEvent, TaskResult, execute, plan

__all__ = ["DATASETS", "DEFAULT_DATASET", "METHODS", "Autoencoder", "Dataset", "InProcessExecutor", "InputError",
           "PreparedData", "ProgressEvent", "RunResult", "RunSpec", "TaskResult", "TrainingStopped",
           "embedding_frame", "execute", "fit_reducers", "load_csv", "load_dataset", "make_reducer", "plan",
           "prepare", "run", "run_spec", "score_reducers", "sweep"]
