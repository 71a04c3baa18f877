"""`clean` on a Dask cluster (``REDNOTE_ENGINE=dask``): the same steps as :func:`rednote.ingest.cleaning.clean_posts`,
run over partitions.

The export is read a file per task when it is a folder (a crawler's daily files), or streamed by the stage's process
in blocks of :data:`~rednote.core.engine.ROWS_PER_PARTITION` rows when it is one file (a CSV or TSV; other formats
are read whole, then cut), each block sent to the cluster as it is read. Each partition is parsed on a worker
(:func:`~rednote.ingest.cleaning.parse_rows`: a row at a time), then shuffled by post identity to find each post's
first copy (:func:`~rednote.ingest.cleaning.mark_copies`) and by author for what needs all of an author's rows
(:func:`~rednote.ingest.cleaning.author_days`, the quality counts, the pseudonyms). The kept posts are sorted on the
cluster as the pandas engine sorts them and come back to the stage a partition at a time, for the writer that
writes the pandas engine's frame (:func:`rednote.core.io.write_parts`): the file is the same.
Partitions keep pandas objects as they are (no conversion to Arrow strings, a shuffle of pickled frames), because
that is what makes the bytes equal.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from rednote.core.engine import DASK_CONFIG, ROWS_PER_PARTITION
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
    from distributed import Client, Future


def read_partitions(
    client: Client, path: str | Path, max_malformed_share: float
) -> tuple[list[Future], list[int], ExportRead]:
    """The export's rows as futures of frames on ``client``'s workers (in export order), their lengths, and what was
    read (as :func:`~rednote.ingest.exports.read_export` says it)."""
    path = Path(path)
    if not path.is_dir():
        futures, lengths = [], []
        blocks = ExportBlocks(path, max_malformed_share, rows=ROWS_PER_PARTITION)
        for block in blocks:  # each block on the cluster as it is read: the stage never holds the whole export
            futures.append(client.scatter(block))
            lengths.append(len(block))
        assert blocks.read is not None
        return futures, lengths, file_read(path, sum(lengths), blocks.read)
    files = export_files(path)
    futures = client.map(read_folder_file, [path] * len(files), files, [max_malformed_share] * len(files), pure=False)
    heads = client.gather(client.map(_without_frame, futures))
    kept, read = combine_folder(path, [(name, future, rows, r) for (name, rows, r), future in zip(heads, futures)])
    rows_of = {future.key: rows for (_, rows, _), future in zip(heads, futures)}
    return [client.submit(operator.itemgetter(1), f) for f in kept], [rows_of[f.key] for f in kept], read


def _without_frame(file: tuple) -> tuple:
    name, _, rows, read = file
    return name, rows, read


def _parse(raw: pd.DataFrame, offset: int, window: Window, zone: str) -> tuple[pd.DataFrame, dict, dict]:
    """One partition parsed, its rows numbered from ``offset`` (their place in the export), its quality counts, and
    what the checks need: rows with a time and with an author, the printed times read as none, the time span."""
    rows, quality = parse_rows(raw.reset_index(drop=True), window, zone)
    rows.index = pd.RangeIndex(offset, offset + len(rows))
    rows["row"] = rows.index
    dated = rows["created_at"]
    summary = {
        "dated": int(dated.notna().sum()),
        "identified": int((rows["user"] != "").sum()),
        "printed": rows["printed_time"].dropna(),
        "first": dated.min(),
        "last": dated.max(),
    }
    return rows, quality, summary


def _authors(rows: pd.DataFrame, key: str) -> tuple[pd.DataFrame, dict]:
    """One partition of whole authors: their kept posts and the quality counts they give."""
    rows = rows.assign(account_created=author_days(rows))
    return kept_posts(rows, key), row_quality(rows) | author_quality(rows)


def clean_on_cluster(
    client: Client,
    path: str | Path,
    read_share: float,
    window: Window,
    key: str,
    max_unreadable_time_share: float,
    export_timezone: str,
) -> tuple[Iterator[pd.DataFrame], pd.Series, dict, ExportRead]:
    """:func:`~rednote.ingest.cleaning.clean_posts` of the export at ``path`` (read with ``read_share``), on
    ``client``'s cluster: the same posts, sorted the same way (time, then post id: a total order, since each
    post is kept once), a partition at a time (fetched as the iterator is read: the posts stay on the cluster
    till then); every author's pseudonym; the same quality counts; and what was read."""
    import dask
    import dask.dataframe as dd

    futures, lengths, read = read_partitions(client, path, read_share)
    offsets = [sum(lengths[:i]) for i in range(len(lengths))]
    parsed = client.map(_parse, futures, offsets, window=window, zone=export_timezone, pure=False)
    heads = client.gather(client.map(_counts_only, parsed))
    del futures  # parsed: the raw blocks can go (a future's data is freed when no one holds the future)
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
    rows = [client.submit(operator.itemgetter(0), p) for p in parsed]
    with dask.config.set(DASK_CONFIG):
        meta = client.submit(_empty, rows[0]).result()
        frame = dd.from_delayed(rows, meta=meta, verify_meta=False)
        marked = frame.shuffle(on="identity").map_partitions(mark_copies)
        by_author = marked.shuffle(on="user").to_delayed()
        done = client.compute([dask.delayed(_authors)(part, key) for part in by_author])
    for counts in client.gather([client.submit(operator.itemgetter(1), d) for d in done]):
        quality = add_counts(quality, counts)
    del parsed, rows, frame, marked, by_author  # every author's rows are done: the parsed rows can go
    if not quality["rows_kept"]:
        first = min((s["first"] for s in summaries if pd.notna(s["first"])), default=pd.NaT)
        last = max((s["last"] for s in summaries if pd.notna(s["last"])), default=pd.NaT)
        nothing_survives(first, last, window, quality, str(path))
    posts = [client.submit(operator.itemgetter(0), d) for d in done]
    # only parts with posts: an empty one's columns may lack their types, and a shuffle would cast the rest to them
    posts = [part for part, n in zip(posts, client.gather(client.map(len, posts))) if n]
    with dask.config.set(DASK_CONFIG):
        kept = dd.from_delayed(posts, meta=client.submit(_empty, posts[0]).result(), verify_meta=False)
        ordered = kept.sort_values(list(POST_ORDER)).persist()
        authors = ordered["user_id"].unique().compute()
        sorted_parts = client.compute(ordered.to_delayed())  # the persisted partitions, in order
    del done, posts, kept, ordered  # sorted: only the sorted partitions are kept, each until it is fetched
    quality["users"] = len(authors)
    return _fetched(sorted_parts), authors, quality, read


def _fetched(futures: list) -> Iterator[pd.DataFrame]:
    """Each future's frame in order, each released on the cluster once fetched."""
    while futures:
        yield futures.pop(0).result()


def _counts_only(parsed: tuple) -> tuple[dict, dict]:
    return parsed[1], parsed[2]


def _empty(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.iloc[:0]
