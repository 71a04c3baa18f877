"""The January cohort, its retention label, its features, and the train/validation/test split.

Two designs (``label.design``, README *Designs*) decide which days each user is watched on:

* ``calendar`` (the study's): a user is in the cohort if they post in the observation window (January); every
  feature comes from their January posts and ``retained`` is 1 if they also post in the target window (February).
  Users are watched for unequal lengths of time: one who arrived on 2 January had 30 days, one who arrived on the
  30th had one.
* ``landmark``: a user is in the cohort if their first post falls in the observation window; features come from
  their first ``landmark_days`` days (from the day of that first post), the same length for everyone, and
  ``retained`` is 1 if they post in the ``horizon_days`` after that. Users whose horizon runs past the target
  window's end (the last day the crawl watches) are not scored: :func:`watch_windows` marks them.

Either way the label window decides the label and nothing else: no feature sees a day of it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from rednote.core.errors import UserError
from rednote.core.params import LabelParams
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
#: Account features per user (the design's ``account`` block): whether the account existed before the observation
#: window (1: an established user, 0: a newcomer or an undated account), and among established accounts their age in
#: days at the user's first post (:func:`account_features`). Read from the account-creation day ``clean`` takes from
#: the raw user id (hashed or numeric ids give none; ``cohort.json`` counts them).
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
#: The remedies for too few retained users, quoted by every sentence that stops a model for it.
MORE_RETAINED = "use a larger crawl, a longer label.horizon_days (label.target_* under label.design=calendar)"


_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Landmark:
    """The landmark design's watch: features from a user's first ``days`` days, the label from the next ``horizon``."""

    days: int
    horizon: int


def watch_windows(posts: pd.DataFrame, observe: Window, target: Window, landmark: Landmark | None) -> pd.DataFrame:
    """Each candidate user's days, indexed by ``user_id`` (sorted), all whole days: ``first_post`` (their first
    post in ``observe``); features come from ``watch_start`` up to (not including) ``watch_end``, the label from
    ``label_start`` up to (not including) ``label_end``; ``scored`` is False where the label window runs past
    ``target``'s end, so that the user cannot be labelled.

    ``landmark`` None is the calendar design: everyone posting in ``observe``, features over all of it, the label
    over ``target``. Otherwise a candidate's first post in the whole table must fall in ``observe`` (a user seen
    before it did not arrive then), and each is watched for the same number of days from that first post.
    """
    if landmark is None:
        first_post = posts.loc[observe.contains(posts["created_at"])].groupby("user_id", sort=True)["created_at"].min()
        first_post = first_post.dt.normalize()

        def same(day: pd.Timestamp) -> pd.Series:
            return pd.Series(day, index=first_post.index, dtype="datetime64[ns]")

        return pd.DataFrame(
            {
                "first_post": first_post,
                "watch_start": same(observe.start),
                "watch_end": same(observe.end + _DAY),
                "label_start": same(target.start),
                "label_end": same(target.end + _DAY),
                "scored": True,
            }
        )
    first = posts.groupby("user_id", sort=True)["created_at"].min()
    first_post = first.loc[observe.contains(first)].dt.normalize()
    watch_end = first_post + pd.Timedelta(days=landmark.days)
    label_end = watch_end + pd.Timedelta(days=landmark.horizon)
    return pd.DataFrame(
        {
            "first_post": first_post,
            "watch_start": first_post,
            "watch_end": watch_end,
            "label_start": watch_end,
            "label_end": label_end,
            "scored": label_end <= target.end + _DAY,
        }
    )


def check_windows(windows: pd.DataFrame, posts: pd.DataFrame, p: LabelParams, where: str) -> None:
    """Stop with one sentence when :func:`watch_windows` found no user, or no user whose label window fits the crawl."""
    window = f"the observation window {p.observe_start}..{p.observe_end}"
    if posts.empty:
        raise UserError(
            f"{where} has no posts, so none falls in {window}: clean kept no raw row "
            "(metrics/data_quality.json counts those outside clean.window_*, duplicated or without user_id); "
            "check data.raw and clean.window_* against the crawl's dates."
        )
    if windows.empty:
        span = f"{posts['created_at'].min():%Y-%m-%d}..{posts['created_at'].max():%Y-%m-%d}"
        first = "first " if p.design == "landmark" else ""
        raise UserError(
            f"no user's {first}post in {where} falls in {window} (its {len(posts)} posts run {span}); "
            "check label.observe_* and clean.window_* against the crawl's dates."
        )
    if not windows["scored"].any():
        raise UserError(
            f"every one of the {len(windows)} users' label windows (label.landmark_days={p.landmark_days} plus "
            f"label.horizon_days={p.horizon_days} from the first post) runs past label.target_end={p.target_end}; "
            "shorten them, or use label.design=calendar."
        )


def account_features(created: pd.Series, first_post: pd.Series, observe: Window) -> pd.DataFrame:
    """:data:`ACCOUNT_FEATURES` from each user's account-creation day (NaT: unknown) and first post in ``observe``.

    The two are coded as nested, not as two measures of one thing: ``established`` (the account predates
    ``observe``) carries the contrast between established and new accounts, and ``account_age_days`` varies among
    established accounts only (their age at the first post; a new or undated account gets the established
    accounts' median age, a label-free fill). Coded as plain age, the two would move together (a new account is
    0-3 days old, an established one years) and a model could not tell their effects apart.
    """
    age = (first_post.dt.normalize() - created).dt.days.astype("float64")
    known = created.notna()
    established = (created < observe.start).where(known, False).astype(bool)
    fill = float(age[established].median()) if established.any() else 0.0
    return pd.DataFrame(
        {"account_age_days": age.where(established, fill), "established": established.astype("float64")},
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


#: The days of each user's watch that the users table carries (:func:`watch_windows`), for ``survival``.
WATCH_COLUMNS = ("first_post", "watch_start", "watch_end", "label_start", "label_end")


def active_in_label_window(events: pd.DataFrame, windows: pd.DataFrame) -> pd.Index:
    """The users of ``windows`` (:func:`watch_windows`) with an event (``user_id``, ``created_at``) in their label window."""
    mine = events.join(windows[["label_start", "label_end"]], on="user_id", how="inner")
    when = mine["created_at"]
    return pd.Index(mine.loc[(when >= mine["label_start"]) & (when < mine["label_end"]), "user_id"].unique())


def build_users(
    posts: pd.DataFrame,
    observe: Window,
    target: Window,
    windows: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per user of ``windows`` (by default the calendar design's, :func:`watch_windows`): behaviour
    features and text and tags from their watch, ``retained`` from their label window: a post there, or a comment
    when ``comments`` (``user_id``, ``created_at``: ``clean``'s comments table) is given. Features come from posts only.

    ``posts``: the output of :func:`rednote.ingest.cleaning.clean_posts`. Returns columns ``user_id``,
    :data:`BEHAVIOUR_FEATURES` and :data:`ACCOUNT_FEATURES` (float64), ``account_created`` (day, NaT unknown),
    :data:`WATCH_COLUMNS`, ``text`` (the user's distinct watched texts in time order, newline-joined), ``tags``
    (sorted distinct watched tags), ``retained`` (int8), sorted by user id. Hours are clock hours as printed;
    ``hour_sin``/``hour_cos`` are the mean of the hour on the 24-hour circle; ``night_share`` the share of posts
    from 0:00 to 5:59; ``first_day`` the days from ``observe``'s start to the first watched post (the arrival day),
    ``last_day`` the days from the watch's start to the last watched post (under calendar both count from 1
    January, as in the study; under landmark ``last_day`` counts from the user's own first post, so that it says
    how long into their watch they still posted and not when they arrived).
    """
    if windows is None:
        windows = watch_windows(posts, observe, target, None)
    return with_account_features(user_rows(posts, observe, windows, comments), observe)


def user_rows(
    posts: pd.DataFrame, observe: Window, windows: pd.DataFrame, comments: pd.DataFrame | None
) -> pd.DataFrame:
    """:func:`build_users` but for the account features, which compare users (the established accounts' median age
    fills the others'): every column comes from the user's own posts, so the posts of some users give those users'
    rows. ``first_watched`` (the first watched post's time) stands where :func:`with_account_features` puts them."""
    mine = posts.join(windows, on="user_id", how="inner")
    when = mine["created_at"]
    jan = mine.loc[(when >= mine["watch_start"]) & (when < mine["watch_end"])].copy()
    later = active_in_label_window(posts, windows)
    if comments is not None:
        later = later.union(active_in_label_window(comments, windows))
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
    watch_offset = (windows["watch_start"] - observe.start).dt.days.reindex(users.index)
    users["last_day"] = grouped["day"].max() - watch_offset  # from the watch's first day: January 1 under calendar
    users["hour_sin"] = grouped["hour_sin"].mean()
    users["hour_cos"] = grouped["hour_cos"].mean()
    users["night_share"] = grouped["night"].mean()
    users["video_share"] = grouped["video"].mean()
    users = users.astype("float64")
    created = grouped["account_created"].first() if "account_created" in jan else pd.Series(pd.NaT, index=users.index)
    users["account_created"] = created.astype("datetime64[ns]")
    users["first_watched"] = grouped["created_at"].min()
    users = users.join(windows[list(WATCH_COLUMNS)])
    users["text"] = grouped["text"].agg(lambda texts: "\n".join(dict.fromkeys(t for t in texts if t)))
    users["tags"] = grouped["tags"].agg(lambda lists: sorted({t for tags in lists for t in tags}))
    users = users.reset_index()
    users["retained"] = users["user_id"].isin(set(later)).astype("int8")
    columns = ["user_id", *BEHAVIOUR_FEATURES, "first_watched", "account_created", *WATCH_COLUMNS]
    return users[[*columns, "text", "tags", "retained"]]


def with_account_features(users: pd.DataFrame, observe: Window) -> pd.DataFrame:
    """:func:`user_rows` of every user (of one or more partitions, in any order) with :data:`ACCOUNT_FEATURES`
    (:func:`account_features`) in place of ``first_watched``: :func:`build_users`' table."""
    features = account_features(users["account_created"], users["first_watched"], observe)
    at = users.columns.get_loc("first_watched")
    out = users.drop(columns="first_watched")
    for k, name in enumerate(ACCOUNT_FEATURES):
        out.insert(at + k, name, features[name])
    return out


#: How the users' rows are made from their windows and counted comments (:func:`user_rows` by default).
RowMaker = Callable[[pd.DataFrame, pd.DataFrame | None], pd.DataFrame]


def label_users(
    posts: pd.DataFrame,
    p: LabelParams,
    where: str,
    comments: pd.DataFrame | None = None,
    make_rows: RowMaker | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The cohort ``p`` asks for (design, cohort, windows, activity), labelled, and what it left out (for ``cohort.json``).

    ``where`` names the posts table in the sentences that stop a run with no user to label. ``comments`` (``clean``'s
    comments table) count as activity in the label window under ``label.activity=posts_and_comments`` only.
    ``make_rows(windows, comments)`` gives the :func:`user_rows` of the users of ``windows``, sorted by user id; by
    default from ``posts``, which then needs only ``user_id`` and ``created_at`` when another one is given (the Dask
    engine's, :mod:`rednote.features.partitioned`).
    """
    observe, target = Window.of(p.observe_start, p.observe_end), Window.of(p.target_start, p.target_end)
    landmark = Landmark(p.landmark_days, p.horizon_days) if p.design == "landmark" else None
    windows = watch_windows(posts, observe, target, landmark)
    check_windows(windows, posts, p, where)
    scored = windows.loc[windows["scored"]]
    counted = comments if p.activity == "posts_and_comments" else None
    if make_rows is None:
        users = build_users(posts, observe, target, scored, counted)
    else:
        users = with_account_features(make_rows(scored, counted), observe)
    users, chosen = select_cohort(users, p.cohort, Window.of(p.joined_start, p.joined_end))
    design: dict[str, object] = {"design": p.design, "activity": p.activity}
    if counted is not None:
        by_comment_only = users["retained"].eq(1) & ~users["user_id"].isin(active_in_label_window(posts, scored))
        design["retained_by_comments_only"] = int(by_comment_only.sum())
    if landmark is not None:
        design |= {"landmark_days": landmark.days, "horizon_days": landmark.horizon}
    return users, {**chosen, **design, "left_out_watch_past_crawl_end": int((~windows["scored"]).sum())}


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
    later stages decide whether that is enough to train on. The shares are ``split``'s, checked when the params
    are loaded (each in (0, 1), their sum below 1), so the validation and test parts always hold a user.
    """
    n = len(labels)
    n_train, n_val, n_test = _sizes(n, val_share, test_share)
    if n_train < 1:
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
