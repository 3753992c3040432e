"""Embeddings: each method's 2-D codes side by side, coloured by label; click a point to see its sample."""
import streamlit as st

from dashboard import cache, state, summaries, trained
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key
from pipelines import figures

PREFIX = "embeddings"

selection = trained.require_selection()
dataset = selection.dataset
st.title("Embeddings")
st.caption("Each method's model with a bottleneck of 2 codes, so every test sample becomes a point (code 1, code 2). "
           "Samples that are alike should land close together. Hover over a point for its label and values; "
           "click it to see the sample below.")
if selection.max_bottleneck < 2:
    st.info("These data have too few features for a 2-D embedding; try another dataset.")
    st.stop()
if dataset.shape[1] == 3:
    st.plotly_chart(figures.point_cloud(dataset.X, summaries.continuous_labels(dataset), color_name=dataset.label_name,
                                        title="The data in their original 3-D space"))

models = trained.models_at(selection, 2)
codes = cache.embedding_codes(models)
quality = cache.embedding_quality(models)
hover = None if dataset.image_shape else summaries.feature_values(dataset, models.data.test_index)
for column, method in zip(st.columns(len(models.models)), models.models):
    chart_key = widget_key(PREFIX, f"chart_{method}")
    remember_click = state.remember_clicked_sample(chart_key, selection.dataset_key)
    column.plotly_chart(figures.embedding(codes[codes["method"] == method], method, label_name=dataset.label_name,
                                          label_kind=dataset.label_kind, hover=hover),
                        key=chart_key, on_select=remember_click, selection_mode="points")
    trust, knn = column.columns(2)
    trust.metric("Trustworthiness", f"{quality[method]['trustworthiness']:.3f}",
                 help="How far the 5 nearest neighbours of a point in the codes are also near it in the data "
                      "(1 is perfect).")
    knn.metric("k-NN accuracy", summaries.percent(quality[method]["knn_accuracy"]),
               help="Test accuracy of a 5-nearest-neighbour classifier on the codes; only for class labels.")

st.subheader("Selected sample")
sample = state.selected_sample(selection.dataset_key, models.data.test_index)
st.caption(markdown_literal(summaries.sample_caption(dataset, sample)))
if dataset.image_shape:
    st.plotly_chart(figures.image_grid({"Original": dataset.X[[sample]]}, dataset.image_shape,
                                       title=f"Sample {sample}", cell=160), width="content")
else:
    st.dataframe(summaries.feature_values(dataset, [sample]))
st.download_button("Download the 2-D codes (CSV)", codes.to_csv(index=False).encode(),
                   file_name=f"latent-lab-{summaries.file_stem(dataset)}-codes.csv", mime="text/csv",
                   icon=":material/download:", key=widget_key(PREFIX, "download"))
