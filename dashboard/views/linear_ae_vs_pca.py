"""Linear AE vs PCA: does a linear autoencoder find PCA's subspace, and which directions does it recover?"""
import streamlit as st

from dashboard import cache, page_text, trained
from pipelines import figures

REFERENCE, LINEAR_AE = PAIR = ("pca", "linear_ae")  # this page is about these two methods
MAX_DIRECTIONS = 8

selection = trained.require_selection()
trained.first_repeat_note(selection)
dataset, k = selection.dataset, selection.bottleneck
st.title("Linear AE vs PCA")
st.caption("A linear autoencoder trained on squared error learns the same subspace as PCA (Baldi & Hornik, 1989), "
           "but not necessarily the same directions: its codes can be any rotation and scaling of PCA's. "
           "Principal angles measure how far apart two subspaces are; all 0° means they are identical. "
           "This page trains both methods whatever the sidebar's method choice.")
if set(trained.sweep(selection, PAIR)) != set(PAIR):
    st.stop()  # one of the two could not train; the reason is shown above
angles = {size: cache.principal_angles(trained.models_at(selection, size, PAIR), *PAIR)
          for size in selection.sweep_sizes}
chosen = trained.models_at(selection, k, PAIR)
if set(chosen.models) != set(PAIR):
    st.stop()
st.info(page_text.angles_sentence(cache.principal_angles(chosen, *PAIR), k))
st.plotly_chart(figures.principal_angles(angles, method=LINEAR_AE, chosen=k))

st.subheader("PCA components and the directions the linear AE recovered")
pca_directions, ae_directions = cache.compared_directions(chosen, *PAIR)
shown = min(k, MAX_DIRECTIONS)
names = page_text.direction_names(pca_directions[:shown], ae_directions[:shown])
if dataset.image_shape:
    st.plotly_chart(figures.image_grid(
        {REFERENCE: pca_directions[:shown], LINEAR_AE: ae_directions[:shown]}, dataset.image_shape, diverging=True,
        title=f"The first {shown} directions at bottleneck {k} ({figures.DIVERGING_LEGEND})", column_titles=names),
        width="content")
else:
    st.plotly_chart(figures.direction_loadings(pca_directions[:shown], ae_directions[:shown], dataset.feature_names,
                                               names))
st.caption("The autoencoder's directions are ordered by the variance each captures and their signs matched to "
           "PCA's; each pair is labelled with its rank and the angle between the two. Leading directions usually "
           "match closely; directions that explain similar variance can mix, even when the subspaces agree.")
