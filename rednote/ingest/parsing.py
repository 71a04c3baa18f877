"""Counts and times as the site prints them, parsed column-at-a-time without ever raising on a value.

Counts: ``37`` → 37, ``1.2万`` → 12,000, ``10万+`` → 100,000, ``1千+`` → 1,000, ``10+`` → 10,
``1,234`` → 1,234, empty → 0, and the button labels the site shows instead of a zero (``赞``,
``收藏``, ``评论``, ``分享``) → 0. ``-1`` (XHS-Downloader's "the page had no count") → 0, like an
empty cell, and is counted apart by the caller. The study's parser stripped every non-digit and so
read ``1千+`` as 1; here ``千`` multiplies by 1,000. Anything else becomes 0 and is flagged as unparseable.

Times: ``1/14/2025 12:08`` (the export's form), a few ISO-like forms, the crawlers' printed forms
(``2025-01-14 12:08:33``, ``2025-01-14_12:08:33``) and epoch seconds (10 digits) or milliseconds
(13 digits, MediaCrawler's ``time``; a trailing ``.0`` is allowed), read as Beijing time. Relative times (``3天前``),
year-less dates (``01-14``) and garbage become NaT and are flagged.

Every time is naive Beijing time, as the site prints it: an epoch instant becomes the Beijing clock
reading, so a post at 00:30 on 1 February in Beijing is a February post though still 31 January in UTC.
A printed time is a clock reading in the zone of whatever printed it: the site's own pages and the Kaggle
export print Beijing time, while Spider_XHS and XHS-Downloader print the local time of the machine that ran
the crawler. :func:`parse_times` reads printed times in the zone it is given (``clean.export_timezone``) and
converts them to Beijing time; epoch times are instants and need no zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNITS = {"": 1, "万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000, "亿": 100_000_000}
ZERO_WORDS = ("赞", "收藏", "评论", "分享", "点赞", "like", "likes")
_COUNT = r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万|千|亿|w|k)?\s*\+?$"
#: A count a crawler could not read (XHS-Downloader's default): unknown, read as 0 like an empty cell.
UNKNOWN_COUNT = "-1"
#: The site's clock: epoch instants are shown as Beijing time.
SITE_TIMEZONE = "Asia/Shanghai"
#: Digits of an epoch time → its unit (seconds from 2001-09 on, milliseconds likewise).
EPOCH_DIGITS = {10: "s", 13: "ms"}
#: A note id in the site's ObjectId layout: 8 hex digits of the publish second, then 16 more.
_NOTE_ID = r"^[0-9a-fA-F]{24}$"

#: Tried in order; the first is the Kaggle export's.
TIME_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d_%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%Y/%m/%d",
)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of printed counts.

    Returns ``(counts, unparseable)``: int64 counts (0 where empty or unreadable) and a bool mask of
    the values that were neither empty nor readable (``-1``, an unknown count, is neither: see
    :data:`UNKNOWN_COUNT`). Same index as ``values``. A count of 2**62 or more is unreadable: no page shows one,
    and sums of counts must stay within int64.
    """
    text = values.astype("string").fillna("").str.strip().str.lower().str.replace(",", "", regex=False)
    empty = (text == "") | text.isin(ZERO_WORDS) | (text == UNKNOWN_COUNT)
    parts = text.str.extract(_COUNT)
    number = pd.to_numeric(parts["num"], errors="coerce")
    unit = parts["unit"].fillna("").map(UNITS).astype("float64")
    parsed = (number * unit).round()
    ok = parsed.notna() & np.isfinite(parsed) & (parsed < 2**62)
    counts = parsed.where(ok, 0).astype("int64")
    unparseable = (~ok & ~empty).astype(bool)
    return counts, unparseable


def parse_times(values: pd.Series, zone: str = SITE_TIMEZONE) -> tuple[pd.Series, pd.Series]:
    """Parse a column of times as naive Beijing clock readings: printed ones as readings in ``zone`` (an IANA
    name), epoch ones as instants.

    Returns ``(times, unparseable)``: datetime64[ns] with NaT where unreadable, and a bool mask of
    the values that were not empty and not readable. Years before 2000 or after 2100 are unreadable, and so
    is a printed reading that ``zone``'s clock skips or shows twice (a daylight-saving change).
    """
    text = values.astype("string").fillna("").str.strip()
    times = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for digits, unit in EPOCH_DIGITS.items():
        # a spreadsheet that saw the column as numbers may add ".0"
        epoch = text.str.fullmatch(rf"\d{{{digits}}}(?:\.0+)?").astype(bool)  # no NA: filled above
        if epoch.any():
            times[epoch] = beijing(pd.to_numeric(text[epoch]).astype("int64"), unit)
    printed = times.isna() & (text != "")
    for fmt in TIME_FORMATS:
        todo = times.isna() & (text != "")
        if not todo.any():
            break
        times[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    if zone != SITE_TIMEZONE and (printed & times.notna()).any():
        local = times[printed].dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        times[printed] = local.dt.tz_convert(SITE_TIMEZONE).dt.tz_localize(None).astype("datetime64[ns]")
    plausible = (times >= pd.Timestamp("2000-01-01")) & (times < pd.Timestamp("2100-01-01"))
    times = times.where(plausible)
    unparseable = (times.isna() & (text != "")).astype(bool)
    return times, unparseable


def beijing(epoch: pd.Series, unit: str) -> pd.Series:
    """Epoch numbers (``unit`` ``s`` or ``ms``) as naive Beijing clock times (see :data:`SITE_TIMEZONE`)."""
    instants = pd.to_datetime(epoch.astype("int64"), unit=unit, utc=True)
    return instants.dt.tz_convert(SITE_TIMEZONE).dt.tz_localize(None).astype("datetime64[ns]")


def times_from_note_ids(ids: pd.Series) -> pd.Series:
    """The publish time embedded in each 24-hex note id (its first 8 hex digits, epoch seconds), Beijing time.

    NaT where the id is not 24 hex digits. Whether the layout holds (plausible years, near the
    crawl) is for the caller to judge: ids that merely look hex give arbitrary times.
    """
    text = ids.astype("string").fillna("").str.strip()
    layout = text.str.fullmatch(_NOTE_ID).astype(bool)  # no NA: filled above
    times = pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns]")
    if layout.any():
        seconds = text[layout].map(lambda note: int(note[:8], 16))
        times[layout] = beijing(seconds, "s")
    return times


#: RedNote (Xiaohongshu) opened in 2013: an account id that decodes to an earlier day is not the site's layout.
FIRST_ACCOUNT_DAY = pd.Timestamp("2013-01-01")


def account_creation_days(user_ids: pd.Series, first_post: pd.Series) -> pd.Series:
    """The day each account was created, from its raw 24-hex user id: like a note id, its first 8 hex digits are
    the second it was made (Beijing time; truncated to the day, all the pipeline keeps).

    NaT ("unknown") where the id is not 24 hex digits (hashed ids such as MediaCrawler's ``creator_hash``, numeric
    ids), or where the day is implausible: before :data:`FIRST_ACCOUNT_DAY` or after the account's ``first_post``
    (same index: the time of that user's first post here).
    """
    return plausible_account_days(id_days(user_ids), first_post)


def id_days(user_ids: pd.Series) -> pd.Series:
    """The day in each raw user id (:func:`times_from_note_ids`, truncated to the day), before judging it."""
    return times_from_note_ids(user_ids).dt.normalize()


def plausible_account_days(days: pd.Series, first_post: pd.Series) -> pd.Series:
    """``days`` (from :func:`id_days`) where an account could have been made then: not before
    :data:`FIRST_ACCOUNT_DAY` and not after ``first_post``; NaT elsewhere."""
    return days.where((days >= FIRST_ACCOUNT_DAY) & (days <= first_post))
