"""label: posts → one row per cohort user: features from their watch, text, tokens, `retained`, split."""

import logging

from rednote.core.artifacts import COHORT
from rednote.core.engine import dask_client, engine_scratch
from rednote.core.io import read_table, write_json, write_parts
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.cohort import assign_split, label_users
from rednote.features.partitioned import label_on_cluster
from rednote.features.sequences import activity_sequences
from rednote.features.tokens import tokenize_all

log = logging.getLogger("rednote.label")


def main() -> None:
    params = load_params()
    data, p, s = params.data, params.label, params.split
    stop_words = frozenset(map(str, p.extra_stop_words))
    with engine_scratch(data.users) as folder:  # written while the scratch folder holds them
        if folder:
            users, chosen, kept = label_on_cluster(
                dask_client, data.posts, read_table(data.comments), p, stop_words, folder
            )
        else:
            posts = read_table(data.posts)
            users, chosen = label_users(posts, p, data.posts, read_table(data.comments))
            users["tokens"] = tokenize_all(users["text"], stop_words)
        users["split"] = assign_split(users["retained"], s.val_share, s.test_share, s.seed)
        write_parts(kept.users(users) if folder else [users], data.users)
        write_parts(kept.sequences(users) if folder else [activity_sequences(posts, users)], data.sequences)
    by_split = users.groupby("split")["retained"].agg(["size", "sum"])
    write_json(
        {
            **chosen,
            "users_in_cohort": len(users),
            "retained_users": int(users["retained"].sum()),
            "retained_share": float(users["retained"].mean()),
            "splits": {
                name: {"users": int(row["size"]), "retained": int(row["sum"])} for name, row in by_split.iterrows()
            },
        },
        COHORT,
    )
    log.info("wrote %d users (%d retained) to %s", len(users), int(users["retained"].sum()), data.users)


if __name__ == "__main__":
    run(main)
