"""Topics of users' January text: TF-IDF over jieba tokens and NMF, fitted on training users only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from rednote.core.errors import UserError


@dataclass
class TopicModel:
    vectorizer: TfidfVectorizer
    nmf: NMF

    def weights(self, tokens: list[str]) -> np.ndarray:
        """Topic weights (n, n_topics), float32, for space-joined token strings."""
        return self.nmf.transform(self.vectorizer.transform(tokens)).astype(np.float32)

    def top_words(self, n: int) -> list[list[str]]:
        """The ``n`` heaviest words of each topic."""
        vocab = self.vectorizer.get_feature_names_out()
        return [[str(vocab[i]) for i in np.argsort(-row, kind="stable")[:n]] for row in self.nmf.components_]


def fit_topics(
    tokens: list[str], n_topics: int, max_features: int, min_df: int, max_df: float, seed: int
) -> TopicModel:
    """Fit TF-IDF (``str.split`` analyzer, bounded vocabulary) and NMF on the training users' tokens."""
    vectorizer = TfidfVectorizer(
        analyzer=str.split, max_features=max_features, min_df=min_df, max_df=max_df, dtype=np.float32
    )
    try:
        matrix = vectorizer.fit_transform(tokens)
    except ValueError:
        raise UserError(
            f"no token survives topics.min_df={min_df} and topics.max_df={max_df} in the training users' text; loosen them."
        ) from None
    if matrix.shape[1] < n_topics:
        raise UserError(
            f"the vocabulary has {matrix.shape[1]} words, fewer than topics.n_topics={n_topics}; lower n_topics."
        )
    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=400)
    nmf.fit(matrix)
    return TopicModel(vectorizer, nmf)


#: Words of a topic shown in its name.
NAME_WORDS = 3
_TOPIC_COLUMN = re.compile(r"topic_(\d+)")


def read_topic_words(path: str | Path) -> list[list[str]]:
    """Each topic's top words, from the topics stage's ``metrics/topics.json``."""
    if not Path(path).exists():
        raise UserError(f"{path} does not exist; run the topics stage first (`dvc repro topics`).")
    return [t["top_words"] for t in json.loads(Path(path).read_text(encoding="utf-8"))["topics"]]


def topic_name(k: int, topic_words: list[list[str]]) -> str:
    """How a reader sees topic ``k``: its number and first words, e.g. ``topic 2 (美国, 网友, 中国)``."""
    words = topic_words[k][:NAME_WORDS] if k < len(topic_words) else []
    return f"topic {k} ({', '.join(words)})" if words else f"topic {k}"


def readable(feature: str, topic_words: list[list[str]]) -> str:
    """A design column's name as a reader should see it: a topic weight column named by its words, else as is."""
    match = _TOPIC_COLUMN.fullmatch(feature)
    return topic_name(int(match.group(1)), topic_words) if match else feature


def dominant_topics(weights: np.ndarray, topic_words: list[list[str]]) -> pd.Series:
    """Each user's heaviest topic by name (:func:`topic_name`); None for a user with no kept word."""
    names = [topic_name(k, topic_words) for k in range(weights.shape[1])]
    best = weights.argmax(axis=1) if weights.shape[1] else np.zeros(len(weights), dtype=int)
    return pd.Series([names[k] if total > 0 else None for k, total in zip(best, weights.sum(axis=1), strict=True)])


def topic_table(weights: np.ndarray, retained: pd.Series, top_words: list[list[str]]) -> list[dict]:
    """Per topic: its top words, how many users it dominates, and their retention rate.

    A user with all-zero weights (no kept token) has no dominant topic and is left out.
    """
    has_topic = weights.sum(axis=1) > 0
    dominant = np.where(has_topic, weights.argmax(axis=1), -1)
    rows = []
    for k, words in enumerate(top_words):
        members = dominant == k
        n = int(members.sum())
        rows.append(
            {
                "topic": k,
                "top_words": words,
                "users": n,
                "retained": int(retained.to_numpy()[members].sum()),
                "retention_rate": float(retained.to_numpy()[members].mean()) if n else None,
            }
        )
    return rows
