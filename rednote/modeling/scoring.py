"""What ``evaluate`` does, as calls: the metrics of a run's probabilities with intervals, the curves behind the
plots, the confusion table, and the permutation test of the baseline.

``cv`` (default): every cohort user's out-of-fold probability (averaged over repeats), intervals from a
class-stratified bootstrap over users, the spread over repeats. ``holdout``: threshold on validation, test users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rednote.core.params import EvaluateParams, TrainParams
from rednote.modeling.design import baseline_design
from rednote.modeling.evaluation import (
    cv_scores,
    from_columns,
    mean_oof,
    null_cv_scores,
    permutation_null,
    permutation_pvalue,
)
from rednote.modeling.metrics import curves, evaluate_model, null_scores
from rednote.modeling.models import baseline_fit
from rednote.modeling.run_record import RunRecord

#: The metrics section of each scored model, its probability column, and the name its curve files carry.
SECTIONS = {"test": ("p_model", "model"), "baseline": ("p_baseline", "baseline")}


@dataclass
class Scores:
    """``report`` (metrics.json), ``curves`` (name → (ROC, PR) tables) and ``confusion`` (actual, predicted)."""

    report: dict
    curves: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)
    confusion: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"actual": [], "predicted": []}))


def data_section(predictions: pd.DataFrame, record: RunRecord, p: EvaluateParams) -> dict:
    split = predictions["split"]
    scored = predictions if record.scheme == "cv" else predictions[split == "test"]
    cv = record.scheme == "cv"
    return {
        "n_users": int(len(predictions)),
        "n_retained": int(predictions["retained"].sum()),
        "n_train": int((split == "train").sum()),
        "n_val": int((split == "val").sum()),
        "n_test": int((split == "test").sum()),
        "effective_n": int(scored["retained"].sum()),  # retained users behind every figure
        "folds": p.cv.folds if cv else None,
        "repeats": p.cv.repeats if cv else None,
    }


def score(predictions: pd.DataFrame, record: RunRecord, p: EvaluateParams) -> Scores:
    """Every figure of ``metrics.json`` but the permutation test, and the plot data, for one run."""
    y = predictions["retained"].to_numpy().astype(int)
    val, test = (predictions[predictions["split"] == s] for s in ("val", "test"))
    y_scored = y if record.scheme == "cv" else test["retained"].to_numpy().astype(int)
    out = Scores({"scheme": record.scheme, "ci_level": p.ci_level, "degenerate": record.degenerate,
                  "data": data_section(predictions, record, p)})  # fmt: skip
    for key, (column, name) in SECTIONS.items():
        if record.degenerate:
            out.report[key] = null_cv_scores(y_scored) if record.scheme == "cv" else null_scores(y_scored)
            out.curves[name] = curves(y_scored, None)
        elif record.scheme == "cv":
            result = from_columns(predictions, column)
            out.report[key] = cv_scores(y, result, p.bootstrap, p.ci_level, p.seed)
            out.curves[name] = curves(y, mean_oof(result.proba))
            if key == "test":  # the first repeat's out-of-fold 0/1 predictions
                out.confusion = pd.DataFrame({"actual": y, "predicted": result.predicted()[0]})
        else:
            out.report[key] = evaluate_model(val["retained"].to_numpy(), val[column].to_numpy(), y_scored,
                                             test[column].to_numpy(), p.bootstrap, p.ci_level, p.seed)  # fmt: skip
            out.curves[name] = curves(y_scored, test[column].to_numpy())
            if key == "test":
                cut = (test[column].to_numpy() >= out.report["test"]["threshold"]).astype(int)
                out.confusion = pd.DataFrame({"actual": y_scored, "predicted": cut})
    return out


def baseline_permutation_test(
    report: dict, predictions: pd.DataFrame, users: pd.DataFrame, topics: np.ndarray, p: EvaluateParams, t: TrainParams
) -> None:
    """Add to ``report["baseline"]`` the permutation p-value of its CV ROC-AUC (the first repeat's folds, refitted
    under ``p.permutations`` shufflings of the labels) and the null's mean; null when it does not apply."""
    report["baseline"] |= {"permutation_p": None, "permutation_null_mean": None,
                           "permutations": p.permutations if report["scheme"] == "cv" else 0}  # fmt: skip
    if report["scheme"] != "cv" or report["degenerate"] or p.permutations <= 0:
        return
    y = predictions["retained"].to_numpy().astype(int)
    first = from_columns(predictions, "p_baseline")
    null = permutation_null(
        baseline_fit(t), baseline_design(users, topics, t).X, y, first.folds[:1], p.permutations, p.seed
    )
    observed = float(roc_auc_score(y, first.proba[0]))  # the same statistic: the first repeat's CV ROC-AUC
    report["baseline"]["permutation_p"] = permutation_pvalue(observed, null)
    report["baseline"]["permutation_null_mean"] = float(null.mean())
