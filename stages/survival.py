"""survival: how long cohort users kept posting: time to a silence, Kaplan-Meier curves by group with log-rank
tests, and a landmark Cox model (hazard ratios per SD, proportional-hazards check, out-of-fold concordance)."""

import logging

import pandas as pd

from rednote.core import artifacts as out
from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.topics import read_topic_words
from rednote.report.figures.common import save
from rednote.report.figures.survival import survival_figures
from rednote.survival.analysis import survival_analysis

log = logging.getLogger("rednote.survival")


def main() -> None:
    params = load_params()
    data, lab, p = params.data, params.label, params.survival
    users, topics = read_table(data.users), read_array(data.topics)
    window = (pd.Timestamp(lab.observe_start), pd.Timestamp(lab.target_end) + pd.Timedelta(days=1))
    result = survival_analysis(
        read_table(data.posts), users, topics, read_topic_words(out.TOPICS), read_table(data.segments),
        window, p, params.evaluate.cv, params.evaluate.seed, params.train.log_counts, lab.design,
    )  # fmt: skip
    write_json(result.summary, out.SURVIVAL)
    write_csv(result.overall.table(), out.SURVIVAL_CURVE)
    write_csv(result.group_curves(), out.SURVIVAL_GROUP_CURVES)
    write_csv(result.hazard_table(), out.HAZARD_TABLE)
    for path, figure in survival_figures(result, p.ci_level, p.silence_days).items():
        save(figure, path)
    summary, cox = result.summary, result.summary["cox"]
    log.info(
        "%d users, %d fell silent, median %s days; Cox on %d users still posting at their landmark: %s",
        summary["users"], summary["fell_silent"], summary["median_days_to_silence"]["days"], cox["users"],
        cox["degenerate"] or f"concordance {cox['concordance']['model']['concordance']:.3f}",
    )  # fmt: skip


if __name__ == "__main__":
    run(main)
