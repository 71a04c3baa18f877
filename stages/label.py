"""label: posts → one row per January user: January-only features, text, tokens, `retained`, split."""

import logging

from rednote.core.artifacts import COHORT
from rednote.core.errors import UserError
from rednote.core.io import read_table, write_json, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.core.window import Window
from rednote.features.cohort import assign_split, build_users, select_cohort
from rednote.features.sequences import activity_sequences
from rednote.features.tokens import tokenize_all

log = logging.getLogger("rednote.label")


def main() -> None:
    params = load_params()
    data, p, s = params.data, params.label, params.split
    posts = read_table(data.posts)
    observe = Window.of(p.observe_start, p.observe_end)
    users = build_users(posts, observe, Window.of(p.target_start, p.target_end))
    if users.empty:
        window = f"the observation window {p.observe_start}..{p.observe_end}"
        if posts.empty:
            raise UserError(
                f"{data.posts} has no posts, so none falls in {window}: clean kept no raw row "
                "(metrics/data_quality.json counts those outside clean.window_*, duplicated or without user_id); "
                "check data.raw and clean.window_* against the crawl's dates."
            )
        span = f"{posts['created_at'].min():%Y-%m-%d}..{posts['created_at'].max():%Y-%m-%d}"
        raise UserError(
            f"no post in {data.posts} falls in {window} (its {len(posts)} posts run {span}); "
            "check label.observe_* and clean.window_* against the crawl's dates."
        )
    users, chosen = select_cohort(users, p.cohort, Window.of(p.joined_start, p.joined_end))
    users["tokens"] = tokenize_all(users["text"], frozenset(map(str, p.extra_stop_words)))
    users["split"] = assign_split(users["retained"], s.val_share, s.test_share, s.seed)
    write_table(users, data.users)
    write_table(activity_sequences(posts, users["user_id"], observe), data.sequences)
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
