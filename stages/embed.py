"""embed: users → one text vector per user (pretrained encoders through a memo outside the workspace; fitted ones on training users only)."""

import logging
import time

from rednote.core.engine import engine
from rednote.core.io import read_table, write_array
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.core.threads import thread_count
from rednote.embed.encoders import cache_identity, make_encoder
from rednote.embed.memo import cached_transform, config_key, memo_root
from rednote.embed.workers import encode_on_cluster

log = logging.getLogger("rednote.embed")


def main() -> None:
    params = load_params()
    data, p = params.data, params.embed
    on_dask = engine() == "dask"  # checked before any work
    users = read_table(data.users)
    encoder = make_encoder(p, threads=thread_count())
    texts = users[encoder.column].fillna("").tolist()
    identity = cache_identity(p)
    started = time.perf_counter()
    if identity is not None:  # pretrained: a text's vector never changes, so reuse earlier ones
        memo = memo_root() / config_key(identity)
        log.info("text vector memo: %s", memo)
        transform = encode_on_cluster(p) if on_dask else encoder.transform
        vectors, embedded = cached_transform(transform, texts, memo)
    else:  # fitted on the training users here: cheap next to a pretrained encoder, whatever the engine
        train = (users["split"] == "train").to_numpy()
        vectors = encoder.fit([t for t, keep in zip(texts, train) if keep]).transform(texts)
        embedded = len(texts)
    seconds = time.perf_counter() - started
    write_array(vectors, data.embeddings)
    log.info(
        "embedded %d texts in %.1f s (%.1f texts/s); %d reused (memo or repeated)",
        embedded,
        seconds,
        embedded / seconds if seconds > 0 else 0.0,
        len(texts) - embedded,
    )
    log.info("wrote %s vectors (%s) to %s", vectors.shape, p.encoder, data.embeddings)


if __name__ == "__main__":
    run(main)
