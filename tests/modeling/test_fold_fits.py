"""The project's own fit functions under cross-validation, checked against independent implementations.

Every other CV test uses a local scikit-learn model; these call :func:`fold_fit` and :func:`baseline_fit` for each
registered model, and compare the logistic fits with scikit-learn's L-BFGS solver (the project's uses
Newton-Cholesky), so a dropped class weighting or a wrong C shows.
"""

import numpy as np
import pytest
from e2e import ROOT
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from rednote.core.params import load_params
from rednote.modeling.evaluation import cross_validate, mean_oof, repeated_folds
from rednote.modeling.linear import l2_logistic
from rednote.modeling.metrics import best_f1_threshold
from rednote.modeling.models import REGISTRY, ModelSpec, baseline_fit, fit_gbt, fold_fit, seed_tensorflow


@pytest.fixture(scope="module")
def train_params():
    return load_params(ROOT / "params.yaml").train


def planted(n=300, seed=0):
    """30% retained; the first column moves the odds (×e per unit), the second does nothing."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.5 * X[:, 0])))).astype(int)
    return X, y


def independent_logistic(X, y, c, balanced):
    """The same L2 logistic model by another solver, converged far past ours (Newton-Cholesky stops at tol 1e-4,
    within 1e-3 of the optimum here)."""
    model = LogisticRegression(C=c, class_weight="balanced" if balanced else None, solver="lbfgs", tol=1e-12,
                               max_iter=10_000)  # fmt: skip
    return model.fit(X, y)


@pytest.mark.parametrize("balanced", [True, False])
def test_l2_logistic_is_the_penalized_maximum_likelihood_fit_with_or_without_class_weights(balanced):
    X, y = planted()
    ours = l2_logistic(0.05, balanced, 0).fit(X, y)
    theirs = independent_logistic(X, y, 0.05, balanced)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=2e-3)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=2e-3)


def test_balanced_class_weights_lift_the_scarce_class_to_even_odds():
    """With balanced weights the weighted score equations centre the mean probability near one half; without them
    it is the base rate (a logistic model with an intercept reproduces the mean of y)."""
    X, y = planted()
    X, y = X[(y == 0) | (np.arange(len(y)) % 4 == 0)], y[(y == 0) | (np.arange(len(y)) % 4 == 0)]  # ~10% retained
    plain = l2_logistic(1.0, False, 0).fit(X, y).predict_proba(X)[:, 1]
    balanced = l2_logistic(1.0, True, 0).fit(X, y).predict_proba(X)[:, 1]
    assert plain.mean() == pytest.approx(y.mean(), abs=0.01)
    assert balanced.mean() > 0.35 > 0.15 > y.mean()


def test_gradient_boosting_weighs_the_classes_and_grows_trees_within_the_leaf_budget(train_params):
    """``train.class_weight`` balances GBT's classes as it does the logistic model's: on labels that carry nothing
    (10% retained) the weighted trees' mean probability sits near one half, the unweighted near the base rate; and
    no tree has more leaves than ``train.gbt.max_leaf_nodes``."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((2000, 3)), (rng.random(2000) < 0.1).astype(int)
    everyone = np.ones(len(y), dtype=bool)
    small = train_params.gbt.model_copy(update={"max_leaf_nodes": 3, "patience": 50, "max_iter": 20})
    balanced = fit_gbt(X, y, everyone, train_params.model_copy(update={"gbt": small, "class_weight": True}))
    plain = fit_gbt(X, y, everyone, train_params.model_copy(update={"gbt": small, "class_weight": False}))
    assert balanced.predict_proba(X)[:, 1].mean() > 0.4 > 0.15 > plain.predict_proba(X)[:, 1].mean()
    leaves = [tree[0].get_n_leaf_nodes() for tree in balanced._predictors]  # each boosting round's one tree
    assert len(leaves) == 20 and max(leaves) == 3


def test_gradient_boosting_is_scikit_learns_configured_from_every_gbt_param(train_params):
    """``fit_gbt`` is scikit-learn's histogram GBT on the training rows with each ``train.gbt`` setting (none of them
    scikit-learn's default), balanced classes, early stopping on its own held-back share and the seed: the same
    model configured here from the README's description gives the same probabilities."""
    X, y = planted(n=3000, seed=3)
    train = np.arange(len(y)) % 5 != 0
    g = train_params.gbt
    fitted = fit_gbt(X, y, train, train_params)
    expected = HistGradientBoostingClassifier(
        learning_rate=g.learning_rate, max_iter=g.max_iter, max_leaf_nodes=g.max_leaf_nodes,
        l2_regularization=g.l2_regularization, class_weight="balanced", early_stopping=True,
        validation_fraction=g.validation_fraction, n_iter_no_change=g.patience, random_state=train_params.seed,
    ).fit(X[train], y[train])  # fmt: skip
    assert fitted.n_iter_ == expected.n_iter_ < g.max_iter  # stopped early, at the same round
    np.testing.assert_allclose(fitted.predict_proba(X), expected.predict_proba(X), rtol=1e-12)


def test_each_fold_fits_gradient_boosting_with_the_folds_own_seed(train_params):
    """Under cross-validation a fold's fit gets the fold's seed, not ``train.seed``: GBT's held-back share for early
    stopping is drawn with it, so its probabilities are those of the model configured with that seed."""
    X, y = planted(n=600, seed=4)
    got = fold_fit("gbt", train_params)(X, y, 7)(X)
    everyone = np.ones(len(y), dtype=bool)
    want = fit_gbt(X, y, everyone, train_params.model_copy(update={"seed": 7})).predict_proba(X)[:, 1]
    other = fit_gbt(X, y, everyone, train_params).predict_proba(X)[:, 1]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.abs(got - other).max() > 1e-3  # the seed matters here, so the check above can fail


def test_a_keras_fold_holds_back_a_stratified_seeded_share_and_takes_its_threshold_there(train_params, monkeypatch):
    """A model that early-stops (the Keras ones) fits on the rest of the fold's training rows and holds back
    ``train.early_stopping_share`` of them, drawn with the fold's seed and stratified by class while each class has at
    least 2 users; its threshold is the max-F1 cut of its own predictions on the held-back rows. A stand-in spec
    records what the fold gives it, so the share is checked without training a network."""
    seen = {}

    def fit(X, y, train, val, p, callbacks, n_static):
        seen.update(train=train, val=val, seed=p.seed, dtype=y.dtype)
        return "fitted"

    stand_in = ModelSpec(fit, lambda model, X, n_static: X[:, 0], None, None, early_stops=True)
    monkeypatch.setitem(REGISTRY, "mlp", lambda: stand_in)
    rng = np.random.default_rng(5)
    for retained in (60, 2, 1):  # stratified; stratified at exactly 2 of a class; one retained user: not stratified
        X, y = rng.random((200, 2)), np.zeros(200, dtype=int)
        y[rng.choice(200, retained, replace=False)] = 1
        fold = fold_fit("mlp", train_params)(X, y, 11)
        _, held = train_test_split(np.arange(200), test_size=train_params.early_stopping_share, random_state=11,
                                   stratify=y if retained >= 2 else None)  # fmt: skip
        assert np.array_equal(np.flatnonzero(seen["val"]), np.sort(held)), retained
        assert np.array_equal(seen["train"], ~seen["val"]) and seen["seed"] == 11 and seen["dtype"] == np.float32
        assert fold.threshold == best_f1_threshold(y[held], X[held, 0])


def test_the_baseline_fit_is_the_configured_logistic_model(train_params):
    X, y = planted()
    fitted = baseline_fit(train_params)(X, y, 0)
    theirs = independent_logistic(X, y, train_params.logreg_c, train_params.class_weight)
    np.testing.assert_allclose(fitted(X), theirs.predict_proba(X)[:, 1], rtol=0, atol=2e-3)
    assert fitted.threshold is None  # the fold's threshold comes from inner CV (cross_validate's inner_folds)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_model_scores_each_user_out_of_fold_and_finds_the_planted_signal(name, train_params):
    """Static columns: the planted pair; the hybrid also gets 3 days of 5 activity figures each (noise). The
    first column itself ranks users with ROC-AUC 0.79 (the best any model can do here); a model that does not
    learn scores about 0.5."""
    X, y = planted(400)
    n_static = 2
    if name == "hybrid":
        X = np.hstack([X, np.random.default_rng(1).random((len(y), 3 * 5))])
    p = train_params.model_copy(update={"epochs": 15, "patience": 15, "learning_rate": 0.01})
    seed_tensorflow(p.seed, 1)
    folds = repeated_folds(y, 3, 1, 0)
    result = cross_validate(fold_fit(name, p, n_static=n_static), X.astype("float32"), y, folds, 0, inner_folds=3)
    assert np.isfinite(result.proba).all() and ((result.proba >= 0) & (result.proba <= 1)).all()
    assert np.isfinite(result.threshold).all() and ((result.threshold > 0) & (result.threshold < 1)).all()
    auc = roc_auc_score(y, mean_oof(result.proba))
    assert auc > 0.65, name  # halfway from chance to the ceiling
