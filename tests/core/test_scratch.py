"""The Dask engine's scratch folder: where it is made, that it goes when the stage ends, and that a partition comes
back from it exactly as it was written; tasks that hand back their memory."""

import platform
import sys

import pandas as pd
import pytest

from rednote.core import scratch
from rednote.core.engine import engine_scratch
from rednote.core.scratch import SCRATCH_ENV, put, scratch_folder, take


def test_the_folder_is_made_hidden_beside_the_output_and_removed_with_its_files(tmp_path):
    output = tmp_path / "data" / "posts.parquet"
    with scratch_folder(output, environ={}) as folder:
        assert folder.parent == output.parent and folder.name.startswith(".scratch-") and folder.is_dir()
        put(pd.DataFrame({"a": [1]}), folder / "part.pkl")
    assert not folder.exists() and list(output.parent.iterdir()) == []


def test_the_folder_goes_under_the_variable_when_set_and_is_removed_on_an_error(tmp_path):
    root = tmp_path / "scratch"
    with (
        pytest.raises(RuntimeError),
        scratch_folder(tmp_path / "posts.parquet", environ={SCRATCH_ENV: str(root)}) as folder,
    ):
        assert folder.parent == root
        raise RuntimeError("the stage failed")
    assert root.is_dir() and list(root.iterdir()) == []


def test_a_partition_comes_back_as_it_was_written_and_its_file_can_go_once_read(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["还在", None, ""],
            "tags": [["a", "b"], [], None],
            "created_at": pd.to_datetime(["2025-01-13 08:00", None, "2025-02-01 23:59"]).tz_localize("Asia/Shanghai"),
            "mixed": [1, "one", 1.5],
        },
        index=pd.RangeIndex(7, 10),
    )
    path = put(frame, tmp_path / "part.pkl")
    pd.testing.assert_frame_equal(take(path), frame)
    assert [type(v) for v in take(path)["tags"]] == [list, list, type(None)]
    pd.testing.assert_frame_equal(take(path, remove=True), frame)
    assert not (tmp_path / "part.pkl").exists()


def test_the_pandas_engine_gets_no_scratch_folder_and_the_dask_engine_one_removed_at_the_end(tmp_path):
    with engine_scratch(tmp_path / "posts.parquet", environ={}) as folder:
        assert folder is None
    assert list(tmp_path.iterdir()) == []
    with engine_scratch(tmp_path / "posts.parquet", environ={"REDNOTE_ENGINE": "dask"}) as folder:
        assert folder is not None and folder.parent == tmp_path and folder.name.startswith(".scratch-")
        (folder / "part.pkl").write_bytes(b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_releasing_task_returns_its_result_then_trims_the_heap_also_on_an_error(monkeypatch):
    trims: list[int] = []
    trimmed_before: list[int] = []  # trims counted as each call starts: none before the task has run
    monkeypatch.setattr(scratch, "_TRIM", trims.append)

    @scratch.releasing
    def task(x: int) -> int:
        trimmed_before.append(len(trims))
        if x < 0:
            raise ValueError("negative")
        return 2 * x

    assert task(21) == 42 and trims == [0]
    with pytest.raises(ValueError, match="negative"):
        task(-1)
    assert trims == [0, 0] and trimmed_before == [0, 1]
    assert task.__name__ == "task"  # a task's name stays its own (Dask's task keys, logs)


def test_the_heap_is_trimmed_with_glibcs_malloc_trim_and_elsewhere_not_at_all():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert (scratch._TRIM is not None) == glibc
    if scratch._TRIM is not None:
        assert scratch._TRIM(0) in (0, 1)  # 1: memory was released


def test_no_rows_keeps_the_columns_and_types_but_not_the_partitions_arrays():
    frame = pd.DataFrame({"n": [1, 2, 3], "text": ["a", "b", None], "at": pd.to_datetime(["2025-01-01"] * 3)})
    empty = scratch.no_rows(frame)
    pd.testing.assert_frame_equal(empty, frame.iloc[:0])
    for name in frame.columns:  # a copy: an empty view's base would be the partition's array (and its strings)
        base = empty[name].to_numpy().base
        assert base is None or base.size == 0, name
