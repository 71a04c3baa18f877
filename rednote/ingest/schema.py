"""The raw crawl export: which columns it must have, what other exports call them, and how to read it.

Column names follow the Kaggle file ``tt_refugee.csv`` (15 columns). Other exports of the same
crawler name some columns differently (the adaptation study's file has ``post_image`` and
``post_type``); :data:`ALIASES` maps those onto ours. An export that hashes its authors (MediaCrawler since
July 2026: ``creator_hash``) has ``author_hash`` in place of ``user_id``: :data:`AUTHOR_HASH`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from rednote.core.errors import UserError

#: The Kaggle export's header (``tt_refugee.csv``), in its order: what the sample generator writes and tests build.
KAGGLE_COLUMNS = (
    "title",
    "content",
    "address",
    "label",
    "user_name",
    "user_id",
    "like_count",
    "collect_count",
    "comment_count",
    "share_count",
    "create_time",
    "post_id",
    "ip_localtion",
    "image",
    "type",
)
COUNT_COLUMNS = ("like_count", "collect_count", "comment_count", "share_count")
#: Columns without which the pipeline cannot run (``user_id`` or, in its place, :data:`AUTHOR_HASH`).
REQUIRED = ("user_id", "create_time", *COUNT_COLUMNS)
#: An author known only by the key MediaCrawler derives from the raw id (:func:`rednote.ingest.privacy.creator_hash`).
AUTHOR_HASH = "author_hash"
#: Columns used when present (filled with empty strings when absent).
OPTIONAL = ("title", "content", "label", "type", "post_id", AUTHOR_HASH)
#: Personal data: read to be dropped, never written by any stage.
ALIASES = {
    "post_image": "image",
    "post_type": "type",
    "ip_location": "ip_localtion",
    "post_title": "title",
    "post_content": "content",
    "desc": "content",
    "tags": "label",
    "note_id": "post_id",
    "liked_count": "like_count",
    "collected_count": "collect_count",
    "time": "create_time",
    "userid": "user_id",
    "nickname": "user_name",
    "creator_hash": AUTHOR_HASH,
}


class MissingColumns(UserError):
    """A table without the pipeline's required columns (one sentence naming them and the columns found)."""


def normalise_columns(frame: pd.DataFrame, source: str, nearest: Callable[[], str] | None = None) -> pd.DataFrame:
    """Lower-case and strip headers, apply :data:`ALIASES`, check :data:`REQUIRED`, add missing optionals.

    Raises UserError naming the file, the missing columns and the columns found, and what ``nearest()`` says (the
    nearest known layout and what it lacks) unless the header looks split by the wrong separator.
    """
    renamed = {c: str(c).strip().strip("\ufeff").lower() for c in frame.columns}
    frame = frame.rename(columns=renamed)
    frame = frame.rename(
        columns={c: ALIASES[c] for c in frame.columns if c in ALIASES and ALIASES[c] not in frame.columns}
    )
    twice = sorted({c for c in frame.columns[frame.columns.duplicated()] if c in (*REQUIRED, *OPTIONAL)})
    if twice:
        raise UserError(
            f"{source} has the column(s) {', '.join(twice)} more than once (after ignoring case, spaces and aliases); "
            "keep one of each in the header."
        )
    if "user_id" not in frame.columns and AUTHOR_HASH in frame.columns:
        frame["user_id"] = ""  # an author known only by hash: clean keys it by that hash
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:20])) or "none"
        only = str(frame.columns[0]) if len(frame.columns) == 1 else ""
        separator = "semicolons" if ";" in only else "tabs" if "\t" in only else None
        hint = (
            f"it looks separated by {separator}, not commas: re-export it as comma-separated CSV"
            if separator
            else nearest()
            if nearest is not None
            else f"a crawl export needs {', '.join(REQUIRED)} (aliases such as post_type/post_image are accepted)"
        )
        raise MissingColumns(f"{source} lacks the required column(s) {', '.join(missing)} (found: {found}); {hint}.")
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = ""
    return frame
