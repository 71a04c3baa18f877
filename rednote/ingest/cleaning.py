"""From raw crawl rows to clean posts: parsed counts and times, the study window, no duplicates, no personal data."""

from __future__ import annotations

import pandas as pd

from rednote.core.errors import UserError
from rednote.core.window import Window
from rednote.ingest.markup import clean_markup, extract_tags
from rednote.ingest.parsing import (
    SITE_TIMEZONE,
    UNKNOWN_COUNT,
    account_creation_days,
    parse_counts,
    parse_times,
    times_from_note_ids,
)
from rednote.ingest.privacy import creator_hash, pseudonymize
from rednote.ingest.schema import AUTHOR_HASH, COUNT_COLUMNS

#: Raw count column → clean column name.
COUNTS = {"like_count": "likes", "collect_count": "collects", "comment_count": "comments", "share_count": "shares"}
#: The columns `clean` writes (nothing personal: ids are keyed hashes, names/URLs are dropped).
#: ``account_created``: the day the author's account was made (from the raw user id), NaT when unknown.
POST_COLUMNS = ("post_id", "user_id", "created_at", "account_created", *COUNTS.values(), "is_video", "text", "tags")
#: A time recovered from a note id is kept only this close to the study window: ids that merely
#: look like the site's (24 hex digits, not its layout) give arbitrary times, mostly decades away.
RECOVERY_MARGIN = pd.Timedelta(days=366)


def _counts(raw: pd.DataFrame, quality: dict) -> pd.DataFrame:
    """The four counts parsed (``万``, ``千``, ``+``, empty and ``-1`` read as 0), with the unparseable and unknown
    (``-1``) ones per column counted into ``quality``."""
    posts = pd.DataFrame(index=raw.index)
    quality["unparseable_counts"], quality["unknown_counts"] = {}, {}
    for column in COUNT_COLUMNS:
        counts, bad = parse_counts(raw[column])
        posts[COUNTS[column]] = counts
        quality["unparseable_counts"][column] = int(bad.sum())
        quality["unknown_counts"][column] = int(
            raw[column].astype("string").fillna("").str.strip().eq(UNKNOWN_COUNT).sum()
        )
    return posts


def _times(raw: pd.DataFrame, window: Window, quality: dict, zone: str) -> pd.Series:
    """Each post's time (printed ones read in ``zone``); a missing or unreadable one from its note id when that
    lands near ``window``; the unparseable, missing and recovered ones counted into ``quality``."""
    times, bad_times = parse_times(raw["create_time"], zone)
    quality["unparseable_times"] = int(bad_times.sum())
    quality["missing_times"] = int((times.isna() & ~bad_times).sum())
    from_ids = times_from_note_ids(raw["post_id"]).where(times.isna())
    near = (from_ids >= window.start - RECOVERY_MARGIN) & (
        from_ids < window.end + pd.Timedelta(days=1) + RECOVERY_MARGIN
    )
    recovered = from_ids.where(near)
    quality["recovered_times"] = int(recovered.notna().sum())
    return times.fillna(recovered)


def author_keys(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's author as one key whatever the export, and whether the export hashed that author.

    The key is MediaCrawler's ``creator_hash`` (:func:`rednote.ingest.privacy.creator_hash`): computed from the raw
    user id where the export has one, taken as written where it has only the hash (lower-cased). Empty when the
    row has neither.
    """
    user = raw["user_id"].astype("string").fillna("").str.strip()
    written = raw[AUTHOR_HASH] if AUTHOR_HASH in raw else pd.Series("", index=raw.index)
    hashed = written.astype("string").fillna("").str.strip().str.lower()
    return creator_hash(user).where(user != "", hashed).astype(object), ((user == "") & (hashed != "")).astype(bool)


def _identity(raw: pd.DataFrame, user: pd.Series, raw_text: pd.Series) -> pd.Series:
    """A post's identity: its id where the export has one, else who posted what when."""
    raw_post_id = raw["post_id"].astype("string").fillna("").str.strip()
    return raw_post_id.where(
        raw_post_id != "", user + "\x1f" + raw["create_time"].astype("string").fillna("") + "\x1f" + raw_text
    )


def clean_posts(
    raw: pd.DataFrame,
    window: Window,
    key: str,
    source: str = "the raw file",
    max_unreadable_time_share: float = 1.0,
    time_column: str = "create_time",
    export_timezone: str = SITE_TIMEZONE,
) -> tuple[pd.DataFrame, dict]:
    """Parse, window, de-duplicate and pseudonymize raw posts.

    ``raw``: string columns as returned by :func:`rednote.ingest.exports.read_export`. Printed times are clock
    readings in ``export_timezone`` (:func:`rednote.ingest.parsing.parse_times`); epoch times are instants. A missing or
    unreadable time is recovered from a 24-hex note id (:func:`rednote.ingest.parsing.times_from_note_ids`)
    when that lands within :data:`RECOVERY_MARGIN` of ``window``. Returns the posts (columns
    :data:`POST_COLUMNS`, sorted by time then post id) and a data-quality dict: rows in, rows kept,
    duplicates, unparseable values and unknown (``-1``) values per count column, unparseable,
    missing and recovered times, posts outside the window, posts without a user id, and users whose account
    creation day is unknown (:func:`rednote.ingest.parsing.account_creation_days`).

    Raises UserError (naming ``source`` and, for times, the export's ``time_column``) when there
    are no rows, when none has a user id, when more than ``max_unreadable_time_share`` of them
    (or all) have no time even after recovery, or when no row survives: such an export cannot be
    studied, and an empty table written in silence would hide it.
    """
    quality: dict = {"rows_in": int(len(raw))}
    raw = raw.reset_index(drop=True)
    posts = _counts(raw, quality)
    posts["created_at"] = _times(raw, window, quality, export_timezone)
    quality["export_timezone"] = export_timezone

    raw_id = raw["user_id"].astype("string").fillna("").str.strip()
    user, hashed_only = author_keys(raw)
    quality["missing_user_id"] = int((user == "").sum())
    if raw.empty:
        raise UserError(
            f"{source} has a header but no rows: it holds no posts; point data.raw at an export with posts."
        )
    _require_some(raw, posts["created_at"].notna(), user != "", source, max_unreadable_time_share, time_column)
    raw_text = (
        raw["title"].astype("string").fillna("").str.strip()
        + "\n"
        + raw["content"].astype("string").fillna("").str.strip()
    )
    identity = _identity(raw, user, raw_text)
    duplicate = identity.duplicated(keep="first")
    quality["duplicates"] = int(duplicate.sum())

    dated = posts["created_at"].notna()
    inside = window.contains(posts["created_at"]).fillna(False).astype(bool)
    quality["outside_window"] = int((dated & ~inside & ~duplicate).sum())
    keep = inside & ~duplicate & (user != "")

    first_post = posts["created_at"].where(keep).groupby(user).transform("min")
    # from the raw id, before it is hashed; one day per author, from any of their rows (duplicates too), so that it
    # reaches their rows from an export that hashed them whichever copy of a note is kept
    posts["account_created"] = account_creation_days(raw_id, first_post).groupby(user).transform("max")
    posts["user_id"] = pseudonymize(user, key)
    posts["post_id"] = pseudonymize(identity, key)
    posts["is_video"] = raw["type"].astype("string").fillna("").str.strip().str.lower().eq("video")
    posts["text"] = clean_markup(raw_text).astype(object)
    posts["tags"] = extract_tags(raw["label"], raw_text)
    if not keep.any():
        _nothing_survives(posts["created_at"], window, quality, source)
    posts = posts.loc[keep, list(POST_COLUMNS)]
    posts = posts.sort_values(["created_at", "post_id"], kind="mergesort").reset_index(drop=True)
    quality["rows_kept"] = int(len(posts))
    quality["users"] = int(posts["user_id"].nunique())
    known = posts.groupby("user_id")["account_created"].first().notna()
    quality["account_created_unknown_users"] = int((~known).sum())
    only_hashed = hashed_only.groupby(user).all()  # no row of theirs, kept or repeated, gave the raw id
    quality["users_known_only_by_hash"] = int(only_hashed.reindex(pd.unique(user[keep])).sum())
    return posts, quality


#: The comments `clean` writes: who (a pseudonym, as in the posts) commented when, and nothing else.
COMMENT_COLUMNS = ("user_id", "created_at")


def clean_comments(
    comments: pd.DataFrame, authors: pd.Series, window: Window, key: str, export_timezone: str = SITE_TIMEZONE
) -> tuple[pd.DataFrame, dict]:
    """The comments of ``comments`` (:func:`rednote.ingest.sources.comment_rows`) made inside ``window`` by someone
    who posted: their author's pseudonym (the same key and author key as the posts') and time, once each, sorted.

    ``authors``: the pseudonyms of the posts' authors (only they can be in a cohort; other commenters are not kept).
    Returns the table (:data:`COMMENT_COLUMNS`) and counts for data_quality.json: read, kept, repeated, without a
    readable time or author, outside the window, by people who never posted.
    """
    quality = {"comments_read": int(len(comments))}
    comments = comments.reset_index(drop=True)
    author, _ = author_keys(comments)
    times, _ = parse_times(comments["create_time"], export_timezone)
    ids = comments["comment_id"].astype("string").fillna("").str.strip()
    identity = ids.where(ids != "", author + "\x1f" + comments["create_time"].astype("string").fillna(""))
    repeated = identity.duplicated(keep="first")
    usable = (author != "") & times.notna() & ~repeated
    inside = usable & window.contains(times).fillna(False).astype(bool)
    user = pseudonymize(author, key)
    posted = inside & user.isin(set(authors))
    quality |= {
        "comments_repeated": int(repeated.sum()),
        "comments_without_time_or_author": int(((author == "") | times.isna()).sum()),
        "comments_outside_window": int((usable & ~inside).sum()),
        "comments_by_non_posters": int((inside & ~posted).sum()),
        "comments_kept": int(posted.sum()),
    }
    kept = pd.DataFrame({"user_id": user[posted], "created_at": times[posted].astype("datetime64[ns]")})
    kept = kept.sort_values(["created_at", "user_id"], kind="mergesort").reset_index(drop=True)
    return kept[list(COMMENT_COLUMNS)], quality


def _require_some(
    raw: pd.DataFrame, dated: pd.Series, identified: pd.Series, source: str, max_share: float, time_column: str
) -> None:
    """Stop when no row of ``raw`` has a ``user_id``, or more than ``max_share`` of them (or all) no time."""
    if not identified.any():
        raise UserError(
            f"none of the {len(raw)} rows of {source} has a user_id (the column is empty); "
            "re-export the crawl with each post's user id in that column."
        )
    undated = int((~dated).sum())
    if dated.any() and undated / len(raw) <= max_share:
        return
    seen = describe_unreadable(raw["create_time"][~dated])
    what = f"all {len(raw):,}" if not dated.any() else f"{undated:,} of the {len(raw):,} ({undated / len(raw):.0%})"
    raise UserError(
        f"{what} `{time_column}` values of {source} are not readable times and no note id gives one ({seen}); "
        f"clean stops when more than clean.max_unreadable_time_share={max_share} of rows have none: re-export the crawl "
        "with absolute times (such as 1/14/2025 12:08, 2025-01-14 12:08:33 or epoch milliseconds; rednote/ingest/parsing.py "
        "lists the forms read) or raise that param."
    )


def describe_unreadable(printed: pd.Series) -> str:
    """What unreadable times look like, by kind: ``6 empty, 4,117 13-digit numbers, 3 like '3天前', '01-14'``."""
    text = printed.astype("string").fillna("").str.strip()
    digits = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    kinds = [f"{int((text == '').sum()):,} empty"] if (text == "").any() else []
    for length, count in text[digits].str.len().value_counts().sort_index().items():
        kinds.append(f"{count:,} {length}-digit number{'s' if count > 1 else ''}")
    other = text[(text != "") & ~digits]
    if len(other):
        kinds.append(f"{len(other):,} like " + ", ".join(repr(str(v)) for v in pd.unique(other)[:3]))
    return ", ".join(kinds)


def _nothing_survives(times: pd.Series, window: Window, quality: dict, source: str) -> None:
    """Stop with what removed every row: the window (and the export's own time span), duplicates, missing user ids."""
    dated = times.dropna()
    span = f"{dated.min():%Y-%m-%d}..{dated.max():%Y-%m-%d}" if len(dated) else "none readable"
    raise UserError(
        f"no post of {source} survives cleaning: of its {quality['rows_in']:,} rows {quality['outside_window']:,} fall "
        f"outside clean.window_start..window_end ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d}; the export's times run "
        f"{span}), {quality['duplicates']:,} repeat a post and {quality['missing_user_id']:,} lack a user_id; check "
        "clean.window_* against the crawl's dates, or point data.raw at the right export."
    )
