"""train: users + topic weights + text vectors → the chosen model (`train.model`) and a logistic baseline; P(retained) per user.

`evaluate.scheme: cv` (default): every user's out-of-fold probability in each repeat of a stratified
K-fold; models are fitted on each fold's training part only. `holdout`: one fit on the train split.
"""

import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from rednote.core.errors import UserError
from rednote.core.io import read_array, read_table, rounded, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.sequences import sequence_array
from rednote.modeling.evaluation import cross_validate, cv_problem, mean_oof, repeated_folds, to_columns
from rednote.modeling.models import (
    KERAS_MODELS,
    baseline_columns,
    baseline_fit,
    build_design,
    fit_logreg,
    fit_named,
    fold_fit,
    live_callback,
    log_fit,
    reduce_text,
    seed_tensorflow,
    trainability_problem,
    with_sequences,
)

log = logging.getLogger("rednote.train")
MODELS = Path("models")


def log_cv(live, y: np.ndarray, X: np.ndarray, result) -> None:
    """One DVCLive step per repeat: training-part and out-of-fold loss and ROC-AUC, under Keras' metric names."""
    from sklearn.metrics import log_loss, roc_auc_score

    for r, predictors in enumerate(result.predictors):
        fit_auc, fit_loss = [], []
        for k, predict in enumerate(predictors):
            rows = result.folds[r] != k
            p = predict(X[rows])
            fit_auc.append(roc_auc_score(y[rows], p))
            fit_loss.append(log_loss(y[rows], p, labels=[0, 1]))
        live.log_metric("train/loss", rounded(float(np.mean(fit_loss))))
        live.log_metric("eval/loss", rounded(float(log_loss(y, result.proba[r], labels=[0, 1]))))
        live.log_metric("train/auc", rounded(float(np.mean(fit_auc))))
        live.log_metric("eval/auc", rounded(float(roc_auc_score(y, result.proba[r]))))
        live.next_step()


def main() -> None:
    params = load_params()
    data, p, e = params.data, params.train, params.evaluate
    users = read_table(data.users)
    y = users["retained"].to_numpy().astype("float32")
    split = users["split"].to_numpy()
    scheme = e.chosen(int(y.sum()))
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions.attrs["scheme"] = scheme
    shutil.rmtree(MODELS, ignore_errors=True)
    MODELS.mkdir()
    if scheme == "cv":
        problem = cv_problem(y, e.cv.folds)
    else:
        problem = trainability_problem(y, split, p.min_positives)
    if problem and not p.allow_degenerate:
        raise UserError(f"{problem} (or set train.allow_degenerate=true to write null metrics instead).")
    from dvclive import Live

    # DVCLive logs each epoch (holdout) or repeat (cv) to dvclive/ (declared in dvc.yaml).
    with Live(dir="dvclive", dvcyaml=None, save_dvc_exp=False) as live:
        if problem:
            log.warning("no model trained: %s", problem)
            predictions["p_model"] = predictions["p_baseline"] = np.nan
            predictions.attrs["degenerate"] = problem
            (MODELS / "NOT_TRAINED.txt").write_text(problem + "\n", encoding="utf-8")
            for name in ("train/loss", "eval/loss", "train/auc", "eval/auc"):
                live.log_metric(name, float("nan"))
            live.next_step()
            write_table(predictions, data.predictions)
            return
        if p.model in KERAS_MODELS:  # TensorFlow only for the Keras models (its import alone costs seconds)
            seed_tensorflow(p.seed, p.threads)
        text = reduce_text(read_array(data.embeddings), p.text_components, p.seed)
        # cv: the scaler is a label-free transform of every cohort user's January data; holdout: train split only.
        rows = np.ones(len(y), dtype=bool) if scheme == "cv" else split == "train"
        design = build_design(users, read_array(data.topics), text, rows, p.features, p.log_counts)
        n_static = design.X.shape[1]
        if p.model == "hybrid":  # the LSTM branch's input: each user's January days, looked up by user id
            design = with_sequences(design, sequence_array(read_table(data.sequences), users["user_id"]))
        base = baseline_columns(design.names)
        if len(base) == 0:
            raise UserError(
                f"train.features={p.features} leaves the baseline no behaviour or topic column; add one of them."
            )
        if scheme == "cv":
            folds = repeated_folds(y, e.cv.folds, e.cv.repeats, e.seed)
            bar = tqdm(total=2 * e.cv.repeats * e.cv.folds, desc="cv fits", unit="fit", disable=None)
            step = lambda done, total: bar.update(1)  # noqa: E731
            model = cross_validate(
                fold_fit(p.model, p, n_static), design.X, y, folds, p.seed, e.cv.inner_folds, True, step
            )
            baseline = cross_validate(
                baseline_fit(p), design.X[:, base], y, folds, p.seed, e.cv.inner_folds, False, step
            )
            bar.close()
            log_cv(live, y, design.X, model)
            predictions["p_model"] = mean_oof(model.proba)
            predictions["p_baseline"] = mean_oof(baseline.proba)
            columns = to_columns(model, "p_model") | to_columns(baseline, "p_baseline")
            predictions = pd.concat([predictions, pd.DataFrame(columns, index=predictions.index)], axis=1)
            predictions.attrs.update(scheme=scheme)
            for r, fitted in enumerate(model.predictors):
                for k, fold_model in enumerate(fitted):
                    fold_model.fitted.save(MODELS / "cv" / f"r{r}_k{k}")
            log.info(
                "%s: %d repeats x %d folds over %d users (%d retained), %d features; baseline on %d",
                p.model,
                e.cv.repeats,
                e.cv.folds,
                len(y),
                int(y.sum()),
                design.X.shape[1],
                len(base),
            )
        else:
            train, val = split == "train", split == "val"
            callbacks = [live_callback(live)] if p.model in KERAS_MODELS else []
            fitted_model = fit_named(p.model, design.X, y, train, val, p, callbacks, n_static)
            log_fit(live, fitted_model, design.X, y, train, val)
            fitted_base = fit_logreg(design.X[:, base], y, train, p)
            predictions["p_model"] = fitted_model.predict(design.X)
            predictions["p_baseline"] = fitted_base.predict_proba(design.X[:, base])[:, 1]
            fitted_model.save(MODELS)
            log.info(
                "%s trained on %d users (%d retained), %d features",
                p.model,
                int(train.sum()),
                int(y[train].sum()),
                design.X.shape[1],
            )
    write_table(predictions, data.predictions)


if __name__ == "__main__":
    run(main)
