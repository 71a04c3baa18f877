"""The engine switch: pandas unless REDNOTE_ENGINE says dask, one sentence for anything else, a named cluster or a
local one."""

import dask
import pytest

from rednote.core.engine import WORKER_MEMORY, dask_client, engine, worker_memory
from rednote.core.errors import UserError


def test_the_engine_is_pandas_unless_dask_is_named():
    assert engine({}) == "pandas"
    assert engine({"REDNOTE_ENGINE": ""}) == "pandas"
    assert engine({"REDNOTE_ENGINE": " Dask "}) == "dask"
    with pytest.raises(UserError, match=r"REDNOTE_ENGINE='spark' is not an engine here; use one of pandas, dask"):
        engine({"REDNOTE_ENGINE": "spark"})


def test_a_named_scheduler_is_the_cluster_used(dask_scheduler):
    with dask_client({"DASK_SCHEDULER_ADDRESS": dask_scheduler}) as client:
        assert client.scheduler.address == dask_scheduler
        assert len(client.scheduler_info()["workers"]) == 2
        assert client.submit(sum, [1, 2, 3]).result() == 6


def test_a_scheduler_that_does_not_answer_is_one_sentence(monkeypatch):
    monkeypatch.setattr("rednote.core.engine.CONNECT_TIMEOUT", 1)
    unanswered = dask_client({"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"})
    with pytest.raises(UserError, match=r"no Dask scheduler answers at tcp://127.0.0.1:9 \(DASK_SCHEDULER_ADDRESS;"):
        unanswered.__enter__()


def test_a_local_workers_memory_limit_is_read_with_its_unit_or_left_to_dask():
    assert worker_memory({}) == worker_memory({"REDNOTE_WORKER_MEMORY": WORKER_MEMORY}) == "auto"
    assert worker_memory({"REDNOTE_WORKER_MEMORY": "1.25GiB"}) == 1.25 * 2**30
    assert worker_memory({"REDNOTE_WORKER_MEMORY": " 800MB "}) == 800 * 10**6
    assert worker_memory({"REDNOTE_WORKER_MEMORY": "2 GiB"}) == 2 * 2**30
    assert worker_memory({"REDNOTE_WORKER_MEMORY": "AUTO"}) == "auto"
    for value in ("lots", "100MB", "-1GB"):
        with pytest.raises(UserError, match=rf"REDNOTE_WORKER_MEMORY='{value}' is not a memory limit a worker can run"):
            worker_memory({"REDNOTE_WORKER_MEMORY": value})


@pytest.mark.dask
def test_the_local_cluster_gives_each_worker_the_memory_limit():
    with dask_client({"REDNOTE_WORKER_MEMORY": "700MiB"}) as client:
        workers = client.scheduler_info()["workers"].values()
        assert [w["memory_limit"] for w in workers] == [700 * 2**20] * len(workers) and len(workers) >= 1
        assert all(w["nthreads"] == 1 for w in workers)
        memory = client.run(
            lambda: {k: dask.config.get(f"distributed.worker.memory.{k}") for k in ("pause", "terminate")}
        )
        assert list(memory.values()) == [{"pause": False, "terminate": False}] * len(workers)  # spill, never stall
