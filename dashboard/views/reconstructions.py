"""Reconstructions: what each method gives back at the chosen bottleneck, and where it fails."""
import streamlit as st

from dashboard import cache, chart_data, page_text, state, tables, trained
from dashboard.plain_text import markdown_literal
from pipelines import figures

GALLERY_SIZE = 10
WORST_SHOWN = 5
GALLERIES_PER_ROW = 2  # each method's worst samples stay 64 px a picture, their labels apart

selection = trained.require_selection()
trained.first_repeat_note(selection)
dataset, k = selection.dataset, selection.bottleneck
st.title("Reconstructions")
st.caption(f"Every method compresses each test sample to {k} code{'s' if k > 1 else ''} (the bottleneck chosen "
           "in the sidebar) and decodes it back. The closer the reconstruction is to the original, the less the "
           f"bottleneck lost. {page_text.units_note(dataset)}")
models = trained.models_at(selection, k)
data, units = models.data, page_text.mse_units(dataset)
errors = cache.sample_errors(models)

if dataset.image_shape:  # galleries decode only the rows they show
    st.plotly_chart(figures.image_grid(
        chart_data.gallery(data, models.models, range(GALLERY_SIZE)), dataset.image_shape,
        title=f"The first {GALLERY_SIZE} test samples and their reconstructions",
        column_titles=[f"#{i}" for i in data.test_index[:GALLERY_SIZE]]), width="content")
elif dataset.shape[1] == 3:
    reconstructed = cache.reconstructions(models)
    st.plotly_chart(figures.reconstructed_clouds(
        data.to_original_units(data.X_test), {m: data.to_original_units(X) for m, X in reconstructed.items()},
        chart_data.continuous_labels(dataset, data.test_index), color_name=dataset.label_name,
        axis_names=dataset.feature_names))
else:
    st.plotly_chart(figures.feature_errors(cache.feature_errors(models), dataset.feature_names, units=units))

st.plotly_chart(figures.error_histogram(errors, units=units))

st.subheader("The worst-reconstructed samples")
worst = tables.worst_samples(errors, data, WORST_SHOWN)
if dataset.image_shape:
    methods = list(errors)
    for row_start in range(0, len(methods), GALLERIES_PER_ROW):
        for column, method in zip(st.columns(GALLERIES_PER_ROW), methods[row_start:row_start + GALLERIES_PER_ROW]):
            rows = worst[worst["method"] == method]
            column.plotly_chart(figures.image_grid(
                chart_data.gallery(data, {method: models.models[method]}, rows["position"]), dataset.image_shape,
                title=f"Worst for {rows['Method'].iloc[0]}", column_titles=[f"#{s}" for s in rows["Sample"]],
                cell=64), width="content")
st.dataframe(worst.drop(columns=["method", "position"]), hide_index=True,
             column_config={"MSE": st.column_config.NumberColumn(format="%.4g")})

st.subheader("One sample at every bottleneck size")
sample = state.selected_sample(selection.dataset_key, data.test_index)
st.caption(markdown_literal(f"{page_text.sample_name(dataset, sample)}, reconstructed by each "
                            "method's model of every size of the sweep (click a point on the Embeddings page to "
                            "choose another sample)."))
by_size = chart_data.sample_at_every_size(trained.sweep(selection), data, sample)
if dataset.image_shape:
    rows, sizes = chart_data.size_gallery(data, by_size, sample)
    st.plotly_chart(figures.image_grid(rows, dataset.image_shape, column_titles=sizes, cell=96,
                                       title=f"Sample {sample} and its reconstruction at every bottleneck size"),
                    width="content")
else:
    st.dataframe(tables.shown(tables.size_table(data, by_size, sample)), hide_index=True)
    st.caption(f"The first row is the sample; the others its reconstructions, in the data's own units. MSE is the "
               f"reconstruction's error on this sample in the units the models were trained in "
               f"({page_text.mse_units(dataset)}).")
