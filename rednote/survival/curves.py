"""Kaplan-Meier curves of time to silence, overall and by group, with log-rank tests (lifelines).

lifelines is the field's reference implementation of both (Davidson-Pilon, JOSS 2019): its Kaplan-Meier fitter
gives the exponential Greenwood intervals and its log-rank test the chi-square over any number of groups, so no
estimator is written by hand here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

#: Days at which the share still posting is reported.
CHECKPOINTS = (7, 14, 28)


@dataclass
class Curve:
    """One group's Kaplan-Meier fit and what the report says of it."""

    name: str
    fitter: KaplanMeierFitter
    users: int
    events: int

    def median(self) -> dict:
        """Median days to silence with its interval (None where the curve or its bound never reaches one half)."""
        bounds = median_survival_times(self.fitter.confidence_interval_).iloc[0].tolist()
        return {"days": _finite(self.fitter.median_survival_time_), "interval": [_finite(b) for b in bounds]}

    def still_posting(self, day: int) -> float:
        """The estimated share of users not yet silent ``day`` days after their first post."""
        return float(self.fitter.predict(day))

    def table(self) -> pd.DataFrame:
        """The curve as rows (``days``, ``survival``, ``lower``, ``upper``, ``at_risk``), for plots and diffs."""
        frame = pd.concat([self.fitter.survival_function_, self.fitter.confidence_interval_], axis=1)
        frame.columns = ["survival", "lower", "upper"]
        frame["at_risk"] = self.fitter.event_table["at_risk"].reindex(frame.index).to_numpy()
        return frame.rename_axis("days").reset_index().assign(group=self.name)


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def kaplan_meier(name: str, duration: np.ndarray, event: np.ndarray, level: float) -> Curve:
    """The Kaplan-Meier curve of one group, with ``level`` pointwise intervals."""
    fitter = KaplanMeierFitter(alpha=1 - level).fit(duration, event, label=name)
    return Curve(name, fitter, int(len(duration)), int(np.sum(event)))


@dataclass
class Comparison:
    """Curves of the groups of one grouping (e.g. arrival week) and the log-rank test across them."""

    grouping: str
    curves: list[Curve]
    logrank_p: float | None
    left_out: int

    def summary(self) -> dict:
        return {
            "logrank_p": self.logrank_p,
            "groups": {
                c.name: {"users": c.users, "events": c.events, "median_days": c.median()["days"]}
                | {f"still_posting_day_{d}": c.still_posting(d) for d in CHECKPOINTS}
                for c in self.curves
            },
            "left_out": self.left_out,
        }


def compare_groups(
    grouping: str,
    groups: pd.Series,
    duration: np.ndarray,
    event: np.ndarray,
    level: float,
    min_users: int,
    by_name: bool = False,
) -> Comparison:
    """One curve per group of ``groups`` (aligned with ``duration``; NaN: in no group) with at least ``min_users``
    users, largest first (``by_name``: in the order of their names, e.g. weeks), and the log-rank p-value across them
    (None with fewer than two such groups). Users in smaller groups or none are counted in ``left_out``."""
    labels = groups.astype("object").to_numpy()
    counts = pd.Series(labels).value_counts(dropna=True)
    kept = [str(g) for g, n in counts.items() if n >= min_users]
    kept = sorted(kept) if by_name else kept
    mask = np.isin(labels.astype(str), kept) & pd.notna(labels)
    curves = [kaplan_meier(g, duration[labels.astype(str) == g], event[labels.astype(str) == g], level) for g in kept]
    p = None
    if len(kept) >= 2:
        p = float(multivariate_logrank_test(duration[mask], labels[mask].astype(str), event[mask]).p_value)
    return Comparison(grouping, curves, p, int((~mask).sum()))
