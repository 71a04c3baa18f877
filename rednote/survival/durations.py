"""Each cohort user's time to silence: from their first post to the start of a silence, or censored at the crawl's end.

A *silence* is a run of at least ``silence_days`` days without a post. Its start is the day after the last post
before it, and the duration is counted in whole days from the day of the user's first post: a user who posted on
one day only and never again has duration 1. A silence can only be seen to start on a day with ``silence_days``
days of the crawl after it, so the last such day is where every user not seen to fall silent by then is *censored*
(administrative censoring, the same day for everyone): censoring them at the crawl's end instead would count a user
who went quiet a week before it as still posting, and late arrivals, watched for fewer days, would look steadier.

The crawl sees only posts under its hashtags, so a silence here is a silence *under those hashtags*: a user who
kept posting about other things is counted as silent (README, *How long they kept posting*).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.core.errors import UserError

#: Columns of :func:`time_to_silence`'s table, after ``user_id``.
DURATION_COLUMNS = ("duration", "event", "landmark_day")


def time_to_silence(
    posts: pd.DataFrame, users: pd.DataFrame, silence_days: int, crawl_end: pd.Timestamp
) -> pd.DataFrame:
    """One row per user of ``users`` (same order): ``duration`` (days, ≥ 1), ``event`` (1: fell silent, 0: censored
    on the last day a silence could be seen to start, :func:`last_visible_start`), ``landmark_day`` (days from the
    first post to the end of the user's watch, ``watch_end``).

    ``posts``: cleaned posts (``user_id``, ``created_at``); ``users``: ``user_id``, ``first_post`` and
    ``watch_end`` (whole days; :func:`rednote.features.cohort.watch_windows`); ``crawl_end``: the first day the
    crawl no longer watches (posts from it on are ignored). Every first post must lie before
    ``last_visible_start`` (:func:`check_silence_days` says so in one sentence).
    """
    first = pd.Series(users["first_post"].to_numpy(), index=pd.Index(users["user_id"]))
    mine = posts.loc[posts["user_id"].isin(set(first.index)), ["user_id", "created_at"]]
    start = mine["user_id"].map(first)
    day = (mine["created_at"].dt.normalize() - start).dt.days
    days = pd.DataFrame({"user_id": mine["user_id"], "day": day})
    days = days.loc[(days["day"] >= 0) & (mine["created_at"] < crawl_end)].drop_duplicates()
    days = days.sort_values(["user_id", "day"])  # unique pairs: any sort gives this order
    end = (crawl_end - first).dt.days  # days watched from the first post (the crawl's last day included)
    following = days.groupby("user_id")["day"].shift(-1)
    following = following.fillna(days["user_id"].map(end)).astype("int64")
    silent = following - days["day"] - 1 >= silence_days
    fell = days.loc[silent].groupby("user_id")["day"].first() + 1
    duration = fell.reindex(first.index)
    event = duration.notna()
    censor = (last_visible_start(crawl_end, silence_days) - first).dt.days  # not silent by then: silent later
    duration = duration.fillna(censor).astype("int64")
    landmark = (pd.Series(users["watch_end"].to_numpy(), index=first.index) - first).dt.days
    return pd.DataFrame(
        {
            "user_id": first.index,
            "duration": np.maximum(duration.to_numpy(), 1),
            "event": event.to_numpy().astype("int8"),
            "landmark_day": landmark.to_numpy().astype("int64"),
        }
    )


def last_visible_start(crawl_end: pd.Timestamp, silence_days: int) -> pd.Timestamp:
    """The last day on which a silence can be seen to start: ``silence_days`` days of the crawl follow it."""
    return crawl_end - pd.Timedelta(days=silence_days)


def check_silence_days(first_post: pd.Series, crawl_end: pd.Timestamp, silence_days: int) -> None:
    """Stop with one sentence when some user's first post leaves no day to see a silence start."""
    last = last_visible_start(crawl_end, silence_days)
    if len(first_post) and first_post.max() >= last:
        room = int((crawl_end - first_post.max()).days) - 1
        raise UserError(
            f"survival.silence_days={silence_days} needs that many days of the crawl after a silence starts, but the "
            f"last user's first post ({first_post.max():%Y-%m-%d}) is followed by {room} day(s) up to the crawl's "
            f"end; set survival.silence_days to at most {max(room, 1)} or watch longer (label.target_end)."
        )


def at_risk_after_landmark(durations: pd.DataFrame) -> np.ndarray:
    """Which users were still posting at their landmark (had not fallen silent, nor been censored, by the end of
    their watch): the users a landmark Cox model may follow, from the landmark on, with covariates from the watch."""
    return (durations["duration"] > durations["landmark_day"]).to_numpy()
