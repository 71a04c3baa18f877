"""topics: users' January tokens → NMF topic weights per user (fitted on training users) + topic table."""

import logging

from rednote.core.artifacts import TOPICS
from rednote.core.io import read_table, write_array, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.topics import fit_topics, topic_table

log = logging.getLogger("rednote.topics")


def main() -> None:
    params = load_params()
    data, p = params.data, params.topics
    users = read_table(data.users)
    train = users["split"] == "train"
    model = fit_topics(
        users.loc[train, "tokens"].tolist(),
        p.n_topics,
        p.max_features,
        p.min_df,
        p.max_df,
        p.seed,
    )
    weights = model.weights(users["tokens"].tolist())
    table = topic_table(weights[train.to_numpy()], users.loc[train, "retained"], model.top_words(p.n_top_words))
    write_array(weights, data.topics)
    write_json({"fitted_on": "train", "topics": table}, TOPICS)
    log.info("wrote %s topic weights to %s", weights.shape, data.topics)


if __name__ == "__main__":
    run(main)
