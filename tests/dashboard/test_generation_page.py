"""The Generation page in Streamlit's AppTest: its table, verdicts and samples on tabular and image data."""
from __future__ import annotations

import json

import pytest
from app_driver import FAST_SETTINGS, open_page, shown, start

PAGE = "views/generation.py"


def _open(monkeypatch, dataset: str, methods: list[str]):
    return open_page(start(monkeypatch, dataset=dataset, methods=methods, sweep_sizes=[2], bottleneck=2,
                           settings=FAST_SETTINGS), PAGE)


def _table(app):
    (table,) = app.dataframe  # the only table of the page
    return shown(table)


def _samples(app) -> dict:
    (chart,) = [c for c in app.get("plotly_chart") if c.proto.id.endswith("generation_samples_chart")]
    return json.loads(chart.proto.spec)


def test_a_table_dataset_gets_every_cell_a_star_per_column_verdicts_and_feature_distributions(monkeypatch):
    app = _open(monkeypatch, "iris", ["pca", "vae"])
    assert not app.exception, app.exception
    table = _table(app)
    assert table["method + sampler"].tolist() == ["PCA + Gaussian", "PCA + Gaussian mixture", "VAE + Prior N(0, I)",
                                                  "VAE + Gaussian", "VAE + Gaussian mixture"]
    for column in ["Fréchet distance", "precision", "recall", "density", "coverage"]:
        assert table[column].str.startswith("★").sum() == 1, column
    assert any("standardised data space" in c.value for c in app.caption)
    assert any("PCA has no prior, so it skips prior." in c.value for c in app.caption)
    verdicts = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert len(verdicts) == 2 and verdicts[0].startswith("- PCA + ")
    figure = _samples(app)
    assert {trace["type"] for trace in figure["data"]} == {"bar", "scatter"}
    # PCA is shown first: it has no prior to draw from
    assert {trace["name"] for trace in figure["data"]} == {"held-out data", "Gaussian", "Gaussian mixture"}


def test_changing_the_mixture_changes_only_the_mixtures_rows(monkeypatch):
    app = _open(monkeypatch, "iris", ["pca"])
    unstarred = lambda table: table.map(lambda text: text.removeprefix("★ "))  # a star moves with the best cell
    before = unstarred(_table(app))
    app.number_input(key="generation_components").set_value(2).run()
    assert not app.exception, app.exception
    after = unstarred(_table(app))
    assert after.iloc[0].tolist() == before.iloc[0].tolist()  # PCA + Gaussian
    assert after.iloc[1].tolist() != before.iloc[1].tolist()  # PCA + Gaussian mixture


def test_without_samplers_the_page_asks_for_one(monkeypatch):
    app = _open(monkeypatch, "iris", ["pca"])
    app.multiselect(key="generation_samplers").set_value([]).run()
    assert not app.exception and any("at least one sampler" in i.value for i in app.info)


@pytest.mark.slow
def test_images_are_measured_by_a_classifier_and_shown_as_a_grid(monkeypatch):
    app = _open(monkeypatch, "digits", ["pca"])
    assert not app.exception, app.exception
    assert any("classifier features (penultimate layer" in c.value for c in app.caption)
    (trace,) = _samples(app)["data"]
    assert trace["type"] == "image"


def test_a_3d_manifold_shows_each_samplers_points_over_the_held_out_points(monkeypatch):
    app = _open(monkeypatch, "swiss-roll", ["pca"])
    assert not app.exception, app.exception
    figure = _samples(app)
    assert [trace["type"] for trace in figure["data"]] == ["scatter3d"] * 4  # data and samples, two samplers
    assert [trace["name"] for trace in figure["data"]][1::2] == ["Gaussian", "Gaussian mixture"]
