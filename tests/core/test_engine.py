"""The engine switch: pandas unless REDNOTE_ENGINE says dask, one sentence for anything else, a named cluster or a
local one."""

import pytest

from rednote.core.engine import dask_client, engine
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
