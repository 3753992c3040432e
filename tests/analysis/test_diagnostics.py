"""Training diagnostics (pipelines.analysis.diagnostics): divergence, a linear decoder short of PCA and
overfitting, found in tidy scores as plain data; the study summary counts divergence by the same rule as the
dashboard's warnings."""
import math

import pandas as pd
import pytest
from toy_scores import LINEAR, NONLINEAR, scaled, toy_scores

from dashboard.page_text import training_warnings
from pipelines import METHODS
from pipelines.analysis import diagnostics
from pipelines.analysis.diagnostics import Diverged, Overfit, ShortOfPca, run_diverged, training_findings
from pipelines.reducers import REFERENCE
from pipelines.study import StudyOutcome, load_study, plan_study, settings_text, summary


def test_healthy_training_has_no_finding_even_where_the_nonlinear_ae_is_worse_than_pca():
    assert training_findings(toy_scores()) == []


@pytest.mark.parametrize("split", ["test", "train"])
def test_an_error_that_is_not_finite_or_a_negative_test_r2_is_divergence_at_those_sizes_only(split):
    broken = {f"{NONLINEAR}_2_test": {"mse": 4.0, "r2": -4.0}, f"{NONLINEAR}_8_test": {"mse": 3.0, "r2": -2.5},
              f"{LINEAR}_8_{split}": {"mse": math.nan, "r2": math.nan}}
    findings = training_findings(toy_scores(**broken))
    assert Diverged(NONLINEAR, (2, 8), -4.0) in findings, "the lowest test R² of the sizes that diverged"
    (linear,) = [f for f in findings if f.method == LINEAR]
    assert isinstance(linear, Diverged) and linear.bottlenecks == (8,)
    assert linear.lowest_test_r2 is None, "no test R² below 0 to report, only an error that is not finite"
    (sentence,) = [w for w in training_warnings(toy_scores(**broken)) if w.startswith(METHODS[LINEAR].label)]
    assert "not a finite number" in sentence and "worse than predicting the average sample" not in sentence


def test_a_linear_decoder_beyond_the_tolerance_above_pca_is_short_of_it_and_a_nonlinear_one_is_not():
    scores = toy_scores()
    worse = {**scaled(scores, LINEAR, 8, "test", 1.10), **scaled(scores, LINEAR, 32, "test", 1.06),
             # within the tolerance for the noise of a held-out split, and just beyond it
             **scaled(scores, LINEAR, 2, "test", diagnostics.LINEAR_TOLERANCE - 0.005),
             **scaled(scores, LINEAR, 1, "test", diagnostics.LINEAR_TOLERANCE + 0.005),
             **scaled(scores, NONLINEAR, 32, "test", 1.10)}
    (finding,) = training_findings(toy_scores(**worse))
    assert isinstance(finding, ShortOfPca) and finding.method == LINEAR
    assert finding.bottlenecks == (1, 8, 32) and finding.largest_ratio == pytest.approx(1.10)


def test_no_pca_at_a_size_means_no_comparison_with_it_there():
    scores = toy_scores()
    worse = scaled(scores, LINEAR, 8, "test", 1.10)
    without_pca = toy_scores(**worse).query("not (method == @REFERENCE and bottleneck == 8)")
    assert training_findings(without_pca) == []


def test_a_test_error_far_above_the_training_error_and_pcas_gap_is_overfitting():
    scores = toy_scores()
    overfit = {**scaled(scores, NONLINEAR, 32, "train", 0.3), **scaled(scores, NONLINEAR, 32, "test", 2.5)}
    (finding,) = training_findings(toy_scores(**overfit))
    assert isinstance(finding, Overfit) and finding.method == NONLINEAR and finding.bottlenecks == (32,)
    pca_ratio = 1.1  # toy PCA's test MSE over its training MSE
    assert finding.largest_ratio == pytest.approx(pca_ratio * 2.5 / 0.3)
    assert finding.reference_ratio == pytest.approx(pca_ratio) and finding.worse_than_pca


def test_overfitting_needs_both_the_ratio_and_a_margin_over_pcas_gap_where_pca_has_one():
    scores = toy_scores()
    pca_gap = scaled(scores, REFERENCE, 2, "train", 0.5)  # PCA's test MSE is 2.2 times its training MSE at k = 2

    def nonlinear_gap(ratio: float, **changes) -> list:
        """The findings when the nonlinear AE's test MSE at k = 2 is PCA's and `ratio` times its training MSE."""
        gap = {**scaled(scores, NONLINEAR, 2, "test", 1.0), **scaled(scores, NONLINEAR, 2, "train", 1.1 / ratio)}
        return training_findings(toy_scores(**gap, **changes))

    assert nonlinear_gap(diagnostics.OVERFIT_MARGIN * 2.2 * 0.99, **pca_gap) == [], "within the margin over PCA's gap"
    assert nonlinear_gap(diagnostics.OVERFIT_MARGIN * 2.2 * 1.01, **pca_gap) == [
        Overfit(NONLINEAR, (2,), pytest.approx(diagnostics.OVERFIT_MARGIN * 2.2 * 1.01), pytest.approx(2.2), False)]
    ratio = diagnostics.OVERFIT_RATIO
    assert nonlinear_gap(ratio * 0.99) == [] and nonlinear_gap(ratio * 1.01) != [], "PCA's gap, 1.1, is no bar here"


def test_methods_fitted_in_one_step_get_no_finding():
    broken = {f"{REFERENCE}_2_test": {"mse": math.inf, "r2": -9.0}}
    assert training_findings(toy_scores(**broken)) == []
    assert run_diverged(toy_scores(**broken)), "the rule itself holds for any method"


def _study_summary(tmp_path, scores) -> str:
    """The study summary of a study of PCA and the nonlinear AE on iris at sizes 1 and 2 whose runs scored
    `scores` (nothing trains)."""
    path = tmp_path / "study.toml"
    path.write_text(f'datasets = ["iris"]\nmethods = ["{REFERENCE}", "{NONLINEAR}"]\nbottlenecks = [1, 2]\n')
    plan = plan_study(load_study(path))
    frames = [scores[scores["method"] == spec.method].assign(study="study", settings=settings_text(spec),
                                                             key=spec.key) for spec in plan.specs]
    return summary(StudyOutcome(plan, pd.concat(frames, ignore_index=True), (), 0, len(plan.specs)))


def _diverged_runs(text: str, method: str) -> int:
    """The summary's count of diverged runs of `method`, read below the column's title (numbers align right)."""
    header, *rows = text.splitlines()[1:]
    (row,) = [row for row in rows if METHODS[method].label in row]
    return int(row[:header.index("diverged") + len("diverged")].split()[-1])


@pytest.mark.parametrize("broken", [{}, {"test": {"r2": -4.0}}, {"test": {"mse": math.inf}},
                                    {"train": {"mse": math.nan}}, {"train": {"r2": math.nan}}],
                         ids=["healthy", "negative test R²", "infinite test error", "NaN training error",
                              "NaN training R²"])
def test_the_study_summary_and_the_dashboard_agree_on_a_diverged_run(tmp_path, broken):
    scores = toy_scores(methods=(REFERENCE, NONLINEAR), sizes=(1, 2),
                        **{f"{NONLINEAR}_2_{split}": values for split, values in broken.items()})
    warned = [w for w in training_warnings(scores) if "diverged" in w]
    counted = _diverged_runs(_study_summary(tmp_path, scores), NONLINEAR)
    assert counted == len(warned) == (1 if broken else 0)
    assert _diverged_runs(_study_summary(tmp_path, scores), REFERENCE) == 0
