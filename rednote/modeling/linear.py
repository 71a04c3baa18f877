"""The one L2 logistic regression the baseline, the default model and the factor odds ratios share."""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression

#: Newton steps with a Cholesky solve of the Hessian: exact convergence in a handful of iterations
#: when users far outnumber columns (always here: at most a few dozen behaviour, topic and reduced
#: text columns). L-BFGS stopped short of the optimum on the float32 design (coefficients off by
#: ~10% at 157,000 users) and took 3.7 times as long per fit.
SOLVER = "newton-cholesky"


def l2_logistic(c: float, balanced: bool, seed: int, max_iter: int = 200) -> LogisticRegression:
    """An unfitted L2 logistic regression with inverse strength ``c``, balanced class weights if asked."""
    return LogisticRegression(
        C=c,
        class_weight="balanced" if balanced else None,
        solver=SOLVER,
        max_iter=max_iter,
        random_state=seed,
    )
