"""explain: which inputs the model uses (permutation importance) and which factors go with retention (odds ratios, quartile rates).

Importance under `cv` (default): each fold's model shuffles each feature group among the users it
scored, so the interval covers different fits and users; under `holdout`: the one model on test users.
Factors describe all cohort users: a regularized logistic model on standardized behaviour + topics
(odds ratio per SD, bootstrap interval over users) and retention by quartile (Wilson intervals).
"""

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.cohort import BEHAVIOUR_FEATURES
from rednote.features.sequences import sequence_array
from rednote.modeling.evaluation import cv_importance, from_columns
from rednote.modeling.factors import odds_ratios, quartile_rates
from rednote.modeling.importance import IMPORTANCE_COLUMNS, feature_groups, permutation_importance
from rednote.modeling.models import (
    KERAS_MODELS,
    FoldModel,
    build_design,
    load_fitted,
    reduce_text,
    seed_tensorflow,
    with_sequences,
)
from rednote.report import plots

log = logging.getLogger("rednote.explain")
MODELS = Path("models")


def write_factors(
    users: pd.DataFrame, X: np.ndarray, names: list[str], c: float, n_boot: int, level: float, seed: int
) -> None:
    """metrics/factors.json and the forest plot, from the standardized behaviour + topic columns ``X``."""
    y = users["retained"].to_numpy().astype(int)
    if min(int(y.sum()), int(len(y) - y.sum())) < 2:
        reason = f"the cohort has {int(y.sum())} retained of {len(y)} users; odds ratios need at least 2 of each"
        log.warning("no factors: %s", reason)
        write_json(
            {"degenerate": reason, "ci_level": level, "odds_ratio_per_sd": {}, "quartiles": {}}, "metrics/factors.json"
        )
        plots.save(plots.notice("Retention factors: none", reason), "plots/explain/factors.png")
        return
    table = odds_ratios(X, y, names, c, n_boot, level, seed)
    quartiles = {name: quartile_rates(users[name].to_numpy(), y, level) for name in BEHAVIOUR_FEATURES}
    title = f"Retention odds ratio per SD ({int(y.sum())} retained of {len(y)} users)"
    plots.save(plots.forest(table, title, level), "plots/explain/factors.png")
    write_json(
        {
            "model": f"logistic regression on standardized behaviour + topics, L2 C={c}, balanced class weights",
            "n_users": int(len(y)),
            "n_retained": int(y.sum()),
            "ci_level": level,
            "odds_ratio_per_sd": {row.pop("feature"): row for row in table.to_dict("records")},
            "quartiles": quartiles,
        },
        "metrics/factors.json",
    )


def main() -> None:
    params = load_params()
    data, t, p = params.data, params.train, params.explain
    users = read_table(data.users)
    y = users["retained"].to_numpy().astype(int)
    topics = read_array(data.topics)
    base_design = build_design(
        users,
        topics,
        np.zeros((len(users), 0)),
        np.ones(len(users), bool),
        [b for b in t.features if b != "text"] or ["behaviour"],
        t.log_counts,
    )
    write_factors(users, base_design.X.astype(float), base_design.names, p.odds_c, p.odds_bootstrap, p.ci_level, p.seed)
    if (MODELS / "NOT_TRAINED.txt").exists():  # a degenerate cohort: say why, write every declared output
        reason = (MODELS / "NOT_TRAINED.txt").read_text(encoding="utf-8").strip()
        log.warning("nothing to explain: %s", reason)
        write_csv(pd.DataFrame(columns=list(IMPORTANCE_COLUMNS)), "plots/explain/importance.csv")
        plots.save(plots.notice("Permutation importance: no model", reason), "plots/explain/importance.png")
        write_json({"model": t.model, "degenerate": reason, "importance": {}}, "metrics/importance.json")
        return
    if t.model in KERAS_MODELS:  # TensorFlow only when a Keras model is loaded (its import alone costs seconds)
        seed_tensorflow(t.seed, t.threads)
    predictions = read_table(data.predictions)
    scheme = predictions.attrs.get("scheme", "holdout")
    split = users["split"].to_numpy()
    text = reduce_text(read_array(data.embeddings), t.text_components, t.seed)
    rows = np.ones(len(users), dtype=bool) if scheme == "cv" else split == "train"
    design = build_design(users, topics, text, rows, t.features, t.log_counts)
    n_static = design.X.shape[1]
    if t.model == "hybrid":
        design = with_sequences(design, sequence_array(read_table(data.sequences), users["user_id"]))
    groups = feature_groups(design.names)
    if scheme == "cv":
        result = from_columns(predictions, "p_model")
        repeats, folds = result.folds.shape[0], int(result.folds.max()) + 1
        result.predictors = [
            [
                FoldModel(load_fitted(t.model, MODELS / "cv" / f"r{r}_k{k}", design.X.shape[1], t, n_static))
                for k in range(folds)
            ]
            for r in range(repeats)
        ]
        table = pd.DataFrame(cv_importance(result, design.X, y, groups, p.repeats, p.seed, p.ci_level)).drop(
            columns="n"
        )
        scoring = f"drop in pooled out-of-fold ROC-AUC, {repeats} repeats x {p.repeats} shuffles, each fold's own model"
    else:
        model = load_fitted(t.model, MODELS, design.X.shape[1], t, n_static)
        test = split == "test"
        table = permutation_importance(model.predict, design.X[test], y[test], groups, p.repeats, p.seed, p.ci_level)
        scoring = "test ROC-AUC drop"
    write_csv(table, "plots/explain/importance.csv")
    where = "out of fold, all users" if scheme == "cv" else "test users"
    plots.save(plots.importance(table, t.model, where, p.ci_level), "plots/explain/importance.png")
    # Keyed by feature (not a list) so that `dvc metrics diff` shows each feature's change.
    features = {row.pop("feature"): row for row in table.to_dict("records")}
    write_json(
        {"model": t.model, "scheme": scheme, "scoring": scoring, "ci_level": p.ci_level, "importance": features},
        "metrics/importance.json",
    )
    log.info("top features: %s", ", ".join(table["feature"].head(5)))


if __name__ == "__main__":
    run(main)
