"""The Cox model recovers planted hazard ratios, its concordance is out of fold, and small data stop with a reason."""

import numpy as np
import pandas as pd
import pytest
from lifelines.utils import concordance_index

from rednote.modeling.evaluation import repeated_folds
from rednote.survival.cox import (
    Concordance,
    CoxData,
    concordance,
    concordance_interval,
    cox_problem,
    cv_concordance,
    fit_cox,
    hazard_ratios,
    out_of_fold_risk,
    safe_fit,
)

BETA = np.array([0.7, -0.5, 0.0])  # log hazard ratios per SD of three standardized covariates


def planted(n=800, seed=0, beta=BETA, censor=40):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(beta)))
    duration = np.ceil(rng.exponential(10 * np.exp(-X @ beta)))
    event = (duration <= censor).astype(int)
    return CoxData.of(X, ["up", "down", "none"], np.minimum(duration, censor), event)


def test_hazard_ratios_per_sd_recover_the_planted_ones_within_their_intervals():
    table = {row["feature"]: row for row in hazard_ratios(fit_cox(planted(), penalizer=0.0), 0.95)}
    for name, beta in zip(["up", "down", "none"], BETA, strict=True):
        assert table[name]["ci_low"] < np.exp(beta) < table[name]["ci_high"], name
    assert table["up"]["ci_low"] > 1 and table["down"]["ci_high"] < 1
    assert table["none"]["ci_low"] < 1 < table["none"]["ci_high"]


def test_out_of_fold_concordance_sees_the_signal_and_nothing_in_noise():
    data = planted(400)
    real = cv_concordance(data, 0.1, folds=5, repeats=2, seed=1, n_boot=200, level=0.95)
    assert real["ci_low"] > 0.6 and real["ci_low"] <= real["concordance"] <= real["ci_high"]
    noise = planted(400, beta=np.zeros(3))
    null = cv_concordance(noise, 0.1, folds=5, repeats=2, seed=1, n_boot=200, level=0.95)
    assert abs(null["concordance"] - 0.5) < 0.06


def test_a_covariate_that_does_not_vary_is_left_out_by_name():
    X = np.column_stack([np.random.default_rng(0).standard_normal(50), np.zeros(50)])
    data = CoxData.of(X, ["varies", "flat"], np.arange(1, 51), np.ones(50, dtype=int))
    assert data.names == ["varies"] and data.constant == ["flat"]


@pytest.mark.parametrize(("events", "n"), [(4, 40), (20, 9)])
def test_too_few_silent_users_or_users_is_one_sentence(events, n):
    event = np.r_[np.ones(events), np.zeros(max(n - events, 0))][:n].astype(int)
    data = CoxData.of(np.random.default_rng(0).standard_normal((n, 2)), ["a", "b"], np.arange(1, n + 1), event)
    reason = cox_problem(data, folds=5, design="landmark")
    assert reason is not None and "too few to fit and cross-validate a Cox model" in reason
    assert "label.design=landmark" in cox_problem(data, folds=5, design="calendar")  # the remedy the design allows
    assert "label.design" not in reason
    assert cox_problem(planted(100), folds=5, design="landmark") is None


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_hazard_ratios_are_lifelines_own_summary_at_the_level(level):
    from lifelines import CoxPHFitter

    data = planted(300, seed=2)
    table = hazard_ratios(fit_cox(data, penalizer=0.1), level)
    # lifelines' summary gives the same figures for a fit at alpha = 1 - level: an independent computation
    summary = CoxPHFitter(penalizer=0.1, alpha=1 - level).fit(data.frame(), "duration", "event").summary
    pct = f"{round(100 * level)}%"
    assert [row["feature"] for row in table] == ["up", "down", "none"]
    for row in table:
        want = summary.loc[row["feature"]]
        assert row["hazard_ratio"] == pytest.approx(want["exp(coef)"], rel=1e-9)
        assert row["ci_low"] == pytest.approx(want[f"exp(coef) lower {pct}"], rel=1e-9)
        assert row["ci_high"] == pytest.approx(want[f"exp(coef) upper {pct}"], rel=1e-9)
        assert row["p"] == pytest.approx(want["p"], rel=1e-9)
        assert set(row) == {"feature", "hazard_ratio", "ci_low", "ci_high", "p"}


def test_concordance_is_harrells_c_counted_by_hand():
    duration, event = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 1, 0, 1])
    # comparable pairs: the one who fell silent first against everyone who lasted longer: (1,2) (1,3) (1,4) (2,3) (2,4)
    assert concordance(duration, event, np.array([4.0, 3.0, 2.0, 1.0])) == 1.0  # the riskier always fell silent first
    assert concordance(duration, event, np.array([1.0, 2.0, 3.0, 4.0])) == 0.0
    assert concordance(duration, event, np.array([4.0, 1.0, 2.0, 3.0])) == pytest.approx(
        3 / 5
    )  # (1,·) right, (2,·) wrong


def test_tied_durations_and_tied_risks_count_as_harrell_counts_them():
    duration, event = np.array([2.0, 2.0, 2.0, 5.0]), np.array([1, 1, 0, 0])
    # comparable: each silence at day 2 against the user censored at day 2 and the one at day 5; the two silences on
    # the same day are not compared: (1,3) (1,4) (2,3) (2,4)
    risk = np.array([3.0, 1.0, 1.0, 0.0])
    # (1,3) right, (1,4) right, (2,3) equal risks: 1/2, (2,4) right
    assert concordance(duration, event, risk) == pytest.approx(3.5 / 4)
    # no comparable pair (two silences on one day; no user at all): lifelines' error, in its words
    for none in ((np.array([1.0, 1.0]), np.array([1, 1]), np.array([0.0, 1.0])), (np.array([]),) * 3):
        with pytest.raises(ZeroDivisionError) as theirs:
            concordance_index(none[0], -none[2], none[1])
        with pytest.raises(ZeroDivisionError) as ours:
            concordance(*none)
        assert str(ours.value) == str(theirs.value)


def test_concordance_of_weighted_users_is_lifelines_of_the_users_repeated():
    draw, checked = np.random.default_rng(11), 0
    for _ in range(200):
        n = int(draw.integers(2, 30))
        duration = draw.integers(1, 6, n).astype(float)  # few distinct days: many ties
        event, risk = draw.random(n) < 0.6, draw.integers(0, 4, n).astype(float)  # tied risks too
        for weights in (draw.integers(0, 3, n), np.ones(n, dtype=int)):
            picked = np.repeat(np.arange(n), weights)
            if not event[picked].any():  # lifelines' own stop, before it counts
                continue
            try:
                want = concordance_index(duration[picked], -risk[picked], event[picked])
            except ZeroDivisionError:
                with pytest.raises(ZeroDivisionError):
                    Concordance(duration, event, risk).of(weights)
                continue
            assert Concordance(duration, event, risk).of(weights) == want  # whole numbers of pairs: equal
            checked += 1
    assert checked > 300


def test_the_concordance_interval_is_the_documented_bootstrap_computed_independently():
    data = planted(60, seed=3, censor=8)  # many still posting at the end: who fell silent matters
    assert 10 < data.event.sum() < 50
    risk = data.X @ np.array([0.7, -0.5, 0.0])
    draw = np.random.default_rng(7)
    silent, still = np.flatnonzero(data.event == 1), np.flatnonzero(data.event == 0)
    values = []
    for _ in range(25):
        pick = np.concatenate([draw.choice(silent, len(silent)), draw.choice(still, len(still))])
        values.append(concordance_index(data.duration[pick], -risk[pick], data.event[pick]))  # lifelines' own
    got = concordance_interval(data.duration, data.event, risk, 25, 0.8, 7)
    assert got == pytest.approx(tuple(np.percentile(values, [10, 90])))
    one = concordance_interval(data.duration, data.event, risk, 1, 0.95, 7)
    assert one[0] is not None and one[0] == one[1]
    assert concordance_interval(data.duration, data.event, risk, 0, 0.95, 7) == (None, None)
    nobody_silent = np.zeros(len(data.event), dtype=int)
    assert concordance_interval(data.duration, nobody_silent, risk, 25, 0.95, 7) == (None, None)


def test_out_of_fold_risk_comes_from_cox_fits_without_the_users_fold():
    from lifelines import CoxPHFitter

    data = planted(80, seed=4, censor=8)
    assert 10 < data.event.sum() < 70
    risk = out_of_fold_risk(data, 0.1, folds=2, repeats=2, seed=5)
    assignment = repeated_folds(data.event, 2, 2, 5)
    assert risk.shape == (2, 80)
    for r in range(2):
        for k in range(2):
            held = assignment[r] == k
            rows = pd.DataFrame(data.X[~held], columns=data.names).assign(
                duration=data.duration[~held], event=data.event[~held]
            )  # built here, not by CoxData.frame
            model = CoxPHFitter(penalizer=0.1).fit(rows, "duration", "event")
            want = model.predict_log_partial_hazard(pd.DataFrame(data.X[held], columns=data.names)).to_numpy()
            np.testing.assert_allclose(risk[r, held], want, rtol=1e-7, atol=1e-9)
    summary = cv_concordance(data, 0.1, folds=2, repeats=2, seed=5, n_boot=20, level=0.9)
    per_repeat = [concordance(data.duration, data.event, row) for row in risk]
    assert summary["concordance"] == pytest.approx(concordance(data.duration, data.event, risk.mean(axis=0)))
    assert (summary["repeats_min"], summary["repeats_max"]) == pytest.approx((min(per_repeat), max(per_repeat)))
    assert (summary["ci_low"], summary["ci_high"]) == pytest.approx(
        concordance_interval(data.duration, data.event, risk.mean(axis=0), 20, 0.9, 5)
    )


def test_a_fit_lifelines_cannot_make_is_one_sentence_and_no_covariate_another(monkeypatch):
    from lifelines.exceptions import ConvergenceError

    from rednote.survival import cox

    def fails(data, penalizer):
        raise ConvergenceError("Convergence halted due to matrix inversion problems.\nmore lines")

    monkeypatch.setattr(cox, "fit_cox", fails)
    assert safe_fit(planted(50), 0.1) == (
        None,
        "lifelines could not fit the Cox model (Convergence halted due to matrix inversion problems.)",
    )
    flat = CoxData.of(np.zeros((20, 2)), ["a", "b"], np.arange(1, 21), np.ones(20, dtype=int))
    assert cox_problem(flat, folds=5, design="landmark") == (
        "no covariate varies among the users still posting at their landmark"
    )
