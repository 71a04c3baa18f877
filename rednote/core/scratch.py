"""Partitions handed from one Dask task to the next through files, not through the workers' memory (the Dask engine's
``clean`` and ``label``; README *Past one machine*).

A cluster's memory then holds the partitions its tasks are working on, not the crawl: each task reads its input
partition from a file, writes its output to another and hands on only the file's name and small counts. The shuffles
between them are Dask's disk-backed ones (P2P, :data:`rednote.core.engine.DASK_CONFIG`). Files are pickles: a pandas
frame comes back exactly as it was written (object columns, time zones, lists), which is what keeps the engines'
outputs the same bytes. They are the stage's own temporary files, read only by the stage that wrote them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

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
