"""The one early-stopping rule both training engines share: best weights restored, patience restarted only by a real
improvement, and a non-finite loss stopping that model at once."""
from __future__ import annotations

import math

import numpy as np
import pytest

from pipelines import load_dataset, make_reducer, prepare
from pipelines.reducers.training.early_stopping import EarlyStopping


def _run(stopper: EarlyStopping, monitored: list[float]) -> None:
    for epoch, loss in enumerate(monitored):
        stopper.update(epoch, {"loss": loss}, loss, lambda epoch=epoch: [np.full(2, epoch)])


def test_the_best_epoch_s_weights_are_kept_and_patience_restarts_only_on_a_real_improvement():
    stopper = EarlyStopping(patience=2, tol=0.1, names=("loss",), initial_weights=[np.full(2, -1)])
    _run(stopper, [10.0, 9.5, 9.4, 9.3, 8.0])  # 9.5 and 9.4 are better, but by less than 10%
    assert stopper.stopped and stopper.history["loss"] == [10.0, 9.5, 9.4], "stopped two epochs after epoch 0"
    assert stopper.best_epoch == 2 and stopper.best_weights[0][0] == 2, "the best epoch counts, however small"


def test_a_non_finite_loss_stops_the_model_at_once_and_keeps_its_best_weights():
    for diverged in (math.nan, math.inf):
        stopper = EarlyStopping(patience=0, tol=1e-4, names=("loss",), initial_weights=[np.full(2, -1)])
        _run(stopper, [3.0, 2.0, diverged, 1.0])
        assert stopper.stopped and stopper.history["loss"][:2] == [3.0, 2.0] and len(stopper.history["loss"]) == 3
        assert stopper.best_epoch == 1 and stopper.best_weights[0][0] == 1


@pytest.fixture(scope="module")
def overflowing():
    """Digits scaled so far that every squared error overflows float32: the loss is not finite from the first epoch."""
    data = prepare(load_dataset("digits"), 0.2, 0)
    return (data.X_train * 1e25).astype(np.float32)


SMALL = {"linear_ae": {}, "nonlinear_ae": {"hidden_layer_sizes": (4,)},
         "denoising_ae": {"hidden_layer_sizes": (4,), "noise_level": 0.0}}


@pytest.mark.parametrize("method", list(SMALL))
@pytest.mark.parametrize("early_stopping", [True, False])
def test_a_model_whose_loss_is_not_finite_stops_after_that_epoch_on_either_engine(method, early_stopping, overflowing):
    """linear_ae and nonlinear_ae train on the fused engine, denoising_ae on the Keras engine. Without early stopping
    (or with patience left) the fused engine used to train on until the last epoch or until patience ran out."""
    model = make_reducer(method, 2, epochs=12, patience=5, early_stopping=early_stopping, **SMALL[method])
    model.fit(overflowing)
    assert not np.isfinite(model.history_["loss"][-1]), "the history ends with the loss that diverged"
    assert model.n_epochs_ == 1 and model.best_epoch_ == 1
