"""The registry drives everything: every registered method follows the estimator API, round-trips through the
store, parses its settings schema and fits through its own group policy; counts come from the registry."""
from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.utils._param_validation import Interval, make_constraint
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks

from pipelines import InputError, TrainingStopped, load_dataset, plan
from pipelines.reducers import METHODS, FitControl, Setting, make_reducer
from pipelines.reducers.cost import Limits, check, dense_autoencoder_estimate
from pipelines.reducers.pca import truncated
from pipelines.reducers.persistence import load_reducer, save_reducer
from pipelines.runs.fitting import fit_group

# Tiny settings so that estimator checks and round trips stay fast; a method without them uses its defaults.
SMALL = {"epochs": 3, "hidden_layer_sizes": (4,), "filters": (2,)}


def small(method: str, n_components: int = 1):
    names = {s.name for s in METHODS[method].settings}
    return make_reducer(method, n_components, **{k: v for k, v in SMALL.items() if k in names})


def known_failures(estimator) -> dict[str, str]:
    """The checks a method's registry entry declares its estimator fails, and why."""
    entry = next(m for m in METHODS.values() if type(m.build(1)) is type(estimator))
    return dict(entry.known_check_failures)


def one_per_estimator_class() -> list:
    """A small instance of each estimator class the registry uses (the linear and nonlinear AE share one class)."""
    return list({type(small(method)): small(method) for method in METHODS}.values())


@parametrize_with_checks(one_per_estimator_class(), expected_failed_checks=known_failures)
def test_every_registered_method_follows_the_estimator_api(estimator, check):
    check(estimator)



@pytest.mark.parametrize("method", list(METHODS))
def test_every_registered_method_round_trips_through_its_saved_state(method, digits, tmp_path):
    fitted = fit_group(method, [2, 3], digits.X_train, {k: v for k, v in SMALL.items()
                                                        if k in {s.name for s in METHODS[method].settings}})
    for (_, k), reducer in fitted.items():
        save_reducer(reducer, method, tmp_path / f"{method}_{k}")
        loaded = load_reducer(tmp_path / f"{method}_{k}")
        codes = reducer.transform(digits.X_test)
        np.testing.assert_array_equal(loaded.transform(digits.X_test), codes)
        np.testing.assert_array_equal(loaded.inverse_transform(codes), reducer.inverse_transform(codes))


@pytest.mark.parametrize("method", list(METHODS))
def test_every_registry_entry_is_complete(method):
    entry = METHODS[method]
    assert entry.label and entry.color.startswith("#") and len(entry.description) > 40
    defaults = entry.full_params()
    for setting in entry.settings:
        assert setting.name in defaults, f"{setting.name} is not a parameter of {method}'s estimator"
        assert setting.parse(setting.text(setting.default)) == setting.default
    assert entry.accepts(load_dataset("iris")) is None or entry.needs_images


@pytest.mark.parametrize("method", list(METHODS))
def test_every_estimator_declares_each_parameter_s_constraints_and_fit_refuses_values_outside_them(method):
    """scikit-learn's own check: a constraint per parameter, and fit raises InvalidParameterError naming it."""
    estimator = small(method)
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("method", list(METHODS))
def test_every_dashboard_setting_s_range_lies_inside_its_estimator_s_constraints(method):
    """What the sidebar, the command line and URLs accept, the estimator accepts too (its default, every choice, the
    fewest layers, no value for an automatic setting; a numeric range lies in one declared interval)."""
    declared = type(METHODS[method].build(1))._parameter_constraints
    for setting in METHODS[method].settings:
        constraints = [make_constraint(c) for c in declared[setting.name]]
        values = [setting.default, *setting.choices]
        if setting.kind == "layers":
            values.append((1,) * setting.min_layers)
        if setting.automatic is not None:
            values.append(None)
        for value in values:
            assert any(c.is_satisfied_by(value) for c in constraints), f"{method}: {setting.name}={value!r}"
        if setting.kind in ("int", "float"):
            bounds = [(int if setting.kind == "int" else float)(b) for b in (setting.low, setting.high)]
            assert any(isinstance(c, Interval) and all(c.is_satisfied_by(b) for b in bounds) for c in constraints), \
                f"{method}: {setting.name} may be set to {bounds} on the dashboard, outside {declared[setting.name]}"


def test_labels_and_colours_tell_methods_apart():
    assert len({m.label for m in METHODS.values()}) == len(METHODS)
    assert len({m.color for m in METHODS.values()}) == len(METHODS)


@pytest.mark.parametrize("text, message", [("abc", "positive whole numbers"), ("0", "positive whole numbers"),
                                           ("-5", "positive whole numbers"), ("64,,32", "positive whole numbers"),
                                           ("", "at least one layer"), (" ", "at least one layer")])
def test_bad_layer_settings_are_refused_with_one_sentence(text, message):
    with pytest.raises(InputError, match=message):
        METHODS["nonlinear_ae"].parse_settings({"hidden_layer_sizes": text})


def test_settings_parse_text_to_their_types_and_refuse_out_of_range():
    entry = METHODS["nonlinear_ae"]
    parsed = entry.parse_settings({"hidden_layer_sizes": "64, 32", "epochs": "30", "learning_rate": "0.001"})
    assert parsed == {"hidden_layer_sizes": (64, 32), "epochs": 30, "learning_rate": 0.001}
    with pytest.raises(InputError, match="between"):
        entry.parse_settings({"epochs": "0"})
    with pytest.raises(InputError, match="whole number"):
        entry.parse_settings({"epochs": "2.5"})
    with pytest.raises(InputError, match="one of"):
        entry.parse_settings({"activation": "swish!"})


def test_an_automatic_setting_reads_auto_as_none_and_back():
    gamma = Setting("gamma", "Kernel width", "float", None, "help", low=1e-4, high=1e3, automatic="1 / features")
    assert gamma.parse("auto") is None and gamma.parse(None) is None and gamma.text(None) == "auto"
    assert gamma.parse("0.5") == 0.5
    with pytest.raises(InputError, match="between"):
        gamma.parse("0")


def test_pca_fitted_once_and_truncated_equals_separate_fits(digits):
    together = fit_group("pca", [1, 4, 16], digits.X_train)
    for k in (1, 4, 16):
        alone = make_reducer("pca", k).fit(digits.X_train)
        shared = together[("pca", k)]
        for name in ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_"):
            np.testing.assert_allclose(getattr(shared, name), getattr(alone, name), rtol=1e-5, atol=1e-7)
        assert shared.noise_variance_ == pytest.approx(alone.noise_variance_, rel=1e-5)
        np.testing.assert_allclose(shared.inverse_transform(shared.transform(digits.X_test)),
                                   alone.inverse_transform(alone.transform(digits.X_test)), atol=1e-5)
    assert truncated(together[("pca", 16)], 16).n_components_ == 16


def test_the_cost_guard_refuses_what_exceeds_the_limits_and_says_what_to_change():
    wide = dense_autoencoder_estimate(4000, 784, (2, 32), (100_000,), rows_processed=4000 * 60)
    with pytest.raises(InputError, match="wider than the limit of 4,096"):
        check("Nonlinear AE", wide)
    deep = dense_autoencoder_estimate(4000, 784, (2, 32), (3000, 1000), rows_processed=4000 * 60)
    with pytest.raises(InputError, match="parameters per model exceed"):
        check("Nonlinear AE", deep)
    check("Nonlinear AE", deep, Limits(max_parameters=50_000_000, max_seconds=1e9, max_memory_gb=100))


def test_limits_can_be_raised_by_environment(monkeypatch):
    data = load_dataset("mnist-5k")
    monkeypatch.setenv("LATENT_LAB_LIMITS", '{"max_layer_width": 200000, "max_parameters": 1e9, '
                                            '"max_seconds": 1e12, "max_memory_gb": 1e6}')
    plan(data, ["nonlinear_ae"], [2], params={"nonlinear_ae": {"hidden_layer_sizes": (100_000,)}})
    monkeypatch.setenv("LATENT_LAB_LIMITS", '{"max_layer_width": 16}')
    with pytest.raises(InputError, match="wider than the limit of 16"):
        plan(data, ["nonlinear_ae"], [2])


def test_a_slow_fit_is_announced_by_its_estimate():
    quick = dense_autoencoder_estimate(1400, 64, (1, 2, 4, 8, 16, 32), (128, 64), rows_processed=1400 * 60)
    slow = dense_autoencoder_estimate(4000, 784, (1, 2, 4, 8, 16, 32), (2048,), rows_processed=4000 * 200)
    assert not quick.is_slow and slow.is_slow and "min" in slow.describe()


def test_a_stop_request_ends_training_within_a_second_and_keeps_nothing(digits):
    reducers = [make_reducer("nonlinear_ae", k, epochs=5000, hidden_layer_sizes=(512, 256)) for k in (2, 8)]
    asked = {}

    def progress(fraction, message):
        asked.setdefault("at", time.monotonic())  # stop once training has really started

    with pytest.raises(TrainingStopped):
        METHODS["nonlinear_ae"].fit_group(reducers, digits.X_train,
                                          FitControl(progress, lambda: "at" in asked))
    assert time.monotonic() - asked["at"] < 1.0
    assert not any(hasattr(r, "encoder_") for r in reducers), "nothing partial is kept"
