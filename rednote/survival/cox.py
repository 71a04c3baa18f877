"""A landmark Cox model of time to silence: hazard ratios per SD, the proportional-hazards check, and its
out-of-fold concordance under the same repeated cross-validation as ``evaluate``.

Who is modelled. Covariates come from each user's watch (``label.design``): under ``landmark`` their first
``label.landmark_days`` days, under ``calendar`` January. A covariate measured over days in which the user could
already have fallen silent would borrow from the outcome (a user with posts on ten days has, by construction,
not been silent for those days). So, as in a landmark analysis (van Houwelingen 2007), the model follows only the
users still posting at the end of their watch (:func:`rednote.survival.durations.at_risk_after_landmark`), from
that day on; the Kaplan-Meier curves follow everyone from their first post.

lifelines' ``CoxPHFitter`` fits it (Efron ties, an L2 ``penalizer`` that keeps the fit finite when features are
collinear, e.g. a count's sum and mean), and its ``proportional_hazard_test`` (Grambsch-Therneau, rank time) is
the check. The design is :func:`rednote.modeling.design.build_design`'s: log1p on the heavy-tailed counts, every
column standardized over the modelled users, so a hazard ratio is per SD of a feature among them. Concordance is
Harrell's C of the mean out-of-fold risk over ``repeats`` stratified partitions (stratified by event), its
interval from a bootstrap over users stratified by event, as ``evaluate`` does for the ROC-AUC.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.exceptions import ConvergenceError, ConvergenceWarning
from lifelines.statistics import proportional_hazard_test
from scipy.stats import norm

from rednote.modeling.evaluation import repeated_folds
from rednote.modeling.metrics import percentile_interval


@dataclass
class CoxData:
    """The modelled users' standardized covariates ``X`` (columns ``names``), days from the landmark ``duration``
    (≥ 1) and ``event`` (1: fell silent); ``constant``: covariates left out because they do not vary among them."""

    X: np.ndarray
    names: list[str]
    duration: np.ndarray
    event: np.ndarray
    constant: list[str]

    @classmethod
    def of(cls, X: np.ndarray, names: list[str], duration: np.ndarray, event: np.ndarray) -> CoxData:
        varies = np.asarray(X).std(axis=0) > 1e-12 if len(X) else np.ones(np.shape(X)[1], dtype=bool)
        return cls(
            np.asarray(X, dtype=np.float64)[:, varies],
            [n for n, v in zip(names, varies, strict=True) if v],
            np.asarray(duration, dtype=np.float64),
            np.asarray(event, dtype=np.int64),
            [n for n, v in zip(names, varies, strict=True) if not v],
        )

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        rows = np.arange(len(self.event)) if rows is None else rows
        frame = pd.DataFrame(self.X[rows], columns=self.names)
        return frame.assign(duration=self.duration[rows], event=self.event[rows])


#: What gives a Cox model more users to follow, by ``label.design``.
MORE_AT_RISK = {
    "calendar": (
        "label.design=landmark (each user watched from their own first post, so a user need not still be posting at "
        "the end of January), a longer crawl or a shorter survival.silence_days gives more"
    ),
    "landmark": "a longer crawl, a shorter label.landmark_days or a shorter survival.silence_days gives more",
}


def cox_problem(data: CoxData, folds: int, design: str) -> str | None:
    """Why no Cox model can be fitted and cross-validated on ``data`` (one sentence), or None when it can.

    ``design``: ``label.design``, which decides the remedy the sentence names.

    Each fold needs a user who fell silent to rank against the others; users still posting at the crawl's end
    help but are not needed (Harrell's C compares the silent with everyone who outlasted them), so only the
    silent are counted against ``folds``.
    """
    events, n = int(data.event.sum()), len(data.event)
    if not data.names:
        return "no covariate varies among the users still posting at their landmark"
    if events < folds or n < 2 * folds:
        return (
            f"{n} user(s) were still posting at the end of their watch, of whom {events} later fell silent: fewer "
            f"than evaluate.cv.folds={folds} silent users (or {2 * folds} users) are too few to fit and "
            f"cross-validate a Cox model ({MORE_AT_RISK[design]})"
        )
    return None


def fit_cox(data: CoxData, penalizer: float, rows: np.ndarray | None = None) -> CoxPHFitter:
    """lifelines' Cox model on ``rows`` of ``data`` (all by default)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return CoxPHFitter(penalizer=penalizer).fit(data.frame(rows), duration_col="duration", event_col="event")


def hazard_ratios(model: CoxPHFitter, level: float) -> list[dict]:
    """Per covariate: the hazard ratio per SD with its ``level`` interval and Wald p-value, in design order."""
    z = float(norm.ppf(0.5 + level / 2))
    out = []
    for name, row in model.summary.iterrows():
        coef, se = float(row["coef"]), float(row["se(coef)"])
        out.append(
            {
                "feature": str(name),
                "hazard_ratio": float(np.exp(coef)),
                "ci_low": float(np.exp(coef - z * se)),
                "ci_high": float(np.exp(coef + z * se)),
                "p": float(row["p"]),
            }
        )
    return out


def proportional_hazards(model: CoxPHFitter, data: CoxData) -> dict[str, float]:
    """Grambsch-Therneau test per covariate (rank time): p-values; a small one says its hazard ratio drifts with time."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = proportional_hazard_test(model, data.frame(), time_transform="rank")
    return {str(name): float(p) for name, p in result.summary["p"].items()}  # one transform: indexed by covariate


def out_of_fold_risk(data: CoxData, penalizer: float, folds: int, repeats: int, seed: int) -> np.ndarray:
    """Each user's log partial hazard from Cox models fitted without their fold, (repeats, n), partitions stratified
    by event and seeded as ``evaluate``'s (:func:`rednote.modeling.evaluation.repeated_folds`)."""
    with warnings.catch_warnings():  # fewer censored users than folds: some folds have none, which C allows
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        assignment = repeated_folds(data.event, folds, repeats, seed)
    risk = np.empty(assignment.shape)
    for r, row in enumerate(assignment):
        for k in range(folds):
            test = np.flatnonzero(row == k)
            model = fit_cox(data, penalizer, np.flatnonzero(row != k))
            risk[r, test] = model.predict_log_partial_hazard(pd.DataFrame(data.X[test], columns=data.names)).to_numpy()
    return risk


class Concordance:
    """Harrell's C of fixed users (``duration``, ``event``, ``risk``) under any whole-number weights per user, as
    lifelines' ``concordance_index(duration, -risk, event)`` of the users repeated that many times: a bootstrap
    resample is a weighting, so its C needs no copy of the users and no sort.

    A pair is comparable when its earlier duration is a silence (event 1), or when both durations are equal and only
    one is a silence (the censored user was watched at least as long); it counts 1 when the one who fell silent
    first had the higher risk, 1/2 when the risks are equal. Users are grouped by distinct duration (whole days),
    so one weighting costs two passes over the silences per distinct duration, against lifelines' binary tree walked
    in Python per user (9.4 s for 1,000,000 users)."""

    def __init__(self, duration: np.ndarray, event: np.ndarray, risk: np.ndarray) -> None:
        later = -np.asarray(risk, dtype=float)  # lifelines' predicted times: a higher risk, an earlier silence
        self.silent = np.asarray(event).astype(bool)
        order = np.argsort(later[self.silent], kind="stable")
        self.silences = np.flatnonzero(self.silent)[order]  # the silent users, by predicted time
        ranked = later[self.silences]
        self.below = np.searchsorted(ranked, later, side="left")  # silences predicted earlier than each user
        self.upto = np.searchsorted(ranked, later, side="right")  # ... earlier or at the same time
        _, group = np.unique(np.asarray(duration), return_inverse=True)
        silence_group = group[self.silences]
        #: per distinct duration, in order: its silent users, where its silences sit in the pool, its censored users
        self.steps = [
            (
                np.flatnonzero(self.silent & (group == g)),
                np.flatnonzero(silence_group == g),
                np.flatnonzero(~self.silent & (group == g)),
            )
            for g in range(group.max() + 1 if len(group) else 0)
        ]

    def counts(self, weights: np.ndarray) -> tuple[int, int, int]:
        """(correct, tied, comparable) pairs, each pair weighted by the product of its users' ``weights``."""
        weights = np.asarray(weights, dtype=np.int64)
        pool = np.zeros(len(self.silences), dtype=np.int64)  # weights of the silences seen so far, by predicted time

        def compare(who: np.ndarray) -> tuple[int, int, int]:  # the users ``who`` against every silence in the pool
            cumulative = np.concatenate(([0], np.cumsum(pool)))
            w, below, upto = weights[who], cumulative[self.below[who]], cumulative[self.upto[who]]
            return int(w @ below), int(w @ (upto - below)), int(w.sum()) * int(cumulative[-1])

        tallies = [(0, 0, 0)]
        for silent, places, censored in self.steps:
            tallies.append(compare(silent))  # against the silences of shorter durations...
            pool[places] = weights[self.silences[places]]
            tallies.append(compare(censored))  # ...and of the same one too
        correct, tied, pairs = (sum(column) for column in zip(*tallies, strict=True))
        return correct, tied, pairs

    def of(self, weights: np.ndarray | None = None) -> float:
        """C under ``weights`` (every user once when None); ZeroDivisionError when no pair is comparable (as
        lifelines)."""
        correct, tied, pairs = self.counts(np.ones(len(self.silent), dtype=np.int64) if weights is None else weights)
        if pairs == 0:
            raise ZeroDivisionError("No admissable pairs in the dataset.")
        return (correct + tied / 2) / pairs


def concordance(duration: np.ndarray, event: np.ndarray, risk: np.ndarray) -> float:
    """Harrell's C: the share of comparable pairs in which the user with the higher risk fell silent first."""
    return Concordance(duration, event, risk).of()


def concordance_interval(
    duration: np.ndarray, event: np.ndarray, risk: np.ndarray, n_boot: int, level: float, seed: int
) -> tuple[float | None, float | None]:
    """Percentile interval of :func:`concordance` over ``n_boot`` resamples of users, stratified by event."""
    silent, still = np.flatnonzero(event == 1), np.flatnonzero(event == 0)
    if len(silent) == 0 or n_boot < 1:
        return None, None
    rng = np.random.default_rng(seed)
    c = Concordance(duration, event, risk)
    values = np.empty(n_boot)
    for b in range(n_boot):
        pick = np.concatenate([rng.choice(silent, len(silent)), rng.choice(still, len(still))])
        values[b] = c.of(np.bincount(pick, minlength=len(event)))  # each user as often as picked
    return percentile_interval(values, level)


def cv_concordance(
    data: CoxData, penalizer: float, folds: int, repeats: int, seed: int, n_boot: int, level: float
) -> dict:
    """Out-of-fold concordance of the mean risk over repeats, its bootstrap interval and each repeat's value."""
    risk = out_of_fold_risk(data, penalizer, folds, repeats, seed)
    mean = risk.mean(axis=0)
    low, high = concordance_interval(data.duration, data.event, mean, n_boot, level, seed)
    per_repeat = [concordance(data.duration, data.event, row) for row in risk]
    return {
        "concordance": concordance(data.duration, data.event, mean),
        "ci_low": low,
        "ci_high": high,
        "repeats_min": float(min(per_repeat)),
        "repeats_max": float(max(per_repeat)),
    }


def safe_fit(data: CoxData, penalizer: float) -> tuple[CoxPHFitter | None, str | None]:
    """:func:`fit_cox` on all of ``data``, or None and why lifelines could not fit it."""
    try:
        return fit_cox(data, penalizer), None
    except ConvergenceError as error:
        return None, f"lifelines could not fit the Cox model ({str(error).splitlines()[0]})"
