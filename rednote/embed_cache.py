"""A cache of text vectors keyed by (encoder, model, text), so that a grown crawl embeds only new texts.

Only pretrained encoders are cached (``use``, ``transformer``): their vector for a text never
depends on the other texts. The cache is one folder per encoder configuration, holding the
SHA-1 of each text (``keys.npy``) and its vector (``vectors.npy``; plain ``.npy`` rather than
``.npz``, whose zip entries carry the time of writing); the embed stage declares the folder as a DVC output with
``persist: true`` so DVC keeps it between runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rednote.io import write_array


def config_key(config: dict) -> str:
    """A short stable name for an encoder configuration (encoder, model, pooling, max_length …)."""
    text = json.dumps(config, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def text_keys(texts: list[str]) -> np.ndarray:
    """SHA-1 hex digests of the texts (UTF-8), as a fixed-width string array."""
    return np.array([hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts], dtype="<U40")


def load(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """The cached keys and vectors in ``folder``; empty arrays when there is no (complete) cache."""
    keys_path, vectors_path = folder / "keys.npy", folder / "vectors.npy"
    if keys_path.exists() and vectors_path.exists():
        keys, vectors = np.load(keys_path, allow_pickle=False), np.load(vectors_path, allow_pickle=False)
        if len(keys) == len(vectors):
            return keys, vectors
    return np.array([], dtype="<U40"), np.zeros((0, 0), np.float32)


def save(folder: Path, keys: np.ndarray, vectors: np.ndarray) -> None:
    """Write the cache sorted by key, so that the same contents give the same bytes."""
    order = np.argsort(keys, kind="stable")
    write_array(vectors[order], folder / "vectors.npy")
    write_array(keys[order], folder / "keys.npy")


def cached_transform(
    transform: Callable[[list[str]], np.ndarray], texts: list[str], path: Path
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` from the cache at ``path``, embedding (with ``transform``) only texts not in it.

    Returns ``(vectors, n_embedded)`` with rows in the order of ``texts``; new vectors are added
    to the cache. A text that occurs several times is embedded once.
    """
    keys = text_keys(texts).tolist()
    cached_keys, cached_vectors = load(path)
    known = set(cached_keys.tolist())
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in known and key not in missing:
            missing[key] = text
    if missing:
        fresh = np.asarray(transform(list(missing.values())), dtype=np.float32)
        cached_vectors = np.concatenate([cached_vectors.reshape(-1, fresh.shape[1]), fresh])
        cached_keys = np.concatenate([cached_keys, np.array(list(missing), dtype="<U40")])
        save(path, cached_keys, cached_vectors)
    row = {key: i for i, key in enumerate(cached_keys.tolist())}
    return cached_vectors[[row[key] for key in keys]].reshape(len(keys), -1), len(missing)
