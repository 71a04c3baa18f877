import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import roc_auc_score

from rednote.modeling.metrics import best_f1_threshold, bootstrap_auc, evaluate_model, percentile_interval, scores


def test_threshold_maximizes_f1_on_validation():
    y = np.array([0, 0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.35, 0.3, 0.9])
    # thresholds 0.3 → F1 0.8 (tp 2, fp 1); 0.9 → F1 0.667; so 0.3 wins
    assert best_f1_threshold(y, p) == pytest.approx(0.3)


def test_threshold_defaults_to_half_without_positives():
    assert best_f1_threshold(np.zeros(4), np.array([0.1, 0.2, 0.3, 0.4])) == 0.5


def test_a_threshold_above_every_retained_user_has_f1_zero_not_undefined():
    # the lost user scores highest: at 0.9 precision and recall are both 0 (F1 0); at 0.2, F1 = 2/3
    assert best_f1_threshold(np.array([1, 0]), np.array([0.2, 0.9])) == 0.2
    assert best_f1_threshold(np.array([0, 1, 0]), np.array([0.95, 0.5, 0.9])) == 0.5  # 0.95 and 0.9: F1 0


def test_scores_on_a_hand_checked_case():
    y = np.array([0, 0, 1, 1, 0, 0, 0, 0, 0, 1])
    p = np.array([0.1, 0.6, 0.7, 0.4, 0.2, 0.1, 0.3, 0.2, 0.1, 0.9])
    s = scores(y, p, threshold=0.5)
    assert (s["predicted_positives"], s["positives"]) == (3, 3)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    assert s["accuracy"] == pytest.approx(0.8)
    assert s["base_rate"] == pytest.approx(0.3) and s["majority_accuracy"] == pytest.approx(0.7)
    assert s["roc_auc"] == pytest.approx(20 / 21)
    # by hand: TP 2 of 3 retained, TN 6 of 7 lost, so balanced accuracy (2/3 + 6/7) / 2; the squared errors sum to
    # 1.02 over 10 users; average precision: the retained users rank 1st, 2nd and 4th, (1 + 1 + 3/4) / 3
    assert s["balanced_accuracy"] == pytest.approx((2 / 3 + 6 / 7) / 2)
    assert s["brier"] == pytest.approx(0.102)
    assert s["pr_auc"] == pytest.approx(2.75 / 3)
    assert scores(y, np.where(p == 0.4, 0.5, p), threshold=0.5)["recall"] == 1.0  # a score at the threshold counts


def test_all_negative_prediction_scores_zero_f1_like_the_study():
    y = np.array([0] * 99 + [1])
    s = scores(y, np.full(100, 0.01), threshold=0.5)
    assert s["accuracy"] == pytest.approx(0.99) and s["f1"] == 0 and s["recall"] == 0
    assert s["precision"] == 0 and s["predicted_positives"] == 0  # nobody predicted retained: precision 0, not 1


def test_single_class_test_split_gives_null_ranking_scores():
    # the zeros below are said without scikit-learn's warning that the ratios are undefined (0/0)
    warnings.simplefilter("error", UndefinedMetricWarning)  # pytest restores the filters after the test
    s = scores(np.zeros(10), np.linspace(0, 1, 10), 0.5)
    assert s["roc_auc"] is None and s["pr_auc"] is None and s["balanced_accuracy"] is None
    assert s["precision"] == 0 and s["recall"] == 0 and s["f1"] == 0  # no retained user to find: 0, not 1
    none = scores(np.zeros(10), np.full(10, 0.1), 0.5)  # no retained user and nobody predicted: every ratio 0/0
    assert none["precision"] == 0 and none["recall"] == 0 and none["f1"] == 0


def test_bootstrap_interval_brackets_the_auc_and_is_seeded():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    p = np.clip(y * 0.3 + rng.normal(0.35, 0.2, 300), 0, 1)
    low, high = bootstrap_auc(y, p, 300, 0.95, seed=1)
    auc = scores(y, p, 0.5)["roc_auc"]
    assert low < auc < high and high - low < 0.2
    assert (low, high) == bootstrap_auc(y, p, 300, 0.95, seed=1)


def test_bootstrap_auc_is_the_percentile_interval_of_resamples_with_both_classes_computed_independently():
    """Resample users with ``default_rng(seed).integers(0, n, n)``; a resample with one class has no AUC and is
    skipped; the interval is the central ``level`` share of the rest (sklearn's AUC here)."""
    p = np.array([0.1, 0.5, 0.4, 0.3, 0.2, 0.6])
    # one retained user: many resamples miss them; five: many miss the one lost user
    for y in (np.array([0, 0, 1, 0, 0, 0]), np.array([1, 1, 0, 1, 1, 1])):
        draw = np.random.default_rng(3)
        values = []
        for _ in range(50):
            pick = draw.integers(0, 6, 6)
            if 0 < y[pick].sum() < 6:
                values.append(roc_auc_score(y[pick], p[pick]))
        assert 10 < len(values) < 50
        assert bootstrap_auc(y, p, 50, 0.8, 3) == pytest.approx(tuple(np.percentile(values, [10, 90])))
    one = bootstrap_auc(np.array([0, 1, 0, 1]), np.array([0.2, 0.9, 0.4, 0.3]), 1, 0.95, 0)
    # seed 0 draws users 3, 2, 2, 1: both classes, one AUC (0.3 and 0.9 against 0.4 twice: 2 of 4 pairs)
    assert one == (0.5, 0.5)
    assert bootstrap_auc(np.array([0, 1, 0, 1]), np.array([0.2, 0.9, 0.4, 0.3]), 0, 0.95, 0) == (None, None)


def test_evaluate_uses_validation_threshold_not_test():
    y_val, p_val = np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])
    y_test, p_test = np.array([0, 1]), np.array([0.05, 0.6])
    result = evaluate_model(y_val, p_val, y_test, p_test, n_boot=0, level=0.95, seed=0)
    assert result["threshold"] == pytest.approx(0.8)
    assert result["predicted_positives"] == 0  # 0.6 < 0.8 chosen on validation
    rng = np.random.default_rng(5)
    y_many, p_many = rng.integers(0, 2, 60), rng.random(60)  # enough users for the interval to depend on the draws
    with_interval = evaluate_model(y_val, p_val, y_many, p_many, n_boot=40, level=0.9, seed=2)
    interval = (with_interval["roc_auc_ci_low"], with_interval["roc_auc_ci_high"])
    assert interval == bootstrap_auc(y_many, p_many, 40, 0.9, 2) != bootstrap_auc(y_many, p_many, 40, 0.9, 3)


def test_null_scores_have_every_key_of_real_scores():
    from rednote.modeling.metrics import null_scores

    real = evaluate_model(
        np.array([0, 1]), np.array([0.2, 0.8]), np.array([0, 1, 0]), np.array([0.1, 0.9, 0.3]), 5, 0.95, 0
    )
    null = null_scores(np.array([0, 1, 0]))
    assert set(null) == set(real)
    assert null["roc_auc"] is None and null["f1"] is None and null["n"] == 3 and null["positives"] == 1


def test_a_percentile_interval_cuts_the_same_share_from_each_tail():
    draws = np.arange(101, dtype=float)  # 0, 1, ..., 100: the q-th percentile is q
    assert percentile_interval(draws, 0.9) == pytest.approx((5.0, 95.0))
    assert percentile_interval(draws, 0.5) == (25.0, 75.0)


def test_curves_are_scikit_learns_points_with_thresholds_a_plot_can_draw():
    from sklearn.metrics import precision_recall_curve, roc_curve

    from rednote.modeling.metrics import curves

    y, p = np.array([0, 0, 1, 1, 0]), np.array([0.1, 0.4, 0.35, 0.8, 0.6])
    roc, pr = curves(y, p)
    fpr, tpr, roc_t = roc_curve(y, p)
    precision, recall, pr_t = precision_recall_curve(y, p)
    assert roc.columns.tolist() == ["fpr", "tpr", "threshold"] and pr.columns.tolist() == [
        "recall",
        "precision",
        "threshold",
    ]
    np.testing.assert_array_equal(roc["fpr"], fpr)
    np.testing.assert_array_equal(roc["tpr"], tpr)
    assert roc["threshold"].tolist() == [1.0, *roc_t[1:]]  # scikit-learn's first cut is infinite: drawn at 1
    np.testing.assert_array_equal(pr["recall"], recall)
    np.testing.assert_array_equal(pr["precision"], precision)
    assert pr["threshold"].tolist() == [*pr_t, 1.0]  # one cut fewer than points: the last point at 1
    for empty in (curves(y, None), curves(np.zeros(5), p)):
        assert [t.columns.tolist() for t in empty] == [
            ["fpr", "tpr", "threshold"],
            ["recall", "precision", "threshold"],
        ]
        assert all(t.empty for t in empty)
