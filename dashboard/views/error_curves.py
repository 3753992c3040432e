"""Error curves: test (and training) error against bottleneck size, one line per method."""
import streamlit as st

from dashboard import summaries, trained
from dashboard.state import widget_key
from pipelines import figures

PREFIX = "curves"

selection = trained.require_selection()
st.title("Error curves")
st.caption("How well each method reconstructs held-out test samples as the bottleneck grows: lower MSE and "
           "higher R² are better. The dotted line marks the bottleneck chosen in the sidebar.")
left, middle, right = st.columns(3)
log_x = left.toggle("Log-scale bottleneck axis", value=True, key=widget_key(PREFIX, "log_x"))
log_y = middle.toggle("Log-scale MSE axis", key=widget_key(PREFIX, "log_y"))
show_train = right.toggle("Show training error too", key=widget_key(PREFIX, "show_train"))

units = summaries.mse_units(selection.dataset)
charts = st.empty()
for runs in trained.sweep_in_stages(selection):
    scores = summaries.scores_of(runs)
    with charts.container():
        mse_chart, r2_chart = st.columns(2)
        mse_chart.plotly_chart(figures.error_curves(scores, "mse", units=units, chosen=selection.bottleneck,
                                                    show_train=show_train, log_x=log_x, log_y=log_y))
        r2_chart.plotly_chart(figures.error_curves(scores, "r2", units=units, chosen=selection.bottleneck,
                                                   show_train=show_train, log_x=log_x))

st.subheader("The numbers")
st.dataframe(summaries.scores_table(scores), hide_index=True,
             column_config={c: st.column_config.NumberColumn(format="%.4g")
                            for c in ["Test MSE", "Test R²", "Train MSE", "Train R²", "Fit seconds"]})
st.download_button("Download the scores (CSV)", scores.to_csv(index=False).encode(),
                   file_name=f"latent-lab-{summaries.file_stem(selection.dataset)}-scores.csv", mime="text/csv",
                   icon=":material/download:", key=widget_key(PREFIX, "download"))
