"""The survival stage's analysis on a hand-made cohort: groups, the summary's figures, and a Cox model that cannot
be fitted saying why while the curves are still drawn."""

import numpy as np
import pandas as pd
import pytest

from rednote.core.params import load_params
from rednote.survival.analysis import account_groups, arrival_weeks, survival_analysis

START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2025-03-01")


def cohort(n_users=60, seed=0):
    """Users arriving over January who post every other day for a random number of days, then stop."""
    rng = np.random.default_rng(seed)
    rows, users = [], []
    for i in range(n_users):
        first = START + pd.Timedelta(days=int(rng.integers(0, 31)))
        days = int(rng.integers(1, 40))
        rows += [(f"u{i:03d}", first + pd.Timedelta(days=d, hours=10)) for d in range(0, days, 2)]
        users.append(
            (
                f"u{i:03d}",
                first,
                first + pd.Timedelta(days=7),
                pd.NaT if i % 7 == 0 else START - pd.Timedelta(days=int(rng.integers(-20, 400))),
            )
        )
    posts = pd.DataFrame(rows, columns=["user_id", "created_at"])
    table = pd.DataFrame(users, columns=["user_id", "first_post", "watch_end", "account_created"])
    for name in ("likes_sum", "n_posts"):
        table[name] = rng.poisson(3, n_users).astype(float)
    return posts, table


def params():
    return load_params()


def run(posts, users, **survival):
    p = params()
    topics = np.random.default_rng(1).random((len(users), 2))
    segments = pd.DataFrame({"user_id": users["user_id"], "segment_name": ["group 0 (x)"] * len(users)})
    sp = p.survival.model_copy(
        update={"features": ["topics"], "baseline": ["topics"], "min_group_users": 3, "bootstrap": 50, **survival}
    )
    cv = p.evaluate.cv.model_copy(update={"repeats": 2})
    return survival_analysis(
        posts, users, topics, [["alpha", "beta"], ["gamma"]], segments, (START, END), sp, cv, 0, True, "landmark"
    )


def test_weeks_and_accounts_are_labelled_for_readers():
    weeks = arrival_weeks(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-08", "2025-01-21", "2025-01-31"])), START)
    assert weeks.tolist() == ["01 Jan–07 Jan", "08 Jan–14 Jan", "15 Jan–21 Jan", "22 Jan–on"]
    created = pd.Series(pd.to_datetime(["2025-01-05", "2019-03-01", None]))
    assert account_groups(created, START).tolist() == ["new account", "established account", "account undated"]


def test_the_summary_counts_every_user_once_and_names_topics_by_their_words():
    posts, users = cohort()
    summary = run(posts, users).summary
    assert summary["fell_silent"] + summary["censored"] == summary["users"] == 60
    for grouping, result in summary["by"].items():
        assert sum(g["users"] for g in result["groups"].values()) + result["left_out"] == 60, grouping
    assert set(summary["by"]["topic"]["groups"]) <= {"topic 0 (alpha, beta)", "topic 1 (gamma)"}
    assert summary["by"]["account"]["groups"]["account undated"]["users"] == 9
    cox = summary["cox"]
    assert cox["users"] + cox["left_out_not_posting_at_landmark"] == 60
    assert cox["degenerate"] is None and 0 <= cox["concordance"]["model"]["concordance"] <= 1
    assert cox["hazard_ratio_per_sd"]["topic_0"]["label"] == "topic 0 (alpha, beta)"


def test_with_no_one_posting_after_their_landmark_the_curves_are_drawn_and_the_cox_model_says_why():
    posts, users = cohort()
    first_only = posts.sort_values("created_at").groupby("user_id").head(1)
    result = run(first_only, users)
    assert result.summary["fell_silent"] == 60 and result.summary["median_days_to_silence"]["days"] == 1
    assert result.hazards is None and "too few" in result.summary["cox"]["degenerate"]
    assert result.hazard_table().empty and "hazard_ratio" in result.hazard_table().columns
    assert not result.group_curves().empty


@pytest.mark.parametrize("silence_days", [3, 20])
def test_a_longer_silence_needed_means_fewer_silences_seen(silence_days):
    posts, users = cohort()
    short = run(posts, users, silence_days=3).summary
    long_ = run(posts, users, silence_days=silence_days).summary
    assert long_["fell_silent"] <= short["fell_silent"]


def test_the_summary_is_lifelines_kaplan_meier_of_the_durations_and_the_cox_table_row_by_row():
    from lifelines import KaplanMeierFitter

    from rednote.survival.durations import at_risk_after_landmark, time_to_silence

    posts, users = cohort(80, seed=3)
    result = run(posts, users, ci_level=0.9)
    summary, p = result.summary, params().survival
    days = time_to_silence(posts, users, p.silence_days, END)
    km = KaplanMeierFitter(alpha=0.1).fit(days["duration"], days["event"])
    assert list(summary["by"]) == ["arrival_week", "account", "segment", "topic"]
    assert summary["ci_level"] == 0.9 and summary["silence_days"] == p.silence_days
    assert summary["crawl_end"] == "2025-02-28"  # the last day the crawl watches
    assert (summary["users"], summary["fell_silent"]) == (80, int(days["event"].sum()))
    assert summary["still_posting"] == pytest.approx({f"day_{d}": float(km.predict(d)) for d in (7, 14, 28)})
    assert summary["median_days_to_silence"]["days"] == km.median_survival_time_
    at_risk = at_risk_after_landmark(days)
    cox = summary["cox"]
    assert (cox["users"], cox["left_out_not_posting_at_landmark"]) == (int(at_risk.sum()), int((~at_risk).sum()))
    assert cox["fell_silent"] == int(days.loc[at_risk, "event"].sum())
    assert cox["features"] == ["topics"] and cox["baseline"] == ["topics"] and cox["constant"] == []
    assert cox["cv"] == {"folds": params().evaluate.cv.folds, "repeats": 2, "stratified_by": "event"}
    table = result.hazard_table()
    assert table.columns.tolist() == ["feature", "hazard_ratio", "ci_low", "ci_high", "p", "ph_p", "label"]
    for row in table.itertuples():
        assert cox["hazard_ratio_per_sd"][row.feature] == {
            "label": row.label, "hazard_ratio": row.hazard_ratio, "ci_low": row.ci_low, "ci_high": row.ci_high,
            "p": row.p, "ph_p": row.ph_p,
        }  # fmt: skip
    assert cox["ph_violations"] == [row.feature for row in table.itertuples() if row.ph_p < 0.05]
    assert table["label"].tolist() == ["topic 0 (alpha, beta)", "topic 1 (gamma)"]
    curves = result.group_curves()
    assert set(curves["grouping"]) <= {"arrival_week", "account", "segment", "topic"} and "segment" in set(
        curves["grouping"]
    )


def test_the_cox_design_is_log1p_standardized_and_follows_users_from_their_landmark():
    from rednote.survival.analysis import _cox_data

    users = pd.DataFrame({"user_id": ["a", "b", "c", "d"], "likes_sum": [0.0, 3.0, 9.0, 99.0]})
    for name in ("collects_sum", "comments_sum", "shares_sum", "likes_mean", "collects_mean", "comments_mean",
                 "shares_mean", "n_posts", "active_days", "first_day", "last_day", "hour_sin", "hour_cos",
                 "night_share", "video_share"):  # fmt: skip
        users[name] = [1.0, 2.0, 3.0, 5.0]
    days = pd.DataFrame({"duration": [10, 12, 30, 8], "landmark_day": [7, 7, 7, 7], "event": [1, 0, 1, 1]})
    data = _cox_data(users, np.zeros((4, 0)), ["behaviour"], True, days)
    likes = np.log1p([0.0, 3.0, 9.0, 99.0])
    np.testing.assert_allclose(data.X[:, data.names.index("likes_sum")], (likes - likes.mean()) / likes.std())
    assert data.X.dtype == np.float64
    assert data.duration.tolist() == [3, 5, 23, 1] and data.event.tolist() == [1, 0, 1, 1]  # days after day 7
    raw = _cox_data(users, np.zeros((4, 0)), ["behaviour"], False, days)
    plain = np.array([0.0, 3.0, 9.0, 99.0])
    np.testing.assert_allclose(raw.X[:, raw.names.index("likes_sum")], (plain - plain.mean()) / plain.std())
