"""Latent space: what each method's codes mean, decoded back to data: the code plane, interpolations between two
samples, code sliders and new samples, every method side by side on the same test samples. Each view is a
fragment, so its own controls rerun only that view."""
import numpy as np
import streamlit as st

from dashboard import cache, chart_data, state, tables, trained
from dashboard.choices import ModelsAt
from dashboard.sample_picker import other_sample, pick_sample
from dashboard.state import widget_key
from pipelines import METHODS, figures
from pipelines.analysis import latent
from pipelines.analysis.repeats import MAX_SEED
from pipelines.figures import latent as latent_figures

PREFIX = "latent"
MAX_SLIDERS = 8
SHIFT_LIMIT = 3.0  # in standard deviations of a code over the training samples

selection = trained.require_selection()
trained.first_repeat_note(selection)
dataset, k = selection.dataset, selection.bottleneck
image_shape, manifold = dataset.image_shape, dataset.shape[1] == 3
units = "standardised units" if dataset.scaling == "standardize" else "values in [0, 1]"
st.title("Latent space")
st.caption("What each method's codes mean: points of its latent space decoded back to data, every method side by "
           "side on the same test samples. Each view's charts can be saved as PNG from their toolbar.")


def in_data_units(data, array: np.ndarray) -> np.ndarray:
    """Decoded rows (any leading shape) in the data's own units."""
    return data.to_original_units(array.reshape(-1, array.shape[-1])).reshape(array.shape)


def download(frame, what: str, name: str) -> None:
    st.download_button(f"Download the {what} (CSV, the data's own units)", frame.to_csv(index=False).encode(),
                       mime="text/csv", file_name=f"latent-lab-{tables.file_stem(dataset)}-{name}.csv",
                       icon=":material/download:", key=widget_key(PREFIX, f"download_{name}"))


def picked_pair(models: ModelsAt, name: str) -> tuple[int, int]:
    """Two test samples: the one clicked in Embeddings and another, each changeable here."""
    data = models.data
    clicked = state.selected_sample(selection.dataset_key, data.test_index)
    left, right = st.columns(2)
    start = pick_sample(left, "Sample A", data, clicked, f"{PREFIX}_{name}")
    # B starts at a sample paired with the clicked one, not with A's widget, so changing A keeps the choice of B.
    end = pick_sample(right, "Sample B", data, other_sample(data, clicked), f"{PREFIX}_{name}")
    return start, end


@st.fragment
def code_plane(models: ModelsAt) -> None:
    data = models.data
    if image_shape:
        st.caption("A grid over each method's two codes, from the 1st to the 99th percentile of its test codes, every "
                   "point decoded to an image. Look for blur and ghostly mixtures in PCA's plane, sharper shapes with "
                   "gaps between classes in an autoencoder's, and a smooth sheet without holes in the VAE's.")
    elif manifold:
        st.caption("Each method's decoded grid drawn as a sheet in the data's 3-D space, over the test points: PCA "
                   "can only lay a flat plane through them, while an autoencoder can bend its sheet to follow a "
                   "curved manifold such as the swiss roll.")
    else:
        st.caption(f"Each code varied alone across its range, the other at its median, and what the features that "
                   f"change most decode to, in {units}. PCA's lines are straight; an autoencoder's may bend.")
    left, right = st.columns(2)
    steps = left.slider("Grid points per code", 5, 25, 15, key=widget_key(PREFIX, "plane_steps"))
    if not (image_shape or manifold):
        sweeps = cache.axis_sweeps(models, steps)
        st.plotly_chart(latent_figures.axis_sweeps(sweeps, dataset.feature_names, units=units))
        download(latent.decoded_frame(
            {m: in_data_units(data, sweep.decoded) for m, sweep in sweeps.items()}, dataset.feature_names,
            {m: {"code": np.repeat(np.arange(1, len(sweep.values) + 1), steps), "code_value": sweep.values}
             for m, sweep in sweeps.items()}), "decoded code sweeps", "plane")
        return
    planes = cache.decoded_planes(models, steps)
    if image_shape:
        with_codes = right.toggle("Show the test codes", key=widget_key(PREFIX, "plane_codes"))
        codes = cache.test_codes(models)
        columns = st.columns(min(2, len(planes)))
        for i, method in enumerate(planes):
            columns[i % len(columns)].plotly_chart(latent_figures.plane_mosaic(
                planes[method], image_shape, method, codes=codes[method] if with_codes else None),
                key=widget_key(PREFIX, f"plane_{method}"))
    else:
        st.plotly_chart(latent_figures.plane_sheets(
            data.to_original_units(data.X_test), {m: in_data_units(data, p.decoded) for m, p in planes.items()},
            axis_names=dataset.feature_names))
    download(latent.decoded_frame(
        {m: in_data_units(data, p.decoded) for m, p in planes.items()}, dataset.feature_names,
        {m: dict(zip(("code_1", "code_2"), np.meshgrid(p.axis_1, p.axis_2))) for m, p in planes.items()}),
        "decoded grids", "plane")


@st.fragment
def interpolation(models: ModelsAt) -> None:
    data = models.data
    st.caption(f"The straight line between two samples' {k} codes, decoded step by step for every method, with the "
               "plain blend of the two samples as the baseline. A good latent space passes through realistic "
               "samples on the way; a blend in data space only cross-fades. Pick the samples here, or click one "
               "in the Embeddings charts to make it sample A.")
    start, end = picked_pair(models, "interpolation")
    steps = st.slider("Steps", 3, 15, 8, key=widget_key(PREFIX, "interpolation_steps"))
    paths = cache.interpolations(models, start, end, steps)
    if image_shape:
        rows = {("Pixel blend" if name == latent.BLEND else name): path for name, path in paths.items()}
        titles = ["A", *[f"{t:.2f}" for t in np.linspace(0, 1, steps)[1:-1]], "B"]
        st.plotly_chart(figures.image_grid(rows, image_shape, title=f"From sample {start} to sample {end}",
                                           column_titles=titles),
                        width="content", key=widget_key(PREFIX, "interpolation_chart"))
    elif manifold:
        st.plotly_chart(latent_figures.interpolation_paths(
            data.to_original_units(data.X_test), {m: in_data_units(data, p) for m, p in paths.items()},
            axis_names=dataset.feature_names), key=widget_key(PREFIX, "interpolation_chart"))
    else:
        st.plotly_chart(latent_figures.feature_paths(paths, dataset.feature_names, units=units),
                        key=widget_key(PREFIX, "interpolation_chart"))
    position = np.linspace(0, 1, steps)
    download(latent.decoded_frame({m: in_data_units(data, p) for m, p in paths.items()}, dataset.feature_names,
                                  {m: {"position": position} for m in paths}), "interpolations", "interpolation")


def reset_shifts(keys: list[str]) -> None:
    for key in keys:
        st.session_state[key] = 0.0


@st.fragment
def code_sliders(models: ModelsAt) -> None:
    data = models.data
    shown = min(k, MAX_SLIDERS)
    st.caption(f"Start from a sample's {k} codes and move them. A slider shifts code i of every method by that many "
               "of its standard deviations over the training samples. Code i is each method's own: PCA orders its "
               "codes by variance, an autoencoder's have no order, so one slider moves different things in each."
               + (f" Sliders are shown for the first {MAX_SLIDERS} codes." if k > MAX_SLIDERS else ""))
    clicked = state.selected_sample(selection.dataset_key, data.test_index)
    sample = pick_sample(st, "Starting sample", data, clicked, f"{PREFIX}_sliders")
    keys = [widget_key(PREFIX, f"shift_{i}") for i in range(shown)]
    columns = st.columns(min(4, shown))
    shifts = [columns[i % len(columns)].slider(f"Code {i + 1}", -SHIFT_LIMIT, SHIFT_LIMIT, 0.0, 0.1, key=key,
                                               help="Shift in standard deviations of this code")
              for i, key in enumerate(keys)]
    st.button("Reset the sliders", on_click=reset_shifts, args=(keys,), key=widget_key(PREFIX, "reset_shifts"))
    spreads = cache.code_spreads(models)
    x = data.X_test[chart_data.position_in_test(data, sample)]
    decoded = {m: latent.shifted(r, x, shifts, spreads[m]) for m, r in models.models.items()}
    if image_shape:
        st.plotly_chart(figures.image_grid(
            {"": [x, *decoded.values()]}, image_shape, title="The starting sample and each method's decoding of "
            "the shifted codes", column_titles=["Sample", *[METHODS[m].label for m in decoded]], cell=110),
            width="content", key=widget_key(PREFIX, "sliders_chart"))
    elif manifold:
        st.plotly_chart(latent_figures.decoded_points(
            data.to_original_units(data.X_test), data.to_original_units(x[None, :])[0],
            {m: data.to_original_units(p[None, :])[0] for m, p in decoded.items()},
            axis_names=dataset.feature_names), key=widget_key(PREFIX, "sliders_chart"))
    else:
        st.plotly_chart(latent_figures.decoded_features(x, decoded, dataset.feature_names, units=units),
                        key=widget_key(PREFIX, "sliders_chart"))
    download(latent.decoded_frame({m: in_data_units(data, p[None, :]) for m, p in decoded.items()},
                                  dataset.feature_names,
                                  {m: {"sample": [sample], **{f"shift_code_{i + 1}": [shift] for i, shift in
                                                              enumerate(shifts)}} for m in decoded}),
             "decodings of the shifted codes", "sliders")


@st.fragment
def generate(models: ModelsAt) -> None:
    data = models.data
    st.caption("New samples: a generative method (the VAE, the adversarial AE) decodes draws from its prior N(0, I), "
               "the distribution it was trained to fill. The others have no prior, so each decodes draws from a "
               "Gaussian fitted to its own training codes, which is an approximation, not the method's own: "
               "realistic samples there mean the codes are close to Gaussian. The Generation page compares these "
               "samplers and a Gaussian mixture, with sample-quality scores.")
    left, right = st.columns(2)
    n = left.slider("Samples per method", 4, 16, 8, key=widget_key(PREFIX, "draws"))
    seed = right.number_input("Seed of the draws", 0, MAX_SEED, 0, key=widget_key(PREFIX, "draw_seed"),
                              help="The same seed gives the same samples.")
    drawn, left_out = cache.generated(models, n, int(seed))
    for method, why in left_out.items():
        st.warning(f"**{METHODS[method].label}** is left out of the draws: {why}.", icon=":material/block:")
    if not drawn:
        return
    st.caption(" · ".join(f"**{METHODS[m].label}**: from {d.source}" for m, d in drawn.items()))
    samples = {m: d.samples for m, d in drawn.items()}
    if image_shape:
        st.plotly_chart(figures.image_grid(samples, image_shape, title=f"{n} generated samples per method"),
                        width="content", key=widget_key(PREFIX, "generated_chart"))
    elif manifold:
        st.plotly_chart(latent_figures.generated_clouds(
            data.to_original_units(data.X_test), {m: in_data_units(data, s) for m, s in samples.items()},
            axis_names=dataset.feature_names), key=widget_key(PREFIX, "generated_chart"))
    else:
        reference, projected = latent.on_data_plane(data.X_test, samples)
        st.plotly_chart(latent_figures.generated_projection(
            reference, projected, axis_names=("PC 1 of the test samples", "PC 2 of the test samples")),
            key=widget_key(PREFIX, "generated_chart"))
    download(latent.decoded_frame({m: in_data_units(data, s) for m, s in samples.items()}, dataset.feature_names,
                                  {m: {"draw": np.arange(n)} for m in samples}), "generated samples", "generated")


plane_tab, interpolation_tab, sliders_tab, generate_tab = st.tabs(
    ["Code plane", "Interpolation", "Code sliders", "Generate"])
with plane_tab:
    if selection.max_bottleneck < 2:
        st.info("These data have too few features for a 2-code plane; try another dataset.")
    else:
        st.subheader("The decoded code plane of every 2-code model")
        code_plane(trained.models_at(selection, 2))
models = trained.models_at(selection, k)
with interpolation_tab:
    st.subheader(f"Interpolation at the sidebar's bottleneck ({k} code{'s' if k > 1 else ''})")
    interpolation(models)
with sliders_tab:
    st.subheader(f"Code sliders at the sidebar's bottleneck ({k} code{'s' if k > 1 else ''})")
    code_sliders(models)
with generate_tab:
    st.subheader(f"New samples at the sidebar's bottleneck ({k} code{'s' if k > 1 else ''})")
    generate(models)
