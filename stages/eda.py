"""eda: the study's exploratory figures (count distributions, counts by retention, correlations, daily active users, top words, word clouds)."""

import logging
from pathlib import Path

from rednote.core.artifacts import DAILY_ACTIVE_USERS_FIGURE, EDA_PLOTS, WORD_CLOUDS_FIGURE
from rednote.core.io import read_table, write_csv
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.report.figures import eda as figures
from rednote.report.figures.common import save

log = logging.getLogger("rednote.eda")
OUT = Path(EDA_PLOTS)


def main() -> None:
    params = load_params()
    data, p = params.data, params.eda
    # the posts' two columns the daily count needs: their text would take gigabytes at millions of posts
    posts, users = read_table(data.posts, columns=["created_at", "user_id"]), read_table(data.users)
    # Label-aware figures use training users only, so no look at test labels steers a modelling choice.
    users = users[users["split"] == "train"]
    save(figures.count_distributions(users), OUT / "count_distributions.png")
    save(figures.counts_by_retention(users), OUT / "counts_by_retention.png")
    fig, matrix = figures.correlation(users)
    save(fig, OUT / "correlation.png")
    write_csv(matrix.reset_index(names="feature"), OUT / "correlation.csv")
    fig, daily = figures.daily_active(posts)
    save(fig, DAILY_ACTIVE_USERS_FIGURE)
    write_csv(daily, OUT / "daily_active_users.csv")
    fig, words = figures.top_words(users["tokens"], users["retained"], p.top_words)
    save(fig, OUT / "top_words.png")
    write_csv(words, OUT / "top_words.csv")
    fig, cloud_words = figures.word_clouds(users["tokens"], users["retained"], p.wordcloud_words, p.seed)
    save(fig, WORD_CLOUDS_FIGURE)
    write_csv(cloud_words, OUT / "word_clouds.csv")
    log.info("wrote EDA figures for %d posts and %d training users to %s", len(posts), len(users), OUT)


if __name__ == "__main__":
    run(main)
