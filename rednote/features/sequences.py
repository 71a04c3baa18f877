"""Each user's watch day by day: the input of the hybrid model's LSTM branch.

Sums and means throw away rhythm: one post on the 14th, when the ban news broke, and a post every
few days until the 31st look alike. Here each user gets one step per day of their watch (January under
``label.design: calendar``; their first ``label.landmark_days`` days under ``landmark``) with that day's
post count and the log1p of that day's summed likes, collects, comments and shares. Only posts inside
the watch enter: nothing from the label window, whose posting is the label.

Stored wide, one row per user keyed by ``user_id`` (columns ``d00_posts``, ``d00_likes`` …), so a
consumer aligns it with ``users.parquet`` by id, never by row order (:func:`sequence_array`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.core.errors import UserError
from rednote.features.cohort import COUNT_FEATURES

#: The values of one step, in order.
STEP_FEATURES = ("posts", *COUNT_FEATURES)


def step_columns(n_days: int) -> list[str]:
    """The wide table's value columns, day-major: ``d00_posts, d00_likes, …, d30_shares``."""
    width = max(2, len(str(n_days - 1)))
    return [f"d{day:0{width}d}_{name}" for day in range(n_days) for name in STEP_FEATURES]


def activity_sequences(posts: pd.DataFrame, users: pd.DataFrame, n_days: int | None = None) -> pd.DataFrame:
    """Day-by-day activity of ``users`` over their watch, one row per user in the given order.

    ``posts``: cleaned posts (``user_id``, ``created_at``, the count columns); ``users``: ``user_id``,
    ``watch_start`` and ``watch_end`` (whole days, the end excluded; :func:`rednote.features.cohort.watch_windows`).
    Returns ``user_id`` then :func:`step_columns` for the longest watch (float32): per day the number of posts and
    log1p of each count's sum over that day's posts; zeros on days without posts. ``n_days``: the longest watch of a
    cohort ``users`` is part of (by default, of ``users``).
    """
    if n_days is None:
        n_days = longest_watch(users)
    starts = pd.Series(users["watch_start"].to_numpy(), index=pd.Index(users["user_id"]))
    ends = pd.Series(users["watch_end"].to_numpy(), index=starts.index)
    mine = posts.loc[posts["user_id"].isin(set(starts.index))]
    start, end = mine["user_id"].map(starts), mine["user_id"].map(ends)
    inside = mine.loc[(mine["created_at"] >= start) & (mine["created_at"] < end)]
    day = (inside["created_at"].dt.normalize() - start[inside.index]).dt.days.to_numpy()
    row = starts.index.get_indexer(inside["user_id"])
    values = np.zeros((len(users), n_days, len(STEP_FEATURES)), dtype=np.float64)
    np.add.at(values[:, :, 0], (row, day), 1.0)
    for k, column in enumerate(COUNT_FEATURES, start=1):
        np.add.at(values[:, :, k], (row, day), inside[column].to_numpy(dtype=np.float64))
    values[:, :, 1:] = np.log1p(np.clip(values[:, :, 1:], 0, None))
    table = pd.DataFrame(values.reshape(len(users), -1).astype(np.float32), columns=step_columns(n_days))
    table.insert(0, "user_id", users["user_id"].to_numpy())
    return table


def longest_watch(users: pd.DataFrame) -> int:
    """The days of the longest watch in ``users`` (``watch_start``, ``watch_end``); 0 for no user."""
    return int((users["watch_end"] - users["watch_start"]).dt.days.max()) if len(users) else 0


def sequence_array(table: pd.DataFrame, user_ids: pd.Series) -> np.ndarray:
    """The (n users, days, len(STEP_FEATURES)) float32 array for ``user_ids``, looked up by id in ``table``."""
    position = pd.Index(table["user_id"]).get_indexer(user_ids)
    if (position < 0).any():
        missing = int((position < 0).sum())
        raise UserError(
            f"{missing} user(s) of the users table have no activity sequence; rerun `dvc repro label` "
            "so both come from the same posts."
        )
    values = table.drop(columns="user_id").to_numpy(dtype=np.float32)[position]
    return values.reshape(len(user_ids), -1, len(STEP_FEATURES))
