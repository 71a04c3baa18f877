"""`clean` on a Dask cluster (``REDNOTE_ENGINE=dask``): the same steps as :func:`rednote.ingest.cleaning.clean_posts`,
run over partitions, out of core.

The export is read a file per task when it is a folder (a crawler's daily files), or streamed by the stage's process
in blocks of :data:`~rednote.core.engine.ROWS_PER_PARTITION` rows when it is one file (a CSV or TSV; other formats
are read whole, then cut). Each partition is parsed on a worker (:func:`~rednote.ingest.cleaning.parse_rows`: a row
at a time), then shuffled by post identity to find each post's first copy (:func:`~rednote.ingest.cleaning.mark_copies`)
and by author for what needs all of an author's rows (:func:`~rednote.ingest.cleaning.author_days`, the quality
counts, the pseudonyms). The kept posts are sorted on the cluster as the pandas engine sorts them and come back to the
stage a partition at a time, for the writer that writes the pandas engine's frame
(:func:`rednote.core.io.write_parts`): the file is the same.

Between two steps each partition is a file of the stage's scratch folder (:mod:`rednote.core.scratch`) and the
shuffles keep theirs on the workers' disks, so the cluster holds the partitions being worked on, not the crawl.
Partitions keep pandas objects as they are (no conversion to Arrow strings), because that is what makes the bytes
equal."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rednote.core.engine import DASK_CONFIG, ROWS_PER_PARTITION
from rednote.core.scratch import no_rows, put, releasing, take
from rednote.core.window import Window
from rednote.ingest.cleaning import (
    POST_ORDER,
    add_counts,
    author_days,
    author_quality,
    check_rows,
    kept_posts,
    mark_copies,
    nothing_survives,
    parse_rows,
    row_quality,
)
from rednote.ingest.exports import (
    ExportBlocks,
    ExportRead,
    combine_folder,
    export_files,
    file_read,
    read_folder_file,
)

if TYPE_CHECKING:
    from distributed import Client


def read_partitions(
    client: Client, path: str | Path, max_malformed_share: float, folder: Path
) -> tuple[list[str], list[int], ExportRead]:
    """The export's rows as files of frames in ``folder`` (:func:`~rednote.core.scratch.put`; in export order),
    their lengths, and what was read (as :func:`~rednote.ingest.exports.read_export` says it)."""
    path = Path(path)
    if not path.is_dir():
        files: list[str] = []
        lengths: list[int] = []
        blocks = ExportBlocks(path, max_malformed_share, rows=ROWS_PER_PARTITION)
        for block in blocks:  # each block written as it is read: the stage never holds the whole export
            files.append(put(block, folder / f"raw-{len(files):05d}.pkl"))
            lengths.append(len(block))
        assert blocks.read is not None
        return files, lengths, file_read(path, sum(lengths), blocks.read)
    names = export_files(path)
    outs = [folder / f"raw-{i:05d}.pkl" for i in range(len(names))]
    heads = client.gather(client.map(_read_file, [path] * len(names), names, [max_malformed_share] * len(names), outs))
    kept, read = combine_folder(path, heads)
    rows_of = {file: rows for _, file, rows, _ in heads}
    for file in set(rows_of) - set(kept) - {None}:  # a file of comments only
        Path(file).unlink()
    return kept, [rows_of[file] for file in kept], read


@releasing
def _read_file(folder: Path, file: Path, max_malformed_share: float, out: Path) -> tuple:
    """:func:`~rednote.ingest.exports.read_folder_file` with its frame written to ``out`` (None when not notes)."""
    name, frame, rows, read = read_folder_file(folder, file, max_malformed_share)
    return name, None if frame is None else put(frame, out), rows, read


@releasing
def _parse(raw: str, offset: int, window: Window, zone: str, out: Path) -> tuple[dict, dict]:
    """One partition (the file ``raw``, deleted once read) parsed and written to ``out``, its rows numbered from
    ``offset`` (their place in the export); its quality counts, and what the checks need: rows with a time and with
    an author, the printed times read as none, the time span, the columns."""
    rows, quality = parse_rows(take(raw, remove=True).reset_index(drop=True), window, zone)
    rows.index = pd.RangeIndex(offset, offset + len(rows))
    rows["row"] = rows.index
    dated = rows["created_at"]
    summary = {
        "dated": int(dated.notna().sum()),
        "identified": int((rows["user"] != "").sum()),
        "printed": rows["printed_time"].dropna(),
        "first": dated.min(),
        "last": dated.max(),
        "empty": no_rows(rows),
    }
    put(rows, out)
    return quality, summary


@releasing
def _authors(rows: pd.DataFrame, key: str, out: Path) -> tuple[dict, int, pd.DataFrame, np.ndarray]:
    """One partition of whole authors: their kept posts written to ``out``; the quality counts they give, how many
    posts were kept, the posts' columns and their authors' pseudonyms (each author is in one partition only)."""
    rows = rows.assign(account_created=author_days(rows))
    posts = kept_posts(rows, key)
    put(posts, out)
    return row_quality(rows) | author_quality(rows), len(posts), no_rows(posts), posts["user_id"].unique()


def clean_on_cluster(
    client: Client,
    path: str | Path,
    read_share: float,
    window: Window,
    key: str,
    max_unreadable_time_share: float,
    export_timezone: str,
    folder: Path,
) -> tuple[Iterator[pd.DataFrame], pd.Series, dict, ExportRead]:
    """:func:`~rednote.ingest.cleaning.clean_posts` of the export at ``path`` (read with ``read_share``), on
    ``client``'s cluster: the same posts, sorted the same way (time, then post id: a total order, since each
    post is kept once), a partition at a time (read from ``folder`` as the iterator is read); every author's
    pseudonym; the same quality counts; and what was read. Every partition between two steps is a file in
    ``folder`` (:mod:`rednote.core.scratch`), and the shuffles keep theirs on the workers' disks."""
    import dask
    import dask.dataframe as dd

    raws, lengths, read = read_partitions(client, path, read_share, folder)
    offsets = [sum(lengths[:i]) for i in range(len(lengths))]
    parsed = [folder / f"parsed-{i:05d}.pkl" for i in range(len(raws))]
    n = len(raws)
    heads = client.gather(client.map(_parse, raws, offsets, [window] * n, [export_timezone] * n, parsed, pure=False))
    quality = functools.reduce(add_counts, (q for q, _ in heads))
    summaries = [s for _, s in heads]
    check_rows(
        quality,
        pd.Series([s["dated"] for s in summaries]),
        pd.Series([s["identified"] for s in summaries]),
        pd.concat([s["printed"] for s in summaries]),
        str(path),
        max_unreadable_time_share,
        read.time_column,
    )
    with dask.config.set(DASK_CONFIG):
        rows = dd.from_delayed([dask.delayed(take)(p) for p in parsed], meta=summaries[0]["empty"], verify_meta=False)
        marked = rows.shuffle(on="identity").map_partitions(mark_copies)
        by_author = marked.shuffle(on="user").to_delayed()
        outs = [folder / f"kept-{i:05d}.pkl" for i in range(len(by_author))]
        done = client.gather(
            client.compute([dask.delayed(_authors)(part, key, out) for part, out in zip(by_author, outs)])
        )
    for counts, _, _, _ in done:
        quality = add_counts(quality, counts)
    if not quality["rows_kept"]:
        first = min((s["first"] for s in summaries if pd.notna(s["first"])), default=pd.NaT)
        last = max((s["last"] for s in summaries if pd.notna(s["last"])), default=pd.NaT)
        nothing_survives(first, last, window, quality, str(path))
    # only parts with posts: an empty one's columns may lack their types, and a shuffle would cast the rest to them
    kept = [(out, empty) for out, (_, n, empty, _) in zip(outs, done) if n]
    authors = pd.Series(np.concatenate([users for *_, users in done]), name="user_id")
    with dask.config.set(DASK_CONFIG):
        posts = dd.from_delayed([dask.delayed(take)(out) for out, _ in kept], meta=kept[0][1], verify_meta=False)
        ordered = posts.sort_values(list(POST_ORDER)).to_delayed()
        outs = [folder / f"sorted-{i:05d}.pkl" for i in range(len(ordered))]
        sorted_files = client.gather(client.compute([dask.delayed(put)(p, o) for p, o in zip(ordered, outs)]))
    quality["users"] = len(authors)
    return (take(file, remove=True) for file in sorted_files), authors, quality, read
