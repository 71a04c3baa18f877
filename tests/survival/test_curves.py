"""Kaplan-Meier curves and log-rank tests by group, against values worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from rednote.survival.curves import compare_groups, kaplan_meier


def test_the_curve_steps_down_at_each_silence_and_not_at_a_censoring():
    # six users: silent on days 1, 2, 3 and 5; censored on days 3 and 8
    curve = kaplan_meier("all", np.array([1, 2, 3, 3, 5, 8]), np.array([1, 1, 1, 0, 1, 0]), 0.95)
    assert curve.still_posting(1) == pytest.approx(5 / 6)
    assert curve.still_posting(3) == pytest.approx(5 / 6 * 4 / 5 * 3 / 4)
    assert curve.still_posting(7) == pytest.approx(5 / 6 * 4 / 5 * 3 / 4 * 1 / 2)  # day 5: one of the two at risk
    assert curve.median()["days"] == 5
    table = curve.table()
    assert table.loc[table["days"] == 5, "at_risk"].item() == 2
    assert (table["lower"] <= table["survival"]).all() and (table["survival"] <= table["upper"]).all()


def test_log_rank_tells_different_groups_apart_and_not_alike_ones():
    rng = np.random.default_rng(0)
    short, long_ = rng.exponential(3, 200).round() + 1, rng.exponential(12, 200).round() + 1
    events = np.ones(400, dtype=int)
    groups = pd.Series(["short"] * 200 + ["long"] * 200)
    apart = compare_groups("g", groups, np.concatenate([short, long_]), events, 0.95, 10)
    assert apart.logrank_p < 1e-6
    alike = compare_groups("g", groups, np.concatenate([short, rng.exponential(3, 200).round() + 1]), events, 0.95, 10)
    assert alike.logrank_p > 0.01


def test_small_groups_and_users_in_none_are_left_out_and_counted():
    groups = pd.Series(["a"] * 12 + ["b"] * 3 + [None] * 2)
    out = compare_groups("g", groups, np.arange(1, 18), np.ones(17, dtype=int), 0.95, 10)
    assert [c.name for c in out.curves] == ["a"] and out.left_out == 5
    assert out.logrank_p is None  # one group: nothing to compare
    assert out.summary()["groups"]["a"]["users"] == 12


def test_groups_of_exactly_min_users_are_kept_largest_first_and_missing_labels_are_no_group():
    """w2 has 5 users, w1 exactly min_users (3), w3 two; four users have no label (three None, one NaN): more than
    min_users, they still make no group."""
    groups = pd.Series(["w1"] * 3 + ["w2"] * 5 + ["w3"] * 2 + [None, None, None, np.nan], dtype=object)
    duration, event = np.arange(1, 15), np.ones(14, dtype=int)
    out = compare_groups("g", groups, duration, event, 0.95, 3)
    assert [(c.name, c.users) for c in out.curves] == [("w2", 5), ("w1", 3)]  # by size, not by name
    assert out.left_out == 6 and out.logrank_p is not None
    named = compare_groups("g", groups, duration, event, 0.95, 3, by_name=True)
    assert [c.name for c in named.curves] == ["w1", "w2"]


def test_weeks_are_shown_in_calendar_order_not_by_size():
    groups = pd.Series(["08 Jan–14 Jan"] * 30 + ["01 Jan–07 Jan"] * 10)
    out = compare_groups("arrival_week", groups, np.arange(1, 41), np.ones(40, dtype=int), 0.95, 5, by_name=True)
    assert [c.name for c in out.curves] == ["01 Jan–07 Jan", "08 Jan–14 Jan"]


def test_the_comparison_is_lifelines_own_figures_group_by_group():
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test

    rng = np.random.default_rng(4)
    duration = np.concatenate([rng.integers(1, 20, 30), rng.integers(5, 40, 20)]).astype(float)
    event = (rng.random(50) < 0.8).astype(int)
    groups = pd.Series(["x"] * 30 + ["y"] * 20)
    out = compare_groups("g", groups, duration, event, 0.8, 10)
    assert [c.name for c in out.curves] == ["x", "y"] and out.left_out == 0  # largest first
    test = logrank_test(duration[:30], duration[30:], event[:30], event[30:])
    assert out.logrank_p == pytest.approx(test.p_value, rel=1e-9)
    summary = out.summary()
    assert set(summary) == {"logrank_p", "groups", "left_out"}
    for curve, rows in zip(out.curves, (slice(0, 30), slice(30, 50)), strict=True):
        km = KaplanMeierFitter(alpha=0.2).fit(duration[rows], event[rows])
        assert (curve.users, curve.events) == (len(duration[rows]), int(event[rows].sum()))
        figures = summary["groups"][curve.name]
        assert set(figures) == {"users", "events", "median_days", "still_posting_day_7", "still_posting_day_14",
                                "still_posting_day_28"}  # fmt: skip
        for day in (7, 14, 28):
            assert figures[f"still_posting_day_{day}"] == pytest.approx(float(km.predict(day)))
        table = curve.table()
        assert table.columns.tolist() == ["days", "survival", "lower", "upper", "at_risk", "group"]
        np.testing.assert_allclose(table["lower"], km.confidence_interval_.iloc[:, 0].to_numpy())  # 80%, not 95%
        np.testing.assert_allclose(table["at_risk"], km.event_table["at_risk"].reindex(km.survival_function_.index))
        assert (table["group"] == curve.name).all()


def test_a_median_the_curve_never_reaches_is_none():
    curve = kaplan_meier("few", np.array([1, 5, 9, 9]), np.array([1, 0, 0, 0]), 0.95)  # 3 of 4 still posting
    # the curve stays at 3/4; its interval's lower bound drops below one half at the first silence, its upper never
    assert curve.median() == {"days": None, "interval": [1.0, None]}
