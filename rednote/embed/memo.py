"""A memo of text vectors keyed by (encoder configuration, text), so that a grown crawl embeds only new texts.

Only pretrained encoders are memoised (``use``, ``transformer``): their vector for a text never
depends on the other texts, so the memo is a cache of a pure function and never changes what the
embed stage writes for given deps and params. That is why it lives outside the workspace and is
no DVC output: the embed stage then takes part in DVC's run-cache, and every workspace of the
repository, including the temporary ones of ``dvc exp run --temp`` and ``--queue``, reuses it.

Where (:func:`memo_root`): ``$REDNOTE_EMBED_CACHE`` if set; else ``rednote-embeddings/`` in the
repository's DVC cache directory (``dvc cache dir``, by default ``.dvc/cache``). DVC writes
``cache.dir`` = the main repository's cache into each temporary experiment workspace's
``.dvc/config.local``, so queued and ``--temp`` experiments find the same folder; ``dvc gc`` only
deletes files named like cache objects (``xx/hash``) and leaves the folder alone. Outside a DVC
repository: ``$XDG_CACHE_HOME/rednote/embeddings`` (``~/.cache/...``). Delete the folder to clear it.

Layout: one folder per encoder configuration (:func:`config_key`), holding shards
``<sha1>.npy``: structured arrays of (SHA-1 of the text, vector), sorted by key (plain ``.npy``:
same contents, same bytes). A run adds one shard with the texts it embedded, written to a
temporary file and renamed, so parallel experiments never see a half-written shard nor overwrite
each other's; readers take the union. When shards pile up, they are merged into one the same
way, and the merged ones deleted (a reader that loses one mid-read just skips it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rednote.core.io import write_array

log = logging.getLogger("rednote.embed_cache")

ENV = "REDNOTE_EMBED_CACHE"
FOLDER = "rednote-embeddings"
#: merge a configuration's shards into one when there are more than this many
MAX_SHARDS = 16


def config_key(config: dict) -> str:
    """A short stable name for an encoder configuration (encoder, model, pooling, max_length …)."""
    text = json.dumps(config, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def text_keys(texts: list[str]) -> np.ndarray:
    """SHA-1 hex digests of the texts (UTF-8), as a fixed-width string array."""
    return np.array([hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts], dtype="<U40")


def dvc_cache_dir(start: str | Path = ".") -> Path | None:
    """The DVC cache directory of the repository containing ``start`` (as ``dvc cache dir`` says); None outside one."""
    from dvc.exceptions import NotDvcRepoError
    from dvc.repo import Repo

    try:
        with Repo(str(start)) as repo:
            return Path(repo.cache.local_cache_dir)
    except (NotDvcRepoError, AttributeError):  # AttributeError: a repository without a local cache
        return None


def memo_root(environ: dict[str, str] | None = None, start: str | Path = ".") -> Path:
    """The folder holding the memo of every encoder configuration (see the module docstring)."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(ENV):
        return Path(environ[ENV]).expanduser()
    cache = dvc_cache_dir(start)
    if cache is not None:
        return cache / FOLDER
    home = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "rednote" / "embeddings"


def _records(keys: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    records = np.zeros(len(keys), dtype=[("key", "S40"), ("vector", "<f4", (vectors.shape[1],))])
    records["key"] = np.char.encode(keys.astype("<U40"), "ascii")
    records["vector"] = vectors
    return records[np.argsort(records["key"], kind="stable")]


def _write_shard(folder: Path, keys: np.ndarray, vectors: np.ndarray) -> Path:
    """Write (keys, vectors) sorted by key as one shard named by the hash of its keys; atomic."""
    records = _records(keys, vectors)
    path = folder / f"{hashlib.sha1(records['key'].tobytes()).hexdigest()}.npy"
    write_array(records, path)
    return path


def _shards(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.npy")) if folder.is_dir() else []


def load(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """The memo's keys (``<U40``) and vectors (float32) in ``folder``, sorted by key; empty arrays when there is none.

    A shard that cannot be read (deleted by a concurrent merge, or not a shard) is skipped.
    """
    parts = []
    for path in _shards(folder):
        try:
            records = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            log.debug("skipping memo shard %s (%s)", path, err)
            continue
        if records.dtype.names == ("key", "vector") and len(records):
            parts.append(records)
    if not parts or len({p.dtype for p in parts}) != 1:  # widths differ: not one configuration; start afresh
        return np.array([], dtype="<U40"), np.zeros((0, 0), np.float32)
    records = np.concatenate(parts)
    _, first = np.unique(records["key"], return_index=True)  # sorted unique keys; a text in two shards counts once
    records = records[first]
    return records["key"].astype("<U40"), records["vector"].astype(np.float32)


def compact(folder: Path) -> None:
    """Merge every shard in ``folder`` into one, then delete the merged ones; shards added meanwhile stay."""
    shards = _shards(folder)
    if len(shards) < 2:
        return
    keys, vectors = load(folder)
    if not len(keys):
        return
    merged = _write_shard(folder, keys, vectors)
    for path in shards:
        if path != merged:
            path.unlink(missing_ok=True)


def cached_transform(
    transform: Callable[[list[str]], np.ndarray], texts: list[str], path: Path
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` from the memo at ``path``, embedding (with ``transform``) only texts not in it.

    Returns ``(vectors, n_embedded)`` with rows in the order of ``texts``; new vectors are added
    to the memo as one shard. A text that occurs several times is embedded once.
    """
    keys = text_keys(texts).tolist()
    cached_keys, cached_vectors = load(path)
    known = set(cached_keys.tolist())
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in known and key not in missing:
            missing[key] = text
    if missing:
        fresh = np.asarray(transform(list(missing.values())), dtype=np.float32).reshape(len(missing), -1)
        fresh_keys = np.array(list(missing), dtype="<U40")
        _write_shard(path, fresh_keys, fresh)
        cached_vectors = np.concatenate([cached_vectors.reshape(-1, fresh.shape[1]), fresh])
        cached_keys = np.concatenate([cached_keys, fresh_keys])
        if len(_shards(path)) > MAX_SHARDS:
            compact(path)
    row = {key: i for i, key in enumerate(cached_keys.tolist())}
    return cached_vectors[[row[key] for key in keys]].reshape(len(keys), -1), len(missing)
