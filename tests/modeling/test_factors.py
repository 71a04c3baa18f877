"""Effect sizes: odds ratios per SD with bootstrap intervals, quartile retention rates with Wilson intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rednote.modeling.factors import odds_ratios, quartile_rates, wilson


def test_wilson_matches_the_textbook_interval():
    low, high = wilson(5, 20, 0.95)  # Wilson (1927); e.g. Newcombe (1998) table I: 0.1119-0.4687
    assert low == pytest.approx(0.1119, abs=1e-4) and high == pytest.approx(0.4687, abs=1e-4)
    low, high = wilson(0, 10, 0.95)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(0, 0, 0.95) == (None, None)
    # one user, retained: when k = n the lower bound is n / (n + z^2) (z = 1.959964), 1 / 4.841459, and the upper 1
    low, high = wilson(1, 1, 0.95)
    assert low == pytest.approx(0.20655, abs=1e-5) and high == pytest.approx(1.0)


def test_quartile_rates_cover_every_user_and_merge_tied_edges():
    values = np.arange(100, dtype=float)
    y = (values >= 75).astype(int)
    rows = quartile_rates(values, y, 0.95)
    assert [r["users"] for r in rows] == [25, 25, 25, 25]
    assert [r["retained"] for r in rows] == [0, 0, 0, 25]
    assert rows[3]["rate"] == 1.0 and rows[0]["ci_high"] < 0.2
    tied = np.r_[np.ones(90), np.arange(2, 12)]  # most users post once
    rows = quartile_rates(tied, np.zeros(100, dtype=int), 0.95)
    assert sum(r["users"] for r in rows) == 100 and len(rows) == 2
    assert rows[0]["low"] == rows[0]["high"] == 1.0


def test_quartile_rates_is_the_hand_counted_table():
    """1..8 cut at the quartiles 2.75, 4.5 and 6.25 (two users per bin; retained 0, 1, 2, 1); 1..5 cut at 2, 3 and 4,
    where a value on an edge belongs to the bin below it (right-closed bins: {1, 2}, {3}, {4}, {5})."""
    rows = quartile_rates(np.arange(1.0, 9.0), np.array([0, 0, 1, 0, 1, 1, 0, 1]), 0.95)
    expected = [(1, 1.0, 2.0, 0), (2, 3.0, 4.0, 1), (3, 5.0, 6.0, 2), (4, 7.0, 8.0, 1)]
    assert rows == [
        {"bin": b, "low": lo, "high": hi, "users": 2, "retained": k, "rate": k / 2,
         "ci_low": wilson(k, 2, 0.95)[0], "ci_high": wilson(k, 2, 0.95)[1]}
        for b, lo, hi, k in expected
    ]  # fmt: skip
    edges = quartile_rates(np.arange(1.0, 6.0), np.array([1, 0, 0, 1, 1]), 0.95)
    assert [(r["bin"], r["low"], r["high"], r["users"], r["retained"]) for r in edges] == [
        (1, 1.0, 2.0, 2, 1), (2, 3.0, 3.0, 1, 0), (3, 4.0, 4.0, 1, 1), (4, 5.0, 5.0, 1, 1)
    ]  # fmt: skip


def test_odds_ratios_point_the_right_way_with_intervals_that_exclude_one():
    rng = np.random.default_rng(0)
    n = 2000
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(-3 + 1.0 * X[:, 0] - 1.0 * X[:, 1])))).astype(int)
    table = odds_ratios(X, y, ["up", "down", "none"], 1.0, 100, 0.95, 0).set_index("feature")
    # the point estimates are exp of a balanced L2 logistic fit, here by another solver (L-BFGS), which both
    # sit near the planted e^1 and e^-1 at this size
    independent = LogisticRegression(C=1.0, class_weight="balanced", solver="lbfgs", tol=1e-12, max_iter=10_000)
    expected = np.exp(independent.fit(X, y).coef_.ravel())
    assert table.loc[["up", "down", "none"], "odds_ratio"].to_numpy() == pytest.approx(expected, abs=2e-3)
    assert expected[0] == pytest.approx(np.e, rel=0.15) and expected[1] == pytest.approx(1 / np.e, rel=0.15)
    assert table.loc["up", "ci_low"] > 1
    assert table.loc["down", "ci_high"] < 1
    assert table.loc["none", "ci_low"] < 1 < table.loc["none", "ci_high"]
    assert list(table.index) == ["up", "none", "down"]


def test_odds_ratio_intervals_are_the_percentiles_of_class_stratified_bootstrap_refits():
    """The interval by an independent implementation of the documented procedure: ``n_boot`` resamples drawn with
    ``numpy.random.default_rng(seed)``, each the retained users then the lost ones with replacement, refitted by
    another solver (L-BFGS); the ends are the (1 - level) / 2 percentiles of the coefficients, exponentiated."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((150, 2))
    y = (rng.random(150) < 1 / (1 + np.exp(-(-1 + X[:, 0])))).astype(int)
    n_boot, level, seed = 30, 0.8, 11

    def fit(Xs, ys):
        model = LogisticRegression(C=0.5, class_weight="balanced", solver="lbfgs", tol=1e-12, max_iter=10_000)
        return model.fit(Xs, ys).coef_.ravel()

    draw = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    boots = []
    for _ in range(n_boot):
        pick = np.concatenate([draw.choice(pos, len(pos)), draw.choice(neg, len(neg))])
        boots.append(fit(X[pick], y[pick]))
    low, high = np.exp(np.percentile(np.array(boots), [10, 90], axis=0))

    table = odds_ratios(X, y, ["a", "b"], 0.5, n_boot, level, seed).set_index("feature").loc[["a", "b"]]
    assert table["ci_low"].to_numpy() == pytest.approx(low, rel=1e-3)
    assert table["ci_high"].to_numpy() == pytest.approx(high, rel=1e-3)
    assert table["odds_ratio"].to_numpy() == pytest.approx(np.exp(fit(X, y)), rel=1e-3)
    assert table["n_boot"].tolist() == [n_boot, n_boot]
    # the labels may be given as booleans or floats: the same table
    pd.testing.assert_frame_equal(
        odds_ratios(X, y.astype(float), ["a", "b"], 0.5, n_boot, level, seed).set_index("feature").loc[["a", "b"]],
        table,
    )


def test_odds_ratios_with_one_resample_have_an_interval_of_one_value():
    X = np.random.default_rng(0).standard_normal((40, 2))
    table = odds_ratios(X, np.array([0, 1] * 20), ["a", "b"], 1.0, 1, 0.95, 0)
    assert table["ci_low"].notna().all() and (table["ci_low"] == table["ci_high"]).all()


@pytest.mark.parametrize("n_boot", [0, -3])
def test_odds_ratios_without_resamples_have_no_interval(n_boot):
    X = np.random.default_rng(0).standard_normal((40, 2))
    y = np.array([0, 1] * 20)
    table = odds_ratios(X, y, ["a", "b"], 1.0, n_boot, 0.95, 0)
    assert table["ci_low"].isna().all() and table["ci_high"].isna().all()
    assert table["n_boot"].tolist() == [0, 0]


def test_odds_ratios_are_sorted_largest_first_ties_by_name():
    X = np.random.default_rng(1).standard_normal((60, 1))
    X = np.column_stack([X[:, 0], X[:, 0], -X[:, 0]])  # two identical columns tie
    y = (X[:, 0] > 0).astype(int)
    table = odds_ratios(X, y, ["z", "a", "m"], 1.0, 0, 0.95, 0)
    assert table["feature"].tolist() == ["a", "z", "m"]
    assert table.index.tolist() == [0, 1, 2]
    assert table.columns.tolist() == ["feature", "odds_ratio", "ci_low", "ci_high", "n_boot"]


def test_the_factors_report_says_what_it_fitted_or_why_it_could_not():
    from rednote.core.params import load_params
    from rednote.features.cohort import BEHAVIOUR_FEATURES
    from rednote.modeling.factors import factors_report

    p = load_params().explain.model_copy(update={"odds_bootstrap": 5})
    rng = np.random.default_rng(0)
    users = pd.DataFrame({name: rng.poisson(3, 40).astype(float) for name in BEHAVIOUR_FEATURES})
    users["retained"] = [1] * 8 + [0] * 32
    X = rng.standard_normal((40, 2))
    report, table = factors_report(users, X, ["a", "b"], p)
    assert report["model"] == (
        f"logistic regression on standardized behaviour + topics, L2 C={p.odds_c}, balanced class weights"
    )
    assert (report["n_users"], report["n_retained"], report["ci_level"]) == (40, 8, p.ci_level)
    expected = odds_ratios(X, users["retained"].to_numpy(), ["a", "b"], p.odds_c, 5, p.ci_level, p.seed)
    pd.testing.assert_frame_equal(table, expected)
    assert report["odds_ratio_per_sd"] == {
        row["feature"]: {k: v for k, v in row.items() if k != "feature"} for row in expected.to_dict("records")
    }
    assert list(report["quartiles"]) == list(BEHAVIOUR_FEATURES)
    assert report["quartiles"]["n_posts"] == quartile_rates(users["n_posts"].to_numpy(), users["retained"], p.ci_level)
    one = users.assign(retained=[1] + [0] * 39)
    assert factors_report(one, X, ["a", "b"], p) == (
        {
            "degenerate": "the cohort has 1 retained of 40 users; odds ratios need at least 2 of each",
            "ci_level": p.ci_level,
            "odds_ratio_per_sd": {},
            "quartiles": {},
        },
        None,
    )
    assert factors_report(users.assign(retained=[0] + [1] * 39), X, ["a", "b"], p)[1] is None  # one lost user


@pytest.mark.parametrize("retained", [[1, 1] + [0] * 38, [0, 0] + [1] * 38])
def test_two_users_of_a_class_are_enough_for_the_factors_report(retained):
    from rednote.core.params import load_params
    from rednote.features.cohort import BEHAVIOUR_FEATURES
    from rednote.modeling.factors import factors_report

    p = load_params().explain.model_copy(update={"odds_bootstrap": 3})
    rng = np.random.default_rng(1)
    users = pd.DataFrame({name: rng.poisson(3, 40).astype(float) for name in BEHAVIOUR_FEATURES})
    report, table = factors_report(users.assign(retained=retained), rng.standard_normal((40, 2)), ["a", "b"], p)
    assert "degenerate" not in report and table is not None  # "at least 2 of each", as the stop's sentence says
    assert report["n_retained"] == sum(retained) and list(table["feature"]) != []
