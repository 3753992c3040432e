"""What the Error curves, Training, Embeddings and Reconstructions pages show, in Streamlit's AppTest on small,
fast settings."""
from __future__ import annotations

import numpy as np
from app_driver import DEFAULT_AUTOENCODERS, DEFAULT_ON, figures, open_page, shown, start, values

from dashboard import state, tables
from pipelines import METHODS
from pipelines.reducers import REFERENCE

NONLINEAR = next(m for m in DEFAULT_AUTOENCODERS if not METHODS[m].linear_decoder)

def _embeddings(app) -> list[dict]:
    return [figure for figure in figures(app) if figure["layout"].get("clickmode") == "event+select"]


def test_the_error_curves_table_shows_dashes_and_each_methods_whole_training_time(monkeypatch):
    app = start(monkeypatch)
    table = app.dataframe[0].value
    text = shown(app.dataframe[0])
    pca = (table["Method"] == METHODS[REFERENCE].label).to_numpy()
    assert (text["Epochs"][pca] == tables.MISSING).all()
    assert not text.isin(["None", "nan", "<NA>"]).any().any()
    assert not table.isna().any().any(), "the browser draws a missing cell as None whatever its display text"
    assert table.groupby("Method")[tables.TRAINING_SECONDS].nunique().eq(1).all()
    assert any("train together" in caption.value for caption in app.main.caption)


def test_the_error_curves_warn_about_an_autoencoder_that_diverged(monkeypatch):
    real = tables.scores_of

    def diverged_at_two(runs):
        scores = real(runs)
        broken = ((scores["method"] == NONLINEAR) & (scores["bottleneck"] == 2) & (scores["split"] == "test"))
        return scores.assign(mse=scores["mse"].mask(broken, 5.0), r2=scores["r2"].mask(broken, -4.0))

    monkeypatch.setattr(tables, "scores_of", diverged_at_two)
    app = start(monkeypatch)
    (warning,) = [w.value for w in app.warning if METHODS[NONLINEAR].label in w.value and "diverged" in w.value]
    assert "bottleneck 2" in warning and "-4" in warning and "learning rate" in warning


def test_the_training_table_shows_a_dash_without_validation_and_the_methods_training_time(monkeypatch):
    app = open_page(start(monkeypatch), "views/training_curves.py")
    table, text = app.dataframe[0].value, shown(app.dataframe[0])
    no_validation = table["Best validation loss"].isna().to_numpy()
    assert (text["Best validation loss"][no_validation] == tables.MISSING).all()
    assert not text.isin(["None", "nan"]).any().any()
    assert not table.isna().any().any(), "the browser draws a missing cell as None whatever its display text"
    assert table.groupby("Method")[tables.TRAINING_SECONDS].nunique().eq(1).all()


def test_embeddings_say_they_use_2_codes_and_can_show_the_sidebars_bottleneck_instead(monkeypatch):
    app = open_page(start(monkeypatch, bottleneck=3), "views/embeddings.py")
    note = app.info[0].value
    assert "2-code model" in note and "bottleneck is 3" in note
    assert all(f["layout"]["xaxis"]["title"]["text"] == "code 1" for f in _embeddings(app))

    app.toggle(key="embeddings_chosen_bottleneck").set_value(True).run()
    assert not app.exception, app.exception
    charts = _embeddings(app)
    assert len(charts) == len(DEFAULT_ON)
    for figure in charts:
        assert figure["layout"]["xaxis"]["title"]["text"] == "PC 1 of the 3 codes"
        assert figure["layout"]["yaxis"]["title"]["text"] == "PC 2 of the 3 codes"
        assert "3 codes" in figure["layout"]["title"]["text"]
    assert "3-code model" in app.info[0].value


def test_a_one_code_bottleneck_is_drawn_along_a_line(monkeypatch):
    app = open_page(start(monkeypatch, bottleneck=1), "views/embeddings.py")
    app.toggle(key="embeddings_chosen_bottleneck").set_value(True).run()
    assert not app.exception, app.exception
    for figure in _embeddings(app):
        assert figure["layout"]["xaxis"]["title"]["text"] == "code 1"
        assert not np.concatenate([values(trace["y"]) for trace in figure["data"]]).any()


def test_the_selected_sample_is_ringed_in_every_chart_and_shown_with_each_reconstruction(monkeypatch):
    app = open_page(start(monkeypatch), "views/embeddings.py")
    first = _embeddings(app)[0]["data"][0]
    sample = int(float(first["customdata"][-1][0]))  # a test sample other than the first, as if clicked
    app.session_state[state.SELECTED_SAMPLES] = {app.session_state[state.SELECTION].dataset_key: sample}
    app.run()
    assert not app.exception, app.exception
    for figure in _embeddings(app):
        points = {int(float(c[0])): (x, y) for trace in figure["data"][:-1]
                  for c, x, y in zip(values(trace["customdata"]), values(trace["x"]), values(trace["y"]))}
        ring = figure["data"][-1]
        (x,), (y,) = values(ring["x"]), values(ring["y"])
        assert str(sample) in ring["name"] and (x, y) == points[sample]

    table = app.dataframe[0].value
    assert list(table.index) == ["Original", *(METHODS[m].label for m in DEFAULT_ON)]
    assert any(f"Sample {sample}" in caption.value for caption in app.main.caption)


def test_the_selected_image_is_shown_beside_each_methods_reconstruction(monkeypatch):
    app = open_page(start(monkeypatch, dataset="digits"), "views/embeddings.py")
    (grid,) = [f for f in figures(app) if f["layout"].get("title", {}).get("text", "").startswith("Sample ")]
    columns = grid["layout"]["xaxis"]["ticktext"]
    assert columns == ["Original", *[METHODS[m].label for m in DEFAULT_ON]], "the original and each reconstruction"
    assert len(grid["layout"]["yaxis"]["ticktext"]) == 1, "side by side in one row"


def test_the_worst_samples_name_their_label_column_by_the_datasets_label_name(monkeypatch):
    app = open_page(start(monkeypatch), "views/reconstructions.py")
    label_name = app.session_state[state.SELECTION].dataset.label_name
    columns = list(app.dataframe[0].value.columns)
    assert label_name in columns and "Label" not in columns


def test_repeats_draw_bands_a_mean_plus_minus_sd_table_and_a_verdict(monkeypatch):
    app = start(monkeypatch, repeats=5, bottleneck=2)
    mse, _ = figures(app)[:2]
    bands = [trace for trace in mse["data"] if trace.get("fill") == "toself"]
    assert all("± 1 sd over 5 repeats" in b["name"] for b in bands)
    assert len(bands) == len(DEFAULT_ON) - 1, "PCA is deterministic: trained once, drawn without a band"
    table = app.dataframe[0].value
    pca = table["Method"] == METHODS[REFERENCE].label
    assert (table["Repeats"][~pca] == 5).all() and (table["Repeats"][pca] == 1).all()
    assert table["Test MSE"].dtype.kind == "f" and table["Test MSE sd"].dtype.kind == "f", "numbers sort as numbers"
    assert any("PCA is deterministic" in caption.value for caption in app.main.caption)
    verdicts = [m.value for m in app.main.markdown if m.value.startswith(":material/balance: At k = 2")]
    assert len(verdicts) == len(DEFAULT_ON) - 1 and all("repeats" in v and "p = " in v for v in verdicts)
    assert all("Holm-corrected" in v for v in verdicts)

    app.radio(key="curves_band").set_value("range").run()
    assert not app.exception, app.exception
    assert all("min–max" in t["name"] for t in figures(app)[0]["data"] if t.get("fill") == "toself")
    open_page(app, "views/reconstructions.py")
    assert any("first of 5 repeats" in caption.value for caption in app.main.caption)


def test_one_repeat_draws_no_band_and_no_verdict(monkeypatch):
    app = start(monkeypatch)
    assert not [t for t in figures(app)[0]["data"] if t.get("fill") == "toself"]
    assert "Repeats" not in app.dataframe[0].value.columns
    assert not [m for m in app.main.markdown if "At k = " in m.value]


def test_every_registered_method_shows_on_the_pages_that_apply_and_image_methods_refuse_tabular_data(monkeypatch):
    app = start(monkeypatch, dataset="digits", methods=list(METHODS), sweep_sizes=[2, 4])
    curves = {trace["name"] for trace in figures(app)[0]["data"]}
    assert {METHODS[m].label for m in METHODS} <= curves
    open_page(app, "views/training_curves.py")
    titles = [figure["layout"]["title"]["text"] for figure in figures(app)]
    gradient = [m for m in METHODS if METHODS[m].trained_by_gradient]
    assert sum("loss per epoch" in title for title in titles) == len(gradient)
    sampling = [m for m in METHODS if METHODS[m].can_sample]
    assert sum("per epoch (training samples)" in title for title in titles) == len(sampling), "a loss-terms chart each"
    for page in ("views/embeddings.py", "views/reconstructions.py"):
        open_page(app, page)
        assert figures(app)

    images_only = [m for m in METHODS if METHODS[m].needs_images]
    tabular = start(monkeypatch, methods=list(METHODS))
    for method in images_only:
        assert any(METHODS[method].label in w.value and "needs image data" in w.value for w in tabular.main.warning)
    assert len(tabular.dataframe[0].value) == (len(METHODS) - len(images_only)) * 3


def test_reconstructions_show_the_selected_sample_at_every_size_of_the_sweep(monkeypatch):
    app = open_page(start(monkeypatch, dataset="digits"), "views/reconstructions.py")
    (grid,) = [f for f in figures(app) if "at every bottleneck size" in f["layout"]["title"]["text"]]
    assert grid["layout"]["xaxis"]["ticktext"] == ["original", "k = 1", "k = 2", "k = 3"]
    assert grid["layout"]["yaxis"]["ticktext"] == [METHODS[m].label for m in DEFAULT_ON]

    tabular = open_page(start(monkeypatch), "views/reconstructions.py")
    table = tabular.dataframe[-1].value
    assert list(table["Method"]) == ["Original", *(METHODS[m].label for m in DEFAULT_ON for _ in range(3))]
    assert list(table["Bottleneck"][1:4]) == [1, 2, 3] and not table.isna().any().any()
