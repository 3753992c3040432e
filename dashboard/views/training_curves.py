"""Training: how each autoencoder's loss fell, epoch by epoch, at every bottleneck of the sweep."""
import streamlit as st

from dashboard import summaries, trained
from pipelines import figures

selection = trained.require_selection()
st.title("Training")
st.caption("Loss per epoch of every autoencoder in the sweep: solid lines on the training samples, dotted on the "
           "validation samples held out for early stopping; the star marks the epoch whose weights were kept. "
           "Click a legend entry to hide a bottleneck.")
autoencoders = summaries.autoencoder_methods(selection.methods)
if not autoencoders:
    st.info("PCA is computed in one step and has no training curve; turn on an autoencoder in the sidebar.")
    st.stop()
runs = trained.sweep(selection, autoencoders)
for method, run in runs.items():
    histories, best_epochs = summaries.histories(run, method)
    st.plotly_chart(figures.loss_curves(histories, method, best_epochs))

st.subheader("Every model")
st.dataframe(summaries.training_table(runs), hide_index=True,
             column_config={c: st.column_config.NumberColumn(format="%.4g")
                            for c in ["Final training loss", "Best validation loss", "Fit seconds"]})
st.caption("The models of one method train together in one computation; its time is split evenly between them. "
           "The linear AE trains on all training samples without early stopping, so it has no validation loss.")
