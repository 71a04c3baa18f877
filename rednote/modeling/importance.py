"""Which inputs matter: permutation importance on held-out users, with its spread over repeats.

A feature's importance is how much the test ROC-AUC drops when that feature's values are shuffled
across test users (the model is not refitted). Groups of columns (the whole text vector) are
shuffled together, row-wise, so the group keeps its internal structure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rednote.core.params import ExplainParams
from rednote.modeling.design import Design
from rednote.modeling.evaluation import cv_importance, from_columns
from rednote.modeling.metrics import percentile_interval
from rednote.modeling.models import Fitted, FoldModel
from rednote.modeling.run_record import RunRecord

#: The columns of :func:`permutation_importance`'s table (also written, empty, when there is no model).
IMPORTANCE_COLUMNS = ("feature", "importance_mean", "importance_std", "ci_low", "ci_high")


def permutation_importance(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    groups: dict[str, list[int]],
    repeats: int,
    seed: int,
    level: float,
) -> pd.DataFrame:
    """AUC drop per group over ``repeats`` shuffles of the rows of ``X`` (the test users).

    Returns a frame (feature, importance_mean, importance_std, ci_low, ci_high) sorted by mean,
    where the interval is the central ``level`` share of the repeats' drops.
    """
    base = roc_auc_score(y, predict(X))
    rng = np.random.default_rng(seed)
    rows = []
    for name, columns in groups.items():
        drop_list = []
        for _ in range(repeats):
            shuffled = X.copy()
            shuffled[:, columns] = X[rng.permutation(len(X))][:, columns]
            drop_list.append(base - roc_auc_score(y, predict(shuffled)))
        drops = np.asarray(drop_list)
        low, high = percentile_interval(drops, level)
        rows.append(
            {
                "feature": name,
                "importance_mean": float(drops.mean()),
                "importance_std": float(drops.std(ddof=1)) if repeats > 1 else 0.0,
                "ci_low": low,
                "ci_high": high,
            }
        )
    table = pd.DataFrame(rows, columns=list(IMPORTANCE_COLUMNS)).sort_values(
        ["importance_mean", "feature"], ascending=[False, True], kind="mergesort"
    )
    return table.reset_index(drop=True)


def model_importance(
    record: RunRecord,
    design: Design,
    users: pd.DataFrame,
    predictions: pd.DataFrame,
    fits: list[list[Fitted]],
    p: ExplainParams,
) -> tuple[pd.DataFrame, dict]:
    """Permutation importance of each of the design's groups for a trained run: under ``cv`` each fold's own model
    (``fits[r][k]``) shuffles a group among the users it scored; under ``holdout`` the one model on test users.
    Returns the table and ``importance.json``."""
    y = users["retained"].to_numpy().astype(int)
    groups = design.groups()
    if record.scheme == "cv":
        result = from_columns(predictions, "p_model")
        result.predictors = [[FoldModel(fitted) for fitted in row] for row in fits]
        table = pd.DataFrame(cv_importance(result, design.X, y, groups, p.repeats, p.seed, p.ci_level)).drop(
            columns="n"
        )
        scoring = (
            f"drop in pooled out-of-fold ROC-AUC, {len(fits)} repeats x {p.repeats} shuffles, each fold's own model"
        )
        scored_on = "out of fold, all users"
    else:
        test = users["split"].to_numpy() == "test"
        table = permutation_importance(
            fits[0][0].predict, design.X[test], y[test], groups, p.repeats, p.seed, p.ci_level
        )
        scoring, scored_on = "test ROC-AUC drop", "test users"
    features = {row["feature"]: {k: v for k, v in row.items() if k != "feature"} for row in table.to_dict("records")}
    report = {"model": record.model, "scheme": record.scheme, "scoring": scoring, "scored_on": scored_on,
              "ci_level": p.ci_level, "importance": features}  # fmt: skip
    return table, report


def no_importance(record: RunRecord, level: float) -> tuple[pd.DataFrame, dict]:
    """The empty table and ``importance.json`` of a run that trained no model, with the reason."""
    report: dict[str, object] = {
        "model": record.model,
        "degenerate": record.degenerate,
        "ci_level": level,
        "importance": {},
    }
    return pd.DataFrame(columns=list(IMPORTANCE_COLUMNS)), report
