"""evaluate: probabilities → metrics with intervals, ROC/PR/confusion plot data.

`cv` (default): every cohort user's out-of-fold probability (averaged over repeats), intervals from a
class-stratified bootstrap over users, the spread over repeats, and a permutation p-value for the
baseline (refitted under permuted labels on the same folds). `holdout`: threshold on validation, test users only.
"""

import logging

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.modeling.evaluation import (
    cv_scores,
    from_columns,
    mean_oof,
    null_cv_scores,
    permutation_null,
    permutation_pvalue,
)
from rednote.modeling.metrics import curves, evaluate_model, null_scores
from rednote.modeling.models import baseline_fit, build_design

log = logging.getLogger("rednote.evaluate")
MODELS = {"test": ("p_model", "model"), "baseline": ("p_baseline", "baseline")}


def main() -> None:
    params = load_params()
    data, p, t = params.data, params.evaluate, params.train
    predictions = read_table(data.predictions)
    scheme = predictions.attrs.get("scheme", "holdout")
    degenerate = predictions.attrs.get("degenerate")
    y = predictions["retained"].to_numpy().astype(int)
    val = predictions[predictions["split"] == "val"]
    test = predictions[predictions["split"] == "test"]
    scored = predictions if scheme == "cv" else test  # the users every figure is computed on
    y_scored = scored["retained"].to_numpy().astype(int)
    report: dict = {
        "scheme": scheme,
        "ci_level": p.ci_level,  # of every interval below; the findings print it from here
        "data": {
            "n_users": int(len(predictions)),
            "n_retained": int(y.sum()),
            "n_train": int((predictions["split"] == "train").sum()),
            "n_val": int(len(val)),
            "n_test": int(len(test)),
            "effective_n": int(
                y_scored.sum()
            ),  # retained users behind every figure: all under cv, test's under holdout
            "folds": p.cv.folds if scheme == "cv" else None,
            "repeats": p.cv.repeats if scheme == "cv" else None,
        },
        "degenerate": degenerate,
    }
    cut: np.ndarray | None = None
    for key, (column, name) in MODELS.items():
        if degenerate:
            report[key] = null_cv_scores(y_scored) if scheme == "cv" else null_scores(y_scored)
            roc, pr = curves(y_scored, None)
        elif scheme == "cv":
            result = from_columns(predictions, column)
            report[key] = cv_scores(y, result, p.bootstrap, p.ci_level, p.seed)
            roc, pr = curves(y, mean_oof(result.proba))
            if key == "test":
                cut = result.predicted()[0]  # the first repeat's out-of-fold 0/1 predictions
        else:
            report[key] = evaluate_model(
                val["retained"].to_numpy(),
                val[column].to_numpy(),
                test["retained"].to_numpy(),
                test[column].to_numpy(),
                p.bootstrap,
                p.ci_level,
                p.seed,
            )
            roc, pr = curves(y_scored, test[column].to_numpy())
            if key == "test":
                cut = (test[column].to_numpy() >= report["test"]["threshold"]).astype(int)
        write_csv(roc, f"plots/evaluate/roc_{name}.csv")
        write_csv(pr, f"plots/evaluate/pr_{name}.csv")
    report["baseline"]["permutation_p"] = None
    report["baseline"]["permutations"] = p.permutations if scheme == "cv" else 0
    report["baseline"]["permutation_null_mean"] = None
    if scheme == "cv" and not degenerate and p.permutations > 0:
        users = read_table(data.users)
        blocks = [b for b in t.features if b != "text"]
        X = build_design(
            users, read_array(data.topics), np.zeros((len(users), 0)), np.ones(len(y), bool), blocks, t.log_counts
        ).X
        first = from_columns(predictions, "p_baseline")
        null = permutation_null(baseline_fit(t), X, y, first.folds[:1], p.permutations, p.seed)
        observed = float(roc_auc_score(y, first.proba[0]))  # the same statistic: the first repeat's CV ROC-AUC
        report["baseline"]["permutation_p"] = permutation_pvalue(observed, null)
        report["baseline"]["permutation_null_mean"] = float(null.mean())
    confusion = pd.DataFrame(
        {"actual": y_scored if cut is not None else [], "predicted": cut if cut is not None else []}
    )
    write_csv(confusion, "plots/evaluate/confusion.csv")
    write_json(report, "metrics/metrics.json")
    log.info(
        "%s: ROC-AUC %s [%s, %s] (%d retained users), F1 %s; baseline ROC-AUC %s, permutation p %s",
        scheme,
        report["test"]["roc_auc"],
        report["test"]["roc_auc_ci_low"],
        report["test"]["roc_auc_ci_high"],
        report["data"]["effective_n"],
        report["test"]["f1"],
        report["baseline"]["roc_auc"],
        report["baseline"]["permutation_p"],
    )


if __name__ == "__main__":
    run(main)
