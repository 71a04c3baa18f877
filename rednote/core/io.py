"""Reading and writing the pipeline's files. Every write is atomic: a temporary file, then a rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rednote.core.errors import UserError

#: Human-facing numbers (metrics JSON, plot CSVs, DVCLive logs) are written with this many significant
#: digits, so float noise between machines (the 8th digit of a Brier score) never shows in `dvc metrics diff`.
SIGNIFICANT_DIGITS = 5


def rounded(value: float) -> float:
    """``value`` to :data:`SIGNIFICANT_DIGITS` significant digits (NaN and infinities unchanged)."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if np.isfinite(value) else float(value)


def level_text(level: float) -> str:
    """How an interval's level reads in text and figures: 0.95 → ``95%``, 0.975 → ``97.5%``."""
    return f"{100 * level:.10g}%"


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on failure remove it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


#: Rows per Parquet row group: a writer holds at most this many rows besides the part it is given, and a reader
#: can take a file a row group at a time (the Dask engine).
ROW_GROUP_ROWS = 100_000


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as Parquet (no index; deterministic bytes for the same frame): :func:`write_parts` of one part."""
    write_parts([frame], path)


def write_parts(parts: Iterable[pd.DataFrame], path: str | Path) -> int:
    """Write frames, in order, as one Parquet table (no index, zstd) in row groups of :data:`ROW_GROUP_ROWS` rows;
    return how many rows were written.

    The bytes depend on the rows only, not on how they are cut into parts, so a stream of partitions (the Dask
    engine) writes the file one frame writes; only one row group's rows are held at a time. The column types are
    those of the first row group (later ones are cast to them); empty parts are skipped unless all are empty.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    pending: list[pd.DataFrame] = []
    held = written = 0
    first_empty: pd.DataFrame | None = None

    def flush(rows: pd.DataFrame) -> None:
        nonlocal writer, written
        table = pa.Table.from_pandas(rows, preserve_index=False, schema=writer.schema if writer else None)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table)
        written += len(rows)

    with atomic_path(path) as tmp:
        try:
            for part in parts:
                if not len(part):
                    first_empty = part if first_empty is None else first_empty
                    continue
                pending.append(part)
                held += len(part)
                while held >= ROW_GROUP_ROWS:
                    rows = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
                    flush(rows.iloc[:ROW_GROUP_ROWS])
                    pending, held = [rows.iloc[ROW_GROUP_ROWS:]], len(rows) - ROW_GROUP_ROWS
            if held or writer is None:
                rest = [p for p in pending if len(p)]
                if rest:
                    flush(pd.concat(rest, ignore_index=True) if len(rest) > 1 else rest[0])
                elif first_empty is not None:
                    flush(first_empty)
                else:
                    raise ValueError("write_parts needs at least one part")
        finally:
            if writer is not None:
                writer.close()
    return written


def read_table(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_table`: every column, or only ``columns``."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; run the stage that makes it first (`dvc repro`).")
    return pd.read_parquet(path, engine="pyarrow", columns=columns)


def write_array(array: np.ndarray, path: str | Path) -> None:
    """Write a NumPy array as ``.npy``."""
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.save(handle, array, allow_pickle=False)


def read_array(path: str | Path) -> np.ndarray:
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; run the stage that makes it first (`dvc repro`).")
    return np.load(path, allow_pickle=False)


def _plain(value: Any) -> Any:
    """Turn NumPy scalars and NaN into JSON values (NaN becomes null), floats rounded by :func:`rounded`."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return rounded(value) if np.isfinite(value) else None
    return value


def write_json(data: Any, path: str | Path) -> None:
    """Write human-facing JSON (sorted keys, 2-space indent, NaN as null) so diffs stay readable."""
    text = json.dumps(_plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_json(path: str | Path) -> Any:
    """Read JSON written by :func:`write_json`."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; run the stage that makes it first (`dvc repro`).")
    return json.loads(path.read_text(encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write plot data as CSV (no index) for ``dvc plots``, floats to :data:`SIGNIFICANT_DIGITS` digits."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, float_format=f"%.{SIGNIFICANT_DIGITS}g")
