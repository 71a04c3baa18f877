"""explain: which inputs the model uses (permutation importance) and which factors go with retention (odds ratios, quartile rates).

Importance under `cv` (default): each fold's model shuffles each feature group among the users it
scored, so the interval covers different fits and users; under `holdout`: the one model on test users.
Factors describe all cohort users: a regularized logistic model on standardized behaviour + topics
(odds ratio per SD, bootstrap interval over users) and retention by quartile (Wilson intervals).
"""

import logging
from pathlib import Path

from rednote.core import artifacts as out
from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.topics import read_topic_words
from rednote.modeling.design import baseline_design, model_design
from rednote.modeling.factors import factors_report
from rednote.modeling.importance import model_importance, no_importance
from rednote.modeling.models import KERAS_MODELS, load_fits, seed_tensorflow
from rednote.modeling.run_record import read_run_record
from rednote.report.figures import explain as figures
from rednote.report.figures.common import notice, save

log = logging.getLogger("rednote.explain")


def main() -> None:
    params = load_params()
    data, t, p = params.data, params.train, params.explain
    users, topics = read_table(data.users), read_array(data.topics)
    base = baseline_design(users, topics, t)
    factors, odds = factors_report(users, base.X.astype(float), base.names, p)
    words = read_topic_words(out.TOPICS)
    if odds is None:
        save(notice("Retention factors: none", factors["degenerate"]), out.FACTORS_FIGURE)
    else:
        save(figures.odds_forest(odds, words, users["retained"], p.ci_level), out.FACTORS_FIGURE)
    write_json(factors, out.FACTORS)
    record = read_run_record(out.RUN_RECORD)
    if record.degenerate:  # say why, and write every declared output
        log.warning("nothing to explain: %s", record.degenerate)
        table, report = no_importance(record, p.ci_level)
        figure = notice("Permutation importance: no model", record.degenerate)
    else:
        if record.model in KERAS_MODELS:  # TensorFlow only when a Keras model is loaded (its import costs seconds)
            seed_tensorflow(t.seed, t.threads)
        sequences = read_table(data.sequences) if record.model == "hybrid" else None
        design = model_design(users, topics, read_array(data.embeddings), sequences, record.scheme, t)
        fits = load_fits(record, Path(out.FITS), design.X.shape[1], t, design.n_static)
        table, report = model_importance(record, design, users, read_table(data.predictions), fits, p)
        figure = figures.importance(table, record.model, report["scored_on"], p.ci_level, words)
        log.info("top features: %s", ", ".join(table["feature"].head(5)))
    write_csv(table, out.IMPORTANCE_TABLE)
    save(figure, out.IMPORTANCE_FIGURE)
    write_json(report, out.IMPORTANCE)


if __name__ == "__main__":
    run(main)
