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

from rednote.modeling.metrics import percentile_interval

#: The columns of :func:`permutation_importance`'s table (also written, empty, when there is no model).
IMPORTANCE_COLUMNS = ("feature", "importance_mean", "importance_std", "ci_low", "ci_high")


def feature_groups(names: list[str]) -> dict[str, list[int]]:
    """One group per behaviour feature and topic; all ``text_*`` columns as one group named ``text``, and all
    ``activity_*`` columns (the hybrid model's January days) as one named ``activity``."""
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        block = next((b for b in ("text", "activity") if name.startswith(b + "_")), name)
        groups.setdefault(block, []).append(i)
    return groups


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
