"""Pseudonyms for the people in the crawl: a keyed hash replaces every user and post id after `clean`.

Before that, every author gets one key whatever the export (:func:`creator_hash`): the key MediaCrawler writes
in place of the raw user id since July 2026. An export with raw ids and one with hashed ids then name the same
person the same way, and their notes join.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd


def creator_hash(ids: pd.Series) -> pd.Series:
    """MediaCrawler's ``creator_hash`` of each raw user id: the first 16 hex digits (lower case) of SHA-256 of the
    id's UTF-8 bytes, spaces around it stripped (its ``tools/user_hash.py``, ``anonymize_user_id``, since
    9f4f8bf, 2026-07-01). Empty ids stay empty. Not a pseudonym: anyone holding a raw id can compute it.
    """
    text = ids.astype("string").fillna("").str.strip()
    unique = pd.unique(text)
    table = {raw: hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16] if raw else "" for raw in unique}
    return text.map(table).astype(object)


def pseudonymize(ids: pd.Series, key: str, length: int = 16) -> pd.Series:
    """Replace each id by the first ``length`` hex digits of HMAC-SHA256(key, id).

    Stable for the same key (so runs and stages agree), unlinkable to the raw id without the key.
    Empty ids stay empty.
    """
    secret = key.encode("utf-8")
    unique = pd.unique(ids.astype("string").fillna(""))
    table = {
        raw: (hmac.new(secret, raw.encode("utf-8"), hashlib.sha256).hexdigest()[:length] if raw else "")
        for raw in unique
    }
    return ids.astype("string").fillna("").map(table).astype(object)


def user_pseudonyms(raw_ids: pd.Series, key: str) -> pd.Series:
    """The pseudonym `clean` gives the author of each raw user id: the keyed hash of their :func:`creator_hash`."""
    return pseudonymize(creator_hash(raw_ids), key)
