"""The Stored runs page groups runs by study and overlays a study's curves, repeats as bands."""
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pipelines import load_dataset, run, run_spec
from pipelines.runs.store import STORE_ENV_VAR, RunStore
from pipelines.study import load_study, plan_study, run_study

PAGE = Path(__file__).resolve().parents[2] / "dashboard" / "views" / "stored_runs.py"


def test_stored_runs_choose_a_study_and_overlay_its_runs_with_bands(tmp_path, monkeypatch):
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "store"))
    store = RunStore()
    path = tmp_path / "pcas.toml"
    path.write_text('datasets = ["iris", "wine"]\nmethods = ["pca"]\nbottlenecks = [1, 2]\nseeds = [0, 1, 2]\n')
    outcome = run_study(plan_study(load_study(path)), store)
    run(load_dataset("iris"), ["pca"], [3], store=store)  # a run outside the study
    study_keys = set(outcome.scores["key"])

    app = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not app.exception, app.exception
    assert app.selectbox(key="runs_study").options == ["All runs", "pcas"]
    assert len(app.multiselect(key="runs_chosen").options) == len(study_keys) + 1

    app.selectbox(key="runs_study").set_value("pcas").run()
    assert not app.exception, app.exception
    chosen = app.multiselect(key="runs_chosen")
    assert len(chosen.options) == len(study_keys) and set(chosen.value) == study_keys
    assert any(c.value.startswith("Study pcas: 6 runs; datasets iris") and c.value.endswith("wine; methods PCA.")
               for c in app.caption)
    traces = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    bands = [t for t in traces if t.get("fill") == "toself"]
    assert len(bands) == 2 and all("over 3 repeats" in t["name"] for t in bands), "one band per dataset"


def test_damaged_entries_are_listed_with_why_and_removed_only_when_the_user_asks(tmp_path, monkeypatch):
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "store"))
    store, iris = RunStore(), load_dataset("iris")
    run(iris, ["pca"], [1, 2], store=store)
    (store.root / run_spec(iris, "pca", [1, 2]).key / "scores.csv").write_text("tampered\n")
    assert not run(iris, ["pca"], [1, 2], store=store).from_store

    app = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not app.exception, app.exception
    (listing,) = [table.value for table in app.dataframe if "reason" in table.value.columns]
    assert list(listing["reason"]) == ["scores.csv does not match its checksum"]
    app.multiselect(key="runs_damaged_chosen").set_value(list(listing["name"])).run()
    assert not store.damaged().empty, "choosing is not removing"
    app.button(key="runs_remove_damaged").click().run()
    assert not app.exception and store.damaged().empty
