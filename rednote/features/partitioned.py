"""`label` on a Dask cluster (``REDNOTE_ENGINE=dask``): the per-user work of :func:`rednote.features.cohort.label_users`
on partitions of whole users.

What compares users with each other stays with the stage on two columns of the posts (``user_id``, ``created_at``):
the watch windows and their checks, the cohort and its counts, the account features' fill, the split. What grows
with the crawl runs on the workers, over the posts shuffled by author: each user's features, text and tags
(:func:`~rednote.features.cohort.user_rows`), their jieba tokens, and their day-by-day activity. The functions are the
pandas engine's, so the users table and the sequences are the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from rednote.core.engine import DASK_CONFIG, ROWS_PER_PARTITION
from rednote.core.params import LabelParams
from rednote.core.window import Window
from rednote.features.cohort import label_users, user_rows
from rednote.features.sequences import activity_sequences, longest_watch
from rednote.features.tokens import tokenize_all

if TYPE_CHECKING:
    from distributed import Client

#: The posts' columns the stage itself reads.
KEY_COLUMNS = ["user_id", "created_at"]


def tokenized_rows(
    posts: pd.DataFrame,
    observe: Window,
    windows: pd.DataFrame,
    comments: pd.DataFrame | None,
    stop_words: frozenset[str],
) -> pd.DataFrame:
    """:func:`~rednote.features.cohort.user_rows` of the users of ``windows`` in ``posts``, with their ``tokens``."""
    rows = user_rows(posts, observe, windows, comments)
    return rows.assign(tokens=tokenize_all(rows["text"], stop_words))


def _part(
    posts: pd.DataFrame,
    p: LabelParams,
    windows: pd.DataFrame,
    comments: pd.DataFrame | None,
    stop_words: frozenset[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One partition of whole authors: their rows with tokens, and the day-by-day activity of every one of them
    (as long as the longest watch of all users, so that the parts line up)."""
    rows = tokenized_rows(posts, Window.of(p.observe_start, p.observe_end), windows, comments, stop_words)
    return rows, activity_sequences(posts, rows, longest_watch(windows))


def label_on_cluster(
    client: Client, posts_path: str | Path, comments: pd.DataFrame, p: LabelParams, stop_words: frozenset[str]
) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """:func:`~rednote.features.cohort.label_users` of the posts at ``posts_path`` with tokens, on ``client``'s
    cluster; also the users' day-by-day activity (:func:`~rednote.features.sequences.activity_sequences`)."""
    import dask
    import dask.dataframe as dd

    keys = pd.read_parquet(posts_path, columns=KEY_COLUMNS)
    sequences: list[pd.DataFrame] = []
    empty: list[pd.DataFrame] = []  # the posts' columns, no rows

    def make_rows(windows: pd.DataFrame, counted: pd.DataFrame | None) -> pd.DataFrame:
        workers = len(client.scheduler_info()["workers"])
        partitions = max(2 * workers, -(-len(keys) // ROWS_PER_PARTITION))
        with dask.config.set(DASK_CONFIG):
            posts = dd.read_parquet(posts_path)
            empty.append(posts._meta)
            by_author = posts.shuffle(on="user_id", npartitions=partitions).to_delayed()
            [shared] = client.scatter([windows], broadcast=True)
            tasks = [dask.delayed(_part)(x, p, shared, counted, stop_words) for x in by_author]
            parts = client.gather(client.compute(tasks))
        sequences.append(pd.concat([s for _, s in parts], ignore_index=True))
        rows = pd.concat([r for r, _ in parts if len(r)] or [parts[0][0]])
        return rows.sort_values("user_id", kind="mergesort").reset_index(drop=True)

    users, chosen = label_users(keys, p, str(posts_path), comments, make_rows)
    if not len(users):  # no user: the pandas engine's table has no day columns either
        return users, chosen, activity_sequences(empty[0], users)
    return users, chosen, sequences[0].set_index("user_id").loc[users["user_id"]].reset_index()
