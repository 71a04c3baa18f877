"""Reading a crawl CSV as strings, whatever its encoding, in blocks of rows or whole.

The file is read twice as a stream and never held whole: once to tell its encoding (the first of
:data:`ENCODINGS` that decodes every byte), once to parse it with the csv module. :class:`CsvBlocks` yields the rows
in blocks (the Dask engine scatters each block to the cluster as it is read); :func:`read_raw` joins them.
Rows with the wrong number of fields are skipped and counted; the malformed share is checked once the whole file
is read, so a file is accepted or refused the same way whichever block size reads it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rednote.core.errors import UserError
from rednote.ingest.schema import normalise_columns

#: Encodings tried in order: UTF-8 (with or without a byte-order mark), then GBK's superset GB18030.
ENCODINGS = ("utf-8-sig", "gb18030")
#: Bytes read at a time while telling the encoding.
CHUNK_BYTES = 1 << 20


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


def detect_encoding(chunks: Iterable[bytes], source: str) -> str:
    """The first of :data:`ENCODINGS` that decodes every byte of ``chunks`` (a file's bytes, in order).

    NUL bytes (UTF-16, binary files) decode as neither; the UserError names the line of the first byte that is
    neither UTF-8 nor NUL-free.
    """
    decoders = {encoding: codecs.getincrementaldecoder(encoding)() for encoding in ENCODINGS}
    failed: set[str] = set()
    offset, lines = 0, 0  # bytes and newlines before the current chunk
    first_nul: tuple[int, int] | None = None  # (offset, line) of the first NUL
    first_bad_utf8: tuple[int, int] | None = None  # of the first byte UTF-8 cannot decode
    utf8 = codecs.getincrementaldecoder("utf-8")()
    for chunk in itertools.chain(chunks, [b""]):  # an empty chunk last: the decoders' final call
        final = chunk == b""
        if first_nul is None and (nul := chunk.find(b"\x00")) >= 0:
            first_nul = offset + nul, lines + chunk.count(b"\n", 0, nul) + 1
        for encoding, decoder in decoders.items():
            if encoding not in failed:
                try:
                    decoder.decode(chunk, final)
                except UnicodeDecodeError:
                    failed.add(encoding)
        if first_bad_utf8 is None:
            try:
                utf8.decode(chunk, final)
            except UnicodeDecodeError as err:
                start = max(err.start - len(utf8.getstate()[0]), 0)  # the undecoded tail of earlier chunks
                first_bad_utf8 = offset + start, lines + chunk.count(b"\n", 0, start) + 1
        offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
    if first_nul is None:
        for encoding in ENCODINGS:
            if encoding not in failed:
                return encoding
    where = min(w for w in (first_nul, first_bad_utf8) if w is not None)
    raise UserError(
        f"{source} is neither UTF-8 nor GBK/GB18030 text (the first byte that is neither is on line {where[1]}; "
        "UTF-16, a spreadsheet or a compressed file look like this); re-save it as UTF-8 CSV."
    )


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """The text of ``raw`` and the first of :data:`ENCODINGS` that decodes it (:func:`detect_encoding`)."""
    encoding = detect_encoding([raw], source)
    return raw.decode(encoding), encoding


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


class CsvBlocks:
    """A crawl CSV's rows as frames of at most ``rows`` rows each (all of them in one block when ``rows`` is None),
    in file order; after the last block, :attr:`read` says what was read.

    The header is checked and mapped by ``prepare(frame, source)`` for every block (by default
    :func:`~rednote.ingest.schema.normalise_columns`). Rows with the wrong number of fields are skipped and counted;
    if the lines they span are more than ``max_malformed_share`` of all data lines, the read stops with a UserError
    after the last block. An empty file, or one with a header only, gives one empty block.
    """

    def __init__(
        self,
        path: str | Path,
        max_malformed_share: float,
        delimiter: str = ",",
        prepare: Callable[[pd.DataFrame, str], pd.DataFrame] = normalise_columns,
        rows: int | None = None,
    ) -> None:
        self.path, self.source = Path(path), str(path)
        self.max_malformed_share, self.delimiter, self.prepare, self.rows = (
            max_malformed_share,
            delimiter,
            prepare,
            rows,
        )
        self.read: RawRead | None = None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        encoding = detect_encoding(_file_chunks(self.path), self.source)
        header: list[str] | None = None
        block: list[list[str]] = []
        total = lines = malformed = bad_lines = 0
        first_bad: int | None = None
        with self.path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            done = 0
            try:  # the csv module, not pandas: pandas silently reads extra fields as an index or drops them
                for record in reader:
                    first, done = done + 1, reader.line_num
                    if not any(field.strip() for field in record):
                        continue
                    if header is None:
                        header = record
                        continue
                    total, lines = total + 1, lines + done - first + 1
                    if len(record) != len(header):
                        malformed, bad_lines = malformed + 1, bad_lines + done - first + 1
                        first_bad = first if first_bad is None else first_bad
                        continue
                    block.append(record)
                    if self.rows is not None and len(block) == self.rows:
                        yield self._frame(block, header)
                        block = []
            except csv.Error as err:
                raise UserError(
                    f"{self.source} is not readable as CSV ({err}, line {reader.line_num}); re-export it as UTF-8 CSV."
                ) from None
        if header is None:
            raise UserError(f"{self.source} is empty; it should be a CSV export with a header row and posts.")
        if block or self.rows is None or total == malformed:  # the last rows, or the one (empty) block
            yield self._frame(block, header)
        # The share counts lines, not rows: an unclosed quote turns the rest of the file into one long row.
        if lines and bad_lines / lines > self.max_malformed_share:
            raise UserError(
                f"{self.source} has {malformed} malformed row(s) (field count unlike the header's), the first at line "
                f"{first_bad}, spanning {bad_lines} of its {lines} data lines ({bad_lines / lines:.1%}, more than "
                f"clean.max_malformed_share={self.max_malformed_share}), often from an unclosed quote or another "
                "delimiter; fix the file or raise that param."
            )
        self.read = RawRead(encoding, total, malformed, bad_lines, first_bad)

    def _frame(self, block: list[list[str]], header: list[str]) -> pd.DataFrame:
        frame = (
            pd.DataFrame(block, columns=header, dtype=object) if block else pd.DataFrame(columns=header, dtype=object)
        )
        return self.prepare(frame, self.source)


def read_raw(
    path: str | Path,
    max_malformed_share: float,
    delimiter: str = ",",
    prepare: Callable[[pd.DataFrame, str], pd.DataFrame] = normalise_columns,
) -> tuple[pd.DataFrame, RawRead]:
    """Read a raw crawl CSV (``delimiter``-separated) whole, as strings (empty cells as ""): :class:`CsvBlocks` in
    one block. The file is never written."""
    blocks = CsvBlocks(path, max_malformed_share, delimiter, prepare)
    (frame,) = list(blocks)
    assert blocks.read is not None
    return frame, blocks.read
