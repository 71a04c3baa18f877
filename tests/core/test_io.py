"""Human-facing files are written at a stated precision, so float noise between machines never shows in a diff."""

import json

import numpy as np
import pandas as pd
import pytest

from rednote.core.io import SIGNIFICANT_DIGITS, level_text, rounded, write_csv, write_json


def test_metrics_json_rounds_floats_to_the_stated_significant_digits(tmp_path):
    assert SIGNIFICANT_DIGITS == 5
    write_json(
        {"brier": 0.0612345678, "auc": np.float32(0.79661234), "n": 3193, "nan": float("nan")}, tmp_path / "m.json"
    )
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data == {"brier": 0.061235, "auc": 0.79661, "n": 3193, "nan": None}


def test_two_values_that_differ_in_the_eighth_digit_are_written_the_same(tmp_path):
    write_json({"threshold": 0.30112345}, tmp_path / "a.json")
    write_json({"threshold": 0.30112349}, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_plot_csv_uses_the_same_precision(tmp_path):
    write_csv(pd.DataFrame({"fpr": [0.123456789, 1.0], "n": [1, 2]}), tmp_path / "roc.csv")
    assert (tmp_path / "roc.csv").read_text(encoding="utf-8").splitlines() == ["fpr,n", "0.12346,1", "1,2"]


def test_rounding_keeps_large_and_special_values():
    assert rounded(123456.7) == 123460.0 and rounded(-0.000123456) == -0.00012346 and np.isnan(rounded(float("nan")))


def test_a_level_reads_as_a_percentage():
    assert [level_text(v) for v in (0.95, 0.9, 0.975, 0.5)] == ["95%", "90%", "97.5%", "50%"]


def posts_like(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    return pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(n)],
            "created_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
            "likes": rng.integers(0, 100, n),
            "is_video": rng.random(n) < 0.5,
            "text": [None if i % 5 == 0 else "小红书 " * (i % 3) for i in range(n)],
            "tags": [["a", "b"][: i % 3] for i in range(n)],
        }
    )


def test_a_table_written_in_parts_has_the_bytes_of_one_frame_in_row_groups(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from rednote.core import io

    monkeypatch.setattr(io, "ROW_GROUP_ROWS", 7)
    frame = posts_like(30)
    io.write_table(frame, tmp_path / "whole.parquet")
    whole = (tmp_path / "whole.parquet").read_bytes()
    cuts = [[30], [7, 23], [1, 0, 6, 0, 15, 8], [29, 1], [3] * 10]
    for sizes in cuts:
        edges = np.cumsum([0, *sizes])
        parts = (frame.iloc[a:b] for a, b in zip(edges[:-1], edges[1:]))  # a generator: parts come as they are made
        assert io.write_parts(parts, tmp_path / "parts.parquet") == 30
        assert (tmp_path / "parts.parquet").read_bytes() == whole, sizes
    file = pq.ParquetFile(tmp_path / "whole.parquet")
    assert [file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)] == [7, 7, 7, 7, 2]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "whole.parquet"), frame)


def test_a_frame_under_one_row_group_has_the_bytes_pandas_writes(tmp_path):
    from rednote.core.io import write_table

    frame = posts_like(50)
    write_table(frame, tmp_path / "ours.parquet")
    frame.to_parquet(tmp_path / "pandas.parquet", index=False, engine="pyarrow", compression="zstd")
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()


def test_empty_parts_give_the_columns_and_later_groups_take_the_first_groups_types(tmp_path, monkeypatch):
    from rednote.core import io

    monkeypatch.setattr(io, "ROW_GROUP_ROWS", 2)
    empty = posts_like(4).iloc[:0]
    assert io.write_parts([empty, empty], tmp_path / "empty.parquet") == 0
    back = pd.read_parquet(tmp_path / "empty.parquet")
    assert back.empty and list(back.columns) == list(empty.columns)
    later = pd.DataFrame({"text": ["a", "b", None, None]})  # the second group's texts are all missing
    io.write_parts([later.iloc[:2], later.iloc[2:]], tmp_path / "cast.parquet")
    assert pd.read_parquet(tmp_path / "cast.parquet")["text"].tolist() == ["a", "b", None, None]
    with pytest.raises(ValueError, match="at least one part"):
        io.write_parts([], tmp_path / "none.parquet")
    assert not (tmp_path / "none.parquet").exists()


def test_read_table_reads_every_column_or_the_ones_named(tmp_path):
    from rednote.core import io

    frame = pd.DataFrame({"user_id": ["a", "b"], "text": ["long", "longer"], "likes": [1, 2]})
    io.write_table(frame, tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(io.read_table(tmp_path / "t.parquet"), frame)
    pd.testing.assert_frame_equal(
        io.read_table(tmp_path / "t.parquet", columns=["likes", "user_id"]), frame[["likes", "user_id"]]
    )
