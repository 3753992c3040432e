"""Latent Lab's library, in layers (each imports only its own and those below): `data` (datasets, CSV files, the
split) <- `reducers` (the method registry, PCA and autoencoders as scikit-learn transformers, `reducers.training`)
<- `analysis` (metrics, embeddings, latent arrays, repeats, diagnostics) <- `runs` (RunSpec, plans, executors, the
resolver, the store) <- `study` <- `cli`, with `figures` beside `runs`. This module re-exports the public API.
Importing it is cheap: TensorFlow loads only when an autoencoder is first fitted."""
from pipelines.analysis.embeddings import embedding_frame
from pipelines.data.csv_loader import load_csv
from pipelines.data.datasets import DATASETS, DEFAULT_DATASET, Dataset, load_dataset
from pipelines.data.preprocessing import PreparedData, prepare
from pipelines.errors import InputError, TrainingStopped
from pipelines.reducers import METHODS, Autoencoder, make_reducer
from pipelines.runs.fitting import fit_reducers, score_reducers
from pipelines.runs.spec import RunSpec, run_spec
from pipelines.runs.sweep import RunResult, run, sweep
from pipelines.runs.tasks import InProcessExecutor, ProgressEvent, TaskResult, execute, plan

__all__ = ["DATASETS", "DEFAULT_DATASET", "METHODS", "Autoencoder", "Dataset", "InProcessExecutor", "InputError",
           "PreparedData", "ProgressEvent", "RunResult", "RunSpec", "TaskResult", "TrainingStopped",
           "embedding_frame", "execute", "fit_reducers", "load_csv", "load_dataset", "make_reducer", "plan",
           "prepare", "run", "run_spec", "score_reducers", "sweep"]
