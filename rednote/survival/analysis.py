"""The survival stage's whole analysis as one pure function: durations, curves by group, the landmark Cox model.

Groups the curves compare: arrival week (of the first post), account (created in the observation window, older,
or undated), adaptation group (``segment``'s K-Means groups) and dominant topic (named by its words).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rednote.core.params import CvParams, SurvivalParams
from rednote.features.topics import dominant_topics, readable
from rednote.modeling.design import build_design
from rednote.survival.cox import (
    CoxData,
    cox_problem,
    cv_concordance,
    hazard_ratios,
    proportional_hazards,
    safe_fit,
)
from rednote.survival.curves import CHECKPOINTS, Comparison, Curve, compare_groups, kaplan_meier
from rednote.survival.durations import (
    at_risk_after_landmark,
    check_silence_days,
    last_visible_start,
    time_to_silence,
)

#: The groupings the curves are drawn by, in the order the report shows them.
GROUPINGS = ("arrival_week", "account", "segment", "topic")
#: The hazard-ratio table's columns.
HAZARD_COLUMNS = ("feature", "hazard_ratio", "ci_low", "ci_high", "p", "ph_p", "label")
#: A proportional-hazards test p-value below this marks a covariate whose ratio may drift with time.
PH_ALPHA = 0.05


def arrival_weeks(first_post: pd.Series, start: pd.Timestamp) -> pd.Series:
    """Each user's arrival week as a label: days 1-7, 8-14, 15-21 of the window and the rest (``22+``)."""
    week = np.minimum((first_post - start).dt.days.to_numpy() // 7, 3)
    first = [start + pd.Timedelta(days=7 * w) for w in range(4)]
    labels = [f"{d:%d %b}–{d + pd.Timedelta(days=6):%d %b}" for d in first[:3]] + [f"{first[3]:%d %b}–on"]
    return pd.Series(np.array(labels, dtype=object)[week], index=first_post.index)


def account_groups(created: pd.Series, start: pd.Timestamp) -> pd.Series:
    """``new account`` (created on or after ``start``), ``established account`` (before) or ``account undated``."""
    label = np.where(created >= start, "new account", "established account").astype(object)
    return pd.Series(np.where(created.isna(), "account undated", label), index=created.index)


@dataclass
class SurvivalResult:
    """What the stage writes: the overall curve, the groupings' curves, the hazard-ratio table and the summary."""

    overall: Curve
    comparisons: list[Comparison]
    hazards: pd.DataFrame | None
    summary: dict

    def group_curves(self) -> pd.DataFrame:
        """Every grouping's curves as one long table (``grouping``, ``group``, ``days``, ``survival`` …)."""
        tables = [c.table().assign(grouping=g.grouping) for g in self.comparisons for c in g.curves]
        return pd.concat(tables, ignore_index=True) if tables else self.overall.table().iloc[:0].assign(grouping="")

    def hazard_table(self) -> pd.DataFrame:
        """The hazard ratios per SD (empty, with its columns, when no Cox model was fitted)."""
        return self.hazards if self.hazards is not None else pd.DataFrame(columns=list(HAZARD_COLUMNS))


def _cox_data(users: pd.DataFrame, topics: np.ndarray, blocks: list[str], log_counts: bool, days: pd.DataFrame):
    design = build_design(users, topics, np.zeros((len(users), 0)), np.ones(len(users), bool), blocks, log_counts)
    after = (days["duration"] - days["landmark_day"]).to_numpy()
    return CoxData.of(design.X.astype(np.float64), design.names, after, days["event"].to_numpy())


def cox_summary(
    users: pd.DataFrame,
    topics: np.ndarray,
    days: pd.DataFrame,
    topic_words: list[list[str]],
    p: SurvivalParams,
    cv: CvParams,
    seed: int,
    log_counts: bool,
    design: str,
) -> tuple[dict, pd.DataFrame | None]:
    """The landmark Cox model on the users still posting at their landmark: its summary and hazard-ratio table."""
    at_risk = at_risk_after_landmark(days)
    rows, kept = np.flatnonzero(at_risk), days.loc[at_risk].reset_index(drop=True)
    subset = users.iloc[rows].reset_index(drop=True)
    if len(rows) == 0:  # nothing to standardize: the same sentence as for too few
        empty = CoxData.of(np.zeros((0, 1)), ["none"], np.zeros(0), np.zeros(0))
        model = base = empty
    else:
        model = _cox_data(subset, topics[rows], list(p.features), log_counts, kept)
        base = _cox_data(subset, topics[rows], list(p.baseline), log_counts, kept)
    out: dict = {
        "users": int(at_risk.sum()),
        "fell_silent": int(kept["event"].sum()),
        "left_out_not_posting_at_landmark": int((~at_risk).sum()),
        "penalizer": p.penalizer,
        "features": list(p.features),
        "baseline": list(p.baseline),
        "constant": model.constant,
    }
    reason = cox_problem(model, cv.folds, design) or cox_problem(base, cv.folds, design)
    fitted, error = (None, None) if reason else safe_fit(model, p.penalizer)
    if fitted is None:
        return out | {"degenerate": reason or error}, None
    table = pd.DataFrame(hazard_ratios(fitted, p.ci_level))
    ph = proportional_hazards(fitted, model)
    table["ph_p"] = table["feature"].map(ph)
    table["label"] = [readable(f, topic_words) for f in table["feature"]]
    args = (p.penalizer, cv.folds, cv.repeats, seed, p.bootstrap, p.ci_level)
    out |= {
        "degenerate": None,
        "hazard_ratio_per_sd": {
            r.feature: {k: getattr(r, k) for k in ("label", "hazard_ratio", "ci_low", "ci_high", "p", "ph_p")}
            for r in table.itertuples()
        },
        "ph_violations": [f for f, v in ph.items() if v < PH_ALPHA],
        "concordance": {"model": cv_concordance(model, *args), "baseline": cv_concordance(base, *args)},
        "cv": {"folds": cv.folds, "repeats": cv.repeats, "stratified_by": "event"},
    }
    return out, table


def survival_analysis(
    posts: pd.DataFrame,
    users: pd.DataFrame,
    topics: np.ndarray,
    topic_words: list[list[str]],
    segments: pd.DataFrame,
    window: tuple[pd.Timestamp, pd.Timestamp],
    p: SurvivalParams,
    cv: CvParams,
    seed: int,
    log_counts: bool,
    design: str,
) -> SurvivalResult:
    """Everything ``metrics/survival.json`` and ``plots/survival/`` hold, for the cohort ``users``.

    ``window``: the observation window's first day (arrival weeks, new accounts) and the first day the crawl no
    longer watches (censoring). ``segments``: ``user_id`` and ``segment_name``. ``design``: ``label.design`` (the
    remedy a degenerate Cox model's sentence names).
    """
    start, crawl_end = window
    check_silence_days(users["first_post"], crawl_end, p.silence_days)
    days = time_to_silence(posts, users, p.silence_days, crawl_end)
    duration, event = days["duration"].to_numpy(), days["event"].to_numpy()
    overall = kaplan_meier("all users", duration, event, p.ci_level)
    groups = {
        "arrival_week": arrival_weeks(users["first_post"], start),
        "account": account_groups(users["account_created"], start),
        "segment": users["user_id"].map(segments.set_index("user_id")["segment_name"]),
        "topic": dominant_topics(topics, topic_words),
    }
    comparisons = [
        compare_groups(
            name,
            groups[name].reset_index(drop=True),
            duration,
            event,
            p.ci_level,
            p.min_group_users,
            by_name=name == "arrival_week",
        )  # fmt: skip
        for name in GROUPINGS
    ]
    cox, table = cox_summary(users, topics, days, topic_words, p, cv, seed, log_counts, design)
    median = overall.median()
    summary = {
        "ci_level": p.ci_level,
        "silence_days": p.silence_days,
        "crawl_end": f"{crawl_end - pd.Timedelta(days=1):%Y-%m-%d}",
        "last_visible_start": f"{last_visible_start(crawl_end, p.silence_days):%Y-%m-%d}",
        "users": int(len(users)),
        "fell_silent": int(event.sum()),
        "censored": int(len(event) - event.sum()),
        "median_days_to_silence": {
            "days": median["days"],
            "ci_low": median["interval"][0],
            "ci_high": median["interval"][1],
        },
        "still_posting": {f"day_{d}": overall.still_posting(d) for d in CHECKPOINTS},
        "by": {c.grouping: c.summary() for c in comparisons},
        "cox": cox,
    }
    return SurvivalResult(overall, comparisons, table, summary)
