"""Partitions handed from one Dask task to the next through files, not through the workers' memory (the Dask engine's
``clean`` and ``label``; README *Past one machine*).

A cluster's memory then holds the partitions its tasks are working on, not the crawl: each task reads its input
partition from a file, writes its output to another and hands on only the file's name and small counts. The shuffles
between them are Dask's disk-backed ones (P2P, :data:`rednote.core.engine.DASK_CONFIG`). Files are pickles: a pandas
frame comes back exactly as it was written (object columns, time zones, lists), which is what keeps the engines'
outputs the same bytes. They are the stage's own temporary files, read only by the stage that wrote them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: The variable naming the folder under which a stage on Dask keeps its partitions while it runs.
SCRATCH_ENV = "REDNOTE_SCRATCH"


@contextmanager
def scratch_folder(beside: str | Path, environ: Mapping[str, str] = os.environ) -> Iterator[Path]:
    """A new, empty folder for a stage's partitions, removed with what it holds when the stage ends (on an error
    too). It is made under ``REDNOTE_SCRATCH`` when set, else beside the stage's output ``beside`` (hidden, named
    ``.scratch-*``): a folder that the stage and every worker reach as they reach the data, with room for a copy of
    the crawl. On a cluster of several machines that is a shared file system (README *Past one machine*)."""
    root = Path(environ.get(SCRATCH_ENV, "").strip() or Path(beside).resolve().parent)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".scratch-", dir=root)).resolve()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def put(frame: pd.DataFrame, path: str | Path) -> str:
    """Write ``frame`` to ``path`` as it is; return the path (as text, for a task's result)."""
    frame.to_pickle(path)
    return str(path)


def take(path: str | Path, remove: bool = False) -> pd.DataFrame:
    """The frame :func:`put` wrote to ``path``; the file is deleted once read when ``remove``."""
    frame = pd.read_pickle(path)
    if remove:
        os.remove(path)
    return frame


def no_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns and their types, without its rows: for a task's result. A copy, because an empty slice
    (``frame.iloc[:0]``) is a view that keeps every array of the partition, and every string in them, alive for as
    long as the result is held."""
    return frame.iloc[:0].copy()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (Linux), or None where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def releasing(task: Callable[_P, _R]) -> Callable[_P, _R]:
    """``task`` (a worker's task on a partition, or a stage's work between two steps on a cluster), then the heap's
    free memory handed back to the system (``malloc_trim``, where the C library has it). Without it a process keeps
    much of the peak of every partition it has worked on: pandas frees a task's many small objects into pages that
    glibc keeps (README *Memory*)."""

    @functools.wraps(task)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return task(*args, **kwargs)
        finally:
            if _TRIM is not None:
                _TRIM(0)

    return run
