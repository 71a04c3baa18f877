"""Post text as the site marks it up: ``#tag[话题]#`` hashtags, in-line stickers, and the tags of a post."""

from __future__ import annotations

import re

import pandas as pd

# `#学中文[话题]#` is how the site marks a hashtag inside text; `[笑哭R]` an in-line sticker.
_TOPIC_TAG = re.compile(r"#([^#\[\]\n]{1,40})\[话题\]#?")
_STICKER = re.compile(r"\[[^\[\]\n]{1,8}R\]")
_SPACES = re.compile(r"[ \t\u3000]+")


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
