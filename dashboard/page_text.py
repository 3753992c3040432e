"""The sentences the pages show, computed from results: notes, verdicts, training warnings, captions and what
the units mean; no Streamlit here."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

import pipelines
from dashboard.tables import TRAINING_SECONDS, fitted_once, label_text
from pipelines import METHODS
from pipelines.analysis import diagnostics
from pipelines.analysis.repeats import (
    SIGNIFICANCE,
    Verdict,
    corrected,
    paired_verdicts,
    repeats_for_significance,
    smallest_p,
)
from pipelines.reducers import REFERENCE

VAE_NOTE = ("A VAE minimises reconstruction plus β times KL: the KL term pulls every sample's code distribution "
            "towards N(0, I), which makes the latent space smooth and lets the decoder turn random draws into new "
            "samples, but it also limits how much each code can say about its sample. That is why a VAE "
            "reconstructs worse than a plain autoencoder at the same bottleneck: it pays for a smooth latent space.")
AAE_NOTE = ("An adversarial autoencoder takes three steps on every batch: the encoder and decoder lower the "
            "reconstruction error; the discriminator learns to tell the codes from draws of N(0, I); the encoder "
            "learns to fool it. Both players' losses are cross-entropies in nats and sit near ln 2 ≈ 0.69 while the "
            "discriminator cannot tell codes from draws, that is, while the codes fill the prior; a discriminator "
            "loss falling far below it means the codes have left the prior.")
TIMING_NOTE = (f"{TRAINING_SECONDS} is the wall time of training every bottleneck size of a method: they train "
               "together in one computation, so each row of a method shows the same time, the one the Stored runs "
               "page lists. It is not divided between the sizes, because they do not take turns.")


def loss_terms_text(method: str, units: str) -> tuple[str, str]:
    """The units of `method`'s loss-terms chart, given its loss's `units`, and the note under the chart."""
    if method == "aae":
        return f"reconstruction: {units}; discriminator and generator: nats", AAE_NOTE
    return units, VAE_NOTE


def _names(methods: Iterable[str]) -> tuple[str, bool]:
    """Methods' display names joined in a phrase, and whether there are several."""
    labels = [METHODS[m].label for m in methods]
    return (labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"), len(labels) > 1


def deterministic_note(scores: pd.DataFrame) -> str | None:
    """Which methods were fitted once rather than per repeat, and why their spread is 0; None if none."""
    once = fitted_once(scores)
    if not once:
        return None
    names, several = _names(once)
    return (f"{names} {'are' if several else 'is'} deterministic: the same data give the same fit under any training "
            f"seed, so {'they are' if several else 'it is'} trained once rather than once per repeat, and "
            f"{'their' if several else 'its'} spread is 0 by construction (drawn without a band).")


def _verdicts(scores: pd.DataFrame) -> list[Verdict]:
    """Every method's verdict against the reference at every bottleneck, Holm-corrected together."""
    return corrected([verdict for method in scores["method"].unique() if method != REFERENCE
                      for verdict in paired_verdicts(scores, method, REFERENCE)])


def verdicts(scores: pd.DataFrame, bottleneck: int | None = None) -> list[str]:
    """One sentence per method (other than the reference) and bottleneck (only `bottleneck` if given): how many
    repeats beat the reference, with a paired test when there are enough, Holm-corrected over every test of every
    bottleneck together (the family the page shows); none for a single repeat."""
    if scores.groupby(["method", "bottleneck", "split"])["train_seed"].nunique().max() < 2:
        return []
    return [verdict.sentence(METHODS[verdict.method].label, METHODS[REFERENCE].label) for verdict in _verdicts(scores)
            if bottleneck is None or verdict.bottleneck == bottleneck]


def verdict_note(scores: pd.DataFrame) -> str:
    """How to read the verdicts: the pairing, the test, the smallest p the repeats allow and Holm's correction."""
    every = _verdicts(scores)
    n = max((verdict.repeats for verdict in every), default=0)
    tests = sum(verdict.p_value is not None for verdict in every)
    note = ("Each repeat is paired with PCA on the same test samples; the one-sided Wilcoxon signed-rank test asks "
            "whether the method's error is below PCA's more consistently than chance would make it. It needs at "
            f"least 5 repeats, and with {n} it cannot give a p below 1/2^{n} = {smallest_p(n):.2g}, even when every "
            "repeat wins.")
    if tests > 1:
        floor = min(1.0, tests * smallest_p(n))
        note += (f" The {tests} tests are corrected together with Holm's method, so that the chance of any false "
                 f"alarm among them stays below {SIGNIFICANCE:.0%}: the smallest p is multiplied by {tests}, the "
                 "next by one less, and so on.")
        if floor >= SIGNIFICANCE:
            note += (f" With {n} repeats no corrected p can fall below {floor:.2g}, so none can be significant: "
                     f"{repeats_for_significance(tests)} repeats (or fewer sizes or methods) could be.")
    return note


def _sizes(bottlenecks: Iterable[int]) -> str:
    """"bottleneck 2" or "bottlenecks 2, 4 and 8"."""
    sizes = [str(k) for k in sorted(bottlenecks)]
    if len(sizes) == 1:
        return f"bottleneck {sizes[0]}"
    return f"bottlenecks {', '.join(sizes[:-1])} and {sizes[-1]}"


def _diverged_warning(label: str, finding: diagnostics.Diverged) -> str:
    what = (f"its test R² falls to {finding.lowest_test_r2:.2g}, worse than predicting the average sample"
            if finding.lowest_test_r2 is not None else "its error is not a finite number")
    return (f"{label} diverged or never learned at {_sizes(finding.bottlenecks)}: {what}. The Training page tells "
            "which: a loss that rises or jumps about means the learning rate is too high for these data (try one 10 "
            "times smaller in the sidebar's autoencoder settings); a loss still falling when training ended means it "
            "needs more epochs.")


def _short_of_pca_warning(label: str, finding: diagnostics.ShortOfPca) -> str:
    return (f"{label} is worse than PCA at {_sizes(finding.bottlenecks)} (test MSE up to "
            f"{100 * (finding.largest_ratio - 1):.0f}% above PCA's), where theory says it should match it: with a "
            "linear decoder PCA is the best it can do, and gradient descent gets there when it converges. It has not "
            "converged yet: try more epochs, or another learning rate (lower if its loss jumps around, higher if it "
            "falls slowly).")


def _overfit_warning(label: str, finding: diagnostics.Overfit) -> str:
    pca = "" if finding.reference_ratio is None else f" (PCA's: {finding.reference_ratio:.1f}×)"
    where = ", and it does worse than PCA on the test samples there" if finding.worse_than_pca else ""
    return (f"{label} overfits at {_sizes(finding.bottlenecks)}: its test MSE is up to {finding.largest_ratio:.1f}× "
            f"its training MSE{pca}{where}. It has learned the training samples rather than structure that carries "
            "over to new ones, which is likely when it has many more weights than there are training samples: try "
            "fewer or smaller hidden layers, fewer epochs, or more data.")


_WARNINGS = {diagnostics.Diverged: _diverged_warning, diagnostics.ShortOfPca: _short_of_pca_warning,
             diagnostics.Overfit: _overfit_warning}


def training_warnings(scores: pd.DataFrame) -> list[str]:
    """What went wrong in training, per autoencoder (`diagnostics.training_findings`), in words: each sentence names
    the method, the bottlenecks, a likely cause and what to try."""
    return [_WARNINGS[type(finding)](METHODS[finding.method].label, finding)
            for finding in diagnostics.training_findings(scores)]


def mse_units(dataset: pipelines.Dataset) -> str:
    """The units of mean squared error on `dataset`, for axis titles (`units_note` explains them)."""
    return "values in [0, 1], squared" if dataset.scaling == "unit" else "standardised units²"


def units_note(dataset: pipelines.Dataset) -> str:
    """What the units of `mse_units` mean, in a sentence or two."""
    if dataset.scaling == "unit":
        return ("MSE is in the data's own scale, values in [0, 1] (pixels from black to white), squared and averaged "
                "over features: an MSE of 0.01 is a typical error of 0.1 per feature.")
    return ("MSE is in standardised units²: before training, every feature is shifted and scaled to mean 0 and "
            "variance 1 on the training samples, so each feature counts equally whatever its original units, and an "
            "MSE of 1 is an error as large as a feature's own spread, no better than predicting the average sample.")


def percent(value: float) -> str:
    """`value` as a percentage, or a dash when it is not defined."""
    return "—" if np.isnan(value) else f"{100 * value:.1f}%"


def sample_name(dataset: pipelines.Dataset, sample: int) -> str:
    """A sample by its row and label, e.g. "Sample 12, digit 3"."""
    label = "" if dataset.y is None else f", {dataset.label_name} {label_text(dataset.y[sample])}"
    return f"Sample {sample}{label}"


def sample_caption(dataset: pipelines.Dataset, sample: int) -> str:
    """Which sample is shown, with its label."""
    return f"{sample_name(dataset, sample)}. Click a point in any chart above to show another."


def chosen_codes_label(k: int) -> str:
    """The Embeddings page's switch to the models of the sidebar's bottleneck `k` (not 2)."""
    how = "the first 2 principal components of their codes" if k > 2 else "their one code against 0"
    return f"Show the {k}-code models instead ({how})"


def embedding_note(k: int, drawn: int) -> str:
    """Which models the Embeddings page draws (`drawn` codes) when the sidebar's bottleneck is `k`, and how."""
    if drawn == 2:
        other = (" (the sidebar's bottleneck)" if k == 2 else
                 f"; the sidebar's bottleneck is {k}: turn on the switch above to see those models")
        return f"These charts use each method's 2-code model, so every test sample is a point (code 1, code 2){other}."
    if drawn == 1:
        return ("These charts use each method's 1-code model (the sidebar's bottleneck): every test sample is drawn "
                "at its one code along the horizontal axis, and at 0 on the vertical one.")
    return (f"These charts use each method's {drawn}-code model (the sidebar's bottleneck). {drawn} codes cannot be "
            "drawn in a plane, so they are reduced to 2-D by PCA of the codes, fitted on the training samples' "
            "codes: the axes are the codes' first two principal components, and neighbours in the codes may "
            "overlap in the drawing.")


def untrained_note(methods: Iterable[str]) -> str:
    """Why the Training page has nothing to show for `methods`, none of which trains by gradient descent."""
    labels = [METHODS[m].label for m in methods] or ["the chosen methods"]
    return (f"{' and '.join(labels)} {'is' if len(labels) == 1 else 'are'} fitted in one step, without epochs, so "
            "there is no training curve; turn on a method that trains by gradient descent (an autoencoder) in the "
            "sidebar.")


def direction_names(pca_directions: np.ndarray, ae_directions: np.ndarray) -> list[str]:
    """Each pair of directions named by its rank and the angle between them, e.g. "2 · 0.3°"."""
    norms = np.linalg.norm(pca_directions, axis=1) * np.linalg.norm(ae_directions, axis=1)
    cosines = np.abs(np.sum(pca_directions * ae_directions, axis=1)) / norms
    angles = np.degrees(np.arccos(np.clip(cosines, 0.0, 1.0)))
    return [f"{i + 1} · {angle:.1f}°" for i, angle in enumerate(angles)]


def angles_sentence(angles: np.ndarray, k: int) -> str:
    """What the principal angles at bottleneck `k` say about the linear AE and PCA, in one or two sentences."""
    largest, mean = float(np.max(angles)), float(np.mean(angles))
    numbers = (f"At bottleneck {k}, the largest principal angle between the linear autoencoder's subspace and "
               f"PCA's is {largest:.1f}° (mean {mean:.1f}°)")
    if largest < 5:
        return (numbers + ": the autoencoder found essentially the same subspace as PCA, as theory predicts "
                "for a linear autoencoder trained on squared error.")
    if largest < 20:
        return (numbers + ": the subspaces are close but not equal; the last directions, which explain the "
                "least variance, are usually the slowest to be learned.")
    return (numbers + ": the autoencoder has not found PCA's subspace yet; more epochs or another learning "
            "rate usually close the gap.")
