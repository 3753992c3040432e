"""Error curves: test (and training) error against bottleneck size, one line per method."""
import streamlit as st

from dashboard import page_text, tables, trained
from dashboard.state import widget_key
from pipelines import figures

PREFIX = "curves"

selection = trained.require_selection()
st.title("Error curves")
st.caption("How well each method reconstructs held-out test samples as the bottleneck grows: lower MSE and "
           "higher R² are better. The dotted line marks the bottleneck chosen in the sidebar. "
           f"{page_text.units_note(selection.dataset)} R² is the share of the test data's variance the reconstruction "
           "keeps: 1 is perfect, 0 no better than the average sample, and it compares across datasets.")
left, middle, right = st.columns(3)
log_x = left.toggle("Log-scale bottleneck axis", value=True, key=widget_key(PREFIX, "log_x"))
log_y = middle.toggle("Log-scale MSE axis", key=widget_key(PREFIX, "log_y"))
show_train = right.toggle("Show training error too", key=widget_key(PREFIX, "show_train"))
band = "sd"
if selection.repeats > 1:
    last_split = selection.split_seed + selection.repeats - 1
    splits = (f"each on its own split (split seeds {selection.split_seed}–{last_split})" if selection.vary_split
              else "on the same split")
    band = st.radio("Band around each mean", list(figures.BAND_NAMES), horizontal=True, key=widget_key(PREFIX, "band"),
                    format_func={"sd": "± 1 standard deviation", "range": "min–max of the repeats"}.get,
                    help=f"Each line is the mean of {selection.repeats} repeats (training seeds "
                         f"{selection.train_seeds[0]}–{selection.train_seeds[-1]}) {splits}.")

units = page_text.mse_units(selection.dataset)
charts = st.empty()
for runs in trained.sweep_in_stages(selection):
    scores = tables.scores_of(runs)
    with charts.container():
        mse_chart, r2_chart = st.columns(2)
        mse_chart.plotly_chart(figures.error_curves(scores, "mse", units=units, chosen=selection.bottleneck,
                                                    show_train=show_train, log_x=log_x, log_y=log_y, band=band))
        r2_chart.plotly_chart(figures.error_curves(scores, "r2", units=units, chosen=selection.bottleneck,
                                                   show_train=show_train, log_x=log_x, band=band))
if selection.repeats > 1:
    once = page_text.deterministic_note(scores)
    if once:
        st.caption(f":material/info: {once}")
    for sentence in page_text.verdicts(scores, selection.bottleneck):
        st.markdown(f":material/balance: {sentence}")
    every = page_text.verdicts(scores)
    if every:
        with st.expander("The verdict at every bottleneck"):
            st.markdown("\n".join(f"- {sentence}" for sentence in every))
            st.caption(page_text.verdict_note(scores))
if "vae" in selection.methods:  # the note says why a VAE reconstructs worse; it is about the VAE alone
    st.caption(f":material/info: {page_text.VAE_NOTE}")
for warning in page_text.training_warnings(scores):
    st.warning(warning, icon=":material/warning:")

st.subheader("The numbers")
st.dataframe(tables.shown_scores(tables.scores_table(scores)), hide_index=True,
             column_config={tables.TRAINING_SECONDS: st.column_config.Column(help=page_text.TIMING_NOTE)})
spread = (" Each score is the mean over the repeats; the \"sd\" columns hold the test scores' standard deviations "
          "(with n − 1), 0 for a deterministic method. Click a column's title to sort by it."
          if selection.repeats > 1 else "")
st.caption(f"{page_text.TIMING_NOTE}{spread} A dash means the value does not apply: methods computed in one step, "
           "such as PCA, run no epochs.")
st.download_button("Download the scores and the methods' changed settings (CSV)",
                   tables.scores_download(runs).to_csv(index=False).encode(),
                   file_name=f"latent-lab-{tables.file_stem(selection.dataset)}-scores.csv", mime="text/csv",
                   icon=":material/download:", key=widget_key(PREFIX, "download"))
