"""The January cohort, its retention label, its January-only features, and the train/validation/test split.

A user is in the cohort if they post in the observation window (January); ``retained`` is 1 if
they also post in the target window (February). Every feature comes from observation-window posts
only: the target window decides the label and nothing else.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from rednote.core.errors import UserError
from rednote.core.window import Window

log = logging.getLogger(__name__)

COUNT_FEATURES = ("likes", "collects", "comments", "shares")
#: Behaviour features per user, in the order models see them. ``*_sum``/``*_mean`` are over January posts.
BEHAVIOUR_FEATURES = (
    *(f"{c}_sum" for c in COUNT_FEATURES),
    *(f"{c}_mean" for c in COUNT_FEATURES),
    "n_posts",
    "active_days",
    "first_day",
    "last_day",
    "hour_sin",
    "hour_cos",
    "night_share",
    "video_share",
)
#: Account features per user (the design's ``account`` block): days from the account's creation to the user's first
#: post in the observation window, and whether the account existed before the window (1: an established user, 0: a
#: newcomer). Read from the account-creation day ``clean`` takes from the raw user id; an unknown day (hashed or
#: numeric ids) is filled with the median age of the users whose day is known, and ``established`` with 0 (a
#: label-free fill over the cohort's January data; ``cohort.json`` counts the unknown).
ACCOUNT_FEATURES = ("account_age_days", "established")
#: Heavy-tailed, non-negative features that models see as log1p.
SKEWED_FEATURES = (
    *(f"{c}_sum" for c in COUNT_FEATURES),
    *(f"{c}_mean" for c in COUNT_FEATURES),
    "n_posts",
    "active_days",
    "account_age_days",
)
#: The cohorts ``label.cohort`` names: everyone posting in the observation window (the study's), or of them the
#: accounts created within ``label.joined_*`` (who *joined* then: the question the study asked).
COHORTS = ("posters", "joiners")


def account_features(created: pd.Series, first_post: pd.Series, observe: Window) -> pd.DataFrame:
    """:data:`ACCOUNT_FEATURES` from each user's account-creation day (NaT: unknown) and first post in ``observe``."""
    age = (first_post.dt.normalize() - created).dt.days.astype("float64")
    known = created.notna()
    return pd.DataFrame(
        {
            "account_age_days": age.fillna(float(age[known].median()) if known.any() else 0.0),
            "established": (created < observe.start).where(known, False).astype("float64"),
        },
        index=created.index,
    )


def select_cohort(users: pd.DataFrame, cohort: str, joined: Window) -> tuple[pd.DataFrame, dict]:
    """The users of ``cohort`` (:data:`COHORTS`) and what the choice left out, for ``cohort.json``.

    ``joiners`` keeps the users whose account was created within ``joined``; users whose creation day is unknown
    are left out and counted. When no user's day is known (an export with hashed ids), it stops with one sentence:
    a cohort of joiners cannot be told from such a crawl.
    """
    known = users["account_created"].notna()
    info = {"cohort": cohort, "posters": int(len(users)), "account_created_unknown": int((~known).sum())}
    if cohort == "posters":
        return users, info
    if not known.any():
        raise UserError(
            f"label.cohort=joiners needs each account's creation day, but none of the {len(users)} users' ids gives "
            "one (an export with hashed or numeric user ids); use label.cohort=posters for this crawl."
        )
    inside = joined.contains(users["account_created"]).fillna(False).astype(bool)
    info |= {
        "joined": f"{joined.start:%Y-%m-%d}..{joined.end:%Y-%m-%d}",
        "left_out_joined_outside": int((known & ~inside).sum()),
    }
    return users.loc[inside].reset_index(drop=True), info


def build_users(posts: pd.DataFrame, observe: Window, target: Window) -> pd.DataFrame:
    """One row per user who posted in ``observe``: behaviour features, January text and tags, ``retained``.

    ``posts``: the output of :func:`rednote.ingest.cleaning.clean_posts`. Returns columns ``user_id``,
    :data:`BEHAVIOUR_FEATURES` and :data:`ACCOUNT_FEATURES` (float64), ``account_created`` (day, NaT unknown), ``text`` (the user's distinct January texts in time order,
    newline-joined), ``tags`` (sorted distinct January tags), ``retained`` (int8), sorted by user id.
    Hours are clock hours as printed; ``hour_sin``/``hour_cos`` are the mean of the hour on the
    24-hour circle; ``night_share`` the share of posts from 0:00 to 5:59; ``first_day``/``last_day``
    days since the window's start.
    """
    jan = posts.loc[observe.contains(posts["created_at"])].copy()
    feb_users = set(posts.loc[target.contains(posts["created_at"]), "user_id"])
    jan = jan.sort_values(["user_id", "created_at", "post_id"], kind="mergesort")
    hour = jan["created_at"].dt.hour + jan["created_at"].dt.minute / 60
    angle = 2 * np.pi * hour / 24
    jan = jan.assign(
        day=(jan["created_at"] - observe.start).dt.days,
        hour_sin=np.sin(angle),
        hour_cos=np.cos(angle),
        night=(hour < 6).astype(float),
        video=jan["is_video"].astype(float),
    )
    grouped = jan.groupby("user_id", sort=True)
    users = pd.DataFrame(index=grouped.size().index)
    for column in COUNT_FEATURES:
        users[f"{column}_sum"] = grouped[column].sum()
        users[f"{column}_mean"] = grouped[column].mean()
    users["n_posts"] = grouped.size()
    users["active_days"] = grouped["day"].nunique()
    users["first_day"] = grouped["day"].min()
    users["last_day"] = grouped["day"].max()
    users["hour_sin"] = grouped["hour_sin"].mean()
    users["hour_cos"] = grouped["hour_cos"].mean()
    users["night_share"] = grouped["night"].mean()
    users["video_share"] = grouped["video"].mean()
    users = users.astype("float64")
    created = grouped["account_created"].first() if "account_created" in jan else pd.Series(pd.NaT, index=users.index)
    users["account_created"] = created.astype("datetime64[ns]")
    users[list(ACCOUNT_FEATURES)] = account_features(users["account_created"], grouped["created_at"].min(), observe)
    users["text"] = grouped["text"].agg(lambda texts: "\n".join(dict.fromkeys(t for t in texts if t)))
    users["tags"] = grouped["tags"].agg(lambda lists: sorted({t for tags in lists for t in tags}))
    users = users.reset_index()
    users["retained"] = users["user_id"].isin(feb_users).astype("int8")
    return users[["user_id", *BEHAVIOUR_FEATURES, *ACCOUNT_FEATURES, "account_created", "text", "tags", "retained"]]


def _sizes(n: int, val_share: float, test_share: float) -> tuple[int, int, int]:
    """(train, val, test) sizes of ``n`` users as scikit-learn's ``train_test_split`` cuts them (test parts rounded up)."""
    n_test = math.ceil(test_share * n)
    n_val = math.ceil(val_share / (1 - test_share) * (n - n_test))
    return n - n_test - n_val, n_val, n_test


def _stratifiable(labels: np.ndarray, n_first: int, n_second: int, least: int) -> bool:
    """Whether a stratified cut of ``labels`` into parts of ``n_first`` and ``n_second`` works: two or more
    classes, each with ``least`` or more users, and each part big enough to hold one user per class."""
    counts = np.unique(labels, return_counts=True)[1]
    return len(counts) > 1 and counts.min() >= least and min(n_first, n_second) >= len(counts)


def assign_split(labels: pd.Series, val_share: float, test_share: float, seed: int) -> pd.Series:
    """A seeded train/val/test assignment, stratified by ``labels`` where every class has ≥ 3 users.

    Returns a string Series with the same index. With too few users of a class to stratify (or
    a cohort too small for every part to hold each class), a cut is random (a warning says so);
    later stages decide whether that is enough to train on.
    """
    if not (0 < val_share < 1 and 0 < test_share < 1 and val_share + test_share < 1):
        raise UserError(
            f"split.val_share={val_share} and split.test_share={test_share} must each lie between 0 and 1 "
            "and sum to less than 1; fix them in params.yaml."
        )
    n = len(labels)
    n_train, n_val, n_test = _sizes(n, val_share, test_share)
    if min(n_train, n_val, n_test) < 1:
        raise UserError(
            f"the cohort has {n} user(s), too few for a train/validation/test split with split.val_share={val_share} "
            f"and split.test_share={test_share}; widen label.observe or use a larger crawl."
        )
    index = np.arange(n)
    values = labels.to_numpy()
    stratify = values if _stratifiable(values, n - n_test, n_test, 3) else None
    if stratify is None:
        log.warning("split: a class has fewer than 3 users, so the split is not stratified")
    rest, test = train_test_split(index, test_size=test_share, random_state=seed, stratify=stratify)
    rest_stratify = values[rest] if stratify is not None and _stratifiable(values[rest], n_train, n_val, 2) else None
    if stratify is not None and rest_stratify is None:
        log.warning("split: too few users to stratify train against validation, so that cut is random")
    train, val = train_test_split(
        rest, test_size=val_share / (1 - test_share), random_state=seed, stratify=rest_stratify
    )
    split = np.empty(n, dtype=object)
    split[train], split[val], split[test] = "train", "val", "test"
    return pd.Series(split, index=labels.index, name="split")
