"""label on a Dask cluster gives what label gives in one process: the same users (with tokens), cohort counts and
day-by-day activity."""

from contextlib import nullcontext
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from cluster import rows_held_by_workers
from distributed import Client
from e2e import ROOT

from rednote.core import io
from rednote.core.io import write_table
from rednote.core.params import load_params
from rednote.core.scratch import scratch_folder
from rednote.core.window import Window
from rednote.features import partitioned
from rednote.features.cohort import label_users
from rednote.features.partitioned import LARGE_COLUMNS, label_on_cluster
from rednote.features.sequences import activity_sequences
from rednote.features.tokens import tokenize_all
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.exports import read_export

STOP = frozenset({"小红书"})


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    raw, _ = read_export(ROOT / "data" / "sample" / "tt_refugee_sample.csv", 0.05)
    path = tmp_path_factory.mktemp("posts") / "posts.parquet"
    write_table(clean_posts(raw, Window.of("2025-01-01", "2025-02-28"), "test-key")[0], path)
    return path


@pytest.mark.parametrize("design", ["landmark", "calendar"])
def test_the_cluster_labels_the_users_one_process_labels(posts, design, dask_scheduler, monkeypatch, tmp_path):
    monkeypatch.setattr(partitioned, "ROWS_PER_PARTITION", 700)  # ranges of users of about 700 posts
    monkeypatch.setattr(io, "ROW_GROUP_ROWS", 500)  # row groups that cut across them: the cluster reads one a task
    p = load_params(ROOT / "params.yaml").label.model_copy(update={"design": design, "activity": "posts_and_comments"})
    table = pd.read_parquet(posts)
    posts = tmp_path / "posts.parquet"
    write_table(table, posts)
    assert pq.ParquetFile(posts).metadata.num_row_groups == 9  # 4,031 posts
    first, _ = label_users(table, p, str(posts))
    quiet = first.loc[first["retained"] == 0].head(3)  # three who stopped posting comment in their label window
    comments = pd.DataFrame({"user_id": quiet["user_id"], "created_at": quiet["label_start"] + pd.Timedelta(hours=12)})
    users, chosen = label_users(table, p, str(posts), comments)
    users["tokens"] = tokenize_all(users["text"], STOP)
    days = activity_sequences(table, users)
    with Client(dask_scheduler) as client, scratch_folder(tmp_path / "users.parquet") as folder:
        small, chosen_there, kept = label_on_cluster(lambda: nullcontext(client), posts, comments, p, STOP, folder)
        assert small.columns.tolist() == users.columns.tolist()
        assert small[list(LARGE_COLUMNS)].isna().all().all()  # a user's words stay in files till written
        assert rows_held_by_workers(client) == 0  # and no partition stays on the cluster
        blocks = list(kept.users(small))
        assert len(blocks) == len(kept.files) >= 4  # a block for each range of users: 4,031 posts by 700
        assert {Path(file).parent for pair in kept.files for file in pair} == {folder}
        on_cluster = pd.concat(blocks, ignore_index=True)
        io.write_parts(kept.users(small), tmp_path / "users.parquet")
        io.write_parts(kept.sequences(small), tmp_path / "days.parquet")
        days_there = pd.concat(kept.sequences(small), ignore_index=True)
    assert len(users) > 2000 and chosen["retained_by_comments_only"] == 3
    pd.testing.assert_frame_equal(on_cluster, users)
    assert chosen_there == chosen
    pd.testing.assert_frame_equal(days_there, days)
    io.write_table(users, tmp_path / "users-one.parquet")
    io.write_table(days, tmp_path / "days-one.parquet")
    for name in ("users", "days"):
        assert (tmp_path / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}-one.parquet").read_bytes(), name


@pytest.mark.parametrize("design", ["landmark", "calendar"])
def test_rows_made_by_the_given_function_give_the_table_one_process_makes(posts, design):
    """label_users with make_rows (the Dask engine's way: the stage has two columns of the posts, the rows come from
    elsewhere) against label_users over the whole posts, here with user_rows in this process and no cluster."""
    from rednote.features.cohort import user_rows

    p = load_params(ROOT / "params.yaml").label.model_copy(update={"design": design, "activity": "posts_and_comments"})
    table = pd.read_parquet(posts)
    first, _ = label_users(table, p, str(posts))
    quiet = first.loc[first["retained"] == 0].head(3)
    comments = pd.DataFrame({"user_id": quiet["user_id"], "created_at": quiet["label_start"] + pd.Timedelta(hours=12)})
    expected, chosen = label_users(table, p, str(posts), comments)
    asked = []

    def make_rows(windows: pd.DataFrame, counted: pd.DataFrame | None) -> pd.DataFrame:
        asked.append((len(windows), counted))
        rows = user_rows(table, Window.of(p.observe_start, p.observe_end), windows, counted)
        return rows.sort_values("user_id", kind="mergesort").reset_index(drop=True)

    users, chosen_here = label_users(table[["user_id", "created_at"]], p, str(posts), comments, make_rows)
    pd.testing.assert_frame_equal(users, expected)
    assert chosen_here == chosen and chosen["retained_by_comments_only"] == 3
    assert asked[0][1] is comments and asked[0][0] == chosen["posters"]  # every scored user's window, the comments


def test_user_ranges_cut_whole_users_into_about_equal_numbers_of_posts():
    """Authors a..e with 3, 1, 1, 4 and 1 posts (10), counted by hand."""
    authors = pd.Series(["a"] * 3 + ["b", "c"] + ["d"] * 4 + ["e"]).sample(frac=1, random_state=1)
    assert partitioned.user_ranges(authors, 2) == ["a", "d", "e"]  # a-c: 5 posts, d-e: 5
    assert partitioned.user_ranges(authors, 3) == ["a", "c", "e"]  # a-b: 4 posts (of 3.3), c-e: 6
    assert partitioned.user_ranges(authors, 1) == ["a", "e"]
    heavy = pd.Series(["a"] * 10 + ["b", "c"])
    assert partitioned.user_ranges(heavy, 3) == ["a", "b", "c"]  # a user longer than a range's share: a range
    assert partitioned.user_ranges(pd.Series(["a", "a"]), 4) == ["a", "a"]


def test_each_user_window_is_in_exactly_one_range():
    windows = pd.DataFrame({"n": range(5)}, index=pd.Index(list("abcde"), name="user_id"))
    for divisions in (["a", "d", "e"], ["a", "c", "e"], ["a", "e"], ["a", "b", "c", "e"]):
        pieces = [partitioned._in_range(windows, divisions, i) for i in range(len(divisions) - 1)]
        pd.testing.assert_frame_equal(pd.concat(pieces), windows)
        assert all(len(piece) for piece in pieces)
