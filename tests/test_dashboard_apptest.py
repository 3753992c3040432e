"""Every dashboard page renders in Streamlit's AppTest on small, fast settings; changing views never retrains."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import pipelines
import pipelines.store
from dashboard.choices import DEFAULTS_VARIABLE
from pipelines.store import STORE_ENV_VAR

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
FAST = {"dataset": "iris", "sweep_sizes": [1, 2, 3],
        "settings": {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5, "hidden_layer_sizes": [8]}}}
TIMEOUT = 180  # the first run in a process imports TensorFlow and compiles the training step


def _start(monkeypatch, **overrides) -> AppTest:
    monkeypatch.setenv(DEFAULTS_VARIABLE, json.dumps({**FAST, **overrides}))
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    return app


def _open(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def app(monkeypatch) -> AppTest:
    return _start(monkeypatch)


def _charts(app: AppTest) -> list:
    return app.get("plotly_chart")


def test_error_curves_shows_both_curves_the_table_and_a_download(app):
    assert app.title[0].value == "Error curves"
    assert len(_charts(app)) == 2
    assert len(app.dataframe[0].value) == 3 * 3  # methods × sweep sizes
    assert app.get("download_button")
    assert app.sidebar.selectbox(key="sidebar_dataset").value == "iris"


def test_embeddings_shows_each_methods_codes_and_scores(app):
    _open(app, "views/embeddings.py")
    assert app.title[0].value == "Embeddings"
    assert len(_charts(app)) == 3
    assert [m.label for m in app.metric].count("Trustworthiness") == 3
    assert app.subheader[0].value == "Selected sample"


def test_reconstructions_shows_feature_errors_histogram_and_worst_samples(app):
    _open(app, "views/reconstructions.py")
    assert app.title[0].value == "Reconstructions"
    assert len(_charts(app)) == 2
    assert len(app.dataframe[0].value) == 3 * 5  # methods × worst samples


def test_training_shows_a_loss_chart_per_autoencoder(app):
    _open(app, "views/training_curves.py")
    assert app.title[0].value == "Training"
    assert len(_charts(app)) == 2
    assert len(app.dataframe[0].value) == 2 * 3  # autoencoders × sweep sizes


def test_linear_ae_vs_pca_states_the_angles(app):
    _open(app, "views/linear_ae_vs_pca.py")
    assert app.title[0].value == "Linear AE vs PCA"
    assert "principal angle" in app.info[0].value
    assert len(_charts(app)) == 2


def test_about_explains_the_ideas(app):
    _open(app, "views/about.py")
    assert app.title[0].value == "About Latent Lab"
    assert "bottleneck" in app.markdown[0].value


@pytest.mark.parametrize("dataset", ["digits", "swiss-roll"])
def test_image_and_manifold_pages_render(monkeypatch, dataset):
    app = _start(monkeypatch, dataset=dataset)
    for page in ("views/embeddings.py", "views/reconstructions.py", "views/linear_ae_vs_pca.py"):
        assert _charts(_open(app, page))


@pytest.fixture
def trainings(monkeypatch, tmp_path) -> list[tuple[str, tuple[int, ...]]]:
    """(method, sizes) of every run actually trained, with an empty run store and empty Streamlit caches."""
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "runs"))
    runs: list[tuple[str, tuple[int, ...]]] = []
    real_execute = pipelines.store.execute

    def counted_execute(spec, data, control=None):
        runs.append((spec.method, spec.bottlenecks))
        return real_execute(spec, data, control)

    monkeypatch.setattr(pipelines.store, "execute", counted_execute)
    return runs


def test_a_server_restart_shows_finished_runs_without_retraining(monkeypatch, trainings):
    first = _start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert len(trainings) == 3
    st.cache_resource.clear()  # what a restart loses: everything held in memory
    st.cache_data.clear()
    again = _start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert len(trainings) == 3, "finished runs come back from disk"
    assert again.dataframe[0].value.equals(first.dataframe[0].value)


def test_changing_the_bottleneck_or_a_view_never_retrains(monkeypatch, trainings):
    runs = trainings
    app = _start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert sorted(runs) == [("linear_ae", (1, 3)), ("nonlinear_ae", (1, 3)), ("pca", (1, 3))]

    app.toggle(key="curves_log_y").set_value(True).run()
    app.select_slider(key="sidebar_bottleneck_iris").set_value(3).run()
    _open(app, "views/reconstructions.py")
    assert len(runs) == 3, "a bottleneck inside the sweep reuses the sweep's models"

    app.select_slider(key="sidebar_bottleneck_iris").set_value(2).run()
    assert sorted(runs[3:]) == [("linear_ae", (2,)), ("nonlinear_ae", (2,)), ("pca", (2,))]
    _open(app, "views/embeddings.py")
    app.select_slider(key="sidebar_bottleneck_iris").set_value(1).run()
    _open(app, "views/error_curves.py")
    assert not app.exception
    assert len(runs) == 6, "models at 2 codes, outside the sweep, train once and serve both pages"

    app.multiselect(key="sidebar_methods").set_value(["pca"]).run()
    app.multiselect(key="sidebar_methods").set_value(["pca", "linear_ae", "nonlinear_ae"]).run()
    app.number_input(key="sidebar_linear_ae.epochs").set_value(6).run()
    assert not app.exception
    assert runs[6:] == [("linear_ae", (1, 3))], "only the method whose settings changed trains again"


def test_stored_runs_are_listed_compared_and_deleted(monkeypatch, trainings):
    app = _start(monkeypatch)
    _open(app, "views/stored_runs.py")
    assert app.title[0].value == "Stored runs"
    chosen = app.multiselect(key="runs_chosen")
    assert len(chosen.options) == 3 and len(chosen.value) == 3, "one stored run per method, newest shown"
    assert len(_charts(app)) == 1 and app.get("download_button")
    app.radio(key="runs_metric").set_value("mse").run()
    assert not app.exception
    app.multiselect(key="runs_chosen").set_value(chosen.value[:1]).run()
    app.button(key="runs_delete").click().run()
    assert not app.exception
    assert len(app.multiselect(key="runs_chosen").options) == 2


def test_invalid_hidden_layers_stop_training_until_fixed(monkeypatch, trainings):
    app = _start(monkeypatch)
    trained_before = len(trainings)
    app.text_input(key="sidebar_nonlinear_ae.hidden_layer_sizes").set_value("0").run()
    app.number_input(key="sidebar_nonlinear_ae.epochs").set_value(4).run()
    assert not app.exception
    assert any("positive whole numbers" in error.value for error in app.sidebar.error)
    assert len(trainings) == trained_before, "nothing trains with settings the user did not ask for"
    app.text_input(key="sidebar_nonlinear_ae.hidden_layer_sizes").set_value("6").run()
    assert trainings[trained_before:] == [("nonlinear_ae", (1, 2, 3))]
