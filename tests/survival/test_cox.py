"""The Cox model recovers planted hazard ratios, its concordance is out of fold, and small data stop with a reason."""

import numpy as np
import pytest

from rednote.survival.cox import CoxData, cox_problem, cv_concordance, fit_cox, hazard_ratios

BETA = np.array([0.7, -0.5, 0.0])  # log hazard ratios per SD of three standardized covariates


def planted(n=800, seed=0, beta=BETA):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(beta)))
    duration = np.ceil(rng.exponential(10 * np.exp(-X @ beta)))
    censor = 40
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
