"""Activity sequences: one step per January day per user, values, order, and nothing from February."""

import numpy as np
import pandas as pd
import pytest

from rednote.core.errors import UserError
from rednote.features.sequences import STEP_FEATURES, activity_sequences, sequence_array, step_columns


def watched(ids, start="2025-01-01", days=31):
    """Users watched ``days`` days from ``start`` (every one of them alike: the calendar design's January)."""
    begin = pd.Timestamp(start)
    return pd.DataFrame({"user_id": ids, "watch_start": begin, "watch_end": begin + pd.Timedelta(days=days)})


def posts(rows):
    frame = pd.DataFrame(rows, columns=["user_id", "created_at", "likes", "collects", "comments", "shares"])
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    return frame


POSTS = posts(
    [
        ("a", "2025-01-14 09:00", 3, 1, 0, 0),
        ("a", "2025-01-14 23:59", 4, 0, 0, 2),
        ("a", "2025-01-31 23:30", 0, 0, 7, 0),
        ("b", "2025-01-01 00:00", 99, 0, 0, 0),
        ("b", "2025-02-01 00:30", 10**6, 10**6, 10**6, 10**6),  # target window: must change nothing
        ("c", "2024-12-31 23:59", 5, 5, 5, 5),  # before the window
    ]
)


def test_one_step_per_day_with_posts_and_log_counts_in_the_users_order():
    table = activity_sequences(POSTS, watched(["b", "a"]))
    assert table["user_id"].tolist() == ["b", "a"]
    assert list(table.columns[1:6]) == ["d00_posts", "d00_likes", "d00_collects", "d00_comments", "d00_shares"]
    seq = sequence_array(table, pd.Series(["a", "b"]))
    assert seq.shape == (2, 31, len(STEP_FEATURES)) and seq.dtype == np.float32
    a, b = seq
    assert a[13].tolist() == pytest.approx([2, np.log1p(7), np.log1p(1), 0, np.log1p(2)])  # the 14th: two posts
    assert a[30].tolist() == pytest.approx([1, 0, 0, np.log1p(7), 0])  # the 31st, 23:30
    assert a.sum() == pytest.approx(a[13].sum() + a[30].sum())  # nothing on other days
    assert b[0].tolist() == pytest.approx([1, np.log1p(99), 0, 0, 0]) and b[1:].sum() == 0


def test_a_target_window_post_changes_nothing():
    without = POSTS[POSTS["created_at"] < "2025-02-01"]
    users = watched(["a", "b"])
    assert activity_sequences(POSTS, users).equals(activity_sequences(without, users))


def test_a_user_without_january_posts_is_all_zeros():
    seq = sequence_array(activity_sequences(POSTS, watched(["c"])), pd.Series(["c"]))
    assert seq.sum() == 0


def test_lookup_is_by_id_and_a_missing_user_is_one_sentence():
    table = activity_sequences(POSTS, watched(["a", "b"]))
    shuffled = table.iloc[::-1].reset_index(drop=True)
    assert np.array_equal(sequence_array(shuffled, pd.Series(["a", "b"])), sequence_array(table, pd.Series(["a", "b"])))
    with pytest.raises(UserError, match="1 user"):
        sequence_array(table, pd.Series(["a", "zz"]))


def test_columns_are_day_major():
    assert step_columns(2) == [f"d0{d}_{f}" for d in (0, 1) for f in STEP_FEATURES]


def test_under_landmark_each_user_steps_from_their_own_first_day_and_sees_nothing_after_their_watch():
    users = pd.concat([watched(["a"], "2025-01-14", 7), watched(["b"], "2025-01-01", 7)], ignore_index=True)
    a, b = sequence_array(activity_sequences(POSTS, users), users["user_id"])
    assert a.shape == (7, len(STEP_FEATURES))
    assert a[0, 0] == 2 and a[1:].sum() == 0  # the 14th is a's day 0; the 31st lies past a's seven days
    assert b[0, 0] == 1 and b[1:].sum() == 0
