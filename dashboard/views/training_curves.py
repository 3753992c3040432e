"""Training: how each autoencoder's loss fell, epoch by epoch, at every bottleneck of the sweep."""
import streamlit as st

from dashboard import chart_data, page_text, tables, trained
from pipelines import METHODS, figures

selection = trained.require_selection()
st.title("Training")
st.caption("Loss per epoch of every autoencoder in the sweep: solid lines on the training samples, dotted on the "
           "validation samples held out for early stopping; the star marks the epoch whose weights were kept. "
           "Click a legend entry to hide a bottleneck.")
autoencoders = chart_data.autoencoder_methods(selection.methods)
if not autoencoders:
    st.info(page_text.untrained_note(selection.methods))
    st.stop()
runs = trained.sweep(selection, autoencoders)
trained.first_repeat_note(selection)
for method, run in runs.items():
    histories, best_epochs = chart_data.histories(run, method)
    entry = METHODS[method]
    units = entry.loss_units or page_text.mse_units(selection.dataset)
    st.plotly_chart(figures.loss_curves(histories, method, best_epochs, units=units,
                                        quantity="Loss" if entry.loss_units else "Mean squared error"))
    if any(set(history) & set(figures.TERM_DASHES) for history in histories.values()):
        terms_units, note = page_text.loss_terms_text(method, units)
        st.plotly_chart(figures.loss_terms(histories, method, units=terms_units))
        st.caption(note)
st.caption(f"Unless a chart says otherwise, the loss is the mean squared error the model minimises, in the units "
           f"the Error curves use. {page_text.units_note(selection.dataset)}")

st.subheader("Every model")
st.dataframe(tables.shown(tables.training_table(runs)), hide_index=True)
st.caption(f"{page_text.TIMING_NOTE} A dash for the validation loss means the model kept no validation samples: "
           "it trains on every training sample without early stopping.")
