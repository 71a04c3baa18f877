"""`label` on a Dask cluster (``REDNOTE_ENGINE=dask``): the per-user work of :func:`rednote.features.cohort.label_users`
on partitions of whole users.

What compares users with each other stays with the stage on two columns of the posts (``user_id``, ``created_at``):
the watch windows and their checks, the cohort and its counts, the account features' fill, the split. What grows
with the crawl runs on the workers, over the posts shuffled by author into ranges of users of about equal numbers of
posts, cut by the stage from its two columns (:func:`user_ranges`; a disk-backed shuffle), each task with its
range's watch windows: each user's features, text and tags (:func:`~rednote.features.cohort.user_rows`), their jieba tokens, and their
day-by-day activity, each range written to a file of the stage's scratch folder (:mod:`rednote.core.scratch`) and
read back in order as the tables are written. The functions are the pandas engine's, so the users table and the
sequences are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rednote.core.engine import DASK_CONFIG, ROWS_PER_PARTITION
from rednote.core.params import LabelParams
from rednote.core.scratch import put, releasing, take
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


@releasing
def _part(
    posts: pd.DataFrame,
    p: LabelParams,
    windows: pd.DataFrame,
    comments: pd.DataFrame | None,
    stop_words: frozenset[str],
    days: int,
    out: tuple[Path, Path, Path],
) -> tuple[str, str, str]:
    """One partition of whole authors (``windows``: theirs): their rows with tokens, and the day-by-day activity of
    every one of them (``days`` long: the longest watch of all users, so that the parts line up), written to the files ``out[:2]``, and
    their rows with the :data:`LARGE_COLUMNS` left empty (None) to ``out[2]``; the three files (so that the worker
    holds no result until the stage gathers them all)."""
    posts = posts.reset_index(drop=True)  # indexed by author (also a column) on the cluster
    rows = tokenized_rows(posts, Window.of(p.observe_start, p.observe_end), windows, comments, stop_words)
    sequences = activity_sequences(posts, rows, days)
    return put(rows, out[0]), put(sequences, out[1]), put(rows.assign(**dict.fromkeys(LARGE_COLUMNS)), out[2])


#: The users table's columns that grow with the crawl (a user's words): they stay in files until written.
LARGE_COLUMNS = ("text", "tags", "tokens")


def user_ranges(user_ids: pd.Series, parts: int) -> list[str]:
    """Divisions (Dask's: the first user of each range, then the last user) that cut the users, in id order, into at
    most ``parts`` ranges of about equal numbers of posts; ``user_ids`` holds each post's author. A range holds whole
    users, so a user with more posts than a range's share makes a longer one."""
    counts = user_ids.value_counts().sort_index()
    users, ends = counts.index, counts.to_numpy().cumsum()
    share = ends[-1] / parts
    firsts = np.unique(np.searchsorted(ends, share * np.arange(1, parts), side="left") + 1)
    firsts = firsts[firsts < len(users) - 1]  # each range ends before the last user's own division
    return [users[0], *users[firsts], users[-1]]


def _in_range(windows: pd.DataFrame, divisions: list[str], i: int) -> pd.DataFrame:
    """The rows of ``windows`` (indexed by user id) in range ``i`` of ``divisions`` (the last range includes its end)."""
    ids = windows.index
    before_end = ids < divisions[i + 1] if i < len(divisions) - 2 else ids <= divisions[i + 1]
    return windows.loc[(ids >= divisions[i]) & before_end]


@dataclass
class ScratchParts:
    """The partitions of :func:`label_on_cluster`, in user id order: each a file of user rows with tokens and a file
    of their sequences."""

    files: list[tuple[str, str]]
    #: The posts' columns, no rows: what the sequences of a cohort of no user are made from (as one process makes them).
    no_posts: pd.DataFrame

    def _blocks(self, users: pd.DataFrame, which: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """Each part's users of ``users`` (sorted by user id, as ``label_users`` gives them) with their rows
        (``which`` 0) or sequences (1), indexed by user id; one part at a time."""
        for files in self.files:
            found = take(files[which])
            block = users.loc[users["user_id"].isin(found["user_id"])]
            yield block, found.set_index("user_id").loc[block["user_id"]]

    def users(self, users: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """``users`` (``label_users``' table with the split) with their :data:`LARGE_COLUMNS`, a part at a time."""
        if not len(users):
            yield users
        for block, found in self._blocks(users, 0):
            yield block.assign(**{name: found[name].to_numpy() for name in LARGE_COLUMNS})

    def sequences(self, users: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """The day-by-day activity of ``users``, in their order, a part at a time."""
        if not len(users):
            yield activity_sequences(self.no_posts, users)
        for _, found in self._blocks(users, 1):
            yield found.reset_index()


@releasing
def label_on_cluster(
    cluster: Callable[[], AbstractContextManager[Client]],
    posts_path: str | Path,
    comments: pd.DataFrame,
    p: LabelParams,
    stop_words: frozenset[str],
    folder: Path,
) -> tuple[pd.DataFrame, dict, ScratchParts]:
    """:func:`~rednote.features.cohort.label_users` of the posts at ``posts_path`` with tokens, on the cluster of the
    client ``cluster()`` opens (:func:`rednote.core.engine.dask_client`; closed once the rows are made, so that its
    workers' memory is free while the stage's holds the users), but with the :data:`LARGE_COLUMNS` empty: :meth:`ScratchParts.users` fills them in as the table is
    written, and :meth:`ScratchParts.sequences` gives the users' day-by-day activity
    (:func:`~rednote.features.sequences.activity_sequences`). The posts are shuffled by author into ranges of users (:func:`user_ranges`)
    (a disk-backed shuffle), and each range's rows and sequences are files of ``folder``."""
    import dask
    import dask.dataframe as dd

    keys = pd.read_parquet(posts_path, columns=KEY_COLUMNS)
    files: list[tuple[str, str]] = []
    empty: list[pd.DataFrame] = []  # the posts' columns, no rows

    def make_rows(windows: pd.DataFrame, counted: pd.DataFrame | None) -> pd.DataFrame:
        with cluster() as client, dask.config.set(DASK_CONFIG):
            partitions = max(2 * len(client.scheduler_info()["workers"]), -(-len(keys) // ROWS_PER_PARTITION))
            divisions = user_ranges(keys["user_id"], partitions)  # ranges of users cut from the stage's two columns
            # a partition a row group (``write_parts`` writes 100,000 rows a group): by default Dask reads a file
            # of a few hundred MB as one partition, so a worker would hold the whole crawl
            posts = dd.read_parquet(Path(posts_path).resolve(), split_row_groups=True)
            empty.append(posts._meta)
            by_author = posts.set_index("user_id", drop=False, divisions=divisions).to_delayed()
            names = ("rows", "sequences", "users")
            outs = [tuple(folder / f"{name}-{i:05d}.pkl" for name in names) for i in range(len(by_author))]
            # each range's watch windows go to the task that needs them, not every window to every worker
            days = longest_watch(windows)
            mine = client.scatter([_in_range(windows, divisions, i) for i in range(len(by_author))])
            done = client.gather(
                client.compute(
                    [
                        dask.delayed(_part)(x, p, w, counted, stop_words, days, o)
                        for x, w, o in zip(by_author, mine, outs)
                    ]
                )
            )
        files.extend((rows, sequences) for rows, sequences, _ in done)
        small = [take(users, remove=True) for _, _, users in done]
        rows = pd.concat([r for r in small if len(r)] or small[:1])
        return rows.sort_values("user_id", kind="mergesort").reset_index(drop=True)

    users, chosen = label_users(keys, p, str(posts_path), comments, make_rows)
    return users, chosen, ScratchParts(files, empty[0])
