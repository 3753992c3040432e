"""Plotly figures: pure functions of arrays and frames returning figures, one module per page family and a public
style module (`style`: method colours and lines, titles, user text shown literally). The figures and constants pages
use are re-exported here, so `figures.embedding(...)` reads the same from every page; the Latent space page's
figures live in `figures.latent`."""
from pipelines.figures.curves import BAND_NAMES, error_curves, run_overlay
from pipelines.figures.embeddings import embedding, embedding_legend
from pipelines.figures.linear import direction_loadings, principal_angles
from pipelines.figures.reconstructions import (
                                               TILE_GAP,
                                               error_histogram,
                                               feature_errors,
                                               image_grid,
                                               png_source,
                                               point_cloud,
                                               reconstructed_clouds,
)
from pipelines.figures.style import DIVERGING_LEGEND, INVISIBLE_BREAK, plain
from pipelines.figures.training import TERM_DASHES, loss_curves, loss_terms

__all__ = ["BAND_NAMES", "DIVERGING_LEGEND", "INVISIBLE_BREAK", "TERM_DASHES", "TILE_GAP", "direction_loadings",
           "embedding", "embedding_legend", "error_curves", "error_histogram", "feature_errors", "image_grid",
           "loss_curves", "loss_terms", "plain", "png_source", "point_cloud", "principal_angles",
           "reconstructed_clouds", "run_overlay"]
