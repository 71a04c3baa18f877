"""clean: a crawl export (CSV, JSON, xlsx or SQLite; a file or a folder) → posts.parquet (parsed, windowed,
de-duplicated, pseudonymized), comments.parquet (who of them commented when, where the crawler saved comments)
+ data quality (which crawler, layout and format it recognised, what it recovered and dropped)."""

import logging

from rednote.core.artifacts import DATA_QUALITY, KEY_FINGERPRINT
from rednote.core.errors import UserError
from rednote.core.io import read_json, write_json, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.core.window import Window
from rednote.ingest.cleaning import clean_comments, clean_posts
from rednote.ingest.exports import read_export
from rednote.ingest.keys import pseudonym_key

log = logging.getLogger("rednote.clean")


def main() -> None:
    params = load_params()
    data, p = params.data, params.clean
    raw, read = read_export(data.raw, p.max_malformed_share)
    log.info(
        "read %d rows and %d comments (%s, %s, %s) from %s (%d file(s))",
        len(raw),
        read.comment_rows,
        read.layout,
        read.format,
        read.encoding,
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
    key = pseudonym_key(data.raw)
    if key.fingerprint() != read_json(KEY_FINGERPRINT)["fingerprint"]:
        raise UserError(f"the pseudonym key ({key.origin}) changed since the key stage ran; run `dvc repro` again.")
    window, key, zone = Window.of(p.window_start, p.window_end), key.secret, p.export_timezone
    posts, quality = clean_posts(raw, window, key, data.raw, p.max_unreadable_time_share, read.time_column, zone)
    comments, comment_quality = clean_comments(read.comments, posts["user_id"], window, key, zone)
    quality.update(read.quality(), **comment_quality)
    if quality["recovered_times"]:
        log.info("%d time(s) recovered from note ids", quality["recovered_times"])
    write_table(posts, data.posts)
    write_table(comments, data.comments)
    write_json(quality, DATA_QUALITY)
    log.info("wrote %d posts by %d users and %d comments", len(posts), quality["users"], len(comments))


if __name__ == "__main__":
    run(main)
