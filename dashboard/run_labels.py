"""How the pages name stored runs and methods, and which stored runs the Stored runs page compares first."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pipelines import METHODS

# What can tell stored runs apart besides their dataset and method, and how a label names it.
_RUN_FIELDS = {"bottlenecks": "k {}", "split_seed": "split seed {}", "train_seed": "training seed {}",
               "test_size": "test fraction {:g}"}


def run_labels(runs: pd.DataFrame, combine_repeats: bool = False) -> list[str]:
    """Short names for stored runs (rows of `RunStore.runs()`), without the method, which charts show by colour:
    the dataset, then whatever differs between the listed runs (sizes, seeds, test fraction) and any changed
    settings. Runs of one method that would still look alike get the start of their key, as the table shows it,
    unless `combine_repeats`: then the training seed is left out, so repeats of a run share its label."""
    fields = [name for name in _RUN_FIELDS if not (combine_repeats and name == "train_seed")]
    varying = [name for name in fields if runs[name].nunique() > 1]
    # One name, several contents (a re-uploaded file, other library versions): the label says which data.
    reused = runs.groupby("dataset")["content_hash"].transform("nunique") > 1
    labels = []
    for row, name_reused in zip(runs.itertuples(), reused):
        dataset = f"{row.dataset} (data {row.content_hash[:6]})" if name_reused else row.dataset
        parts = [dataset, *(_RUN_FIELDS[name].format(getattr(row, name)) for name in varying)]
        if row.settings != "defaults":
            parts.append(row.settings)
        labels.append(" · ".join(parts))
    if combine_repeats:
        return labels
    seen = list(zip(labels, runs["method"]))
    return [f"{label} [{key[:6]}]" if seen.count((label, method)) > 1 else label
            for label, method, key in zip(labels, runs["method"], runs["key"])]


def method_label(method: str) -> str:
    """A method's display name ("linear_ae" -> "Linear AE"); a method no longer registered keeps its name."""
    return METHODS[method].label if method in METHODS else method


def runs_to_compare(runs: pd.DataFrame, shown: Iterable[str], content_hash: str | None, at_most: int) -> list[str]:
    """Keys of the runs a Stored runs page starts with (rows of `RunStore.runs()`, newest first): the stored runs
    among `shown` (what the sidebar's choices show on the other pages), else the newest runs of the sidebar's
    dataset (by content), else of the newest run's dataset."""
    stored = [key for key in shown if key in set(runs["key"])]
    if stored:
        return stored
    same = runs[runs["content_hash"] == content_hash]
    if same.empty:
        same = runs[runs["content_hash"] == runs["content_hash"].iloc[0]]
    return list(same["key"].iloc[:at_most])
