"""What ``train`` does, as one call: fit the chosen model and the baseline under the evaluation scheme and give
every user their probabilities, with the run record that tells ``evaluate`` and ``explain`` what was done.

``cv``: every user's out-of-fold probability in each repeat of a stratified K-fold; models are fitted on each
fold's training part only. ``holdout``: one fit on the train split, early-stopped on validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from rednote.core.errors import UserError
from rednote.core.io import rounded
from rednote.core.params import EvaluateParams, TrainParams
from rednote.modeling.design import Design
from rednote.modeling.evaluation import CVResult, cross_validate, cv_problem, mean_oof, repeated_folds, to_columns
from rednote.modeling.models import (
    KERAS_MODELS,
    Fitted,
    FoldModel,
    baseline_fit,
    fit_logreg,
    fit_named,
    fold_fit,
    live_callback,
    log_fit,
    trainability_problem,
)
from rednote.modeling.run_record import HOLDOUT_FOLDER, RunRecord, fold_folder

#: The DVCLive metrics every run logs, whatever the model and scheme, so any two runs diff cleanly.
LIVE_METRICS = ("train/loss", "eval/loss", "train/auc", "eval/auc")


@dataclass
class Trained:
    """``predictions`` (user_id, split, retained, p_model, p_baseline and, under cv, the per-repeat columns),
    the run ``record``, and the fitted models by their folder under ``models/fits/``."""

    predictions: pd.DataFrame
    record: RunRecord
    fitted: dict[str, Fitted] = field(default_factory=dict)


def untrainable(users: pd.DataFrame, scheme: str, p: TrainParams, e: EvaluateParams) -> str | None:
    """Why the cohort cannot support a model under ``scheme`` (too few retained users), or None; a UserError
    when that is so and ``train.allow_degenerate`` is off."""
    y = users["retained"].to_numpy()
    problem = (
        cv_problem(y, e.cv.folds)
        if scheme == "cv"
        else trainability_problem(y, users["split"].to_numpy(), p.min_positives)
    )
    if problem and not p.allow_degenerate:
        raise UserError(f"{problem} (or set train.allow_degenerate=true to write null metrics instead).")
    return problem


def degenerate_run(
    users: pd.DataFrame, scheme: Literal["cv", "holdout"], p: TrainParams, reason: str, live: Any
) -> Trained:
    """No model: null probabilities, null DVCLive metrics, and a record that says why."""
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions["p_model"] = predictions["p_baseline"] = np.nan
    for name in LIVE_METRICS:
        live.log_metric(name, float("nan"))
    live.next_step()
    return Trained(predictions, RunRecord(p.model, scheme, reason))


def log_cv(live: Any, y: np.ndarray, X: np.ndarray, result: CVResult) -> None:
    """One DVCLive step per repeat: training-part and out-of-fold loss and ROC-AUC, under Keras' metric names."""
    from sklearn.metrics import log_loss, roc_auc_score

    for r, predictors in enumerate(result.predictors):
        fit_auc, fit_loss = [], []
        for k, predict in enumerate(predictors):
            rows = result.folds[r] != k
            proba = predict(X[rows])
            fit_auc.append(roc_auc_score(y[rows], proba))
            fit_loss.append(log_loss(y[rows], proba, labels=[0, 1]))
        live.log_metric("train/loss", rounded(float(np.mean(fit_loss))))
        live.log_metric("eval/loss", rounded(float(log_loss(y, result.proba[r], labels=[0, 1]))))
        live.log_metric("train/auc", rounded(float(np.mean(fit_auc))))
        live.log_metric("eval/auc", rounded(float(roc_auc_score(y, result.proba[r]))))
        live.next_step()


def train_cv(
    users: pd.DataFrame, design: Design, p: TrainParams, e: EvaluateParams, live: Any, step: Callable[[int, int], Any]
) -> Trained:
    """Both models in every fold of ``e.cv.repeats`` × ``e.cv.folds`` stratified folds; ``step`` after each fit."""
    y = users["retained"].to_numpy().astype("float32")
    base = design.baseline_columns
    folds = repeated_folds(y, e.cv.folds, e.cv.repeats, e.seed)
    model = cross_validate(
        fold_fit(p.model, p, design.n_static), design.X, y, folds, p.seed, e.cv.inner_folds, True, step
    )
    baseline = cross_validate(baseline_fit(p), design.X[:, base], y, folds, p.seed, e.cv.inner_folds, False, step)
    log_cv(live, y, design.X, model)
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions["p_model"] = mean_oof(model.proba)
    predictions["p_baseline"] = mean_oof(baseline.proba)
    columns = to_columns(model, "p_model") | to_columns(baseline, "p_baseline")
    predictions = pd.concat([predictions, pd.DataFrame(columns, index=predictions.index)], axis=1)
    fits = [[fold_folder(r, k) for k in range(len(fitted))] for r, fitted in enumerate(model.predictors)]
    fitted = {
        fits[r][k]: cast(FoldModel, m).fitted for r, row in enumerate(model.predictors) for k, m in enumerate(row)
    }
    return Trained(predictions, RunRecord(p.model, "cv", None, fits), fitted)


def train_holdout(users: pd.DataFrame, design: Design, p: TrainParams, live: Any) -> Trained:
    """One fit on the train split (the Keras models early-stop on validation), the baseline beside it."""
    y = users["retained"].to_numpy().astype("float32")
    split = users["split"].to_numpy()
    train, val = split == "train", split == "val"
    base = design.baseline_columns
    callbacks = [live_callback(live)] if p.model in KERAS_MODELS else []
    fitted = fit_named(p.model, design.X, y, train, val, p, design.n_static, callbacks)
    log_fit(live, fitted, design.X, y, train, val)
    fitted_base = fit_logreg(design.X[:, base], y, train, p)
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions["p_model"] = fitted.predict(design.X)
    predictions["p_baseline"] = fitted_base.predict_proba(design.X[:, base])[:, 1]
    return Trained(predictions, RunRecord(p.model, "holdout", None, [[HOLDOUT_FOLDER]]), {HOLDOUT_FOLDER: fitted})


def check_baseline(design: Design, features: list[str]) -> None:
    if len(design.baseline_columns) == 0:
        raise UserError(f"train.features={features} leaves the baseline no behaviour or topic column; add one of them.")
