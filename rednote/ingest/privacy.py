"""Pseudonyms for the people in the crawl: a keyed hash replaces every user and post id after `clean`."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd


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
