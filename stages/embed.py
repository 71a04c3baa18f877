"""embed: users → one text vector per user (pretrained encoders via a cache; fitted ones on training users only)."""

import logging
from pathlib import Path

from rednote.embed_cache import cached_transform, config_key
from rednote.encoders import cache_identity, make_encoder
from rednote.io import read_table, write_array
from rednote.params import load_params
from rednote.stage import run
from rednote.threads import thread_count

log = logging.getLogger("rednote.embed")


def main() -> None:
    params = load_params()
    data, p = params.data, params.embed
    users = read_table(data.users)
    encoder = make_encoder(p, threads=thread_count())
    texts = users[encoder.column].fillna("").tolist()
    identity = cache_identity(p)
    Path(p.cache_dir).mkdir(parents=True, exist_ok=True)  # a DVC output even when this encoder caches nothing
    if identity is not None:  # pretrained: a text's vector never changes, so reuse earlier ones
        vectors, embedded = cached_transform(encoder.transform, texts, Path(p.cache_dir) / config_key(identity))
    else:
        train = (users["split"] == "train").to_numpy()
        vectors = encoder.fit([t for t, keep in zip(texts, train) if keep]).transform(texts)
        embedded = len(texts)
    write_array(vectors, data.embeddings)
    log.info("embedded %d texts; %d reused (cached or repeated)", embedded, len(texts) - embedded)
    log.info("wrote %s vectors (%s) to %s", vectors.shape, p.encoder, data.embeddings)


if __name__ == "__main__":
    run(main)
