"""From raw crawl rows to clean posts: parsed counts and times, the study window, no duplicates, no personal data."""

from __future__ import annotations

import pandas as pd

from rednote.core.errors import UserError
from rednote.core.window import Window
from rednote.ingest.markup import clean_markup, extract_tags
from rednote.ingest.parsing import (
    SITE_TIMEZONE,
    UNKNOWN_COUNT,
    id_days,
    parse_counts,
    parse_times,
    plausible_account_days,
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

    The steps are those the Dask engine runs over partitions (:mod:`rednote.ingest.partitioned`): each row parsed
    on its own (:func:`parse_rows`), the checks on the counts (:func:`check_rows`), then what needs every copy of a
    post (:func:`mark_copies`) and every row of an author (:func:`author_days`, :func:`author_quality`).
    """
    rows, quality = parse_rows(raw.reset_index(drop=True), window, export_timezone)
    rows["row"] = rows.index
    check_rows(
        quality, rows["created_at"].notna(), rows["user"] != "", rows["printed_time"], source, max_unreadable_time_share,
        time_column,
    )  # fmt: skip
    rows = mark_copies(rows)
    rows["account_created"] = author_days(rows)
    quality |= row_quality(rows) | author_quality(rows)
    if not quality["rows_kept"]:
        nothing_survives(rows["created_at"].min(), rows["created_at"].max(), window, quality, source)
    posts = sort_posts(kept_posts(rows, key))
    quality["users"] = int(posts["user_id"].nunique())
    return posts, quality


#: What :func:`parse_rows` makes of each raw row, before anything that needs other rows is decided: the clean
#: counts and time, the author's key (``user``) and whether the export hashed it, the day in a raw user id,
#: the post's identity (its id, or who posted what when), whether its time is inside the window, the clean
#: text and tags, and the printed time where none was read (for the error message only).
ROW_COLUMNS = (
    *COUNTS.values(), "created_at", "user", "hashed_only", "id_day", "identity", "inside", "is_video", "text", "tags",
    "printed_time",
)  # fmt: skip


def parse_rows(raw: pd.DataFrame, window: Window, export_timezone: str = SITE_TIMEZONE) -> tuple[pd.DataFrame, dict]:
    """Each raw row on its own (:data:`ROW_COLUMNS`, ``raw``'s index): a slice of an export gives the rows the
    whole export gives. Also the counts for data_quality.json that rows give one by one (:func:`add_counts` sums
    those of several slices)."""
    quality: dict = {"rows_in": int(len(raw))}
    rows = _counts(raw, quality)
    rows["created_at"] = _times(raw, window, quality, export_timezone)
    quality["export_timezone"] = export_timezone
    rows["user"], rows["hashed_only"] = author_keys(raw)
    quality["missing_user_id"] = int((rows["user"] == "").sum())
    rows["id_day"] = id_days(raw["user_id"].astype("string").fillna("").str.strip())
    raw_text = (
        raw["title"].astype("string").fillna("").str.strip()
        + "\n"
        + raw["content"].astype("string").fillna("").str.strip()
    )
    rows["identity"] = _identity(raw, rows["user"], raw_text)
    rows["inside"] = window.contains(rows["created_at"]).fillna(False).astype(bool)
    rows["is_video"] = raw["type"].astype("string").fillna("").str.strip().str.lower().eq("video")
    rows["text"] = clean_markup(raw_text).astype(object)
    rows["tags"] = extract_tags(raw["label"], raw_text)
    printed = raw["create_time"].astype("string").fillna("").astype(object)
    rows["printed_time"] = printed.where(rows["created_at"].isna(), None)
    return rows, quality


def add_counts(a: dict, b: dict) -> dict:
    """Two data-quality dicts of :func:`parse_rows` as one: numbers (and dicts of numbers) summed, the rest from ``a``."""
    out = dict(a)
    for name, value in b.items():
        if name not in out:
            out[name] = value
        elif isinstance(value, dict):
            out[name] = add_counts(out[name], value)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[name] = out[name] + value
    return out


def check_rows(
    quality: dict,
    dated: pd.Series,
    identified: pd.Series,
    printed: pd.Series,
    source: str,
    max_share: float,
    time_column: str,
) -> None:
    """Stop when the export has no rows, no row has a user id, or more than ``max_share`` of rows (or all) have no
    time: ``dated`` and ``identified`` per row (or per slice, as counts of True), ``printed`` the printed times of
    the rows without one."""
    rows = quality["rows_in"]
    if not rows:
        raise UserError(
            f"{source} has a header but no rows: it holds no posts; point data.raw at an export with posts."
        )
    if not identified.any():
        raise UserError(
            f"none of the {rows} rows of {source} has a user_id (the column is empty); "
            "re-export the crawl with each post's user id in that column."
        )
    undated = rows - int(dated.sum())
    if undated < rows and undated / rows <= max_share:
        return
    seen = describe_unreadable(printed.dropna())
    what = f"all {rows:,}" if undated == rows else f"{undated:,} of the {rows:,} ({undated / rows:.0%})"
    raise UserError(
        f"{what} `{time_column}` values of {source} are not readable times and no note id gives one ({seen}); "
        f"clean stops when more than clean.max_unreadable_time_share={max_share} of rows have none: re-export the crawl "
        "with absolute times (such as 1/14/2025 12:08, 2025-01-14 12:08:33 or epoch milliseconds; rednote/ingest/parsing.py "
        "lists the forms read) or raise that param."
    )


def mark_copies(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``first_copy`` (the row is its post's first copy: the lowest ``row``) and ``keep`` (a first
    copy inside the window by a known author). ``rows`` must hold every copy of each post it holds (all rows, or a
    partition by ``identity``)."""
    first = rows["row"] == rows.groupby("identity")["row"].transform("min")
    return rows.assign(first_copy=first, keep=rows["inside"] & first & (rows["user"] != ""))


def author_days(rows: pd.DataFrame) -> pd.Series:
    """Each row's author's account creation day: the latest plausible day in any of their rows' raw ids (judged
    against their first kept post), so that it reaches their rows from an export that hashed them whichever copy of
    a note is kept. ``rows`` (with ``keep``) must hold every row of each author it holds."""
    first_post = rows["created_at"].where(rows["keep"]).groupby(rows["user"]).transform("min")
    return plausible_account_days(rows["id_day"], first_post).groupby(rows["user"]).transform("max")


def row_quality(rows: pd.DataFrame) -> dict:
    """Copies of a post after the first, first copies with a time outside the window, and rows kept (any slice of
    the rows of :func:`mark_copies`; sum over slices)."""
    first, dated = rows["first_copy"], rows["created_at"].notna()
    return {
        "duplicates": int((~first).sum()),
        "outside_window": int((dated & ~rows["inside"] & first).sum()),
        "rows_kept": int(rows["keep"].sum()),
    }


def author_quality(rows: pd.DataFrame) -> dict:
    """Of the authors with a kept post, those whose account creation day is unknown and those no row of whose (kept
    or repeated) gave the raw id. ``rows`` (with ``keep`` and ``account_created``) must hold every row of each author
    it holds; sum over partitions by author."""
    kept = rows[rows["keep"]]
    authors = pd.unique(kept["user"])
    only_hashed = rows["hashed_only"].groupby(rows["user"]).all().reindex(authors)
    known = kept.groupby("user")["account_created"].first().notna()
    return {"account_created_unknown_users": int((~known).sum()), "users_known_only_by_hash": int(only_hashed.sum())}


def kept_posts(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The kept rows as posts (:data:`POST_COLUMNS`): author and post identity replaced by keyed pseudonyms."""
    kept = rows[rows["keep"]]
    posts = kept[[*COUNTS.values(), "created_at", "account_created", "is_video", "text", "tags"]].copy()
    posts["user_id"] = pseudonymize(kept["user"], key)
    posts["post_id"] = pseudonymize(kept["identity"], key)
    return posts[list(POST_COLUMNS)]


#: The order `clean` writes posts in: by time, then post id (a total order: each post is kept once).
POST_ORDER = ("created_at", "post_id")


def sort_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts in the order `clean` writes them (:data:`POST_ORDER`)."""
    return posts.sort_values(list(POST_ORDER), kind="mergesort").reset_index(drop=True)


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


def nothing_survives(first: pd.Timestamp, last: pd.Timestamp, window: Window, quality: dict, source: str) -> None:
    """Stop with what removed every row: the window (and the export's own time span from ``first`` to ``last``, which
    :func:`check_rows` has made sure exists), duplicates, missing user ids."""
    span = f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
    raise UserError(
        f"no post of {source} survives cleaning: of its {quality['rows_in']:,} rows {quality['outside_window']:,} fall "
        f"outside clean.window_start..window_end ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d}; the export's times run "
        f"{span}), {quality['duplicates']:,} repeat a post and {quality['missing_user_id']:,} lack a user_id; check "
        "clean.window_* against the crawl's dates, or point data.raw at the right export."
    )
