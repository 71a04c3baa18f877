"""Post text: hashtag markup, tags, and jieba tokens with Chinese and English stop words."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources

import jieba
import pandas as pd

jieba.setLogLevel(logging.WARNING)

# `#学中文[话题]#` is how the site marks a hashtag inside text; `[笑哭R]` an in-line sticker.
_TOPIC_TAG = re.compile(r"#([^#\[\]\n]{1,40})\[话题\]#?")
_STICKER = re.compile(r"\[[^\[\]\n]{1,8}R\]")
_SPACES = re.compile(r"[ \t\u3000]+")
_LATIN = re.compile(r"^[a-z][a-z0-9'_-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def clean_markup(text: pd.Series) -> pd.Series:
    """Replace ``#tag[话题]#`` markup by the bare tag word and drop ``[..R]`` stickers; keep emoji and newlines."""
    text = text.astype("string").fillna("")
    text = text.str.replace(_TOPIC_TAG, r" \1 ", regex=True).str.replace(_STICKER, " ", regex=True)
    return text.str.replace(_SPACES, " ", regex=True).str.strip()


def normalise_tag(tag: str) -> str:
    """Lower-case a tag and drop spaces and markup, so ``TikTok Refugee`` and ``tiktokrefugee`` meet."""
    return re.sub(r"[\s#\[\]]|话题", "", tag.lower())


def extract_tags(label: pd.Series, raw_text: pd.Series) -> pd.Series:
    """Per post, the sorted unique tags from the ``#``-joined label column and the in-text ``#..[话题]#`` markup."""
    label = label.astype("string").fillna("")
    in_text = raw_text.astype("string").fillna("").str.findall(_TOPIC_TAG)

    def tags_of(pair: tuple[str, list[str]]) -> list[str]:
        found = {normalise_tag(t) for t in pair[0].split("#")} | {normalise_tag(t) for t in pair[1]}
        found.discard("")
        return sorted(found)

    return pd.Series([tags_of(p) for p in zip(label, in_text)], index=label.index, dtype=object)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The bundled Chinese and English stop words (``rednote/stopwords.txt``, one a line)."""
    lines = resources.files("rednote").joinpath("stopwords.txt").read_text(encoding="utf-8").splitlines()
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
