"""Each user's January day by day: the input of the hybrid model's LSTM branch.

Sums and means throw away rhythm: one post on the 14th, when the ban news broke, and a post every
few days until the 31st look alike. Here each user gets one step per day of the observation window
with that day's post count and the log1p of that day's summed likes, collects, comments and shares.
Only posts inside the observation window enter: nothing from the target window (February), whose
posting is the label.

Stored wide, one row per user keyed by ``user_id`` (columns ``d00_posts``, ``d00_likes`` …), so a
consumer aligns it with ``users.parquet`` by id, never by row order (:func:`sequence_array`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.core.errors import UserError
from rednote.core.window import Window
from rednote.features.cohort import COUNT_FEATURES

#: The values of one step, in order.
STEP_FEATURES = ("posts", *COUNT_FEATURES)


def window_days(observe: Window) -> int:
    """Number of whole days in ``observe`` (both ends included)."""
    return int((observe.end - observe.start).days) + 1


def step_columns(n_days: int) -> list[str]:
    """The wide table's value columns, day-major: ``d00_posts, d00_likes, …, d30_shares``."""
    width = max(2, len(str(n_days - 1)))
    return [f"d{day:0{width}d}_{name}" for day in range(n_days) for name in STEP_FEATURES]


def activity_sequences(posts: pd.DataFrame, user_ids: pd.Series, observe: Window) -> pd.DataFrame:
    """Day-by-day activity of ``user_ids`` over ``observe``, one row per user in the given order.

    ``posts``: cleaned posts (``user_id``, ``created_at``, the count columns). Returns ``user_id``
    then :func:`step_columns` (float32): per day the number of posts and log1p of each count's sum
    over that day's posts; zeros on days without posts.
    """
    n_days = window_days(observe)
    inside = posts.loc[observe.contains(posts["created_at"]) & posts["user_id"].isin(set(user_ids))]
    day = (inside["created_at"].dt.normalize() - observe.start).dt.days.to_numpy()
    row = pd.Index(user_ids).get_indexer(inside["user_id"])
    values = np.zeros((len(user_ids), n_days, len(STEP_FEATURES)), dtype=np.float64)
    np.add.at(values[:, :, 0], (row, day), 1.0)
    for k, column in enumerate(COUNT_FEATURES, start=1):
        np.add.at(values[:, :, k], (row, day), inside[column].to_numpy(dtype=np.float64))
    values[:, :, 1:] = np.log1p(np.clip(values[:, :, 1:], 0, None))
    table = pd.DataFrame(values.reshape(len(user_ids), -1).astype(np.float32), columns=step_columns(n_days))
    table.insert(0, "user_id", pd.Series(user_ids).to_numpy())
    return table


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
