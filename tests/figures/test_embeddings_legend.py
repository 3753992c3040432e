"""The Embeddings page's grid: charts without their own legends and one shared legend in the same colours."""
import numpy as np
import pandas as pd

from pipelines import figures


def _codes(labels: list) -> pd.DataFrame:
    n = len(labels)
    return pd.DataFrame({"index": np.arange(n), "z1": np.linspace(0, 1, n), "z2": np.linspace(1, 0, n),
                         "label": labels, "method": "pca"})


def test_the_shared_legend_names_every_class_in_the_colour_each_chart_gives_it():
    codes = _codes(["b", "a", "c", "a"])
    chart = figures.embedding(codes, "pca", label_name="kind", label_kind="categorical", show_legend=False)
    legend = figures.embedding_legend(codes["label"], label_name="kind", label_kind="categorical")
    assert chart.layout.showlegend is False
    assert {t.name: t.marker.color for t in legend.data} == {t.name: t.marker.color for t in chart.data}


def test_a_continuous_label_has_one_colour_bar_over_its_whole_range_and_none_in_the_charts():
    codes = _codes([0.5, -2.0, 3.0])
    chart = figures.embedding(codes, "pca", label_name="t", label_kind="continuous", show_legend=False)
    (bar,) = figures.embedding_legend(codes["label"], label_name="t", label_kind="continuous").data
    assert chart.data[0].marker.showscale is False
    assert (bar.marker.cmin, bar.marker.cmax) == (-2.0, 3.0) and bar.marker.colorbar.title.text == "t"


def test_points_coloured_by_method_need_no_shared_legend():
    assert figures.embedding_legend(pd.Series([1, 2]), label_name="", label_kind=None) is None
