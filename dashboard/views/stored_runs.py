"""Runs: every finished run kept on disk; overlay their error curves, download them, delete them."""
from functools import partial

import streamlit as st

from dashboard import cache, summaries
from dashboard.state import widget_key
from pipelines import figures
from pipelines.store import RunStore

PREFIX = "runs"
DEFAULT_SHOWN = 3  # the newest runs of the newest dataset are compared until the user chooses others
CHOSEN = widget_key(PREFIX, "chosen")

store = RunStore()
st.title("Stored runs")
st.caption(f"Every finished training run is kept on disk, so a refresh or a restart never trains it again. "
           f"Folder: `{store.root}` (set the LATENT_LAB_STORE environment variable to move it).")
listing = store.runs()
if listing.empty:
    st.info("No runs are stored yet: open the Error curves page to train the first ones.")
    st.stop()

st.dataframe(listing.drop(columns="key").assign(methods=listing["methods"].map(summaries.method_labels)),
             hide_index=True,
             column_config={"created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                            "seconds": st.column_config.NumberColumn("training seconds", format="%.1f"),
                            "test_size": st.column_config.NumberColumn("test fraction")})
labels = dict(zip(listing["key"], summaries.run_labels(listing)))
methods = dict(zip(listing["key"], listing["methods"].map(summaries.method_labels)))
keys = st.multiselect("Runs to compare, download or delete", list(labels),
                      default=summaries.newest_runs_of_one_dataset(listing, DEFAULT_SHOWN),
                      format_func=lambda key: f"{labels[key]} · {methods[key]}", key=CHOSEN)
if not keys:
    st.info("Choose one or more runs above to compare, download or delete them.")
    st.stop()

left, right = st.columns(2)
metric = left.radio("Metric", ["r2", "mse"], horizontal=True, key=widget_key(PREFIX, "metric"),
                    format_func={"r2": "R² (comparable across datasets)", "mse": "MSE"}.get)
log_x = right.toggle("Log-scale bottleneck axis", value=True, key=widget_key(PREFIX, "log_x"))
scores = cache.stored_scores(store.root, tuple(keys), tuple(labels[key] for key in keys))
st.plotly_chart(figures.run_overlay(scores, metric, log_x=log_x))

download, delete = st.columns(2)
download.download_button(f"Download {len(keys)} run(s): CSV and models (zip)",
                         partial(store.export_zip, keys),  # zipped only when clicked
                         file_name="latent-lab-runs.zip", mime="application/zip", icon=":material/download:",
                         on_click="ignore", key=widget_key(PREFIX, "download"))
with delete.popover(f"Delete {len(keys)} run(s)", icon=":material/delete:"):
    st.write("Deleted runs are trained again the next time they are needed.")
    if st.button("Delete for good", type="primary", key=widget_key(PREFIX, "delete")):
        for key in keys:
            store.delete(key)
        cache.forget_trained_runs()
        del st.session_state[CHOSEN]  # its runs are gone; start again from the newest
        st.rerun()
