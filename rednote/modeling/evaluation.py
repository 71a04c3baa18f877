"""Evaluation that survives few retained users: repeated stratified K-fold, out-of-fold scores, user bootstrap.

With about 20 retained users in the real crawl, one train/validation/test split scores 4-5 of
them and its ROC-AUC interval spans most of [0, 1]. Here every cohort user is scored out of fold
in each of ``repeats`` stratified K-fold partitions, so all retained users count.

What sees labels and what does not:

* a *fit function* (``fit(X_train, y_train, seed) -> predict``) is called on the training part of
  a fold only; anything it fits with labels (weights, class weights, early stopping) sees only
  those rows;
* the decision threshold of a fold comes from the training part too (:func:`inner_threshold`:
  inner out-of-fold predictions on the training part, maximum F1), never from the scored fold;
* the design matrix passed in may hold label-free transforms fitted on all cohort users' January
  data (scaler, TF-IDF, SVD, NMF): no label enters them.

Figures: each user's out-of-fold probability is averaged over repeats (:func:`mean_oof`); the
headline ROC-AUC/PR-AUC are of those averages, their 95% intervals from a bootstrap over users
stratified by class (:func:`stratified_bootstrap`), and the spread over repeats (each repeat's
pooled out-of-fold AUC) is reported beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.model_selection import StratifiedKFold

from rednote.features.cohort import MORE_RETAINED
from rednote.modeling.metrics import best_f1_threshold, percentile_interval

#: ``predict(X) -> P(retained)`` per row, float64.
Predict = Callable[[np.ndarray], np.ndarray]
#: ``fit(X_train, y_train, seed) -> predict``: fits with labels on the rows it is given, and nothing else.
Fit = Callable[[np.ndarray, np.ndarray, int], Predict]


def cv_problem(y: np.ndarray, folds: int) -> str | None:
    """Why ``folds``-fold stratified CV can't run on labels ``y`` (one sentence), or None when it can.

    Each class needs at least ``folds`` users, so that every fold scores at least one retained user.
    """
    positives, n = int(np.sum(y)), len(y)
    if folds < 2:
        return f"evaluate.cv.folds={folds} must be at least 2"
    if positives < folds or n - positives < folds:
        return (
            f"the cohort has {positives} retained and {n - positives} lost user(s), fewer than evaluate.cv.folds={folds} "
            f"in a class, too few to cross-validate a model: {MORE_RETAINED}, or lower evaluate.cv.folds"
        )
    return None


def repeated_folds(y: np.ndarray, folds: int, repeats: int, seed: int) -> np.ndarray:
    """Fold numbers (repeats, n) int64: row r assigns each user to one of ``folds`` stratified folds.

    Repeat r uses ``StratifiedKFold(shuffle=True, random_state=seed + r)``, so the same seed gives
    the same partitions and every user is scored exactly once per repeat.
    """
    y = np.asarray(y).astype(int)
    assignment = np.empty((repeats, len(y)), dtype=np.int64)
    for r in range(repeats):
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + r)
        for k, (_, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
            assignment[r, test] = k
    return assignment


def inner_threshold(fit: Fit, X: np.ndarray, y: np.ndarray, inner_folds: int, seed: int) -> float:
    """The max-F1 threshold of ``fit`` on the rows given (a fold's training part), from inner out-of-fold predictions.

    The training part is cut into ``inner_folds`` stratified folds (fewer if a class is smaller);
    each is predicted by a model fitted on the others, and the threshold maximizing F1 on those
    predictions is returned. 0.5 when a class has fewer than 2 users.
    """
    k = min(inner_folds, int(np.sum(y)), int(len(y) - np.sum(y)))
    if k < 2:
        return 0.5
    p = np.empty(len(y))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for i, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        p[test] = fit(X[train], y[train], seed + i)(X[test])
    return best_f1_threshold(y, p)


@dataclass
class CVResult:
    """Out-of-fold results of :func:`cross_validate`.

    ``proba`` (repeats, n): each user's out-of-fold probability per repeat; ``threshold`` (repeats,
    folds): each fold's threshold, chosen on its training part; ``folds`` (repeats, n): the fold
    assignment; ``predictors``: the fitted ``predict`` of each (repeat, fold), kept only if asked.
    """

    proba: np.ndarray
    threshold: np.ndarray
    folds: np.ndarray
    predictors: list[list[Predict]]

    def predicted(self) -> np.ndarray:
        """0/1 predictions (repeats, n): each user at the threshold of the fold that scored them."""
        cut = np.take_along_axis(self.threshold, self.folds, axis=1)
        return (self.proba >= cut).astype(int)


def cross_validate(
    fit: Fit,
    X: np.ndarray,
    y: np.ndarray,
    folds: np.ndarray,
    seed: int,
    inner_folds: int = 0,
    keep: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CVResult:
    """Fit ``fit`` on each fold's training part and predict its scored part, for every repeat of ``folds``.

    ``X`` (n, d), ``y`` (n,) 0/1, ``folds`` from :func:`repeated_folds`. A fold's threshold is the
    ``threshold`` attribute of the returned predictor when it has one (a fit that holds back part of
    its training rows anyway, as the MLP does for early stopping, chooses it there); otherwise, with
    ``inner_folds`` ≥ 2, :func:`inner_threshold` on the training part (``inner_folds`` more fits per
    fold); otherwise NaN (ranking figures need none). ``keep`` retains the
    fitted predictors (for permutation importance). ``progress(done, total)`` is called after each fit. The fit
    of repeat ``r``'s fold ``k`` gets the seed ``seed + 1000 r + k``.
    """
    y = np.asarray(y).astype(int)
    repeats, n = folds.shape
    n_folds = int(folds.max()) + 1
    proba = np.full((repeats, n), np.nan)
    threshold = np.full((repeats, n_folds), np.nan)
    predictors: list[list[Predict]] = []
    for r in range(repeats):
        kept: list[Predict] = []
        for k in range(n_folds):
            test = folds[r] == k
            train = ~test
            fold_seed = seed + 1000 * r + k
            predict = fit(X[train], y[train], fold_seed)
            proba[r, test] = predict(X[test])
            own = getattr(predict, "threshold", None)  # a fit that already chose one on its training part (MLP)
            if own is not None:
                threshold[r, k] = own
            elif inner_folds >= 2:
                threshold[r, k] = inner_threshold(fit, X[train], y[train], inner_folds, fold_seed)
            if keep:
                kept.append(predict)
            if progress is not None:
                progress(r * n_folds + k + 1, repeats * n_folds)
        predictors.append(kept)
    return CVResult(proba, threshold, folds, predictors)


def mean_oof(proba: np.ndarray) -> np.ndarray:
    """Each user's out-of-fold probability averaged over repeats: (repeats, n) → (n,)."""
    return np.asarray(proba).mean(axis=0)


def _auc_counts(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC-AUC from weights per distinct score (ascending): P(retained above lost), ties counting half."""
    below = np.cumsum(neg) - neg
    return float(np.dot(pos, below + 0.5 * neg) / (pos.sum() * neg.sum()))


def _ap_counts(pos: np.ndarray, neg: np.ndarray) -> float:
    """Average precision (scikit-learn's step-wise definition) from weights per distinct score (ascending)."""
    pos, neg = pos[::-1], neg[::-1]  # from the highest score down; tied users cross the threshold together
    hit = pos > 0
    tp, fp = np.cumsum(pos)[hit], np.cumsum(neg)[hit]
    return float(np.dot(pos[hit], tp / (tp + fp)) / pos.sum())


#: Ranking metrics computed from (retained, lost) weights per distinct score, ascending: a bootstrap
#: resample is then a bincount over users sorted once, not a fresh sort (O(n) instead of O(n log n),
#: 25 times faster at 157,000 users).
RANKING: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {"roc_auc": _auc_counts, "pr_auc": _ap_counts}


def _score_groups(p: np.ndarray) -> tuple[np.ndarray, int]:
    """Each user's rank among the distinct scores of ``p`` (ascending), and how many distinct scores there are."""
    values, group = np.unique(np.asarray(p, dtype=float), return_inverse=True)
    return group, len(values)


def _counts(group: np.ndarray, users: np.ndarray, size: int) -> np.ndarray:
    """How many of ``users`` (indices, repeats counting) sit at each distinct score."""
    return np.bincount(group[users], minlength=size).astype(float)


def ranking_score(metric: Callable[[np.ndarray, np.ndarray], float], y: np.ndarray, p: np.ndarray) -> float:
    """``metric`` (a :data:`RANKING` value) of scores ``p`` for 0/1 labels ``y``."""
    group, size = _score_groups(p)
    y = np.asarray(y).astype(int)
    return metric(_counts(group, np.flatnonzero(y == 1), size), _counts(group, np.flatnonzero(y == 0), size))


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC-AUC of scores ``p`` for 0/1 labels ``y`` (scikit-learn's value without its per-call checks, which cost
    3 ms: the permutation test scores hundreds of labellings)."""
    return ranking_score(_auc_counts, y, p)


def stratified_bootstrap(
    y: np.ndarray,
    p: np.ndarray,
    metric: Callable[[np.ndarray, np.ndarray], float],
    n_boot: int,
    level: float,
    seed: int,
) -> tuple[float | None, float | None]:
    """Percentile interval of a :data:`RANKING` ``metric`` over ``n_boot`` resamples of users, stratified by class.

    Retained and lost users are each resampled with replacement to their own count, so every
    resample keeps the cohort's number of retained users (the effective sample size) and the metric
    is always defined. ``metric`` receives each resample's (retained, lost) counts per distinct
    score, ascending. None, None when ``y`` holds one class or ``n_boot`` < 1.
    """
    y = np.asarray(y).astype(int)
    group, size = _score_groups(p)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if len(pos) == 0 or len(neg) == 0 or n_boot < 1:
        return None, None
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot)
    for b in range(n_boot):
        pos_w = _counts(group, rng.choice(pos, len(pos)), size)
        values[b] = metric(pos_w, _counts(group, rng.choice(neg, len(neg)), size))
    return percentile_interval(values, level)


def permutation_pvalue(observed: float, null: np.ndarray) -> float:
    """One-sided permutation p-value ``(1 + #{null >= observed}) / (1 + len(null))``.

    ``null``: the statistic (here the CV ROC-AUC) with labels permuted. Never 0: with ``m``
    permutations the smallest possible p-value is ``1 / (m + 1)``.
    """
    null = np.asarray(null, dtype=float)
    return float((1 + np.sum(null >= observed)) / (1 + len(null)))


def permutation_null(
    fit: Fit, X: np.ndarray, y: np.ndarray, folds: np.ndarray, permutations: int, seed: int
) -> np.ndarray:
    """The CV ROC-AUC of ``fit`` under ``permutations`` random permutations of ``y``.

    Each permutation gets folds made the way ``folds`` were (:func:`repeated_folds` with ``seed``, as many folds
    and repeats), stratified on its own labels, refits every fold (no thresholds) and scores the mean out-of-fold
    probability, exactly as the observed figure is scored: the observed labelling and its permutations are then
    exchangeable, and on labels that carry nothing the p-value is uniform. Keeping the real labels' folds would
    leave the permuted classes unevenly spread over folds; a fold's fitted intercept then moves against its
    scored users' labels, which lowers a pooled out-of-fold AUC, so the null would sit below chance and noise
    would look significant (a test shows both).
    """
    rng = np.random.default_rng(seed)
    null = np.empty(permutations)
    k, repeats = int(folds.max()) + 1, folds.shape[0]
    for i in range(permutations):
        shuffled = rng.permutation(np.asarray(y).astype(int))
        own = repeated_folds(shuffled, k, repeats, seed)
        null[i] = _auc(shuffled, mean_oof(cross_validate(fit, X, shuffled, own, seed).proba))
    return null


def repeat_spread(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Each repeat's pooled out-of-fold ROC-AUC, summarized: mean, std (ddof 1; 0 for one repeat), min, max."""
    values = np.array([_auc(y, row) for row in proba])
    return {
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
        "min": float(values.min()),
        "max": float(values.max()),
    }


def cv_scores(y: np.ndarray, result: CVResult, n_boot: int, level: float, seed: int) -> dict:
    """The figures of one model's CV: the holdout keys (at each fold's threshold) plus intervals and spread.

    ``roc_auc``/``pr_auc`` and their ``*_ci_low``/``*_ci_high`` are of the mean out-of-fold
    probability (bootstrap over users, stratified); threshold figures (``precision``, ``recall``,
    ``f1``, ``accuracy``, ``balanced_accuracy``, ``predicted_positives``) are averaged over repeats of
    each repeat's pooled out-of-fold 0/1 predictions; ``threshold`` is the median fold threshold;
    ``roc_auc_repeats`` the spread over repeats.
    """
    y = np.asarray(y).astype(int)
    p = mean_oof(result.proba)
    both = len(np.unique(y)) == 2
    predicted = result.predicted()
    has_threshold = bool(np.isfinite(result.threshold).all())

    def per_repeat(score: Callable[[np.ndarray, np.ndarray], float]) -> float | None:
        if not has_threshold:
            return None
        return float(np.mean([score(y, row) for row in predicted]))

    base_rate = float(y.mean())
    out: dict = {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "predicted_positives": per_repeat(lambda _, row: float(row.sum())),
        "threshold": float(np.median(result.threshold)) if has_threshold else None,
        "accuracy": per_repeat(skm.accuracy_score),
        "balanced_accuracy": per_repeat(skm.balanced_accuracy_score) if both else None,
        "precision": per_repeat(lambda a, b: skm.precision_score(a, b, zero_division=0)),
        "recall": per_repeat(lambda a, b: skm.recall_score(a, b, zero_division=0)),
        "f1": per_repeat(lambda a, b: skm.f1_score(a, b, zero_division=0)),
        "brier": float(skm.brier_score_loss(y, p)),
        "base_rate": base_rate,
        "majority_accuracy": max(base_rate, 1 - base_rate),
    }
    for name, metric in RANKING.items():
        out[name] = ranking_score(metric, y, p) if both else None
        low, high = stratified_bootstrap(y, p, metric, n_boot, level, seed) if both else (None, None)
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = low, high
    out["roc_auc_repeats"] = repeat_spread(y, result.proba) if both else None
    return out


def cv_importance(
    result: CVResult,
    X: np.ndarray,
    y: np.ndarray,
    groups: dict[str, list[int]],
    shuffles: int,
    seed: int,
    level: float,
) -> list[dict]:
    """Permutation importance across the CV fits: the drop in pooled out-of-fold ROC-AUC per column group.

    For each repeat and each of ``shuffles`` shuffles, a group's columns are permuted among the
    users of each scored fold and predicted by that fold's model (``result.predictors``, from
    ``cross_validate(..., keep=True)``); the drop is the repeat's pooled AUC minus the shuffled one.
    The interval (the central ``level`` share of the drops over repeats × shuffles) thus covers different fits and
    partitions of the users, not only shuffles. The shuffles are drawn from ``numpy.random.default_rng(seed)`` in
    the order repeat, group, shuffle, fold. Returns rows (feature, importance_mean, importance_std (0 for a single
    drop), ci_low, ci_high, n) sorted by mean drop, largest first, ties by name.
    """
    y = np.asarray(y).astype(int)
    rng = np.random.default_rng(seed)
    repeats = len(result.predictors)
    n_folds = int(result.folds.max()) + 1
    drops: dict[str, list[float]] = {name: [] for name in groups}
    for r in range(repeats):
        base = _auc(y, result.proba[r])
        members = [np.flatnonzero(result.folds[r] == k) for k in range(n_folds)]
        for name, columns in groups.items():
            for _ in range(shuffles):
                shuffled = np.empty(len(y))
                for k, rows in enumerate(members):
                    part = X[rows].copy()
                    part[:, columns] = part[rng.permutation(len(rows))][:, columns]
                    shuffled[rows] = result.predictors[r][k](part)
                drops[name].append(base - _auc(y, shuffled))
    rows_out: list[dict[str, Any]] = []
    for name, values in drops.items():
        v = np.asarray(values)
        low, high = percentile_interval(v, level)
        rows_out.append(
            {
                "feature": name,
                "importance_mean": float(v.mean()),
                "importance_std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                "ci_low": low,
                "ci_high": high,
                "n": int(len(v)),
            }
        )
    rows_out.sort(key=lambda row: (-row["importance_mean"], row["feature"]))
    return rows_out


def to_columns(result: CVResult, name: str) -> dict[str, np.ndarray]:
    """Per-user columns of a CV result for the predictions table: ``fold_r{r}``, ``{name}_r{r}`` (probability)
    and ``{name}_cut_r{r}`` (the threshold of the fold that scored the user), one set per repeat."""
    cuts = np.take_along_axis(result.threshold, result.folds, axis=1)
    columns: dict[str, np.ndarray] = {}
    for r in range(len(result.proba)):
        columns[f"fold_r{r}"] = result.folds[r]
        columns[f"{name}_r{r}"] = result.proba[r]
        columns[f"{name}_cut_r{r}"] = cuts[r]
    return columns


def from_columns(table: Any, name: str) -> CVResult:
    """The :class:`CVResult` (without predictors) that :func:`to_columns` wrote into ``table`` (a DataFrame)."""
    repeats = sum(1 for column in table.columns if str(column).startswith("fold_r"))
    folds = np.stack([table[f"fold_r{r}"].to_numpy(dtype=np.int64) for r in range(repeats)])
    proba = np.stack([table[f"{name}_r{r}"].to_numpy(dtype=float) for r in range(repeats)])
    cuts = np.stack([table[f"{name}_cut_r{r}"].to_numpy(dtype=float) for r in range(repeats)])
    threshold = np.full((repeats, int(folds.max()) + 1), np.nan)
    for r in range(repeats):
        threshold[r, folds[r]] = cuts[r]
    return CVResult(proba, threshold, folds, [])


def null_cv_scores(y: np.ndarray) -> dict:
    """The keys of :func:`cv_scores` (plus the permutation test's), every score None: no model could be fitted."""
    keys = [
        *("n", "positives", "predicted_positives", "threshold", "accuracy", "balanced_accuracy"),
        *("precision", "recall", "f1", "brier", "base_rate", "majority_accuracy"),
        *(f"{name}{suffix}" for name in RANKING for suffix in ("", "_ci_low", "_ci_high")),
        "roc_auc_repeats",
    ]
    result: dict = dict.fromkeys(keys)
    result.update(n=int(len(y)), positives=int(np.sum(y)))
    return result
