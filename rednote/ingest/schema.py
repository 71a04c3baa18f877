"""The raw crawl export: which columns it must have, what other exports call them, and how to read it.

Column names follow the Kaggle file ``tt_refugee.csv`` (15 columns). Other exports of the same
crawler name some columns differently (the adaptation study's file has ``post_image`` and
``post_type``); :data:`ALIASES` maps those onto ours.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
#: Columns without which the pipeline cannot run.
REQUIRED = ("user_id", "create_time", *COUNT_COLUMNS)
#: Columns used when present (filled with empty strings when absent).
OPTIONAL = ("title", "content", "label", "type", "post_id")
#: Personal data: read to be dropped, never written by any stage.
PERSONAL = ("user_name", "address", "image", "ip_localtion")
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
}
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawRead:
    """What :func:`read_raw` found besides the rows."""

    encoding: str
    rows_read: int
    malformed_rows: int
    #: Physical lines those rows span: an unclosed quote swallows many lines into one row.
    malformed_lines: int = 0
    #: Line number (1-based, in the file) where the first malformed row starts, or None.
    first_malformed_line: int | None = None


def normalise_columns(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Lower-case and strip headers, apply :data:`ALIASES`, check :data:`REQUIRED`, add missing optionals.

    Raises UserError naming the file, the missing columns and the columns found.
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
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:20])) or "none"
        only = str(frame.columns[0]) if len(frame.columns) == 1 else ""
        separator = "semicolons" if ";" in only else "tabs" if "\t" in only else None
        hint = (
            f"it looks separated by {separator}, not commas: re-export it as comma-separated CSV"
            if separator
            else (f"a crawl export needs {', '.join(REQUIRED)} (aliases such as post_type/post_image are accepted)")
        )
        raise UserError(f"{source} lacks the required column(s) {', '.join(missing)} (found: {found}); {hint}.")
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def _decode(raw: bytes, source: str) -> tuple[str, str]:
    """The text of ``raw`` and the first of :data:`ENCODINGS` that decodes it; NUL bytes (UTF-16, binary) decode as neither."""
    nul = raw.find(b"\x00")
    if nul < 0:
        for encoding in ENCODINGS:
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    try:
        raw.decode("utf-8")
        where = nul
    except UnicodeDecodeError as err:
        where = err.start if nul < 0 else min(err.start, nul)
    line = raw.count(b"\n", 0, where) + 1
    raise UserError(
        f"{source} is neither UTF-8 nor GBK/GB18030 text (the first byte that is neither is on line {line}; "
        "UTF-16, a spreadsheet or a compressed file look like this); re-save it as UTF-8 CSV."
    )


def read_raw(
    path: str | Path,
    max_malformed_share: float,
    delimiter: str = ",",
    prepare: Callable[[pd.DataFrame, str], pd.DataFrame] = normalise_columns,
) -> tuple[pd.DataFrame, RawRead]:
    """Read a raw crawl CSV (``delimiter``-separated) as strings (empty cells as ""), whatever its encoding.

    The header is checked and mapped by ``prepare(frame, source)`` (by default :func:`normalise_columns`;
    :mod:`rednote.ingest.exports` passes one that knows the crawlers). Rows with the wrong number of fields
    are skipped and counted; if the lines they span are more than ``max_malformed_share`` of all
    data lines the read stops with a UserError. The file is never written.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise UserError(f"{source} does not exist; point data.raw at a crawl CSV (see README, 'Real data').")
    text, encoding = _decode(path.read_bytes(), source)
    if not text.strip():
        raise UserError(f"{source} is empty; it should be a CSV export with a header row and posts.")
    records, spans, done = [], [], 0  # each record with the file lines it spans (first, last)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:  # the csv module, not pandas: pandas silently reads extra fields as an index or drops them
        for record in reader:
            if any(field.strip() for field in record):
                records.append(record)
                spans.append((done + 1, reader.line_num))
            done = reader.line_num
    except csv.Error as err:
        raise UserError(
            f"{source} is not readable as CSV ({err}, line {reader.line_num}); re-export it as UTF-8 CSV."
        ) from None
    if not records:
        raise UserError(f"{source} is empty; it should be a CSV export with a header row and posts.")
    header, body = records[0], records[1:]
    rows = [r for r in body if len(r) == len(header)]
    bad_spans = [span for r, span in zip(body, spans[1:]) if len(r) != len(header)]
    malformed = len(body) - len(rows)
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    frame = prepare(frame, source)
    total = len(body)
    # The share counts lines, not rows: an unclosed quote turns the rest of the file into one long row.
    lines = sum(last - first + 1 for first, last in spans[1:])
    bad_lines = sum(last - first + 1 for first, last in bad_spans)
    first_bad = bad_spans[0][0] if bad_spans else None
    if lines and bad_lines / lines > max_malformed_share:
        raise UserError(
            f"{source} has {malformed} malformed row(s) (field count unlike the header's), the first at line {first_bad}, "
            f"spanning {bad_lines} of its {lines} data lines ({bad_lines / lines:.1%}, more than clean.max_malformed_share="
            f"{max_malformed_share}), often from an unclosed quote or another delimiter; fix the file or raise that param."
        )
    return frame, RawRead(
        encoding=encoding,
        rows_read=total,
        malformed_rows=malformed,
        malformed_lines=bad_lines,
        first_malformed_line=first_bad,
    )
