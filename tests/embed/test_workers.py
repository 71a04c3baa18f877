"""Embedding on Dask workers gives the bytes the stage's own process gives, chunk by chunk of whole batches."""

import numpy as np
from e2e import ROOT

from rednote.core.params import load_params
from rednote.embed import workers
from rednote.embed.encoders import make_encoder
from rednote.embed.workers import batch_size, chunks, encode_on_workers


def test_chunks_keep_the_order_and_cut_after_whole_batches():
    texts = [str(i) for i in range(10)]
    assert chunks(texts, 4) == [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9"]]
    assert chunks([], 4) == []


def test_use_vectors_from_two_workers_are_the_bytes_of_one_process(dask_scheduler):
    from distributed import Client

    params = load_params(ROOT / "params.yaml").embed.model_copy(update={"encoder": "use"})
    params = params.model_copy(update={"use": params.use.model_copy(update={"batch_size": 8})})
    assert batch_size(params) == 8
    texts = [
        f"第{i}天 在小红书 day {i} " * (1 + i % 7) for i in range(150)
    ]  # 150 texts: chunks of 64, 64 and 22; unequal lengths
    local = make_encoder(params, threads=1, progress=False).transform(texts)
    with Client(dask_scheduler) as client:
        remote = encode_on_workers(client, params, texts)
        loaded = client.run(lambda: params.model_dump_json() in workers._LOADED)  # per worker: kept its encoder
    assert any(loaded.values())  # the workers did the work and keep the encoder for the next chunk
    assert remote.dtype == np.float32 and remote.shape == (150, 512)
    assert np.array_equal(local, remote)
