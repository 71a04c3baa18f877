"""FastText word vectors trained on the cohort's own January tokens (the retention study's other text method).

FastText (gensim's native implementation; the original ``fasttext`` package is archived and breaks on
NumPy 2) learns a vector per word *and* per character n-gram, so a word never seen in training —
RedNote's mix of Chinese, English, pinyin, slang and emoji is full of them — still gets a vector from
its pieces. Nothing is downloaded: the vectors are trained here, label-free, on the users' jieba tokens.

A user's vector is the IDF-weighted mean of their tokens' vectors (each token once per user, weight
``log((1 + n) / (1 + df)) + 1`` over the n training users, as scikit-learn's TF-IDF): words that
nearly everyone uses (``tiktokrefugee``) would otherwise dominate every user's mean, and IDF needs
no label and no tuning. Tokens unseen in training get the weight of the rarest training word.

Deterministic: one worker thread, a fixed seed, and a hash of our own for gensim's per-word
initial vectors (gensim's default is Python's ``hash``, which changes between processes).
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

import numpy as np

from rednote.core.errors import UserError


def stable_hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (CRC-32), for gensim's seeding."""
    return zlib.crc32(text.encode("utf-8"))


class FastTextEncoder:
    """FastText over jieba tokens (space-joined strings), user vector = IDF-weighted mean of token vectors."""

    column = "tokens"

    def __init__(self, dim: int, window: int, min_count: int, epochs: int, min_n: int, max_n: int, seed: int):
        self.dim, self.window, self.min_count, self.epochs = dim, window, min_count, epochs
        self.min_n, self.max_n, self.seed = min_n, max_n, seed
        self._model: Any = None
        self._idf: dict[str, float] = {}
        self._unseen_weight = 1.0

    def fit(self, texts: list[str]) -> FastTextEncoder:
        from gensim.models import FastText

        logging.getLogger("gensim").setLevel(logging.WARNING)  # its per-epoch INFO lines drown the stage's log
        sentences = [t.split() for t in texts if t.split()]
        if not sentences:
            raise UserError("no user has any token to train FastText on; use a larger crawl or embed.encoder=use.")
        model = FastText(
            vector_size=self.dim,
            window=self.window,
            min_count=self.min_count,
            min_n=self.min_n,
            max_n=self.max_n,
            seed=self.seed,
            workers=1,
            hashfxn=stable_hash,
            sg=1,
            bucket=200_000,
        )
        model.build_vocab(corpus_iterable=sentences)
        if not model.wv.index_to_key:
            raise UserError(
                f"no token occurs embed.fasttext.min_count={self.min_count} times in the users' text; lower it."
            )
        model.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=self.epochs)
        self._model = model
        n = len(texts)
        df: dict[str, int] = {}
        for text in texts:
            for token in set(text.split()):
                df[token] = df.get(token, 0) + 1
        self._idf = {token: float(np.log((1 + n) / (1 + count)) + 1) for token, count in df.items()}
        self._unseen_weight = float(np.log((1 + n) / 2) + 1)  # as a word one training user had
        return self

    def token_vector(self, token: str) -> np.ndarray:
        """The vector of one token; from its character n-grams when the token was not in training."""
        return np.asarray(self._model.wv[token], dtype=np.float32)

    def transform(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32: each text's IDF-weighted mean token vector (zeros for a text without tokens)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            tokens = sorted(set(text.split()))
            if not tokens:
                continue
            weights = np.array([self._idf.get(t, self._unseen_weight) for t in tokens], dtype=np.float64)
            vectors = np.stack([self.token_vector(t) for t in tokens]).astype(np.float64)
            out[i] = (weights @ vectors / weights.sum()).astype(np.float32)
        return out
