"""From raw crawl rows to clean posts: parsed counts and times, the study window, no duplicates, no personal data."""

from __future__ import annotations

import pandas as pd

from rednote.errors import UserError
from rednote.parsing import parse_counts, parse_times
from rednote.privacy import pseudonymize
from rednote.schema import COUNT_COLUMNS
from rednote.text import clean_markup, extract_tags
from rednote.window import Window

#: Raw count column → clean column name.
COUNTS = {"like_count": "likes", "collect_count": "collects", "comment_count": "comments", "share_count": "shares"}
#: The columns `clean` writes (nothing personal: ids are keyed hashes, names/URLs are dropped).
POST_COLUMNS = ("post_id", "user_id", "created_at", *COUNTS.values(), "is_video", "text", "tags")


def clean_posts(raw: pd.DataFrame, window: Window, key: str, source: str = "the raw file") -> tuple[pd.DataFrame, dict]:
    """Parse, window, de-duplicate and pseudonymize raw posts.

    ``raw``: string columns as returned by :func:`rednote.schema.read_raw`. Returns the posts
    (columns :data:`POST_COLUMNS`, sorted by time then post id) and a data-quality dict: rows in,
    rows kept, duplicates, unparseable values per count column, unparseable times, posts outside
    the window, posts without a user id. Raises UserError (naming ``source``) when rows exist but
    none has a user id or none a readable time: such a file cannot be a crawl export.
    """
    quality: dict = {"rows_in": int(len(raw))}
    raw = raw.reset_index(drop=True)
    posts = pd.DataFrame(index=raw.index)
    quality["unparseable_counts"] = {}
    for column in COUNT_COLUMNS:
        counts, bad = parse_counts(raw[column])
        posts[COUNTS[column]] = counts
        quality["unparseable_counts"][column] = int(bad.sum())
    posts["created_at"], bad_times = parse_times(raw["create_time"])
    quality["unparseable_times"] = int(bad_times.sum())
    quality["missing_times"] = int((posts["created_at"].isna() & ~bad_times).sum())

    user = raw["user_id"].astype("string").fillna("").str.strip()
    quality["missing_user_id"] = int((user == "").sum())
    _require_some(raw, posts["created_at"].notna(), user != "", source)
    raw_post_id = raw["post_id"].astype("string").fillna("").str.strip()
    raw_text = (
        raw["title"].astype("string").fillna("").str.strip()
        + "\n"
        + raw["content"].astype("string").fillna("").str.strip()
    )
    # A post's identity: its id where the export has one, else who posted what when.
    identity = raw_post_id.where(
        raw_post_id != "", user + "\x1f" + raw["create_time"].astype("string").fillna("") + "\x1f" + raw_text
    )
    duplicate = identity.duplicated(keep="first")
    quality["duplicates"] = int(duplicate.sum())

    dated = posts["created_at"].notna()
    inside = window.contains(posts["created_at"]).fillna(False).astype(bool)
    quality["outside_window"] = int((dated & ~inside & ~duplicate).sum())
    keep = inside & ~duplicate & (user != "")

    posts["user_id"] = pseudonymize(user, key)
    posts["post_id"] = pseudonymize(identity, key)
    posts["is_video"] = raw["type"].astype("string").fillna("").str.strip().str.lower().eq("video")
    posts["text"] = clean_markup(raw_text).astype(object)
    posts["tags"] = extract_tags(raw["label"], raw_text)
    posts = posts.loc[keep, list(POST_COLUMNS)]
    posts = posts.sort_values(["created_at", "post_id"], kind="mergesort").reset_index(drop=True)
    quality["rows_kept"] = int(len(posts))
    quality["users"] = int(posts["user_id"].nunique())
    return posts, quality


def _require_some(raw: pd.DataFrame, dated: pd.Series, identified: pd.Series, source: str) -> None:
    """Stop when ``raw`` has rows but no readable ``create_time`` or no ``user_id`` at all (a wrong column, not bad rows)."""
    if raw.empty:
        return
    if not identified.any():
        raise UserError(
            f"none of the {len(raw)} rows of {source} has a user_id (the column is empty); "
            "re-export the crawl with each post's user id in that column."
        )
    if not dated.any():
        printed = [str(t) for t in pd.unique(raw["create_time"].astype("string").fillna("").str.strip()) if t]
        examples = "such as " + ", ".join(map(repr, printed[:3])) if printed else "all are empty"
        raise UserError(
            f"none of the {len(raw)} create_time values of {source} is a readable time ({examples}); "
            "re-export the crawl with absolute times such as 1/14/2025 12:08 (rednote/parsing.py lists the forms read)."
        )
