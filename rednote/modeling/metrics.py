"""Held-out scores: the threshold is chosen on validation, every figure is computed on test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold that maximizes F1 on (``y``, ``p``); 0.5 if ``y`` has no positive.

    Among equally good thresholds the highest is taken (fewest positive predictions).
    """
    if y.sum() == 0:
        return 0.5
    precision, recall, thresholds = skm.precision_recall_curve(y, p)
    f1 = (2 * precision * recall / np.maximum(precision + recall, np.finfo(float).tiny))[:-1]  # 0 where both are
    best = np.flatnonzero(f1 == f1.max())
    return float(thresholds[best[-1]])


def scores(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Classification figures of probabilities ``p`` against labels ``y`` at ``threshold``.

    Ranking figures (ROC-AUC, PR-AUC) are None when ``y`` holds a single class.
    """
    predicted = (p >= threshold).astype(int)
    both = len(np.unique(y)) == 2
    base_rate = float(y.mean())
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "predicted_positives": int(predicted.sum()),
        "threshold": float(threshold),
        "accuracy": float(skm.accuracy_score(y, predicted)),
        "balanced_accuracy": float(skm.balanced_accuracy_score(y, predicted)) if both else None,
        "precision": float(skm.precision_score(y, predicted, zero_division=0)),
        "recall": float(skm.recall_score(y, predicted, zero_division=0)),
        "f1": float(skm.f1_score(y, predicted, zero_division=0)),
        "roc_auc": float(skm.roc_auc_score(y, p)) if both else None,
        "pr_auc": float(skm.average_precision_score(y, p)) if both else None,
        "brier": float(skm.brier_score_loss(y, p)),
        "base_rate": base_rate,
        "majority_accuracy": max(base_rate, 1 - base_rate),
    }


def bootstrap_auc(
    y: np.ndarray, p: np.ndarray, n_boot: int, level: float, seed: int
) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval for ROC-AUC (resampling users); None where it is undefined."""
    if len(np.unique(y)) < 2 or n_boot < 1:
        return None, None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(y), len(y))
        if 0 < y[pick].sum() < len(pick):
            values.append(skm.roc_auc_score(y[pick], p[pick]))
    if not values:
        return None, None
    return percentile_interval(np.asarray(values), level)


def percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` interval of draws (bootstrap or permutation values): their (1-level)/2 and
    1-(1-level)/2 percentiles, linear interpolation between draws."""
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def evaluate_model(
    y_val: np.ndarray, p_val: np.ndarray, y_test: np.ndarray, p_test: np.ndarray, n_boot: int, level: float, seed: int
) -> dict:
    """Threshold on validation (max F1), then :func:`scores` and the ROC-AUC interval on test."""
    threshold = best_f1_threshold(y_val, p_val)
    result = scores(y_test, p_test, threshold)
    result["roc_auc_ci_low"], result["roc_auc_ci_high"] = bootstrap_auc(y_test, p_test, n_boot, level, seed)
    return result


def null_scores(y: np.ndarray) -> dict:
    """The keys of :func:`evaluate_model`, every score None: what is reported when no model could be trained."""
    keys = scores(np.array([0, 1]), np.array([0.0, 1.0]), 0.5).keys() | {"roc_auc_ci_low", "roc_auc_ci_high"}
    result = dict.fromkeys(sorted(keys))
    result.update(n=int(len(y)), positives=int(np.sum(y)))
    return result


def curves(y: np.ndarray, p: np.ndarray | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ROC (fpr, tpr, threshold) and precision–recall (recall, precision, threshold) points for ``dvc plots``.

    Empty tables (headers only) when ``p`` is None or ``y`` has a single class.
    """
    if p is None or len(np.unique(y)) < 2:
        return pd.DataFrame(columns=["fpr", "tpr", "threshold"]), pd.DataFrame(
            columns=["recall", "precision", "threshold"]
        )
    fpr, tpr, roc_t = skm.roc_curve(y, p)
    precision, recall, pr_t = skm.precision_recall_curve(y, p)
    roc = pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(roc_t, 1.0)})
    pr = pd.DataFrame({"recall": recall, "precision": precision, "threshold": np.append(pr_t, 1.0)})
    return roc, pr
