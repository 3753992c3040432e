"""The sidebar every page shares: dataset, bottleneck, sweep sizes, methods, split and autoencoder settings."""
from __future__ import annotations

import streamlit as st

import pipelines
from dashboard import cache
from dashboard.choices import Defaults, Selection, default_sweep_sizes, defaults, parse_layer_sizes
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key
from pipelines import DATASETS, METHODS

PREFIX = "sidebar"
UPLOAD = "Upload CSV…"
ACTIVATIONS = ["elu", "relu", "tanh", "sigmoid", "selu", "gelu"]


def _key(name: str) -> str:
    return widget_key(PREFIX, name)


def _uploaded() -> tuple[pipelines.Dataset, str] | None:
    """The user's CSV and its key, or None (with a message) until a readable file is chosen."""
    file = st.file_uploader("CSV file", type=["csv", "tsv", "txt"], key=_key("upload"),
                            help="One row per sample, one numeric column per feature, a header row on top.")
    if file is None:
        st.info("Choose a CSV file: one row per sample and one numeric column per feature.")
        return None
    raw = file.getvalue()
    label = st.selectbox("Label column (optional)", cache.csv_columns(raw), index=None,
                         placeholder="No label column", key=_key(f"label_{file.file_id}"),
                         help="Colours the plots; it is never used for training.")
    try:
        dataset = cache.uploaded_dataset(raw, label, file.name)
    except pipelines.InputError as error:
        st.error(markdown_literal(error))
        return None
    return dataset, f"csv:{dataset.fingerprint}:{label or ''}"


def _describe(dataset: pipelines.Dataset) -> None:
    rows, features = dataset.shape
    st.caption(markdown_literal(f"{rows:,} samples × {features:,} features. {dataset.description}"))
    for note in dataset.notes:
        st.warning(markdown_literal(note))


def _autoencoder_params(start: Defaults) -> dict[str, dict[str, object]] | None:
    """Per-method training settings from the "Autoencoder settings" expander; None while they are invalid."""
    with st.expander("Autoencoder settings"):
        layers_text = st.text_input("Hidden layers of the nonlinear AE", ", ".join(map(str, start.hidden_layer_sizes)),
                                    key=_key("hidden_layers"), help="Widths of the encoder's hidden layers; the "
                                    "decoder mirrors them. The linear AE never has hidden layers.")
        try:
            hidden = parse_layer_sizes(layers_text)
        except pipelines.InputError as error:
            st.error(markdown_literal(error))
            hidden = None  # nothing trains until the layers are valid
        activation = st.selectbox("Activation of the nonlinear AE", ACTIVATIONS,
                                  index=ACTIVATIONS.index(start.activation), key=_key("activation"))
        nonlinear_epochs = st.number_input("Epochs, nonlinear AE", 1, 5000, start.nonlinear_epochs,
                                           key=_key("nonlinear_epochs"), help="Most; early stopping may end sooner.")
        linear_epochs = st.number_input("Epochs, linear AE", 1, 5000, start.linear_epochs, key=_key("linear_epochs"))
        learning_rate = st.number_input("Learning rate", 1e-5, 1.0, start.learning_rate, format="%.4f",
                                        step=1e-3, key=_key("learning_rate"))
        batch_size = st.number_input("Batch size", 1, 4096, start.batch_size, key=_key("batch_size"))
    if hidden is None:
        return None
    shared = {"learning_rate": float(learning_rate), "batch_size": int(batch_size)}
    return {"linear_ae": {**shared, "epochs": int(linear_epochs)},
            "nonlinear_ae": {**shared, "epochs": int(nonlinear_epochs), "hidden_layer_sizes": hidden,
                             "activation": activation}}


def render() -> Selection | None:
    """Draw the shared sidebar and return its choices, or None while there is no usable dataset."""
    start = defaults()
    with st.sidebar:
        st.header("Data")
        options = [*DATASETS, UPLOAD]
        name = st.selectbox("Dataset", options, index=options.index(start.dataset), key=_key("dataset"))
        chosen = _uploaded() if name == UPLOAD else (cache.builtin_dataset(name), name)
        if chosen is None:
            return None
        dataset, dataset_key = chosen
        _describe(dataset)
        model_area = st.container()
        st.header("Split")
        test_size = st.slider("Test fraction", 0.1, 0.5, start.test_size, 0.05, key=_key("test_size"),
                              help="Share of the samples held out to score every method.")
        seed = st.number_input("Seed", 0, 2**32 - 1, start.seed, key=_key("seed"),
                               help="Seeds the split and the autoencoders' training.")
        try:
            max_bottleneck = cache.prepared(dataset_key, test_size, seed, dataset).max_bottleneck
        except pipelines.InputError as error:
            st.error(markdown_literal(error))
            return None
        params = _autoencoder_params(start)
        if params is None:
            return None
    with model_area:
        st.header("Models")
        sizes = list(range(1, max_bottleneck + 1))
        bottleneck = st.select_slider("Bottleneck size", sizes, min(start.bottleneck, max_bottleneck),
                                      key=_key(f"bottleneck_{dataset_key}"),
                                      help=f"Number of codes, from 1 to {max_bottleneck} for these data.")
        sweep = st.multiselect("Sweep sizes (error curves)", sizes,
                               default_sweep_sizes(start.sweep_sizes, max_bottleneck),
                               key=_key(f"sweep_{dataset_key}"), help="Bottleneck sizes compared on the curves.")
        methods = st.multiselect("Methods", list(METHODS), list(start.methods), key=_key("methods"),
                                 format_func=lambda m: METHODS[m].label)
    return Selection(dataset, dataset_key, max_bottleneck, bottleneck, tuple(sorted(sweep)),
                     tuple(m for m in METHODS if m in methods), test_size, int(seed), params)
