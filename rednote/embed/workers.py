"""Embedding on Dask workers: the texts cut into chunks of whole batches, each chunk encoded on a worker that loads
the encoder once and keeps it for every later chunk.

Chunks hold whole batches of ``embed.use.batch_size`` (or ``embed.batch_size``) texts in their order, so every batch
a worker encodes is a batch the stage's own process would have encoded: the vectors are the same for the same
thread count per computation. The memo of text vectors stays with the stage (:mod:`rednote.embed.memo`): only
texts it lacks are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from rednote.core.engine import dask_client
from rednote.core.params import EmbedParams
from rednote.embed.encoders import Encoder, make_encoder

if TYPE_CHECKING:
    from distributed import Client

#: Batches per chunk: enough work per task to hide its scheduling, small enough to spread over workers.
BATCHES_PER_CHUNK = 8
#: The encoders a worker process has loaded, by configuration (a module global lives as long as the worker).
_LOADED: dict[str, Encoder] = {}


def batch_size(params: EmbedParams) -> int:
    """The texts per forward pass of the configured pretrained encoder."""
    return params.use.batch_size if params.encoder == "use" else params.batch_size


def chunks(texts: list[str], size: int) -> list[list[str]]:
    """``texts`` cut into consecutive chunks of ``size`` (the last shorter)."""
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def encode_chunk(texts: list[str], config: str) -> np.ndarray:
    """On a worker: the vectors of ``texts`` by the encoder of ``config`` (EmbedParams as JSON), loaded on first use
    with the worker's thread count."""
    encoder = _LOADED.get(config)
    if encoder is None:
        from distributed import get_worker

        params = EmbedParams.model_validate_json(config)
        encoder = _LOADED[config] = make_encoder(params, threads=get_worker().state.nthreads, progress=False)
    return np.asarray(encoder.transform(texts), dtype=np.float32)


def encode_on_workers(client: Client, params: EmbedParams, texts: list[str]) -> np.ndarray:
    """The vectors of ``texts`` (rows in their order), computed on ``client``'s workers."""
    parts = chunks(texts, batch_size(params) * BATCHES_PER_CHUNK)
    futures = client.map(encode_chunk, parts, config=params.model_dump_json(), pure=False)
    vectors = client.gather(futures)
    return np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)


def encode_on_cluster(params: EmbedParams) -> Callable[[list[str]], np.ndarray]:
    """A transform for :func:`rednote.embed.memo.cached_transform` that embeds on the stage's Dask cluster
    (:func:`rednote.core.engine.dask_client`), started only when the memo lacks some texts."""

    def transform(texts: list[str]) -> np.ndarray:
        with dask_client() as client:
            return encode_on_workers(client, params, texts)

    return transform
