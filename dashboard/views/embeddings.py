"""Embeddings: each method's codes as 2-D points side by side, coloured by label; click a point to see its sample."""
import numpy as np
import streamlit as st

from dashboard import cache, chart_data, page_text, run_labels, state, tables, trained
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key
from pipelines import figures

PREFIX = "embeddings"
CHARTS_PER_ROW = 3  # each chart stays about 350 px wide and square on a laptop screen

selection = trained.require_selection()
trained.first_repeat_note(selection)
dataset, k = selection.dataset, selection.bottleneck
st.title("Embeddings")
st.caption("Every test sample becomes a point: samples that are alike should land close together. Hover over a "
           "point for its label and values; click it to see the sample and its reconstructions below.")
if selection.max_bottleneck < 2:
    st.info("These data have too few features for a 2-D embedding; try another dataset.")
    st.stop()
shown_k = 2
if k != 2 and st.toggle(page_text.chosen_codes_label(k), key=widget_key(PREFIX, "chosen_bottleneck")):
    shown_k = k
st.info(page_text.embedding_note(k, shown_k))
if dataset.shape[1] == 3:
    st.plotly_chart(figures.point_cloud(dataset.X, chart_data.continuous_labels(dataset), color_name=dataset.label_name,
                                        title="The data in their original 3-D space"))

models = trained.models_at(selection, shown_k)
codes = cache.planar_codes(models)
quality = cache.embedding_quality(models)
sample = state.selected_sample(selection.dataset_key, models.data.test_index)
hover = None if dataset.image_shape else chart_data.feature_values(dataset, models.data.test_index)
legend = figures.embedding_legend(codes["label"], label_name=dataset.label_name, label_kind=dataset.label_kind)
if legend is not None:
    st.plotly_chart(legend, key=widget_key(PREFIX, "legend"), config={"displayModeBar": False})
methods = list(models.models)
for row_start in range(0, len(methods), CHARTS_PER_ROW):
    for column, method in zip(st.columns(CHARTS_PER_ROW), methods[row_start:row_start + CHARTS_PER_ROW]):
        chart_key = widget_key(PREFIX, f"chart_{method}")
        remember_click = state.remember_clicked_sample(chart_key, selection.dataset_key)
        column.plotly_chart(figures.embedding(codes[codes["method"] == method], method, label_name=dataset.label_name,
                                              label_kind=dataset.label_kind, hover=hover, bottleneck=shown_k,
                                              highlight=sample, show_legend=legend is None),
                            key=chart_key, on_select=remember_click, selection_mode="points")
        scores = quality[method]
        trust, knn = column.columns(2)
        trust.metric("Trustworthiness", f"{scores.trustworthiness:.3f}",
                     help="How far the 5 nearest neighbours of a point in the codes (all of them, not only the two "
                          f"axes drawn) are also near it in the data (1 is perfect); {scores.scope}.")
        knn.metric("k-NN accuracy", page_text.percent(scores.knn_accuracy),
                   help="Test accuracy of a 5-nearest-neighbour classifier on the codes; only for class labels. "
                        f"Scored {scores.scope}, with neighbours from {scores.knn_scope}.")
        if scores.subsampled:
            column.caption(f"Both scored {scores.scope}.")

st.subheader("Selected sample")
st.caption(markdown_literal(page_text.sample_caption(dataset, sample)))
if dataset.image_shape:
    position = chart_data.position_in_test(models.data, sample)
    shown = chart_data.gallery(models.data, models.models, [position])  # one row: the sample, then each method's
    st.plotly_chart(figures.image_grid(
        {f"Sample {sample}": np.concatenate(list(shown.values()))}, dataset.image_shape, cell=120,
        column_titles=[run_labels.method_label(name) for name in shown],
        title=f"Sample {sample} and its reconstructions from {shown_k} codes"), width="content")
else:
    st.dataframe(tables.shown(tables.sample_reconstructions(models.data, cache.reconstructions(models), sample)))
st.download_button("Download the points drawn (CSV)", codes.to_csv(index=False).encode(),
                   file_name=f"latent-lab-{tables.file_stem(dataset)}-codes-{shown_k}.csv", mime="text/csv",
                   icon=":material/download:", key=widget_key(PREFIX, "download"))
