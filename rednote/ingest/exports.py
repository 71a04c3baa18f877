"""Reading a crawl export in any format the crawlers write, or a folder of them, as pipeline rows.

``data.raw`` may be a ``.csv``/``.tsv`` (read by :func:`read_raw`: encoding detection,
malformed-row counting), a ``.json`` array of objects, ``.jsonl`` (an object a line), an Excel
``.xlsx`` workbook, a SQLite ``.db``/``.sqlite`` file, or a folder holding such files (crawlers write
one a day or a keyword): every file is read and their rows are joined; `clean` drops notes seen twice.
The format is told by the content (SQLite and ZIP signatures, a leading ``[`` or ``{``) before the
extension. Which crawler wrote a file is told by its header (:func:`rednote.ingest.sources.recognise`).
Nothing here writes a file.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from rednote.core.errors import UserError
from rednote.ingest import sources
from rednote.ingest.csvfile import CsvBlocks, decode_text
from rednote.ingest.schema import OPTIONAL, REQUIRED, MissingColumns, normalise_columns

#: File extensions read, in a folder and as ``data.raw``.
EXTENSIONS = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".xlsx", ".db", ".sqlite", ".sqlite3")
FORMATS_HINT = "a .csv, .tsv, .json, .jsonl, .xlsx or .db/.sqlite crawl export or a folder of them"
_SQLITE = b"SQLite format 3\x00"
_ZIP = b"PK\x03\x04"
#: Compound-file header: an encrypted (password-protected) .xlsx, or an old .xls.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class NotNotes(UserError):
    """A readable file whose columns are not a crawl's notes (a crawler's comments or creators file)."""


@dataclass
class ExportRead:
    """What :func:`read_export` found besides the rows."""

    source: str
    format: str
    encoding: str | None
    rows_read: int
    #: Which of the crawler's layouts, with the version it comes from where that can be told (``sources.layout``).
    layout: str = ""
    malformed_rows: int = 0
    malformed_lines: int = 0
    first_malformed_line: int | None = None
    #: The export's name for the publish time, for messages (``time``, ``上传时间``, …).
    time_column: str = "create_time"
    files: list[str] = field(default_factory=list)
    #: Files in a folder that were readable but held no notes (creators, other tables).
    files_skipped: list[str] = field(default_factory=list)
    #: MediaCrawler comments read beside the notes (files, sheets or tables), as :func:`sources.comment_rows` gives them.
    comment_rows: int = 0
    comment_files: list[str] = field(default_factory=list)
    comments: pd.DataFrame = field(default_factory=lambda: sources.comment_rows(pd.DataFrame()), repr=False)

    def quality(self) -> dict:
        """What metrics/data_quality.json records of the read: everything but the time column's name and the comments."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("time_column", "comments")}


def read_export(path: str | Path, max_malformed_share: float) -> tuple[pd.DataFrame, ExportRead]:
    """Read ``path`` (a file or a folder of files) as pipeline rows: strings, the columns of :mod:`rednote.ingest.schema`.

    Raises UserError, in one sentence naming the file, for a missing path, a folder with no
    readable export, and every unreadable file (see each reader). A CSV's malformed rows are
    counted and limited by ``max_malformed_share`` as :func:`read_raw` does; JSON
    Lines likewise.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path, max_malformed_share)
    frame, read = _read_file(path, max_malformed_share, label=str(path))
    return frame, file_read(path, len(frame), read)


def file_read(path: Path, rows: int, read: ExportRead) -> ExportRead:
    """What was read from ``data.raw`` when it is one file of ``rows`` notes; a UserError when it holds comments only."""
    if not rows and read.comment_rows:
        raise UserError(
            f"{path} holds {read.comment_rows} MediaCrawler comments, not notes; point data.raw at the notes export, "
            "or at the folder holding both (comments count as activity under label.activity=posts_and_comments)."
        )
    read.files = [path.name]
    return read


def _read_folder(folder: Path, max_malformed_share: float) -> tuple[pd.DataFrame, ExportRead]:
    files = export_files(folder)
    frames, read = combine_folder(folder, [read_folder_file(folder, f, max_malformed_share) for f in files])
    return pd.concat(frames, ignore_index=True), read


def export_files(folder: Path) -> list[Path]:
    """The export files in ``folder`` and below, sorted (hidden ones left out); a UserError when there is none."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if not files:
        raise UserError(
            f"{folder} is a folder with no crawl export in it; put {FORMATS_HINT} there, or point data.raw at one file."
        )
    return files


#: One file of a folder as :func:`read_folder_file` reads it: its name in the folder, its notes, how many, and what
#: was read (None for a readable file that holds no notes).
FolderFile = tuple[str, pd.DataFrame | None, int, ExportRead | None]


def read_folder_file(folder: Path, file: Path, max_malformed_share: float) -> FolderFile:
    """One file of ``folder`` (on any machine that sees it: the Dask engine reads one per task)."""
    name = file.relative_to(folder).as_posix()
    try:
        frame, read = _read_file(file, max_malformed_share, label=str(file))
    except NotNotes:
        return name, None, 0, None
    return name, frame, len(frame), read


def combine_folder(folder: Path, results: list[FolderFile]) -> tuple[list, ExportRead]:
    """The notes of each file that has some, in file order (whatever each one is: frames, or futures of them on a
    cluster), and what was read from the folder as one; a UserError when no file holds notes."""
    frames, reads, skipped, comments, comment_files = [], [], [], [], []
    for name, frame, rows, read in results:
        if read is None:
            skipped.append(name)
            continue
        comments.append(read.comments)
        if rows == 0 and read.comment_rows:
            comment_files.append(name)
            continue
        frames.append(frame)
        reads.append((name, read))
    if not frames:
        skipped += comment_files
        raise UserError(
            f"none of the {len(results)} files in {folder} ({', '.join(skipped[:5])}{', …' if len(skipped) > 5 else ''}) "
            f"holds notes with a crawler's columns (user id, publish time, counts); point data.raw at the notes export."
        )
    first_bad = next((r.first_malformed_line for _, r in reads if r.first_malformed_line is not None), None)
    combined = ExportRead(
        source="+".join(dict.fromkeys(r.source for _, r in reads)),
        format="+".join(dict.fromkeys(r.format for _, r in reads)),
        encoding="+".join(dict.fromkeys(str(r.encoding) for _, r in reads if r.encoding)) or None,
        rows_read=sum(r.rows_read for _, r in reads),
        layout=" + ".join(dict.fromkeys(r.layout for _, r in reads)),
        malformed_rows=sum(r.malformed_rows for _, r in reads),
        malformed_lines=sum(r.malformed_lines for _, r in reads),
        first_malformed_line=first_bad,
        time_column="/".join(dict.fromkeys(r.time_column for _, r in reads)),
        files=[name for name, _ in reads],
        files_skipped=skipped,
        comment_rows=sum(len(c) for c in comments),
        comment_files=comment_files,
        comments=pd.concat(comments, ignore_index=True),
    )
    return frames, combined


def sniff(path: Path) -> str:
    """The format of ``path``: ``sqlite``, ``xlsx``, ``encrypted``, ``json``, ``jsonl``, ``tsv`` or ``csv``.

    Binary signatures decide first, then the first non-blank character of text (``[``: JSON,
    ``{``: JSON Lines or a lone object), then the extension.
    """
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(_SQLITE):
        return "sqlite"
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        return "encrypted"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"[" or suffix == ".json":
        return "json"
    if start == b"{":
        return "jsonl"
    if suffix in (".xlsx", ".db", ".sqlite", ".sqlite3") and head.strip():
        return "mismatch"
    return "tsv" if suffix == ".tsv" else "csv"


def _read_file(path: Path, max_malformed_share: float, label: str) -> tuple[pd.DataFrame, ExportRead]:
    blocks = ExportBlocks(path, max_malformed_share, label=label)
    (frame,) = list(blocks)
    assert blocks.read is not None
    return frame, blocks.read


class ExportBlocks:
    """The notes of one export file as pipeline rows, in blocks of at most ``rows`` rows (at least one block, perhaps
    empty): a CSV or TSV streamed (:class:`~rednote.ingest.csvfile.CsvBlocks`), other formats read whole and then cut.
    After the last block, :attr:`read` says what was read. The same rows as :func:`read_export` gives, whatever
    ``rows`` is; a path that is no file stops with the sentence for ``data.raw``."""

    def __init__(self, path: Path, max_malformed_share: float, rows: int | None = None, label: str | None = None):
        self.path, self.max_malformed_share, self.rows = path, max_malformed_share, rows
        self.label = label or str(path)
        self.read: ExportRead | None = None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        if not self.path.is_file():
            raise UserError(
                f"{self.label} does not exist; point data.raw at {FORMATS_HINT} (see README, 'Your own crawl')."
            )
        kind = sniff(self.path)
        if kind not in ("csv", "tsv"):
            frame, self.read = _read_other(self.path, kind, self.max_malformed_share, self.label)
            step = self.rows or max(len(frame), 1)
            for start in range(0, max(len(frame), 1), step):
                yield frame.iloc[start : start + step]
            return
        found: dict[str, Any] = {"comments": []}

        def prepare(frame: pd.DataFrame, where: str) -> pd.DataFrame:
            table: dict = {}
            rows = _to_rows(frame, where, table)
            if "comments" in table:
                found["comments"].append(table.pop("comments"))
            found.update(table)
            return rows

        blocks = CsvBlocks(self.path, self.max_malformed_share, "\t" if kind == "tsv" else ",", prepare, self.rows)
        yield from blocks
        assert blocks.read is not None
        source = found.get("source", sources.KAGGLE)
        shape = found.get("layout", sources.layout(source, []))
        read = ExportRead(source.name, kind, layout=shape, time_column=source.time_column, **asdict(blocks.read))
        if found["comments"]:  # a comments file: its rows are comments, not notes
            read.comments = pd.concat(found["comments"], ignore_index=True)
            read.comment_rows, read.rows_read = len(read.comments), 0
        self.read = read


def _read_other(path: Path, kind: str, max_malformed_share: float, label: str) -> tuple[pd.DataFrame, ExportRead]:
    if kind == "encrypted":
        raise UserError(
            f"{label} is a password-protected (encrypted) workbook or an old .xls; open it in Excel, remove the "
            "password and save it as .xlsx (or export the crawl as CSV)."
        )
    if kind == "mismatch":
        raise UserError(
            f"{label} is named {path.suffix} but is neither a workbook nor a SQLite file; re-export it from the crawler."
        )
    readers = {"json": _read_json, "jsonl": _read_jsonl, "xlsx": _read_xlsx, "sqlite": _read_sqlite}
    tables, encoding, bad = readers[kind](path, label, max_malformed_share)
    frames, source, shapes, comments = [], sources.KAGGLE, [], [sources.comment_rows(pd.DataFrame())]
    for where, raw in tables:
        found: dict[str, Any] = {}
        frames.append(_to_rows(raw, where, found))
        source = found["source"]
        if "comments" in found:
            comments.append(found["comments"])
        else:
            shapes.append(found["layout"])
    frame = pd.concat(frames, ignore_index=True)
    rows = len(frame) + bad[0]
    read = ExportRead(
        source=source.name,
        format=kind,
        encoding=encoding,
        rows_read=rows,
        layout=" + ".join(dict.fromkeys(shapes)),
        malformed_rows=bad[0],
        malformed_lines=bad[0],
        first_malformed_line=bad[1],
        time_column=source.time_column,
        comments=pd.concat(comments, ignore_index=True),
    )
    read.comment_rows = len(read.comments)
    return frame, read


def _to_rows(frame: pd.DataFrame, where: str, found: dict) -> pd.DataFrame:
    """Map one table of an export onto the pipeline's columns; its source goes into ``found["source"]``.

    A table of MediaCrawler comments gives no notes: its rows go into ``found["comments"]``
    (:func:`rednote.ingest.sources.comment_rows`). Raises :class:`NotNotes` (a UserError, with
    :func:`rednote.ingest.schema.normalise_columns`' sentence) when the columns are no crawler's and lack the
    pipeline's required ones.
    """
    if sources.is_comments(list(frame.columns)):
        found["source"], found["comments"] = sources.MEDIACRAWLER, sources.comment_rows(frame)
        return pd.DataFrame(columns=[*REQUIRED, *OPTIONAL], dtype=object)
    source = sources.recognise(list(frame.columns))
    found["source"] = source
    found["layout"] = sources.layout(source, list(frame.columns))
    try:
        rows = normalise_columns(sources.rename(frame, source), where, lambda: sources.nearest(list(frame.columns)))
    except MissingColumns as err:
        raise NotNotes(str(err)) from None
    rows = sources.harmonise(rows, source)
    return rows[[*REQUIRED, *OPTIONAL]]


def _cell(value: object) -> str:
    """One cell as the text a CSV would hold: None as empty, whole floats without ``.0``, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _frame(records: list[dict]) -> pd.DataFrame:
    columns = list(dict.fromkeys(key for record in records for key in record))
    return pd.DataFrame([[_cell(r.get(c)) for c in columns] for r in records], columns=columns, dtype=object)


def _text(path: Path, label: str) -> tuple[str, str]:
    return decode_text(path.read_bytes(), label)


def _read_json(path: Path, label: str, _share: float):
    """A JSON array of objects (MediaCrawler's ``.json``): one object per note."""
    text, encoding = _text(path, label)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserError(
            f"{label} is not valid JSON ({err.msg.lower()}, line {err.lineno}: a cut-off copy looks like this); "
            "re-export it, or export the crawl as CSV."
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        kind = (
            type(data).__name__
            if not isinstance(data, list)
            else "a list of " + ", ".join(sorted({type(item).__name__ for item in data if not isinstance(item, dict)}))
        )
        raise UserError(
            f"{label} is JSON but not an array of objects (it holds {_json_kind(kind)}); a crawl export in JSON "
            "is one array with an object per note, as MediaCrawler writes it."
        )
    if not data:
        raise UserError(f"{label} is an empty JSON array: it holds no notes; point data.raw at an export with notes.")
    return [(label, _frame(data))], encoding, (0, None)


def _json_kind(kind: str) -> str:
    names = {
        "dict": "an object",
        "str": "a string",
        "int": "a number",
        "float": "a number",
        "NoneType": "null",
        "bool": "true/false",
    }
    return names.get(kind, kind.replace("dict", "objects").replace("str", "strings").replace("int", "numbers"))


def _read_jsonl(path: Path, label: str, max_malformed_share: float):
    """JSON Lines (MediaCrawler's ``.jsonl``): an object a line; lines that are not are counted like malformed CSV rows."""
    text, encoding = _text(path, label)
    records, bad, first_bad, lines = [], 0, None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lines += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            records.append(record)
        else:
            bad += 1
            first_bad = first_bad or number
    if not lines:
        raise UserError(f"{label} is empty; it should hold one JSON object per note, a line each.")
    if not records:
        raise UserError(
            f"{label} is not JSON Lines: none of its {lines} lines is a JSON object (the first bad one is line {first_bad}); "
            "re-export it, or point data.raw at the crawler's CSV or JSON."
        )
    if bad / lines > max_malformed_share:
        raise UserError(
            f"{label} has {bad} line(s) that are not JSON objects, the first at line {first_bad}, of its {lines} lines "
            f"({bad / lines:.1%}, more than clean.max_malformed_share={max_malformed_share}); fix the file or raise that param."
        )
    return [(label, _frame(records))], encoding, (bad, first_bad)


def _read_xlsx(path: Path, label: str, _share: float):
    """An Excel workbook (Spider_XHS): every sheet whose header is a crawl export's; all cells as text."""
    import openpyxl  # only here: most runs read CSV
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # from bytes: openpyxl refuses a workbook whose name does not end in .xlsx
        book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as err:
        raise UserError(
            f"{label} is not a readable .xlsx workbook ({type(err).__name__}: a truncated copy or another ZIP file "
            "looks like this); copy or export it again from the crawler."
        ) from None
    try:
        sheets = []
        for sheet in book.worksheets:
            try:
                rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as err:
                raise UserError(
                    f"{label} has an unreadable sheet {sheet.title!r} ({type(err).__name__}: a truncated copy looks like "
                    "this); copy or export it again from the crawler."
                ) from None
            rows = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
            sheets.append((sheet.title, rows))
    finally:
        book.close()
    tables = []
    for title, rows in sheets:
        if not rows:
            continue
        header = [_cell(v).strip() for v in rows[0]]
        width = max((i + 1 for i, h in enumerate(header) if h), default=0)
        header = header[:width]
        body = [[_cell(v) for v in (r + [None] * width)[:width]] for r in rows[1:]]
        tables.append((title, header, body))
    usable = [t for t in tables if sources.is_crawler_export(t[1]) or _has_required(t[1])]
    usable += [t for t in tables if usable and sources.is_comments(t[1])]  # MediaCrawler's Comments sheet
    if not usable:
        if len(tables) == 1 and len(sheets) == 1:
            usable = tables  # one sheet: let the column check name what it lacks
        elif tables:
            names = ", ".join(repr(t[0]) for t in tables)
            raise NotNotes(
                f"none of the {len(sheets)} sheets of {label} ({names}) has a crawl export's columns (user id, publish time, "
                "counts), such as Spider_XHS's 笔记id, 用户id, 上传时间, 点赞数量; point data.raw at the notes workbook."
            )
    if not usable or not any(body for _, _, body in usable):
        raise UserError(
            f"{label} has no rows: its sheets hold no notes under a header; point data.raw at a workbook with notes."
        )
    return (
        [(f"{label} (sheet {t!r})", pd.DataFrame(body, columns=header, dtype=object)) for t, header, body in usable],
        None,
        (0, None),
    )


def _has_required(header: list[str]) -> bool:
    try:
        normalise_columns(pd.DataFrame(columns=header), "")
    except UserError:
        return False
    return True


def _read_sqlite(path: Path, label: str, _share: float):
    """A SQLite file (XHS-Downloader's ``explore_data``, MediaCrawler's ``xhs_note``): the known tables, else any table
    with a crawl export's columns. Opened read-only."""
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            columns = {name: [row[1] for row in db.execute(f'PRAGMA table_info("{name}")')] for name in names}
            known = [n for n in names if any(n in s.tables for s in sources.SOURCES)]
            known = known or [n for n in names if sources.is_crawler_export(columns[n]) or _has_required(columns[n])]
            known += [n for n in names if known and n not in known and sources.is_comments(columns[n])]
            if not known:
                found = ", ".join(names[:10]) or "no table at all"
                raise NotNotes(
                    f"{label} is a SQLite file with no known table of notes (found: {found}); a crawl export has "
                    "XHS-Downloader's explore_data or MediaCrawler's xhs_note; point data.raw at that database."
                )
            tables = []
            for name in known:
                cursor = db.execute(f'SELECT * FROM "{name}"')
                header = [d[0] for d in cursor.description]
                body = [[_cell(v) for v in row] for row in cursor.fetchall()]
                tables.append((f"{label} (table {name})", pd.DataFrame(body, columns=header, dtype=object)))
    except sqlite3.DatabaseError as err:
        raise UserError(
            f"{label} is not a readable SQLite database ({err}; a truncated copy looks like this); copy it again from the crawler."
        ) from None
    if not any(len(t) for _, t in tables):
        raise UserError(
            f"{label} has no rows in its table(s) {', '.join(known)}; point data.raw at a database with notes."
        )
    return tables, None, (0, None)
