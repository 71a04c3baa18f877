"""Words of a text: jieba tokens without Chinese and English stop words, numbers, punctuation or 1-letter Latin."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources

import jieba
import pandas as pd

jieba.setLogLevel(logging.WARNING)

_LATIN = re.compile(r"^[a-z][a-z0-9'_-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The bundled Chinese and English stop words (``rednote/features/stopwords.txt``, one a line)."""
    lines = resources.files("rednote.features").joinpath("stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def tokenize(text: str, extra_stop_words: frozenset[str] = frozenset()) -> list[str]:
    """jieba tokens of one text, lower-cased, without stop words, numbers, punctuation or 1-letter Latin.

    Keeps Chinese words (any token with a CJK character) and Latin words of 2+ letters; ``nan``
    (what an empty field becomes in careless code) is a stop word.
    """
    stops = stop_words() | extra_stop_words
    tokens = []
    for token in jieba.lcut(text.lower()):
        token = token.strip()
        if not token or token in stops:
            continue
        if _CJK.search(token) or (len(token) > 1 and _LATIN.match(token)):
            tokens.append(token)
    return tokens


def tokenize_all(texts: pd.Series, extra_stop_words: frozenset[str] = frozenset()) -> pd.Series:
    """:func:`tokenize` over a column, joined by single spaces (the form TF-IDF reads with ``str.split``)."""
    return pd.Series(
        [" ".join(tokenize(t, extra_stop_words)) for t in texts.fillna("")], index=texts.index, dtype=object
    )
