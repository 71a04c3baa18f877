"""Repeated stratified CV: folds, out-of-fold scoring, thresholds inside folds, bootstrap and permutation p-values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from rednote.modeling.evaluation import (
    RANKING,
    CVResult,
    cross_validate,
    cv_importance,
    cv_problem,
    cv_scores,
    inner_threshold,
    mean_oof,
    null_cv_scores,
    permutation_null,
    permutation_pvalue,
    ranking_score,
    repeat_spread,
    repeated_folds,
    stratified_bootstrap,
)


def logreg(X, y, seed):
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=seed).fit(X, y)
    return lambda Z: model.predict_proba(Z)[:, 1]


def signal(n=400, positives=40, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, positives, replace=False)] = 1
    X = rng.standard_normal((n, 3))
    X[:, 0] += 1.5 * y
    return X, y


def test_folds_are_stratified_seeded_and_score_every_user_once_per_repeat():
    y = np.array([1] * 10 + [0] * 90)
    folds = repeated_folds(y, 5, 3, 7)
    assert folds.shape == (3, 100)
    for row in folds:
        assert sorted(np.unique(row)) == [0, 1, 2, 3, 4]  # every user in exactly one fold
        assert all(y[row == k].sum() == 2 for k in range(5))  # stratified: 2 retained per fold
        assert all((row == k).sum() == 20 for k in range(5))
    assert np.array_equal(folds, repeated_folds(y, 5, 3, 7))
    assert not np.array_equal(folds[0], folds[1])  # repeats differ
    assert not np.array_equal(folds, repeated_folds(y, 5, 3, 8))


def test_cv_problem_names_too_few_retained_users():
    assert cv_problem(np.array([1] * 5 + [0] * 50), 5) is None
    problem = cv_problem(np.array([1] * 4 + [0] * 50), 5)
    assert problem is not None and "4 retained" in problem


def test_a_model_that_memorizes_training_labels_scores_chance_out_of_fold():
    rng = np.random.default_rng(0)
    n = 600
    y = (rng.random(n) < 0.1).astype(int)
    X = np.arange(n, dtype=float).reshape(-1, 1)  # an id column: no signal, only memory

    def memorize(X_train, y_train, seed):
        seen = dict(zip(X_train[:, 0], y_train))
        return lambda Z: np.array([float(seen.get(z, 0.5)) for z in Z[:, 0]])

    result = cross_validate(memorize, X, y, repeated_folds(y, 5, 2, 1), 1)
    assert np.allclose(result.proba, 0.5)  # never saw the scored users' labels
    assert roc_auc_score(y, mean_oof(result.proba)) == pytest.approx(0.5)


def test_fit_never_sees_the_rows_it_scores():
    X, y = signal()
    folds = repeated_folds(y, 4, 2, 3)
    seen: list[set] = []

    def record(X_train, y_train, seed):
        seen.append(set(X_train[:, 0]))
        return lambda Z: np.zeros(len(Z))

    cross_validate(record, X, y, folds, 0, inner_folds=3)
    # 4 outer fits per repeat, each followed by 3 inner fits on subsets of its training part
    outer = [s for i, s in enumerate(seen) if i % 4 == 0]
    for r in range(2):
        for k in range(4):
            scored = set(X[folds[r] == k, 0])
            assert not outer[r * 4 + k] & scored
            for inner in seen[(r * 4 + k) * 4 + 1 : (r * 4 + k) * 4 + 4]:
                assert not inner & scored


def max_f1_cut(score: np.ndarray, y: np.ndarray) -> float:
    """By hand: the score at or above which flagging users gives the best F1 (the highest such cut on ties)."""
    best = (-1.0, 0.0)
    for cut in np.unique(score):
        flagged = score >= cut
        tp, fp, fn = np.sum(flagged & (y == 1)), np.sum(flagged & (y == 0)), np.sum(~flagged & (y == 1))
        best = max(best, (2 * tp / (2 * tp + fp + fn), float(cut)))
    return best[1]


def test_threshold_comes_from_the_training_part_only():
    """With a model that scores a user by their first column whatever it was fitted on, a fold's inner
    out-of-fold predictions are its training part's first column: the fold's threshold is that part's max-F1
    cut, computed here by hand, and not the cut of all users (which differs for some folds)."""
    X, y = signal()

    def first_column(X_train, y_train, seed):
        return lambda Z: Z[:, 0]

    folds = repeated_folds(y, 5, 1, 0)
    result = cross_validate(first_column, X, y, folds, 0, inner_folds=3)
    by_hand = [max_f1_cut(X[folds[0] != k, 0], y[folds[0] != k]) for k in range(5)]
    assert result.threshold[0].tolist() == pytest.approx(by_hand)
    assert any(cut != max_f1_cut(X[:, 0], y) for cut in by_hand)  # the scored fold would have moved it


def test_inner_threshold_maximizes_f1_on_inner_predictions():
    X = np.array([[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]] * 2)
    y = np.array([0, 0, 0, 1, 1, 1] * 2)

    def identity(X_train, y_train, seed):
        return lambda Z: Z[:, 0]

    assert inner_threshold(identity, X, y, 3, 0) == pytest.approx(0.8)
    assert inner_threshold(identity, X, np.array([0] * 11 + [1]), 3, 0) == 0.5  # one retained user: no inner CV


def test_stratified_bootstrap_keeps_class_counts_and_brackets_the_estimate():
    y = np.array([1] * 5 + [0] * 95)
    counts = []

    def count_positives(pos, neg):
        counts.append((int(pos.sum()), int(neg.sum())))
        return RANKING["roc_auc"](pos, neg)

    p = np.r_[np.linspace(0.4, 0.9, 5), np.linspace(0, 0.6, 95)]
    low, high = stratified_bootstrap(y, p, count_positives, 200, 0.95, 0)
    assert set(counts) == {(5, 95)}
    assert low < roc_auc_score(y, p) < high
    assert stratified_bootstrap(y, np.ones(100), RANKING["roc_auc"], 50, 0.95, 0) == (0.5, 0.5)
    assert stratified_bootstrap(np.zeros(10), np.ones(10), RANKING["roc_auc"], 50, 0.95, 0) == (None, None)


def test_stratified_bootstrap_edges_one_resample_one_lost_user_none_and_a_fixed_seed():
    y, p = np.array([1, 1, 0, 0, 0]), np.array([0.9, 0.4, 0.5, 0.1, 0.2])
    one = stratified_bootstrap(y, p, RANKING["roc_auc"], 1, 0.95, 0)
    assert one[0] is not None and one[0] == one[1]  # one resample: an interval of one value
    # a single lost user (the cohort of the real crawl inverted) still resamples: every draw is that user
    low, high = stratified_bootstrap(
        np.array([1, 1, 1, 0]), np.array([0.9, 0.2, 0.6, 0.5]), RANKING["roc_auc"], 40, 0.9, 0
    )
    assert 0 <= low < high <= 1
    assert stratified_bootstrap(y, p, RANKING["roc_auc"], 0, 0.95, 0) == (None, None)
    many_y, many_p = np.array([1, 0, 0] * 20), np.random.default_rng(2).random(60)  # enough users for draws to matter
    seeded = stratified_bootstrap(many_y, many_p, RANKING["roc_auc"], 30, 0.95, 4)
    assert seeded == stratified_bootstrap(many_y, many_p, RANKING["roc_auc"], 30, 0.95, 4)
    assert seeded != stratified_bootstrap(many_y, many_p, RANKING["roc_auc"], 30, 0.95, 5)


def test_repeat_spread_of_hand_counted_aucs():
    y = np.array([0, 0, 1, 1])
    perfect, backwards, three_of_four = [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], [0.1, 0.3, 0.2, 0.4]
    spread = repeat_spread(y, np.array([perfect, backwards, three_of_four]))
    assert set(spread) == {"mean", "std", "min", "max"}
    # AUCs 1, 0, 0.75: mean 7/12; deviations 5/12, -7/12, 2/12; variance (25 + 49 + 4) / 144 / 2
    assert spread["mean"] == pytest.approx(7 / 12) and spread["std"] == pytest.approx((78 / 288) ** 0.5)
    assert (spread["min"], spread["max"]) == (0.0, 1.0)
    assert repeat_spread(y, np.array([perfect, backwards]))["std"] == pytest.approx(0.5**0.5)
    assert repeat_spread(y, np.array([three_of_four])) == {"mean": 0.75, "std": 0.0, "min": 0.75, "max": 0.75}


@pytest.mark.parametrize("seed", range(5))
def test_ranking_metrics_from_counts_equal_scikit_learns_with_ties_and_weights(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(300) < 0.1).astype(int)
    y[:2] = [0, 1]
    p = np.round(rng.random(300) + 0.3 * y, 1)  # rounded: many ties, across classes too
    weights = rng.integers(0, 4, 300)  # a bootstrap resample is integer weights per user
    weights[:2] = 1
    assert ranking_score(RANKING["roc_auc"], y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert ranking_score(RANKING["pr_auc"], y, p) == pytest.approx(average_precision_score(y, p), abs=1e-12)
    resampled_y, resampled_p = np.repeat(y, weights), np.repeat(p, weights)
    assert ranking_score(RANKING["roc_auc"], resampled_y, resampled_p) == pytest.approx(
        roc_auc_score(y, p, sample_weight=weights), abs=1e-12
    )
    assert ranking_score(RANKING["pr_auc"], resampled_y, resampled_p) == pytest.approx(
        average_precision_score(resampled_y, resampled_p), abs=1e-12
    )


def test_permutation_pvalue_counts_the_observed_as_one_permutation():
    assert permutation_pvalue(0.9, np.array([0.5, 0.6, 0.7])) == pytest.approx(1 / 4)
    assert permutation_pvalue(0.6, np.array([0.5, 0.6, 0.7])) == pytest.approx(3 / 4)
    assert permutation_pvalue(0.8, np.full(99, 0.5)) == pytest.approx(0.01)


def test_permutation_null_centres_on_chance():
    X, y = signal(positives=40)
    folds = repeated_folds(y, 5, 1, 0)
    null = permutation_null(logreg, X, y, folds, 20, 0)
    observed = roc_auc_score(y, mean_oof(cross_validate(logreg, X, y, folds, 0).proba))
    assert abs(null.mean() - 0.5) < 0.06
    assert observed > 0.8
    assert permutation_pvalue(observed, null) == pytest.approx(1 / 21)


def test_each_permutation_is_refitted_on_folds_made_like_the_given_ones():
    X, y = signal(n=60, positives=12)
    sizes = []

    def recording(X_train, y_train, seed):
        sizes.append((len(y_train), int(y_train.sum())))
        return lambda Z: Z[:, 0]

    null = permutation_null(recording, X, y, repeated_folds(y, 3, 2, 0), 4, 7)
    # 4 permutations × 2 repeats × 3 folds, each fit on two thirds of the users and of the retained ones
    assert sizes == [(40, 8)] * 24
    assert null.shape == (4,) and np.array_equal(
        null, permutation_null(recording, X, y, repeated_folds(y, 3, 2, 0), 4, 7)
    )


def intercept_fit(X, y, seed):
    """A one-feature fit whose scores move with its training part's share of retained users, as any fitted intercept
    does (and cheap: the calibration test below fits 48,000 times)."""
    x = X[:, 0]
    high, low = x[y == 1].mean(), x[y == 0].mean()
    return lambda Z: (high - low) * (Z[:, 0] - (high + low) / 2) + np.log(y.mean() / (1 - y.mean()))


def permutation_pvalues(null, labellings=80):
    """The permutation p-value (19 permutations) of the first-repeat CV ROC-AUC, for ``labellings`` random labellings
    (10 of 50 users retained) of one feature that carries nothing."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 1))
    p = []
    for j in range(labellings):
        y = np.zeros(50, dtype=int)
        y[rng.choice(50, 10, replace=False)] = 1
        folds = repeated_folds(y, 5, 1, j)
        observed = roc_auc_score(y, cross_validate(intercept_fit, X, y, folds, j).proba[0])
        p.append(permutation_pvalue(observed, null(intercept_fit, X, y, folds, 19, j)))
    return np.array(p)


def test_the_permutation_p_of_labels_that_carry_nothing_is_uniform():
    """Under the null a valid p-value is uniform: with 19 permutations P(p <= 0.05) = 1/20 and its mean is 0.525
    (SD of the mean over 80 labellings 0.032); measured 0.521, and 4 at 0.05. With each permutation scored on the
    observed labels' folds instead, the null sits below chance and the mean p is 0.34 on the same labellings."""
    p = permutation_pvalues(permutation_null)
    assert abs(p.mean() - 0.525) <= 0.1
    assert np.sum(p <= 0.05) <= 9  # expected 4; 9 or more has probability 0.02


def test_a_null_on_the_observed_labels_folds_is_miscalibrated():
    """The reason permutation_null re-stratifies: the same check with each permutation scored on the observed folds."""

    def kept_folds(fit, X, y, folds, permutations, seed):
        rng = np.random.default_rng(seed)
        shuffled = [rng.permutation(y) for _ in range(permutations)]
        return np.array([roc_auc_score(s, cross_validate(fit, X, s, folds, seed).proba[0]) for s in shuffled])

    assert permutation_pvalues(kept_folds).mean() < 0.425


def test_cv_scores_report_intervals_spread_and_threshold_figures():
    X, y = signal()
    result = cross_validate(logreg, X, y, repeated_folds(y, 5, 3, 0), 0, inner_folds=3)
    scores = cv_scores(y, result, 200, 0.95, 0)
    assert scores["positives"] == 40 and scores["n"] == 400
    mean = result.proba.mean(axis=0)  # each user's out-of-fold probability averaged over repeats
    assert scores["roc_auc"] == pytest.approx(roc_auc_score(y, mean))
    assert scores["pr_auc"] == pytest.approx(average_precision_score(y, mean))
    assert scores["roc_auc_ci_low"] < scores["roc_auc"] < scores["roc_auc_ci_high"]
    assert scores["pr_auc_ci_low"] < scores["pr_auc"] < scores["pr_auc_ci_high"]
    assert scores["roc_auc_repeats"]["min"] <= scores["roc_auc_repeats"]["mean"] <= scores["roc_auc_repeats"]["max"]
    assert 0 < scores["f1"] <= 1 and scores["threshold"] is not None


def test_a_cv_run_without_a_model_has_every_key_of_one_with_a_model_each_score_null():
    """``null_cv_scores`` (no model could be fitted) lists exactly the keys ``cv_scores`` writes, so `dvc metrics
    diff` lines up a degenerate run with a scored one; only the counts of users are given."""
    X, y = signal()
    scored = cv_scores(y, cross_validate(logreg, X, y, repeated_folds(y, 5, 1, 0), 0, inner_folds=2), 10, 0.95, 0)
    null = null_cv_scores(y)
    assert sorted(null) == sorted(scored)
    assert (null["n"], null["positives"]) == (400, 40) and type(null["n"]) is type(null["positives"]) is int
    assert all(value is None for key, value in null.items() if key not in ("n", "positives"))


def test_cv_scores_with_one_class_or_no_predicted_retained_user_are_null_or_zero():
    """A fold model that scores everyone 0.1 with thresholds of 0.5: nobody is predicted retained, so precision,
    recall and F1 are 0 (not 1), said without scikit-learn's warning that they are undefined (a run's log would
    otherwise repeat it for every repeat); with one class only, every ranking figure and its interval is None."""

    def flat(X, y, seed):
        predict = lambda Z: np.full(len(Z), 0.1)  # noqa: E731
        predict.threshold = 0.5
        return predict

    X, y = signal()
    warnings.simplefilter("error", UndefinedMetricWarning)  # pytest restores the filters after the test
    nobody = cv_scores(y, cross_validate(flat, X, y, repeated_folds(y, 5, 2, 0), 0), 50, 0.95, 0)
    assert nobody["predicted_positives"] == 0 and nobody["precision"] == nobody["recall"] == nobody["f1"] == 0
    assert nobody["threshold"] == 0.5 and nobody["roc_auc"] == 0.5
    lost = np.zeros(len(y), dtype=int)
    single = cv_scores(lost, cross_validate(flat, X, lost, repeated_folds(lost, 5, 2, 0), 0), 50, 0.95, 0)
    for key in ("roc_auc", "pr_auc", "roc_auc_ci_low", "roc_auc_ci_high", "balanced_accuracy", "roc_auc_repeats"):
        assert single[key] is None, key
    assert single["precision"] == single["recall"] == single["f1"] == 0
    # a model that brings no threshold, without inner folds: the threshold figures are None, the ranking ones not
    unthresholded = cv_scores(y, cross_validate(signal_free, X, y, repeated_folds(y, 5, 1, 0), 0), 0, 0.95, 0)
    for key in ("threshold", "precision", "recall", "f1", "accuracy", "predicted_positives"):
        assert unthresholded[key] is None, key
    assert unthresholded["roc_auc"] is not None


def signal_free(X, y, seed):
    return lambda Z: 1 / (1 + np.exp(-Z[:, 1]))  # a probability from a column that carries no signal


def test_cv_scores_are_the_hand_counted_confusion_matrix():
    """Eight users, one repeat, one fold cut at 0.5: predicted [1, 1, 0, 1, 1, 0, 0, 0] against retained
    [1, 1, 1, 0, 0, 0, 0, 0] is TP 2, FP 2, FN 1, TN 3. ROC-AUC by hand: of the 3 × 5 (retained, lost) pairs the
    retained user ranks higher in 5 + 5 + 3 = 13."""
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    proba = np.array([[0.9, 0.8, 0.2, 0.7, 0.6, 0.1, 0.15, 0.05]])
    result = CVResult(proba=proba, threshold=np.array([[0.5]]), folds=np.zeros((1, 8), dtype=int), predictors=[])
    scores = cv_scores(y, result, 20, 0.95, 0)
    assert scores["predicted_positives"] == 4 and scores["positives"] == 3 and scores["n"] == 8
    assert scores["precision"] == pytest.approx(2 / 4) and scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))
    assert scores["accuracy"] == pytest.approx(5 / 8) and scores["balanced_accuracy"] == pytest.approx(
        (2 / 3 + 3 / 5) / 2
    )
    assert scores["roc_auc"] == pytest.approx(13 / 15) and scores["threshold"] == 0.5
    # average precision: precision at each retained user's rank (1st, 2nd, 5th of 8), averaged
    assert scores["pr_auc"] == pytest.approx((1 / 1 + 2 / 2 + 3 / 5) / 3)
    assert scores["base_rate"] == 3 / 8 and scores["majority_accuracy"] == 5 / 8
    assert scores["brier"] == pytest.approx(np.mean((proba[0] - y) ** 2))
    # the intervals are the class-stratified bootstrap of the mean out-of-fold probability, with the seed given
    for name in ("roc_auc", "pr_auc"):
        interval = (scores[f"{name}_ci_low"], scores[f"{name}_ci_high"])
        assert interval == stratified_bootstrap(y, proba[0], RANKING[name], 20, 0.95, 0), name
    # the threshold is the median of the folds' thresholds
    two = CVResult(np.tile(proba, (1, 1)), np.array([[0.2, 0.6, 0.9]]), np.array([[0, 1, 2, 0, 1, 2, 0, 1]]), [])
    assert cv_scores(y, two, 0, 0.95, 0)["threshold"] == 0.6


def test_predicted_uses_the_threshold_of_the_fold_that_scored_each_user():
    result = CVResult(
        proba=np.array([[0.3, 0.6, 0.3, 0.6]]),
        threshold=np.array([[0.2, 0.7]]),
        folds=np.array([[0, 0, 1, 1]]),
        predictors=[],
    )
    assert result.predicted().tolist() == [[1, 1, 0, 0]]
    assert result.predicted().dtype.kind == "i"
    at_the_cut = CVResult(np.array([[0.2, 0.7]]), np.array([[0.2, 0.7]]), np.array([[0, 1]]), [])
    assert at_the_cut.predicted().tolist() == [[1, 1]]  # a score at its fold's threshold counts as retained


def test_cv_importance_finds_the_informative_column():
    X, y = signal()
    result = cross_validate(logreg, X, y, repeated_folds(y, 5, 2, 0), 0, keep=True)
    rows = cv_importance(result, X, y, {"signal": [0], "noise": [1, 2]}, 3, 0, 0.95)
    assert [r["feature"] for r in rows] == ["signal", "noise"]
    assert rows[0]["ci_low"] > 0.1 and abs(rows[1]["importance_mean"]) < 0.03
    assert rows[0]["n"] == 6


def test_cv_importance_is_the_documented_procedure_computed_here_independently():
    """Shuffles drawn from ``default_rng(seed)`` in the order repeat, group, shuffle, fold; each fold's rows scored
    by that fold's model; the drop is the pooled AUC minus the shuffled one (sklearn's AUC here)."""
    rng = np.random.default_rng(5)
    y = np.array([0, 1] * 12)
    X = rng.standard_normal((24, 2))
    X[:, 0] += y
    folds = np.array([[0] * 12 + [1] * 12])
    # the two folds' models differ (the second reads column 0 backwards), so a row scored by the wrong one shows
    models = [lambda Z: 1 / (1 + np.exp(-Z[:, 0])), lambda Z: 1 / (1 + np.exp(Z[:, 0]))]
    proba = np.concatenate([models[0](X[:12]), models[1](X[12:])])[None, :]
    result = CVResult(proba=proba, threshold=np.full((1, 2), 0.5), folds=folds, predictors=[models])
    groups = {"used": [0], "ignored": [1]}

    draw = np.random.default_rng(9)
    drops = {}
    for name, columns in groups.items():
        drops[name] = []
        for _ in range(2):
            shuffled = np.empty(24)
            for k in (0, 1):
                rows = np.arange(12 * k, 12 * k + 12)
                part = X[rows].copy()
                part[:, columns] = part[draw.permutation(12)][:, columns]
                shuffled[rows] = models[k](part)
            drops[name].append(roc_auc_score(y, proba[0]) - roc_auc_score(y, shuffled))
    used = np.array(drops["used"])
    assert drops["ignored"] == [0.0, 0.0] and np.ptp(used) > 0

    rows = cv_importance(result, X, y.astype(bool), groups, 2, 9, 0.5)
    assert [r["feature"] for r in rows] == (["used", "ignored"] if used.mean() > 0 else ["ignored", "used"])
    got = {r["feature"]: r for r in rows}
    assert set(got["used"]) == {"feature", "importance_mean", "importance_std", "ci_low", "ci_high", "n"}
    assert got["used"]["importance_mean"] == pytest.approx(used.mean(), abs=1e-12)
    assert got["used"]["importance_std"] == pytest.approx(used.std(ddof=1), abs=1e-12)
    assert (got["used"]["ci_low"], got["used"]["ci_high"]) == pytest.approx(
        tuple(np.percentile(used, [25, 75])), abs=1e-12
    )
    assert got["used"]["n"] == 2
    assert got["ignored"] == {
        "feature": "ignored", "importance_mean": 0.0, "importance_std": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n": 2
    }  # fmt: skip
    once = cv_importance(result, X, y, groups, 1, 9, 0.5)
    assert [r["n"] for r in once] == [1, 1] and [r["importance_std"] for r in once] == [0.0, 0.0]


def test_a_fit_may_bring_its_own_threshold_from_its_training_part():
    X, y = signal()

    class Own:
        threshold = 0.25

        def __call__(self, Z):
            return np.full(len(Z), 0.3)

    result = cross_validate(lambda X_train, y_train, seed: Own(), X, y, repeated_folds(y, 5, 1, 0), 0, inner_folds=3)
    assert np.all(result.threshold == 0.25)
    assert result.predicted().sum() == len(y)


def test_cv_results_round_trip_through_predictions_columns():
    import pandas as pd

    from rednote.modeling.evaluation import from_columns, to_columns

    X, y = signal()
    result = cross_validate(logreg, X, y, repeated_folds(y, 5, 2, 0), 0, inner_folds=3)
    back = from_columns(pd.DataFrame(to_columns(result, "p_model")), "p_model")
    assert np.array_equal(back.folds, result.folds)
    assert np.allclose(back.proba, result.proba) and np.allclose(back.threshold, result.threshold)
    assert back.predictors == []


def test_cv_results_from_columns_a_file_may_have_typed_otherwise():
    """A predictions table read back from a file may hold folds as floats and scores as float32; a fold that
    scored nobody has no threshold."""
    import pandas as pd

    from rednote.modeling.evaluation import from_columns

    table = pd.DataFrame(
        {
            "fold_r0": np.array([0.0, 0.0, 2.0, 2.0]),
            "m_r0": np.array([0.1, 0.7, 0.2, 0.9], dtype="float32"),
            "m_cut_r0": np.array([0.5, 0.5, 0.3, 0.3], dtype="float32"),
        }
    )
    back = from_columns(table, "m")
    assert back.folds.dtype == np.int64 and back.folds.tolist() == [[0, 0, 2, 2]]
    assert back.proba.dtype == np.float64 and back.threshold.dtype == np.float64
    assert back.threshold[0, [0, 2]] == pytest.approx([0.5, 0.3]) and np.isnan(back.threshold[0, 1])


def test_folds_are_scikit_learns_stratified_k_fold_seeded_per_repeat():
    from sklearn.model_selection import StratifiedKFold

    y = np.array([1] * 7 + [0] * 30)
    folds = repeated_folds(y.astype(bool), 4, 3, 11)
    assert folds.dtype == np.int64
    for r in range(3):
        for k, (_, test) in enumerate(StratifiedKFold(4, shuffle=True, random_state=11 + r).split(np.zeros(37), y)):
            assert folds[r, test].tolist() == [k] * len(test), (r, k)


def test_cross_validate_calls_back_seeds_each_fit_and_keeps_what_it_is_asked_to():
    X, y = signal(n=60, positives=12)
    folds = repeated_folds(y, 3, 2, 0)
    seeds, calls = [], []

    def recording(X_train, y_train, seed):
        seeds.append(seed)
        return lambda Z: Z[:, 0]

    result = cross_validate(recording, X, y, folds, 5, progress=lambda done, total: calls.append((done, total)))
    assert seeds == [5 + 1000 * r + k for r in range(2) for k in range(3)]  # the documented fold seeds
    assert calls == [(i, 6) for i in range(1, 7)]
    assert result.predictors == [[], []] and np.isnan(result.threshold).all()  # no inner folds: no threshold
    assert np.array_equal(result.proba, np.tile(X[:, 0], (2, 1)))
    kept = cross_validate(recording, X, y, folds, 5, inner_folds=1, keep=True)
    assert [len(row) for row in kept.predictors] == [3, 3] and np.isnan(kept.threshold).all()  # 1 inner fold: none


def test_cv_problem_sentences_in_full():
    assert cv_problem(np.array([1, 0] * 10), 1) == "evaluate.cv.folds=1 must be at least 2"
    assert cv_problem(np.array([1] * 4 + [0] * 50), 5) == (
        "the cohort has 4 retained and 50 lost user(s), fewer than evaluate.cv.folds=5 in a class, too few to "
        "cross-validate a model: use a larger crawl, a longer label.horizon_days (label.target_* under "
        "label.design=calendar), or lower evaluate.cv.folds"
    )
    assert cv_problem(np.array([1] * 50 + [0] * 4), 5) is not None  # too few lost users stops it too
    assert cv_problem(np.array([1] * 5 + [0] * 5), 5) is None


def test_inner_threshold_is_the_documented_inner_cv_computed_independently():
    from sklearn.model_selection import StratifiedKFold

    rng = np.random.default_rng(8)
    X, y = rng.random((30, 1)), np.array([1] * 9 + [0] * 21)
    seeds = []

    def shifted(X_train, y_train, seed):  # scores move with the training part's rows: which users are in it matters
        seeds.append(seed)  # (its retained share would not do: stratified inner folds all have the same one)
        return lambda Z: Z[:, 0] + X_train[:, 0].mean()

    got = inner_threshold(shifted, X, y, 3, 4)
    assert seeds == [4, 5, 6]  # fold i's fit gets seed + i
    p = np.empty(30)
    for train, test in StratifiedKFold(3, shuffle=True, random_state=4).split(np.zeros(30), y):
        p[test] = X[test, 0] + X[train, 0].mean()
    assert got == pytest.approx(max_f1_cut(p, y))
    # as many folds as the smaller class allows: two retained users, two folds; one lost user, none (0.5)
    two = np.array([1, 1] + [0] * 10)
    identity = lambda X_train, y_train, seed: (lambda Z: Z[:, 0])  # noqa: E731
    column = np.linspace(0, 1, 12)[:, None]
    assert inner_threshold(identity, column, two, 3, 0) == pytest.approx(max_f1_cut(column[:, 0], two))
    assert inner_threshold(identity, column, 1 - np.array([1] + [0] * 11), 3, 0) == 0.5
