"""Every dashboard page renders in Streamlit's AppTest on small, fast settings; changing views never retrains."""
from __future__ import annotations

import pytest
import streamlit as st
from app_driver import DEFAULT_AUTOENCODERS, DEFAULT_ON, FAST, FAST_SETTINGS, charts, open_page, start
from streamlit.testing.v1 import AppTest

import pipelines
import pipelines.runs.store
import pipelines.runs.tasks
from pipelines import METHODS
from pipelines.runs.store import STORE_ENV_VAR

SIZES = 3  # FAST's sweep sizes


@pytest.fixture
def app(monkeypatch) -> AppTest:
    return start(monkeypatch)


def test_error_curves_shows_both_curves_the_table_and_a_download(app):
    assert app.title[0].value == "Error curves"
    assert len(charts(app)) == 2
    assert len(app.dataframe[0].value) == len(DEFAULT_ON) * SIZES
    assert app.get("download_button")
    assert app.sidebar.selectbox(key="sidebar_dataset").value == "iris"


def test_a_visit_to_upload_csv_keeps_the_choices_its_run_did_not_draw(app):
    app.number_input(key=f"sidebar_{DEFAULT_AUTOENCODERS[0]}.epochs").set_value(6).run()
    app.selectbox(key="sidebar_dataset").set_value("Upload CSV…").run()  # ends before the Models section
    app.selectbox(key="sidebar_dataset").set_value("wine").run()
    assert not app.exception
    assert app.multiselect(key="sidebar_methods").value == DEFAULT_ON
    assert app.slider(key="sidebar_test_size").value == 0.2
    assert app.number_input(key=f"sidebar_{DEFAULT_AUTOENCODERS[0]}.epochs").value == 6
    assert app.query_params == {"dataset": "wine", f"{DEFAULT_AUTOENCODERS[0]}.epochs": "6"}


def test_varying_the_split_trains_each_repeat_on_its_own_split_and_travels_in_the_link(monkeypatch, trainings):
    splits = []
    counted = pipelines.runs.tasks.execute_together
    monkeypatch.setattr(pipelines.runs.tasks, "execute_together", lambda specs, data, control=None: (
        splits.extend((spec.method, spec.split_seed) for spec in specs), counted(specs, data, control))[1])
    app = start(monkeypatch, repeats=2)
    assert app.toggle(key="sidebar_vary_split").value is False and {s for _, s in splits} == {0}
    app.toggle(key="sidebar_vary_split").set_value(True).run()
    assert not app.exception, app.exception
    assert sorted(s for m, s in splits if m == "pca") == [0, 1], "PCA, deterministic, once on each split"
    assert all(sorted(s for m, s in splits if m == method) == [0, 0, 1] for method in DEFAULT_AUTOENCODERS)
    assert app.query_params == {"vary_split": "1"}


def test_embeddings_shows_each_methods_codes_and_scores(app):
    open_page(app, "views/embeddings.py")
    assert app.title[0].value == "Embeddings"
    assert len(charts(app)) == len(DEFAULT_ON) + 1, "one chart per method and the classes' shared legend"
    assert [m.label for m in app.metric].count("Trustworthiness") == len(DEFAULT_ON)
    assert app.subheader[0].value == "Selected sample"


def test_reconstructions_shows_feature_errors_histogram_and_worst_samples(app):
    open_page(app, "views/reconstructions.py")
    assert app.title[0].value == "Reconstructions"
    assert len(charts(app)) == 2
    assert len(app.dataframe[0].value) == len(DEFAULT_ON) * 5  # methods × worst samples


def test_training_shows_a_loss_chart_per_autoencoder(app):
    open_page(app, "views/training_curves.py")
    assert app.title[0].value == "Training"
    assert len(charts(app)) == len(DEFAULT_AUTOENCODERS)
    assert len(app.dataframe[0].value) == len(DEFAULT_AUTOENCODERS) * SIZES


def test_linear_ae_vs_pca_states_the_angles(app):
    open_page(app, "views/linear_ae_vs_pca.py")
    assert app.title[0].value == "Linear AE vs PCA"
    assert "principal angle" in app.info[0].value
    assert len(charts(app)) == 2


def test_about_explains_the_ideas(app):
    open_page(app, "views/about.py")
    assert app.title[0].value == "About Latent Lab"
    assert "bottleneck" in app.markdown[0].value


@pytest.mark.parametrize("dataset", ["digits", "swiss-roll"])
def test_image_and_manifold_pages_render(monkeypatch, dataset):
    app = start(monkeypatch, dataset=dataset)
    for page in ("views/embeddings.py", "views/reconstructions.py", "views/linear_ae_vs_pca.py"):
        assert charts(open_page(app, page))


@pytest.fixture
def trainings(monkeypatch, tmp_path) -> list[tuple[str, tuple[int, ...]]]:
    """(method, sizes) of every run actually trained, with an empty run store and empty Streamlit caches."""
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "runs"))
    runs: list[tuple[str, tuple[int, ...]]] = []
    real_execute = pipelines.runs.tasks.execute_together

    def counted_execute(specs, data, control=None):
        runs.extend((spec.method, spec.bottlenecks) for spec in specs)
        return real_execute(specs, data, control)

    monkeypatch.setattr(pipelines.runs.tasks, "execute_together", counted_execute)  # every path's, through an executor
    return runs


N = len(DEFAULT_ON)
FIRST, *_ = DEFAULT_ON  # a method with no settings is fine here: only its presence is toggled
TUNED = DEFAULT_AUTOENCODERS[0]
LAYERED = next(m for m in DEFAULT_AUTOENCODERS if "hidden_layer_sizes" in {s.name for s in METHODS[m].settings})


def test_a_server_restart_shows_finished_runs_without_retraining(monkeypatch, trainings):
    first = start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert len(trainings) == N
    st.cache_resource.clear()  # what a restart loses: everything held in memory
    st.cache_data.clear()
    again = start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert len(trainings) == N, "finished runs come back from disk"
    assert again.dataframe[0].value.equals(first.dataframe[0].value)


def test_changing_the_bottleneck_or_a_view_never_retrains(monkeypatch, trainings):
    runs = trainings
    app = start(monkeypatch, sweep_sizes=[1, 3], bottleneck=1)
    assert sorted(runs) == sorted((m, (1, 3)) for m in DEFAULT_ON)

    app.toggle(key="curves_log_y").set_value(True).run()
    app.select_slider(key="sidebar_bottleneck_iris").set_value(3).run()
    open_page(app, "views/reconstructions.py")
    assert len(runs) == N, "a bottleneck inside the sweep reuses the sweep's models"

    app.select_slider(key="sidebar_bottleneck_iris").set_value(2).run()
    assert sorted(runs[N:]) == sorted((m, (2,)) for m in DEFAULT_ON)
    open_page(app, "views/embeddings.py")
    app.select_slider(key="sidebar_bottleneck_iris").set_value(1).run()
    open_page(app, "views/error_curves.py")
    assert not app.exception
    assert len(runs) == 2 * N, "models at 2 codes, outside the sweep, train once and serve both pages"

    app.multiselect(key="sidebar_methods").set_value([FIRST]).run()
    app.multiselect(key="sidebar_methods").set_value(DEFAULT_ON).run()
    app.number_input(key=f"sidebar_{TUNED}.epochs").set_value(6).run()
    assert not app.exception
    assert runs[2 * N:] == [(TUNED, (1, 3))], "only the method whose settings changed trains again"


def test_stored_runs_start_from_the_sidebars_dataset_and_delete_after_a_confirmation(monkeypatch, trainings):
    start(monkeypatch, dataset="wine")
    app = start(monkeypatch)  # iris, trained after wine: the newest runs are iris's
    app.selectbox(key="sidebar_dataset").set_value("wine").run()  # its runs are stored: nothing trains
    open_page(app, "views/stored_runs.py")
    assert app.title[0].value == "Stored runs"
    chosen = app.multiselect(key="runs_chosen")
    assert len(chosen.options) == 2 * N
    listing = pipelines.runs.store.RunStore().runs().set_index("key")
    assert len(chosen.value) == N and set(listing.loc[chosen.value, "dataset"]) == {"wine"}
    assert len(charts(app)) == 1 and app.get("download_button")
    app.radio(key="runs_metric").set_value("mse").run()
    assert not app.exception

    doomed = chosen.value[0]
    app.multiselect(key="runs_chosen").set_value([doomed]).run()
    app.button(key="runs_ask_delete").click().run()
    assert len(app.multiselect(key="runs_chosen").options) == 2 * N, "nothing is deleted before confirming"
    assert any("for good" in w.value for w in app.warning)
    app.button(key="runs_cancel").click().run()
    assert not [b for b in app.button if b.key == "runs_delete"], "cancelling closes the question"
    assert len(app.multiselect(key="runs_chosen").options) == 2 * N

    app.button(key="runs_ask_delete").click().run()
    app.button(key="runs_delete").click().run()
    assert not app.exception
    remaining = app.multiselect(key="runs_chosen")
    assert len(remaining.options) == 2 * N - 1 and doomed not in set(pipelines.runs.store.RunStore().runs()["key"])
    assert remaining.value == [], "no other run silently takes the deleted one's place"
    (message,) = app.success
    assert message.value.startswith("Deleted wine") and METHODS[listing.loc[doomed, "method"]].label in message.value


def test_invalid_hidden_layers_stop_only_their_method_and_say_so_in_the_main_area(monkeypatch, trainings):
    app = start(monkeypatch)
    trained_before = len(trainings)
    app.text_input(key=f"sidebar_{LAYERED}.hidden_layer_sizes").set_value("0").run()
    app.number_input(key=f"sidebar_{LAYERED}.epochs").set_value(4).run()
    assert not app.exception
    assert any("positive whole numbers" in error.value for error in app.sidebar.error)
    assert any(METHODS[LAYERED].label in w.value and "left out" in w.value for w in app.main.warning)
    assert len(charts(app)) == 2 and len(app.dataframe[0].value) == (N - 1) * SIZES, "the others are still shown"
    assert len(trainings) == trained_before, "nothing trains with settings the user did not ask for"
    app.text_input(key=f"sidebar_{LAYERED}.hidden_layer_sizes").set_value("6").run()
    assert trainings[trained_before:] == [(LAYERED, (1, 2, 3))]


def test_a_method_over_the_cost_limits_is_named_once_in_its_warning(monkeypatch, trainings):
    app = start(monkeypatch)
    app.text_input(key=f"sidebar_{LAYERED}.hidden_layer_sizes").set_value("100000").run()
    assert not app.exception
    label = METHODS[LAYERED].label
    (warning,) = [w.value for w in app.sidebar.warning if "wider than the limit" in w.value]
    assert warning.count(label) == 1, warning


def test_a_command_line_run_and_a_dashboard_run_of_one_definition_share_one_stored_entry(monkeypatch, trainings,
                                                                                         capsys):
    from pipelines import cli

    params = [f"--param={m}.{name}={','.join(map(str, value)) if isinstance(value, list) else value}"
              for m, settings in FAST_SETTINGS.items() if m in DEFAULT_ON for name, value in settings.items()]
    sizes = ",".join(map(str, FAST["sweep_sizes"]))
    assert cli.main(["sweep", "--dataset", FAST["dataset"], "--bottlenecks", sizes, *params]) == 0
    assert sorted(trainings) == sorted((m, tuple(FAST["sweep_sizes"])) for m in DEFAULT_ON)
    stored = set(pipelines.runs.store.RunStore().runs()["key"])

    start(monkeypatch)
    assert len(trainings) == N, "the dashboard found every run the command line made"
    app = start(monkeypatch, sweep_sizes=[1, 2])
    assert len(trainings) == 2 * N
    assert cli.main(["sweep", "--dataset", FAST["dataset"], "--bottlenecks", "1,2", *params]) == 0
    assert len(trainings) == 2 * N, "and the command line found the dashboard's"
    assert len(set(pipelines.runs.store.RunStore().runs()["key"]) - stored) == N
    assert not app.exception
