"""clean: a crawl export (CSV, JSON, xlsx or SQLite; a file or a folder) → posts.parquet (parsed, windowed,
de-duplicated, pseudonymized), comments.parquet (who of them commented when, where the crawler saved comments)
+ data quality (which crawler, layout and format it recognised, what it recovered and dropped)."""

import logging

from rednote.core.artifacts import DATA_QUALITY, KEY_FINGERPRINT
from rednote.core.engine import dask_client, engine, engine_scratch
from rednote.core.errors import UserError
from rednote.core.io import read_json, write_json, write_parts, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.core.window import Window
from rednote.ingest.cleaning import clean_comments, clean_posts
from rednote.ingest.exports import read_export
from rednote.ingest.keys import pseudonym_key
from rednote.ingest.partitioned import clean_on_cluster

log = logging.getLogger("rednote.clean")


def main() -> None:
    params = load_params()
    data, p = params.data, params.clean
    engine()  # the engine named is checked before any work
    key = pseudonym_key(data.raw)
    if key.fingerprint() != read_json(KEY_FINGERPRINT)["fingerprint"]:
        raise UserError(f"the pseudonym key ({key.origin}) changed since the key stage ran; run `dvc repro` again.")
    window, zone = Window.of(p.window_start, p.window_end), p.export_timezone
    limits = (p.max_malformed_share, p.max_unreadable_time_share)
    with engine_scratch(data.posts) as folder:  # written while the scratch folder holds them
        if folder:
            with dask_client() as client:  # closed before the posts are written: its workers' memory is free
                parts, authors, quality, read = clean_on_cluster(
                    client, data.raw, limits[0], window, key.secret, limits[1], zone, folder
                )
        else:
            raw, read = read_export(data.raw, limits[0])
            posts, quality = clean_posts(raw, window, key.secret, data.raw, limits[1], read.time_column, zone)
            parts, authors = iter([posts]), posts["user_id"]
        write_parts(parts, data.posts)
    log.info("read %d rows and %d comments (%s, %s, %s) from %s (%d file(s))", read.rows_read, read.comment_rows,
             read.layout, read.format, read.encoding, data.raw, max(len(read.files), 1))  # fmt: skip
    if read.malformed_rows:
        log.warning("%s: %d malformed row(s) over %d line(s) skipped, the first at line %d", data.raw,
                    read.malformed_rows, read.malformed_lines, read.first_malformed_line)  # fmt: skip
    comments, comment_quality = clean_comments(read.comments, authors, window, key.secret, zone)
    quality.update(read.quality(), **comment_quality)
    if quality["recovered_times"]:
        log.info("%d time(s) recovered from note ids", quality["recovered_times"])
    write_table(comments, data.comments)
    write_json(quality, DATA_QUALITY)
    log.info("wrote %d posts by %d users and %d comments", quality["rows_kept"], quality["users"], len(comments))


if __name__ == "__main__":
    run(main)
