"""Generation: which method's samples look most like the data, and from which sampler: each method's samples next to
held-out data, and one table of Fréchet distance, precision, recall, density and coverage in the dataset's feature
space (Ghosh et al. 2020's question: does a mixture fitted to a plain autoencoder's codes beat a VAE's prior?)."""
import pandas as pd
import streamlit as st

from dashboard import cache, tables, trained
from dashboard.choices import ModelsAt
from dashboard.state import widget_key
from pipelines import METHODS
from pipelines.analysis.sample_quality import METRIC_LABELS, METRICS, best_rows, cell_label, summarised, verdicts
from pipelines.analysis.samplers import GMM_COMPONENTS, SAMPLERS, samplers_for
from pipelines.figures import generation as figures
from pipelines.runs.generation import GENERATION_COLUMNS, prior_notes

PREFIX = "generation"
SAMPLE_COUNTS = [200, 500, 1000, 2000, 5000]
SHOWN_SAMPLES = 10  # images per sampler in the grid

selection = trained.require_selection()
dataset, k = selection.dataset, selection.bottleneck
st.title("Generation")
st.caption("New samples decoded from codes drawn three ways: a generative method's own prior N(0, I), a Gaussian "
           "fitted to a method's training codes, or a Gaussian mixture fitted to them (the ex-post density estimate "
           "of Ghosh et al. 2020). Each sampler's samples are compared with as many held-out test rows: Fréchet "
           "distance (lower is better), precision (samples that look real), recall (the data's variety covered), "
           "density and coverage, with k = 5 neighbours.")
models = trained.models_at(selection, k)


def repeats_of(first: ModelsAt) -> dict[int, ModelsAt]:
    """Every repeat's models at this bottleneck, by training seed (the first alone for a size outside the sweep,
    which trains only the first repeat, or for a repeat on another split)."""
    if selection.repeats == 1 or k not in selection.sweep_sizes:
        return {selection.train_seed: first}
    by_seed: dict[int, dict[str, tuple[str, object]]] = {}
    for method in first.models:
        job = cache.training_job(selection.specs(method, selection.sweep_sizes), first.data)
        for result in job.results:
            if result.spec.split_seed == first.data.seed:
                by_seed.setdefault(result.spec.train_seed, {})[method] = (result.spec.key, result.models[(method, k)])
    return {seed: ModelsAt((tuple(key for key, _ in chosen.values()), k), k, first.data,
                           {method: model for method, (_, model) in chosen.items()})
            for seed, chosen in by_seed.items()}


def quality_rows(repeats: dict[int, ModelsAt], samplers: list[str], n: int, components: int
                 ) -> tuple[pd.DataFrame, list[str]]:
    """The tidy table over every repeat, method and sampler, each cell from the cache, with its notes."""
    cells = [(seed, at, method, sampler) for seed, at in repeats.items() for method in at.models
             for sampler in samplers if sampler in samplers_for(method)]
    rows, notes = [], prior_notes(list(models.models), samplers)
    bar = st.progress(0.0, "Measuring sample quality…") if len(cells) > 1 else None
    for i, (seed, at, method, sampler) in enumerate(cells):
        row, note = cache.quality_cell(at, method, sampler, n, components if sampler == "gmm" else 0, seed)
        rows += [row] if row is not None else []
        notes += [note] if note and note not in notes else []
        if bar is not None:
            bar.progress((i + 1) / len(cells), f"Measured {cell_label(method, sampler)} (repeat {seed})")
    if bar is not None:
        bar.empty()
    return pd.DataFrame(rows, columns=GENERATION_COLUMNS), notes


def shown_table(summary: pd.DataFrame) -> pd.io.formats.style.Styler:
    """Means (± sd over repeats) per method and sampler, the best cell of every metric in bold with a ★."""
    best = best_rows(summary)
    several = summary["repeats"].max() > 1
    display = pd.DataFrame({"method + sampler": [cell_label(m, s) for m, s in zip(summary["method"],
                                                                                   summary["sampler"])]})
    for metric in METRICS:
        text = summary[metric].map("{:.3g}".format if metric == "fd" else "{:.3f}".format)
        if several:
            text = text + summary[f"{metric}_sd"].map(lambda v: "" if pd.isna(v) else f" ± {v:.2g}")
        display[METRIC_LABELS[metric]] = [f"★ {t}" if row == best[metric] else t for row, t in enumerate(text)]
    bold = pd.DataFrame("", index=display.index, columns=display.columns)
    for metric, row in best.items():
        bold.loc[row, METRIC_LABELS[metric]] = "font-weight: bold"
    return display.style.apply(lambda _: bold, axis=None)


left, middle, right = st.columns([2, 1, 1])
samplers = left.multiselect("Samplers", list(SAMPLERS), default=list(SAMPLERS), key=widget_key(PREFIX, "samplers"),
                            format_func=lambda name: SAMPLERS[name].label,
                            help="A method without a prior (all but the VAE and the adversarial AE) skips it.")
n = middle.select_slider("Samples per model", SAMPLE_COUNTS, value=1000, key=widget_key(PREFIX, "samples"),
                         help="Compared with as many held-out test rows (all of them when there are fewer).")
components = right.number_input("Mixture components", 1, 30, GMM_COMPONENTS, key=widget_key(PREFIX, "components"),
                                help="Of the Gaussian mixture sampler; fewer are fitted when the training rows are "
                                     "too few for them (a note says so).")
if not samplers:
    st.info("Choose at least one sampler.")
    st.stop()

repeats = repeats_of(models)
rows, notes = quality_rows(repeats, samplers, n, int(components))
for note in notes:
    st.caption(f":material/info: {note}")
if rows.empty:
    st.warning("No method gave samples to measure at this bottleneck.")
    st.stop()

st.subheader(f"Sample quality at {k} code{'s' if k > 1 else ''}")
spaces = ", ".join(dict.fromkeys(rows["feature_space"]))
st.caption(f"Measured in the **{spaces}**, {n:,} samples per model against "
           f"{min(n, len(models.data.X_test)):,} held-out rows"
           + (f"; mean ± sd over {len(repeats)} repeats." if len(repeats) > 1 else ".")
           + " ★ marks the best of each column (density is best near 1).")
summary = summarised(rows)
st.dataframe(shown_table(summary), hide_index=True, key=widget_key(PREFIX, "table"))
for sentence in verdicts(summary).values():
    st.markdown(f"- {sentence}")
st.download_button("Download the table (CSV, one row per model, sampler and repeat)", rows.to_csv(index=False).encode(),
                   mime="text/csv", file_name=f"latent-lab-{tables.file_stem(dataset)}-generation.csv",
                   icon=":material/download:", key=widget_key(PREFIX, "download"))

st.subheader("The samples")
method = st.segmented_control("Method", list(models.models), default=next(iter(models.models)),
                              format_func=lambda m: METHODS[m].label, key=widget_key(PREFIX, "method"))
if method is not None:
    data = models.data
    shown = SHOWN_SAMPLES if dataset.image_shape else min(n, 1000)
    drawn = cache.sampler_draws(models, method, tuple(samplers), shown, int(components), selection.train_seed)
    reference = data.X_test[:shown]
    if not drawn:
        st.info(f"{METHODS[method].label} gives no finite samples from these samplers.")
    elif dataset.image_shape:
        st.plotly_chart(figures.sample_images(method, reference, drawn, dataset.image_shape), width="content",
                        key=widget_key(PREFIX, "samples_chart"))
    elif dataset.shape[1] == 3:
        st.plotly_chart(figures.sample_clouds(method, data.to_original_units(reference),
                                              {s: data.to_original_units(d) for s, d in drawn.items()},
                                              axis_names=dataset.feature_names),
                        key=widget_key(PREFIX, "samples_chart"))
    else:
        st.plotly_chart(figures.feature_distributions(method, data.to_original_units(data.X_test),
                                                      {s: data.to_original_units(d) for s, d in drawn.items()},
                                                      dataset.feature_names),
                        key=widget_key(PREFIX, "samples_chart"))
