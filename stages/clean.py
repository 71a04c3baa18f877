"""clean: a crawl export (CSV, JSON, xlsx or SQLite; a file or a folder) → posts.parquet (parsed, windowed,
de-duplicated, pseudonymized) + data quality (which crawler and format it recognised, what it recovered and dropped)."""

import logging

from rednote.core.artifacts import DATA_QUALITY
from rednote.core.io import write_json, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.core.window import Window
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.exports import read_export

log = logging.getLogger("rednote.clean")


def main() -> None:
    params = load_params()
    data, p = params.data, params.clean
    raw, read = read_export(data.raw, p.max_malformed_share)
    log.info(
        "read %d rows (%s %s, %s, %d malformed skipped) from %s (%d file(s))",
        len(raw),
        read.source,
        read.format,
        read.encoding,
        read.malformed_rows,
        data.raw,
        max(len(read.files), 1),
    )
    if read.malformed_rows:
        log.warning(
            "%s: %d malformed row(s) over %d line(s) skipped, the first at line %d",
            data.raw,
            read.malformed_rows,
            read.malformed_lines,
            read.first_malformed_line,
        )
    posts, quality = clean_posts(
        raw,
        Window.of(p.window_start, p.window_end),
        p.pseudonym_key,
        data.raw,
        p.max_unreadable_time_share,
        read.time_column,
        p.export_timezone,
    )
    quality.update(read.quality())
    if quality["recovered_times"]:
        log.info("%d time(s) recovered from note ids", quality["recovered_times"])
    write_table(posts, data.posts)
    write_json(quality, DATA_QUALITY)
    log.info("wrote %d posts by %d users to %s", len(posts), quality["users"], data.posts)


if __name__ == "__main__":
    run(main)
