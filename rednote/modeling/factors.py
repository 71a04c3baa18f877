"""Which January behaviours and topics go with retention, as effect sizes with intervals.

Two views, both over all cohort users:

* :func:`odds_ratios`: a regularized logistic regression on standardized features; each
  coefficient, exponentiated, is the retention odds ratio for one standard deviation more of that
  feature with the others held fixed. Balanced class weights move only the intercept of a
  well-specified logistic model, not the slopes, so they are used to keep the L2 penalty from
  flattening every slope when retained users are few. The 95% interval comes from refitting on
  bootstrap resamples of users, stratified by class.
* :func:`quartile_rates`: the plain retention rate in each quartile of a feature, with a Wilson
  interval; no model, so it shows shape (non-linear effects) that an odds ratio averages over.

These describe association in this cohort, not cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from rednote.core.params import ExplainParams
from rednote.features.cohort import BEHAVIOUR_FEATURES
from rednote.modeling.linear import l2_logistic


def _fit_coefficients(X: np.ndarray, y: np.ndarray, c: float, seed: int) -> np.ndarray:
    return l2_logistic(c, True, seed).fit(X, y).coef_.ravel()


def odds_ratios(
    X: np.ndarray, y: np.ndarray, names: list[str], c: float, n_boot: int, level: float, seed: int
) -> pd.DataFrame:
    """Retention odds ratio per SD of each column of ``X`` (n, d; standardized), with a bootstrap interval.

    ``c``: inverse L2 strength. Returns one row per column of ``names``: ``feature``,
    ``odds_ratio`` (exp of the coefficient on all users), ``ci_low``/``ci_high`` (percentiles of
    ``n_boot`` refits on class-stratified resamples of users; None if ``n_boot`` < 1), ``n_boot``,
    sorted by odds ratio, largest first.
    """
    y = np.asarray(y).astype(int)
    coef = _fit_coefficients(X, y, c, seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    rng = np.random.default_rng(seed)
    boots = np.empty((max(n_boot, 0), X.shape[1]))
    for b in range(max(n_boot, 0)):
        pick = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        boots[b] = _fit_coefficients(X[pick], y[pick], c, seed)
    tail = (1 - level) / 2 * 100
    rows = []
    for j, name in enumerate(names):
        low, high = np.percentile(boots[:, j], [tail, 100 - tail]) if n_boot >= 1 else (None, None)
        rows.append(
            {
                "feature": name,
                "odds_ratio": float(np.exp(coef[j])),
                "ci_low": float(np.exp(low)) if low is not None else None,
                "ci_high": float(np.exp(high)) if high is not None else None,
                "n_boot": int(max(n_boot, 0)),
            }
        )
    table = pd.DataFrame(rows).sort_values(["odds_ratio", "feature"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)


def wilson(k: int, n: int, level: float) -> tuple[float | None, float | None]:
    """Wilson score interval for ``k`` successes in ``n`` trials; (None, None) when ``n`` is 0."""
    if n <= 0:
        return None, None
    z = float(norm.ppf(1 - (1 - level) / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def quartile_rates(values: np.ndarray, y: np.ndarray, level: float) -> list[dict]:
    """Retention rate in each quartile of ``values`` (n,) with its Wilson interval.

    Quartile edges are the 25/50/75% quantiles; tied edges merge bins (a feature where most users
    post once has fewer than four), so every user falls in exactly one bin. Each row: ``bin``
    (1-based), ``low``/``high`` (the bin's value range as observed), ``users``, ``retained``,
    ``rate``, ``ci_low``, ``ci_high``.
    """
    values = np.asarray(values, dtype=float)
    y = np.asarray(y).astype(int)
    edges = np.unique(np.quantile(values, [0.25, 0.5, 0.75]))
    bins = np.searchsorted(edges, values, side="left")  # x <= edge[0] → 0, ... (right-closed bins)
    rows = []
    for number, b in enumerate(np.unique(bins), start=1):
        member = bins == b
        k, n = int(y[member].sum()), int(member.sum())
        low, high = wilson(k, n, level)
        rows.append(
            {
                "bin": number,
                "low": float(values[member].min()),
                "high": float(values[member].max()),
                "users": n,
                "retained": k,
                "rate": k / n,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return rows


def factors_report(
    users: pd.DataFrame, X: np.ndarray, names: list[str], p: ExplainParams
) -> tuple[dict, pd.DataFrame | None]:
    """``factors.json`` for the cohort (odds ratios per SD of the standardized columns ``X``, retention by quartile
    of each behaviour feature) and the odds-ratio table behind the forest plot; without one, a ``degenerate``
    reason and None."""
    c, n_boot, level, seed = p.odds_c, p.odds_bootstrap, p.ci_level, p.seed
    y = users["retained"].to_numpy().astype(int)
    if min(int(y.sum()), int(len(y) - y.sum())) < 2:
        reason = f"the cohort has {int(y.sum())} retained of {len(y)} users; odds ratios need at least 2 of each"
        return {"degenerate": reason, "ci_level": level, "odds_ratio_per_sd": {}, "quartiles": {}}, None
    table = odds_ratios(X, y, names, c, n_boot, level, seed)
    report = {
        "model": f"logistic regression on standardized behaviour + topics, L2 C={c}, balanced class weights",
        "n_users": int(len(y)),
        "n_retained": int(y.sum()),
        "ci_level": level,
        "odds_ratio_per_sd": {row.pop("feature"): row for row in table.to_dict("records")},
        "quartiles": {name: quartile_rates(users[name].to_numpy(), y, level) for name in BEHAVIOUR_FEATURES},
    }
    return report, table
