"""`label` on a Dask cluster (``REDNOTE_ENGINE=dask``): the per-user work of :func:`rednote.features.cohort.label_users`
on partitions of whole users.

What compares users with each other stays with the stage on two columns of the posts (``user_id``, ``created_at``):
the watch windows and their checks, the cohort and its counts, the account features' fill, the split. What grows
with the crawl runs on the workers, over the posts shuffled by author: each user's features, text and tags
(:func:`~rednote.features.cohort.user_rows`), their jieba tokens, and their day-by-day activity. The functions are the
pandas engine's, so the users table and the sequences are the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


#: The users table's columns that grow with the crawl (a user's words): they stay on the cluster until written.
LARGE_COLUMNS = ("text", "tags", "tokens")


def _small(part: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """A partition's user rows with the :data:`LARGE_COLUMNS` left empty (None), in their places."""
    return part[0].assign(**dict.fromkeys(LARGE_COLUMNS))


def _between(which: int, low: str, high: str, *parts: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """The rows (``which`` 0) or sequences (1) of the users from ``low`` to ``high`` in every partition."""
    pieces = [part[which].loc[part[which]["user_id"].between(low, high)] for part in parts]
    return pd.concat([piece for piece in pieces if len(piece)] or pieces[:1])


@dataclass
class OnCluster:
    """The partitions of :func:`label_on_cluster` (each: user rows with tokens, and sequences), kept on the cluster."""

    client: Client
    parts: list
    #: The posts' columns, no rows: what the sequences of a cohort of no user are made from (as one process makes them).
    no_posts: pd.DataFrame

    def _blocks(self, users: pd.DataFrame, which: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """Each block of ``users`` (sorted by user id, as ``label_users`` gives them) with its users' rows or
        sequences from the cluster, indexed by user id; one block at a time."""
        for start in range(0, len(users), ROWS_PER_PARTITION):
            block = users.iloc[start : start + ROWS_PER_PARTITION]
            low, high = block["user_id"].iloc[0], block["user_id"].iloc[-1]
            found = self.client.submit(_between, which, low, high, *self.parts, pure=False).result()
            yield block, found.set_index("user_id").loc[block["user_id"]]

    def users(self, users: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """``users`` (``label_users``' table with the split) with their :data:`LARGE_COLUMNS`, a block at a time."""
        if not len(users):
            yield users
        for block, found in self._blocks(users, 0):
            yield block.assign(**{name: found[name].to_numpy() for name in LARGE_COLUMNS})

    def sequences(self, users: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """The day-by-day activity of ``users``, in their order, a block at a time."""
        if not len(users):
            yield activity_sequences(self.no_posts, users)
        for _, found in self._blocks(users, 1):
            yield found.reset_index()


def label_on_cluster(
    client: Client, posts_path: str | Path, comments: pd.DataFrame, p: LabelParams, stop_words: frozenset[str]
) -> tuple[pd.DataFrame, dict, OnCluster]:
    """:func:`~rednote.features.cohort.label_users` of the posts at ``posts_path`` with tokens, on ``client``'s
    cluster, but with the :data:`LARGE_COLUMNS` empty: :meth:`OnCluster.users` fills them in as the table is
    written, and :meth:`OnCluster.sequences` gives the users' day-by-day activity
    (:func:`~rednote.features.sequences.activity_sequences`)."""
    import dask
    import dask.dataframe as dd

    keys = pd.read_parquet(posts_path, columns=KEY_COLUMNS)
    kept: list = []
    empty: list[pd.DataFrame] = []  # the posts' columns, no rows

    def make_rows(windows: pd.DataFrame, counted: pd.DataFrame | None) -> pd.DataFrame:
        workers = len(client.scheduler_info()["workers"])
        partitions = max(2 * workers, -(-len(keys) // ROWS_PER_PARTITION))
        with dask.config.set(DASK_CONFIG):
            posts = dd.read_parquet(posts_path)
            empty.append(posts._meta)
            by_author = posts.shuffle(on="user_id", npartitions=partitions).to_delayed()
            [shared] = client.scatter([windows], broadcast=True)
            kept.extend(client.compute([dask.delayed(_part)(x, p, shared, counted, stop_words) for x in by_author]))
        small = client.gather([client.submit(_small, part) for part in kept])
        rows = pd.concat([r for r in small if len(r)] or small[:1])
        return rows.sort_values("user_id", kind="mergesort").reset_index(drop=True)

    users, chosen = label_users(keys, p, str(posts_path), comments, make_rows)
    return users, chosen, OnCluster(client, kept, empty[0])
