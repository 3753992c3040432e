"""Stored runs: every finished run kept on disk; overlay their error curves, download them, delete them."""
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import cache, run_labels, state, tables
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key
from pipelines import figures
from pipelines.runs.store import DAMAGED_FOLDER, RunStore

PREFIX = "runs"
DEFAULT_SHOWN = 6  # the sidebar dataset's newest runs are compared until the user chooses others
CHOSEN = widget_key(PREFIX, "chosen")
STUDY = widget_key(PREFIX, "study")
ALL_RUNS = "All runs"  # the study choice that shows every stored run, in a study or not
DELETED = widget_key(PREFIX, "deleted")  # what the last deletion removed, said once after it


CONFIRMING = widget_key(PREFIX, "confirming")  # the runs whose deletion waits for a confirmation


def _ask_to_delete(keys: list[str]) -> None:
    st.session_state[CONFIRMING] = list(keys)


def _delete(store: RunStore, names: dict[str, str]) -> None:
    keys = st.session_state.pop(CONFIRMING)
    for key in keys:
        store.delete(key)
    cache.forget_trained_runs()
    st.session_state[CHOSEN] = []  # their runs are gone; no other runs are shown in their place
    st.session_state[DELETED] = [names[key] for key in keys]


def _choose_study(keys_by_study: dict[str, list[str]]) -> None:
    """Compare the chosen study's runs (all of them: its repeats combine into bands), or keep the choice for all."""
    study = st.session_state[STUDY]
    if study != ALL_RUNS:
        st.session_state[CHOSEN] = keys_by_study[study]


def _remove_damaged(store: RunStore) -> None:
    for name in st.session_state[widget_key(PREFIX, "damaged_chosen")]:
        store.remove_damaged(name)


def _damaged_entries(store: RunStore) -> None:
    """Entries found damaged and kept aside: what and why, and removing them, which only the user does."""
    damaged = store.damaged()
    if damaged.empty:
        return
    with st.expander(f":material/warning: {len(damaged)} damaged entr{'y' if len(damaged) == 1 else 'ies'} kept "
                     "aside"):
        st.caption("Their files did not match their manifest, so they were recomputed; the damaged copies are kept "
                   f"in `{store.root / DAMAGED_FOLDER}` until you remove them.")
        st.dataframe(damaged, hide_index=True, column_config={
            "moved": st.column_config.DatetimeColumn("moved aside (UTC)", format="YYYY-MM-DD HH:mm:ss")})
        st.multiselect("Damaged entries to remove", list(damaged["name"]), key=widget_key(PREFIX, "damaged_chosen"))
        st.button("Remove for good", key=widget_key(PREFIX, "remove_damaged"), on_click=_remove_damaged,
                  args=(store,), icon=":material/delete_forever:")


def _cancel() -> None:
    st.session_state.pop(CONFIRMING, None)


def _confirmation(store: RunStore, names: dict[str, str]) -> None:
    """The question "delete these runs for good?" with the runs named, while a deletion waits for an answer."""
    keys = [key for key in st.session_state[CONFIRMING] if key in names]
    with st.container(border=True):
        st.warning(f"Delete these {len(keys)} run(s) for good? They are trained again the next time a page needs "
                   "them.", icon=":material/delete:")
        st.markdown("\n".join(f"- {markdown_literal(names[key])}" for key in keys))
        delete, cancel = st.columns(2)
        delete.button("Delete for good", type="primary", key=widget_key(PREFIX, "delete"), on_click=_delete,
                      args=(store, names), icon=":material/delete_forever:")
        cancel.button("Cancel", key=widget_key(PREFIX, "cancel"), on_click=_cancel)


store = RunStore()
st.title("Stored runs")
st.caption(f"Every finished training run is kept on disk, one per method and set of bottleneck sizes, so a refresh "
           f"or a restart never trains it again. Folder: `{store.root}` (set the LATENT_LAB_STORE environment "
           "variable to move it).")
for name in st.session_state.pop(DELETED, []):
    st.success(f"Deleted {markdown_literal(name)}.", icon=":material/delete:")
_damaged_entries(store)
listing = store.runs()
if listing.empty:
    st.info("No runs are stored yet: open the Error curves page to train the first ones.")
    st.stop()

keys_by_study = {study: list(runs["key"]) for study, runs in listing.dropna(subset=["study"]).groupby("study",
                                                                                                      sort=False)}
if keys_by_study:
    study = st.selectbox("Study", [ALL_RUNS, *keys_by_study], key=STUDY, on_change=_choose_study,
                         args=(keys_by_study,),
                         help="Runs trained by `python -m pipelines study FILE.toml`, newest study first; choosing "
                              "one compares all its runs, repeats as a mean over a ± 1 sd band.")
    if study != ALL_RUNS:
        listing = listing[listing["study"] == study].reset_index(drop=True)
        st.caption(f"Study {markdown_literal(study)}: {len(listing)} runs; datasets "
                   f"{markdown_literal(', '.join(sorted(listing['dataset'].unique())))}; methods "
                   f"{', '.join(listing['method'].map(run_labels.method_label).unique())}.")
listing = listing.assign(run=run_labels.run_labels(listing),
                         method_label=listing["method"].map(run_labels.method_label))
names = dict(zip(listing["key"], listing["run"] + " · " + listing["method_label"]))
st.dataframe(listing[["run", "method_label", "bottlenecks", "settings", "split_seed", "train_seed", "test_size",
                      "study", "created", "seconds", "key"]].fillna({"study": tables.MISSING}), hide_index=True,
             column_config={"run": "run", "method_label": "method", "split_seed": "split seed",
                            "train_seed": "training seed",
                            "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                            "seconds": st.column_config.NumberColumn(
                                "training seconds", format="%.1f",
                                help="Wall time of the computation that trained the run: all its bottleneck sizes, "
                                     "and the repeats trained together with it."),
                            "test_size": st.column_config.NumberColumn("test fraction")})
selection = state.selection()
shown = [] if selection is None else [spec.key for method in selection.methods
                                      for spec in selection.specs(method, selection.sweep_sizes)]
start = list(listing["key"]) if st.session_state.get(STUDY, ALL_RUNS) != ALL_RUNS else run_labels.runs_to_compare(
    listing, shown, selection.dataset.content_hash if selection else None, DEFAULT_SHOWN)
keys = st.multiselect("Runs to compare, download or delete", list(names), default=start,
                      format_func=names.get, key=CHOSEN,
                      help="Starts with the runs the sidebar's choices show on the other pages, or else the "
                           "newest runs of the sidebar's dataset.")
if not keys:
    st.info("Choose one or more runs above to compare, download or delete them.")
    st.stop()

left, middle, right = st.columns(3)
metric = left.radio("Metric", ["r2", "mse"], horizontal=True, key=widget_key(PREFIX, "metric"),
                    format_func={"r2": "R² (comparable across datasets)", "mse": "MSE"}.get)
log_x = middle.toggle("Log-scale bottleneck axis", value=True, key=widget_key(PREFIX, "log_x"))
combine = right.toggle("Combine repeats", value=True, key=widget_key(PREFIX, "combine"),
                       help="Runs that differ only in their training seed are drawn as their mean over a band of "
                            "± 1 standard deviation.")
chosen = listing.set_index("key").loc[keys]
runs = pd.Series(run_labels.run_labels(chosen.reset_index(), combine_repeats=True), index=keys) if combine \
    else chosen["run"]
scores = cache.stored_scores(store.root, tuple(keys), tuple(runs))
st.plotly_chart(figures.run_overlay(scores, metric, log_x=log_x))
st.caption("Every run of every method has its own colour; the marker names the method and the dash the run, so "
           "runs of several methods under the same choices share a dash.")

download, delete = st.columns(2)
download.download_button(f"Download {len(keys)} run(s): CSV and models (zip)",
                         partial(store.export_zip, keys),  # zipped only when clicked
                         file_name="latent-lab-runs.zip", mime="application/zip", icon=":material/download:",
                         on_click="ignore", key=widget_key(PREFIX, "download"),
                         help="One folder per run, with a README.txt saying what each holds.")
delete.button(f"Delete {len(keys)} run(s)…", icon=":material/delete:", key=widget_key(PREFIX, "ask_delete"),
              on_click=_ask_to_delete, args=(keys,))
if st.session_state.get(CONFIRMING):
    _confirmation(store, names)
