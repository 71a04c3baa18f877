"""What ``train`` logs to DVCLive and how ``explain`` finds the saved models, checked against values computed here."""

import math

import numpy as np
import pytest
from e2e import ROOT

from rednote.core.params import load_params
from rednote.modeling.models import Fitted, fit_named, live_callback, load_fits, log_fit
from rednote.modeling.run_record import RunRecord


class FakeLive:
    """Records what is logged, step by step, as DVCLive's ``Live`` would write it."""

    def __init__(self) -> None:
        self.steps: list[dict[str, float]] = [{}]

    def log_metric(self, name: str, value: float) -> None:
        self.steps[-1][name] = value

    def next_step(self) -> None:
        self.steps.append({})


class Fixed:
    """A "model" that scores each row by its first column, so the logged figures can be computed by hand."""

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.column_stack([1 - X[:, 0], X[:, 0]])


def test_a_fit_without_epochs_logs_one_step_of_loss_and_auc_per_split_computed_by_hand():
    scores = np.array([0.9, 0.2, 0.6, 0.4, 0.7, 0.1, 0.8, 0.3])
    y = np.array([1, 0, 0, 1, 1, 0, 0, 0])
    train = np.array([True, True, True, True, False, False, False, False])
    live = FakeLive()
    log_fit(live, Fitted("logreg", Fixed()), scores[:, None], y, train, ~train)

    # train rows: positives 0.9, 0.4 against negatives 0.2, 0.6: 3 of 4 pairs ordered right
    train_loss = -(math.log(0.9) + math.log(0.8) + math.log(0.4) + math.log(0.4)) / 4
    # eval rows: the one positive (0.7) against 0.1, 0.8, 0.3: 2 of 3
    eval_loss = -(math.log(0.7) + math.log(0.9) + math.log(0.2) + math.log(0.7)) / 4
    assert live.steps[1:] == [{}]  # exactly one step
    logged = live.steps[0]
    assert set(logged) == {"train/loss", "train/auc", "eval/loss", "eval/auc"}
    assert logged["train/auc"] == 0.75
    assert logged["eval/auc"] == pytest.approx(2 / 3, abs=1e-5)
    assert logged["train/loss"] == pytest.approx(train_loss, abs=1e-5)
    assert logged["eval/loss"] == pytest.approx(eval_loss, abs=1e-5)
    assert all(float(f"{v:.5g}") == v for v in logged.values())  # rounded to 5 significant digits


def test_an_eval_split_of_one_class_logs_no_auc_but_its_loss():
    y = np.array([1, 0, 0, 0])
    train = np.array([True, True, False, False])
    live = FakeLive()
    log_fit(live, Fitted("gbt", Fixed()), np.array([[0.8], [0.3], [0.5], [0.25]]), y, train, ~train)
    logged = live.steps[0]
    assert math.isnan(logged["eval/auc"]) and logged["train/auc"] == 1.0
    assert logged["eval/loss"] == pytest.approx(-(math.log(0.5) + math.log(0.75)) / 2, abs=1e-5)


def test_keras_models_log_through_their_callback_not_here():
    live = FakeLive()
    for name in ("mlp", "hybrid"):
        log_fit(live, Fitted(name, None), np.zeros((4, 1)), np.array([0, 1, 0, 1]), np.ones(4, bool), np.ones(4, bool))
    assert live.steps == [{}]


def test_the_epoch_callback_logs_each_figure_rounded_then_steps():
    live = FakeLive()
    callback = live_callback(live)
    callback.on_epoch_end(0, {"loss": 0.123456789, "val_auc": 0.987654321})
    callback.on_epoch_end(1, None)
    assert live.steps == [{"train/loss": 0.12346, "eval/auc": 0.98765}, {}, {}]


def test_load_fits_reads_each_saved_fold_model_in_the_records_order(tmp_path):
    p = load_params(ROOT / "params.yaml").train
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    fits = []
    for k, column in enumerate((0, 1, 2)):  # three fits that differ: each learns from another column
        y = (X[:, column] > 0).astype(int)
        fitted = fit_named("logreg", X, y, np.ones(60, bool), np.zeros(60, bool), p, n_static=0)
        fitted.save(tmp_path / f"r{k // 2}f{k % 2}")
        fits.append(fitted)
    record = RunRecord("logreg", "cv", fits=[["r0f0", "r0f1"], ["r1f0"]])
    loaded = load_fits(record, tmp_path, 3, p, 0)
    assert [len(row) for row in loaded] == [2, 1]
    for got, want in zip((loaded[0][0], loaded[0][1], loaded[1][0]), fits, strict=True):
        assert got.name == "logreg"
        np.testing.assert_allclose(got.predict(X), want.predict(X), rtol=1e-12)


def test_load_fits_builds_each_keras_fold_model_for_the_designs_width_and_its_static_columns(tmp_path):
    from rednote.modeling.models import seed_tensorflow

    p = load_params(ROOT / "params.yaml").train.model_copy(update={"epochs": 1})
    seed_tensorflow(p.seed, p.threads)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 6 + 2 * 5)).astype("float32")  # 6 static columns, then 2 days of 5 step features
    y = (X[:, 0] > 0).astype("float32")
    fitted = fit_named("hybrid", X, y, np.arange(40) < 30, np.arange(40) >= 30, p, n_static=6)
    fitted.save(tmp_path / "r0f0")
    [[loaded]] = load_fits(RunRecord("hybrid", "cv", fits=[["r0f0"]]), tmp_path, X.shape[1], p, 6)
    np.testing.assert_allclose(loaded.predict(X), fitted.predict(X), rtol=1e-6, atol=1e-7)
