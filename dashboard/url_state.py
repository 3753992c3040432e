"""The sidebar's choices in the page's URL (`st.query_params`), so a reload or a shared link shows the same view.

Only choices that differ from the defaults are written, e.g. `?dataset=wine&k=3&nonlinear_ae.epochs=30`. A link
is read once, when a session starts; a value that cannot be used is ignored with a note in the sidebar. An
uploaded file cannot travel in a link: the link then keeps the other choices only.
"""
from __future__ import annotations

import streamlit as st

from dashboard.choices import Defaults, Selection, default_sweep_sizes
from dashboard.state import URL_READ, keep_choice
from pipelines import DATASETS, METHODS, InputError
from pipelines.analysis.repeats import MAX_REPEATS

PENDING = "url_pending"  # choices from the link that wait for their dataset to load (bottleneck, sweep sizes)
NOTES = "url_notes"


def _sidebar_key(name: str) -> str:
    return f"sidebar_{name}"


def _ints(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(f"{text!r} is not a list of whole numbers") from None


def _restore_one(name: str, value: str) -> None:
    """Put one link value where the sidebar's widget will find it; raises InputError for unusable values."""
    if name == "dataset":
        if value not in DATASETS:
            raise InputError(f"no built-in dataset is called {value!r}")
        keep_choice(_sidebar_key("dataset"), value)
    elif name in ("k", "sweep"):
        st.session_state.setdefault(PENDING, {})[name] = _ints(value)
    elif name == "methods":
        methods = [m for m in value.split(",") if m]
        if any(m not in METHODS for m in methods):
            raise InputError(f"unknown method in {value!r}")
        keep_choice(_sidebar_key("methods"), methods)
    elif name == "test":
        fraction = float(value)
        if not 0.1 <= fraction <= 0.5:
            raise InputError("the test fraction must be between 0.1 and 0.5")
        keep_choice(_sidebar_key("test_size"), round(fraction * 20) / 20)
    elif name in ("split_seed", "train_seed"):
        keep_choice(_sidebar_key(name), _ints(value)[0])
    elif name == "repeats":
        repeats = _ints(value)[0]
        if not 1 <= repeats <= MAX_REPEATS:
            raise InputError(f"repeats must be between 1 and {MAX_REPEATS}")
        keep_choice(_sidebar_key(name), repeats)
    elif name == "vary_split":
        if value not in ("0", "1"):
            raise InputError("vary_split must be 0 or 1")
        keep_choice(_sidebar_key(name), value == "1")
    elif "." in name and name.split(".", 1)[0] in METHODS:
        method, setting = name.split(".", 1)
        schema = {s.name: s for s in METHODS[method].settings}
        if setting not in schema:
            raise InputError(f"{METHODS[method].label} has no setting {setting!r}")
        parsed = schema[setting].parse(value)
        keep_choice(_sidebar_key(name), schema[setting].text(parsed) if schema[setting].kind == "layers" else parsed)
    else:
        raise InputError("not a Latent Lab choice")


def restore(start: Defaults) -> None:
    """Once per session, take the sidebar's starting values from the page's link."""
    if st.session_state.get(URL_READ):
        return
    st.session_state[URL_READ] = True
    notes = []
    for name, value in st.query_params.to_dict().items():
        try:
            _restore_one(name, value)
        except (InputError, ValueError, IndexError) as error:
            notes.append(f"The link's {name}={value} was ignored: {str(error).rstrip('.')}.")
    st.session_state[NOTES] = notes


def pending(name: str, allowed: list[int]) -> list[int] | None:
    """A link's bottleneck ("k") or sweep sizes, once, if every value is among `allowed`."""
    values = st.session_state.get(PENDING, {}).pop(name, None)
    if values and all(v in allowed for v in values):
        return values
    return None


def notes() -> list[str]:
    """What could not be taken from the link."""
    return st.session_state.get(NOTES, [])


def publish(selection: Selection, uploaded: bool, start: Defaults) -> None:
    """Write the choices that differ from the defaults into the page's link."""
    params: dict[str, str] = {}
    if not uploaded and selection.dataset.name != start.dataset:
        params["dataset"] = selection.dataset.name
    if selection.bottleneck != start.bottleneck:
        params["k"] = str(selection.bottleneck)
    if list(selection.sweep_sizes) != sorted(default_sweep_sizes(start.sweep_sizes, selection.max_bottleneck)):
        params["sweep"] = ",".join(map(str, selection.sweep_sizes))
    chosen = [*selection.methods, *selection.problems]
    if sorted(chosen) != sorted(start.methods):
        params["methods"] = ",".join(m for m in METHODS if m in chosen)
    if selection.test_size != start.test_size:
        params["test"] = f"{selection.test_size:g}"
    for name in ("split_seed", "train_seed", "repeats"):
        if getattr(selection, name) != getattr(start, name):
            params[name] = str(getattr(selection, name))
    if selection.vary_split != start.vary_split:
        params["vary_split"] = str(int(selection.vary_split))
    for method, values in selection.settings.items():
        for setting in METHODS[method].settings:
            if values.get(setting.name) != start.setting(method, setting.name):
                params[f"{method}.{setting.name}"] = setting.text(values[setting.name])
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
