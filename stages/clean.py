"""clean: raw crawl CSV → posts.parquet (parsed, windowed, de-duplicated, pseudonymized) + data quality."""

import logging

from rednote.cleaning import clean_posts
from rednote.io import write_json, write_table
from rednote.params import load_params
from rednote.schema import read_raw
from rednote.stage import run
from rednote.window import Window

log = logging.getLogger("rednote.clean")


def main() -> None:
    params = load_params()
    data, p = params.data, params.clean
    raw, read = read_raw(data.raw, p.max_malformed_share)
    log.info("read %d rows (%s, %d malformed skipped) from %s", len(raw), read.encoding, read.malformed_rows, data.raw)
    if read.malformed_rows:
        log.warning(
            "%s: %d malformed row(s) over %d line(s) skipped, the first at line %d",
            data.raw,
            read.malformed_rows,
            read.malformed_lines,
            read.first_malformed_line,
        )
    posts, quality = clean_posts(raw, Window.of(p.window_start, p.window_end), p.pseudonym_key, data.raw)
    quality.update(
        rows_read=read.rows_read,
        malformed_rows=read.malformed_rows,
        malformed_lines=read.malformed_lines,
        first_malformed_line=read.first_malformed_line,
        encoding=read.encoding,
    )
    write_table(posts, data.posts)
    write_json(quality, "metrics/data_quality.json")
    log.info("wrote %d posts by %d users to %s", len(posts), quality["users"], data.posts)


if __name__ == "__main__":
    run(main)
