"""clean on a Dask cluster gives what clean gives in one process: the same posts, counts and read, and the same
sentence when it stops, whether the export is one file cut into blocks or a folder read a file per task."""

from pathlib import Path

import pandas as pd
import pytest
from cluster import rows_held_by_workers
from crawler_exports import (
    read_kaggle,
    write_mediacrawler_2026_comments_jsonl,
    write_mediacrawler_2026_jsonl,
    write_mediacrawler_csv,
)
from distributed import Client
from e2e import ROOT

from rednote.core import io
from rednote.core.errors import UserError
from rednote.core.scratch import scratch_folder
from rednote.core.window import Window
from rednote.ingest import partitioned
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.exports import read_export
from rednote.ingest.partitioned import clean_on_cluster

WINDOW = Window.of("2025-01-01", "2025-02-28")
KEY = "test-key"
SAMPLE = ROOT / "data" / "sample" / "tt_refugee_sample.csv"


@pytest.fixture(scope="module")
def client(dask_scheduler):
    with Client(dask_scheduler) as client:
        yield client


def in_one_process(path: Path, share: float = 1.0) -> tuple[pd.DataFrame, dict, dict]:
    raw, read = read_export(path, 0.05)
    posts, quality = clean_posts(raw, WINDOW, KEY, str(path), share, read.time_column)
    return posts, quality, read.quality()


def on_the_cluster(client: Client, path: Path, share: float = 1.0) -> tuple[pd.DataFrame, dict, dict]:
    with scratch_folder(path) as folder:
        parts, authors, quality, read = clean_on_cluster(
            client, path, 0.05, WINDOW, KEY, share, "Asia/Shanghai", folder
        )
        assert rows_held_by_workers(client) == 0  # every partition is a file of the scratch folder, none on the cluster
        parts = list(parts)
        assert not list(folder.glob("sorted-*")) and not list(folder.glob("raw-*"))  # each removed once read
    assert not folder.exists()
    assert len(parts) >= 1
    posts = pd.concat(parts, ignore_index=True)
    assert sorted(authors) == sorted(posts["user_id"].unique())
    return posts, quality, read.quality()


def assert_same(one: tuple, other: tuple) -> None:
    pd.testing.assert_frame_equal(one[0], other[0])
    assert one[1] == other[1] and one[2] == other[2]


def test_the_clusters_posts_written_a_partition_at_a_time_are_the_bytes_of_one_process(client, monkeypatch, tmp_path):
    monkeypatch.setattr(partitioned, "ROWS_PER_PARTITION", 900)
    monkeypatch.setattr(io, "ROW_GROUP_ROWS", 500)  # row groups that cut across the cluster's partitions
    io.write_table(in_one_process(SAMPLE)[0], tmp_path / "one.parquet")
    parts, *_ = clean_on_cluster(client, SAMPLE, 0.05, WINDOW, KEY, 1.0, "Asia/Shanghai", tmp_path)
    assert io.write_parts(parts, tmp_path / "cluster.parquet") == 4031
    assert (tmp_path / "cluster.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()


def test_one_file_in_blocks_gives_the_posts_and_counts_of_one_process(client, monkeypatch):
    monkeypatch.setattr(partitioned, "ROWS_PER_PARTITION", 700)  # the sample's 4,117 rows in 6 blocks
    expected = in_one_process(SAMPLE)
    assert expected[1]["rows_kept"] == 4031 and expected[1]["users"] == 3276 and expected[1]["duplicates"] == 21
    assert_same(on_the_cluster(client, SAMPLE), expected)


def test_a_folder_read_a_file_per_task_gives_the_posts_and_counts_of_one_process(client, tmp_path):
    """Three daily files (100 notes in two of them; one in today's layout, by hashed authors) and a comments file."""
    sample = read_kaggle(SAMPLE)
    write_mediacrawler_csv(sample.iloc[:2100], tmp_path / "search_contents_2025-01-31.csv")
    write_mediacrawler_csv(sample.iloc[2000:3000], tmp_path / "search_contents_2025-02-14.csv")
    write_mediacrawler_2026_jsonl(sample.iloc[3000:], tmp_path / "search_contents_2026-08-01.jsonl")
    comment = {"comment_id": "c1", "user_id": sample["user_id"][0], "note_id": "n", "when": "2025-02-03 10:00:00"}
    write_mediacrawler_2026_comments_jsonl(
        [comment | {"content": "还在"}], tmp_path / "search_comments_2026-08-01.jsonl"
    )
    expected = in_one_process(tmp_path)
    assert expected[1]["duplicates"] >= 100 and expected[2]["comment_rows"] == 1 and len(expected[2]["files"]) == 3
    assert_same(on_the_cluster(client, tmp_path), expected)


def test_an_export_without_readable_times_stops_with_the_same_sentence(client, tmp_path):
    sample = read_kaggle(SAMPLE).head(50).assign(create_time="3天前", post_id="")  # no note id to recover one from
    path = tmp_path / "relative.csv"
    sample.to_csv(path, index=False)
    with pytest.raises(UserError) as one:
        in_one_process(path)
    with pytest.raises(UserError) as other:
        on_the_cluster(client, path)
    assert str(other.value) == str(one.value) and "all 50" in str(one.value)


def test_a_file_read_whole_goes_to_the_cluster_in_blocks_with_the_rows_of_one_process(client, monkeypatch, tmp_path):
    """A JSON Lines export is parsed whole, then cut into partitions of ROWS_PER_PARTITION rows like a CSV's."""
    monkeypatch.setattr(partitioned, "ROWS_PER_PARTITION", 700)
    path = tmp_path / "search_contents_2026-08-01.jsonl"
    write_mediacrawler_2026_jsonl(read_kaggle(SAMPLE), path)
    (tmp_path / "scratch").mkdir()
    _, lengths, read = partitioned.read_partitions(client, path, 0.05, tmp_path / "scratch")
    assert lengths == [700] * 5 + [4117 - 3500] and read.format == "jsonl" and read.files == [path.name]
    assert_same(on_the_cluster(client, path), in_one_process(path))


def test_a_path_that_is_not_there_stops_with_the_sentence_of_one_process(client, tmp_path):
    path = tmp_path / "crawl.csv"
    with pytest.raises(UserError) as one:
        in_one_process(path)
    with pytest.raises(UserError) as other:
        on_the_cluster(client, path)
    assert (
        str(other.value)
        == str(one.value)
        == (
            f"{path} does not exist; point data.raw at a .csv, .tsv, .json, .jsonl, .xlsx or .db/.sqlite crawl export or a "
            "folder of them (see README, 'Your own crawl')."
        )
    )
