"""Every `st.cache_*` wrapper of the dashboard: datasets, trained runs, and what pages derive from models.

Models (inside training jobs) live in `st.cache_resource` and are shared by all sessions, so nothing here
mutates them; frames and arrays live in `st.cache_data`. Functions of fitted models are keyed by `ModelsAt.key`
(the runs' spec keys and the bottleneck) and jobs by `RunSpec.key`, never by hashing models or arrays.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

import pipelines
from dashboard import chart_data
from dashboard.choices import ModelsAt
from dashboard.jobs import TrainingJob
from pipelines.analysis import latent, metrics
from pipelines.analysis.features import FeatureSpace
from pipelines.runs import generation
from pipelines.runs.features import feature_space as generation_features
from pipelines.runs.store import RunStore

BY_KEY = {ModelsAt: lambda models: models.key}
BY_SPEC = {pipelines.RunSpec: lambda spec: spec.key}


@st.cache_resource(show_spinner="Loading the dataset…")
def builtin_dataset(name: str, files_stamp: tuple = ()) -> pipelines.Dataset:
    """A built-in dataset, loaded once per server (and again when its files on disk change: `files_stamp`)."""
    return pipelines.load_dataset(name)


@st.cache_data(show_spinner="Reading your file…", max_entries=8)
def uploaded_dataset(raw: bytes, label_column: str | None, file_name: str, image_shape: tuple[int, int] | None = None,
                     pixel_max: float | None = None) -> pipelines.Dataset:
    """A user's CSV as a dataset, keyed by its bytes, label column and declared image shape and largest pixel value;
    raises InputError on bad files."""
    return pipelines.load_csv(raw, label_column=label_column, name=file_name, image_shape=image_shape,
                              pixel_max=pixel_max)


@st.cache_data(show_spinner=False, max_entries=8)
def csv_columns(raw: bytes) -> list[str]:
    """The names `load_csv` gives a CSV's columns, for the label-column picker (empty if it cannot tell)."""
    return pipelines.data.csv_loader.csv_columns(raw)


@st.cache_resource(show_spinner=False, max_entries=64)
def prepared(dataset_key: str, test_size: float, split_seed: int, _dataset: pipelines.Dataset
             ) -> pipelines.PreparedData:
    """The split and scaled data every method of these choices trains on; raises InputError when impossible."""
    return pipelines.prepare(_dataset, test_size=test_size, seed=split_seed)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_SPEC)
def training_job(specs: tuple[pipelines.RunSpec, ...], _data: pipelines.PreparedData, _owner: str = ""
                 ) -> TrainingJob:
    """The training of one method's `specs` (its repeats) on `_data` (their split), started once in the background
    by the session `_owner` and shared by every page and session."""
    return TrainingJob(specs, _data, _owner)


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def embedding_codes(models: ModelsAt) -> pd.DataFrame:
    """2-D codes of the test samples for every method: method, index, z1, z2, label."""
    return pipelines.embedding_frame({(m, 2): r for m, r in models.models.items()}, models.data)


@st.cache_data(show_spinner="Scoring the embeddings…", hash_funcs=BY_KEY, max_entries=64)
def embedding_quality(models: ModelsAt) -> dict[str, pipelines.analysis.embeddings.EmbeddingQuality]:
    """Per method: trustworthiness of the test codes and, for class labels, k-NN accuracy on the codes (on a seeded
    subsample of a large test split)."""
    return {m: pipelines.analysis.embeddings.embedding_quality(r, models.data) for m, r in models.models.items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def reconstructions(models: ModelsAt) -> dict[str, np.ndarray]:
    """Each method's reconstruction of the test samples, in the scaled units it was trained in."""
    return {m: metrics.reconstruct(r, models.data.X_test) for m, r in models.models.items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def sample_errors(models: ModelsAt) -> dict[str, np.ndarray]:
    """Each method's mean squared error on every test sample (not through `reconstructions`, so image pages never
    cache a decoded test split: 88 MB a method for 14,000 images)."""
    X = models.data.X_test
    return {m: metrics.per_sample_error(X, metrics.reconstruct(r, X)) for m, r in models.models.items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def feature_errors(models: ModelsAt) -> dict[str, np.ndarray]:
    """Each method's mean squared error on every feature of the test samples."""
    return {m: metrics.per_feature_error(models.data.X_test, X_hat) for m, X_hat in reconstructions(models).items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=256)
def principal_angles(models: ModelsAt, reference: str, other: str) -> np.ndarray:
    """Principal angles (degrees) between two linear decoders' subspaces at this bottleneck."""
    return metrics.principal_angles(models.models[reference], models.models[other])


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def compared_directions(models: ModelsAt, reference: str, other: str) -> tuple[np.ndarray, np.ndarray]:
    """PCA's components (`reference`) and another linear decoder's directions, ordered and sign-matched to them."""
    pca = models.models[reference]
    return pca.components_, metrics.recovered_directions(models.models[other], pca, models.data.X_train)


def forget_trained_runs() -> None:
    """Drop every in-memory training job, e.g. after their stored runs were deleted."""
    training_job.clear()


@st.cache_data(show_spinner=False, max_entries=32)
def stored_scores(root: Path, keys: tuple[str, ...], labels: tuple[str, ...]) -> pd.DataFrame:
    """Tidy scores of stored runs (a run's key fixes its content), with a "run" column holding each label."""
    store = RunStore(root)
    return pd.concat([store.scores(key).assign(run=label) for key, label in zip(keys, labels)], ignore_index=True)


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def planar_codes(models: ModelsAt) -> pd.DataFrame:
    """Every method's test codes as 2-D points (PCA of the codes beyond 2): method, index, z1, z2, label."""
    return pipelines.analysis.embeddings.planar_frame(models.models, models.data)


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def test_codes(models: ModelsAt) -> dict[str, np.ndarray]:
    """Each method's codes of the test samples."""
    return {m: r.transform(models.data.X_test) for m, r in models.models.items()}


@st.cache_data(show_spinner="Decoding the code planes…", hash_funcs=BY_KEY, max_entries=32)
def decoded_planes(models: ModelsAt, steps: int) -> dict[str, latent.DecodedPlane]:
    """Each 2-code model's plane decoded on a `steps` × `steps` grid over its test codes (model units)."""
    codes = test_codes(models)
    return {m: latent.decoded_plane(r, codes[m], steps) for m, r in models.models.items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=32)
def axis_sweeps(models: ModelsAt, steps: int) -> dict[str, latent.AxisSweep]:
    """Each model's decoding at `steps` points along each of its codes, the others at their median (model units)."""
    codes = test_codes(models)
    return {m: latent.axis_sweep(r, codes[m], steps) for m, r in models.models.items()}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def interpolations(models: ModelsAt, start: int, end: int, steps: int) -> dict[str, np.ndarray]:
    """The plain blend and each method's decoded line between test samples `start` and `end` (dataset rows)."""
    data = models.data
    x_start, x_end = (data.X_test[chart_data.position_in_test(data, row)] for row in (start, end))
    return {latent.BLEND: latent.blend(x_start, x_end, steps),
            **{m: latent.interpolation(r, x_start, x_end, steps) for m, r in models.models.items()}}


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def code_spreads(models: ModelsAt) -> dict[str, np.ndarray]:
    """Each method's standard deviation of every code over the training samples."""
    return {m: latent.code_spread(r, models.data.X_train) for m, r in models.models.items()}


@st.cache_data(show_spinner="Generating…", hash_funcs=BY_KEY, max_entries=64)
def generated(models: ModelsAt, n: int, seed: int) -> tuple[dict[str, latent.Draws], dict[str, str]]:
    """`n` new samples from each method (model units), the same for the same `seed`, and the methods left out
    with the reason (a diverged model has no finite codes or samples)."""
    drawn, left_out = {}, {}
    for method, reducer in models.models.items():
        try:
            draws = latent.draws(method, reducer, models.data.X_train, n, seed)
        except (ValueError, np.linalg.LinAlgError) as error:
            left_out[method] = str(error)
            continue
        if np.isfinite(draws.samples).all():
            drawn[method] = draws
        else:
            left_out[method] = "its decoded samples are not finite numbers (the model diverged)"
    return drawn, left_out


@st.cache_resource(show_spinner="Preparing the feature space (an image classifier trains once per dataset)…",
                   max_entries=16)
def feature_space(content_hash: str, test_size: float, split_seed: int, _data: pipelines.PreparedData
                  ) -> FeatureSpace:
    """The space sample quality of this split is measured in (its classifier from the run store, or trained)."""
    return generation_features(_data, RunStore())


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=512)
def quality_cell(models: ModelsAt, method: str, sampler: str, n: int, gmm_components: int, train_seed: int
                 ) -> tuple[dict | None, str]:
    """One model and sampler's row of the generation table (None if left out) and its note; each cell is cached
    alone, so a changed mixture setting recomputes only the mixture's cells."""
    data = models.data
    space = feature_space(data.dataset.content_hash, data.test_size, data.seed, data)
    return generation.quality_cell(data, method, models.bottleneck, models.models[method], space,
                                   _reference_features(models, n), sampler, n, train_seed=train_seed,
                                   gmm_components=gmm_components)


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=32)
def _reference_features(models: ModelsAt, n: int) -> np.ndarray:
    data = models.data
    space = feature_space(data.dataset.content_hash, data.test_size, data.seed, data)
    return space(generation.reference_rows(data, n))


@st.cache_data(show_spinner=False, hash_funcs=BY_KEY, max_entries=64)
def sampler_draws(models: ModelsAt, method: str, samplers: tuple[str, ...], n: int, gmm_components: int, seed: int
                  ) -> dict[str, np.ndarray]:
    """`n` decoded samples of `method` from each sampler it can use (model units); a sampler that fails is left out."""
    drawn = {}
    for sampler in samplers:
        try:
            draws = latent.draws(method, models.models[method], models.data.X_train, n, seed, sampler, gmm_components)
        except ValueError:
            continue
        if np.isfinite(draws.samples).all():
            drawn[sampler] = draws.samples
    return drawn
