"""The sidebar every page shares: dataset, bottleneck, sweep sizes, methods, split and each method's settings.

Methods and their settings come from the registry: each method's settings schema is rendered as widgets, so a
new method brings its own controls. A method with bad settings is left out (with the reason in the sidebar
and the main area) while the others keep working.
"""
from __future__ import annotations

import streamlit as st

import pipelines
from dashboard import cache, dataset_fetch, upload, url_state
from dashboard.choices import Defaults, Selection, default_sweep_sizes, defaults
from dashboard.plain_text import markdown_literal
from dashboard.state import keep_choice, kept_choice, widget_key
from pipelines import DATASETS, METHODS
from pipelines.analysis.repeats import MAX_REPEATS, MAX_SEED, training_seeds
from pipelines.reducers import Setting

PREFIX = "sidebar"
UPLOAD = "Upload CSV…"
# A choice outlives the runs that do not draw its widget (an "Upload CSV…" run ends before the Models section, a page
# switch can interrupt a run half-drawn): without this Streamlit drops the widget's value and redraws it at its minimum.


def _key(name: str) -> str:
    return widget_key(PREFIX, name)


def setting_key(method: str, name: str) -> str:
    """The widget key of one of a method's settings."""
    return _key(f"{method}.{name}")


def _describe(dataset: pipelines.Dataset) -> None:
    rows, features = dataset.shape
    st.caption(markdown_literal(f"{rows:,} samples × {features:,} features. {dataset.description}"))
    for note in dataset.notes:
        st.warning(markdown_literal(note))


def _reset(method: str, start: Defaults) -> None:
    """Put a method's settings back to where the sidebar starts."""
    for setting in METHODS[method].settings:
        value = start.setting(method, setting.name)
        keep_choice(setting_key(method, setting.name), _widget_value(setting, value))


def _widget_value(setting: Setting, value: object) -> object:
    return setting.text(value) if setting.kind == "layers" else value


def _setting_widget(method: str, setting: Setting, start: Defaults) -> object:
    """One setting as a widget; returns what the widget holds (text for layer sizes)."""
    bound = kept_choice(setting_key(method, setting.name), _widget_value(setting, start.setting(method, setting.name)))
    if setting.kind == "layers":
        return st.text_input(setting.label, **bound, help=setting.help)
    if setting.kind == "choice":
        return st.selectbox(setting.label, setting.choices, **bound, help=setting.help)
    if setting.kind == "int":
        return st.number_input(setting.label, int(setting.low), int(setting.high), step=1, **bound,
                               help=setting.help)
    automatic = {} if setting.automatic is None else {"placeholder": f"auto: {setting.automatic}"}
    return st.number_input(setting.label, float(setting.low), float(setting.high), format="%.4g",
                           step=float(setting.low) * 10, **bound, help=setting.help, **automatic)


def _method_settings(methods: list[str], start: Defaults) -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """Each chosen method's settings from its expander, and the methods whose settings are invalid (with why)."""
    settings, problems = {}, {}
    for method in methods:
        entry = METHODS[method]
        if not entry.settings:
            continue
        with st.expander(f"{entry.label} settings"):
            raw = {s.name: _setting_widget(method, s, start) for s in entry.settings}
            st.button("Reset to defaults", key=_key(f"reset_{method}"), on_click=_reset, args=(method, start),
                      icon=":material/restart_alt:")
            try:
                settings[method] = entry.parse_settings(raw)
            except pipelines.InputError as error:
                problems[method] = str(error)
                st.error(markdown_literal(f"{error} {entry.label} does not train until this is fixed."))
    return settings, problems


def _guard(methods: list[str], settings: dict, data: pipelines.PreparedData, sizes: list[int],
           dataset: pipelines.Dataset, seeds: tuple[int, ...]) -> dict[str, str]:
    """Methods that cannot train on these data at these sizes (not accepted, or over the cost limits), and why."""
    problems = {}
    for method in methods:
        reason = METHODS[method].accepts(dataset)
        if reason is None and sizes:
            specs = [pipelines.run_spec(dataset, method, sizes, test_size=data.test_size, split_seed=data.seed,
                                        settings=settings.get(method), train_seed=seed) for seed in seeds]
            try:
                pipelines.runs.tasks.check_cost(specs, data)
            except pipelines.InputError as error:  # its sentence starts with the label the sidebar puts first
                reason = str(error).removeprefix(f"{METHODS[method].label}: ")
        if reason:
            problems[method] = reason
    return problems


def _kept(name: str, start: object) -> dict[str, object]:
    """A sidebar widget's key and binding to its kept choice, which starts at `start`."""
    return kept_choice(_key(name), start)


def render() -> Selection | None:
    """Draw the shared sidebar and return its choices, or None while there is no usable dataset."""
    start = defaults()
    url_state.restore(start)
    with st.sidebar:
        for note in url_state.notes():
            st.warning(markdown_literal(note))
        st.header("Data")
        name = st.selectbox("Dataset", [*DATASETS, UPLOAD], **_kept("dataset", start.dataset))
        chosen = upload.uploaded() if name == UPLOAD else dataset_fetch.builtin(name)
        if chosen is None:
            return None
        dataset, dataset_key = chosen
        _describe(dataset)
        model_area = st.container()
        st.header("Split and seeds")
        test_size = st.slider("Test fraction", 0.1, 0.5, step=0.05, **_kept("test_size", start.test_size),
                              help="Share of the samples held out to score every method.")
        test_size = round(test_size, 6)  # a slider's 0.1 + 4 × 0.05 must split and key like a typed 0.3
        split_seed = st.number_input("Split seed", 0, 2**32 - 1, **_kept("split_seed", start.split_seed),
                                     help="Seeds which samples are held out for testing.")
        seed_column, repeats_column = st.columns(2)
        train_seed = seed_column.number_input(
            "Training seed", 0, MAX_SEED, **_kept("train_seed", start.train_seed),
            help="Seeds the autoencoders' initial weights, validation samples and batch order (the first repeat's).")
        repeats = repeats_column.number_input(
            "Repeats", 1, MAX_REPEATS, **_kept("repeats", start.repeats),
            help="Train every method this many times, with training seeds from the training seed up. Error curves "
                 "show the mean and spread; the other pages show the first repeat. Repeats of an autoencoder on "
                 "one split train together, in one computation; a deterministic method (PCA) trains once per split.")
        vary_split = st.toggle(
            "Vary the split with each repeat", **_kept("vary_split", start.vary_split), disabled=repeats == 1,
            help="Repeated hold-out: repeat i also holds out its own test samples (split seed + i), so the spread "
                 "includes how much the scores depend on which samples are held out, not only on training.")
        try:
            data = cache.prepared(dataset_key, test_size, int(split_seed), dataset)
        except pipelines.InputError as error:
            st.error(markdown_literal(error))
            return None
    max_bottleneck = data.max_bottleneck
    sizes = list(range(1, max_bottleneck + 1))
    with model_area:
        st.header("Models")
        linked_k, linked_sweep = url_state.pending("k", sizes), url_state.pending("sweep", sizes)
        k_name, sweep_name = f"bottleneck_{dataset_key}", f"sweep_{dataset_key}"
        if linked_k:
            keep_choice(_key(k_name), linked_k[0])
        if linked_sweep:
            keep_choice(_key(sweep_name), linked_sweep)
        bottleneck = st.select_slider("Bottleneck size", sizes, **_kept(k_name, min(start.bottleneck, max_bottleneck)),
                                      help=f"Number of codes, from 1 to {max_bottleneck} for these data.")
        if max_bottleneck == 1:
            st.caption("These data have only 2 usable features, so 1 code is the only bottleneck that compresses "
                       "them.")
        sweep = st.multiselect("Sweep sizes (error curves)", sizes,
                               **_kept(sweep_name, default_sweep_sizes(start.sweep_sizes, max_bottleneck)),
                               help="Bottleneck sizes compared on the curves.")
        methods = st.multiselect("Methods", list(METHODS), **_kept("methods", list(start.methods)),
                                 format_func=lambda m: METHODS[m].label,
                                 help="Methods that are off at first take longer to train; add them here.")
    with st.sidebar:
        settings, problems = _method_settings(methods, start)
        if name == UPLOAD:
            st.caption("The page's link keeps your choices for a reload or to share, but not an uploaded file.")
    chosen_methods = [m for m in METHODS if m in methods]
    problems.update(_guard([m for m in chosen_methods if m not in problems], settings, data, sorted(sweep), dataset,
                           training_seeds(int(train_seed), int(repeats))))
    for method, reason in problems.items():
        if method in settings:  # settings errors were shown inside their expander
            st.sidebar.warning(markdown_literal(f"{METHODS[method].label}: {reason}"))
    selection = Selection(dataset, dataset_key, max_bottleneck, bottleneck, tuple(sorted(sweep)),
                          tuple(m for m in chosen_methods if m not in problems), test_size, int(split_seed),
                          int(train_seed), settings, {m: problems[m] for m in chosen_methods if m in problems},
                          int(repeats), bool(vary_split) and repeats > 1)
    url_state.publish(selection, name == UPLOAD, start)
    return selection
