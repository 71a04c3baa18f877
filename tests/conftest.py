from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def raw_rows(rows: list[dict]) -> pd.DataFrame:
    """A raw crawl frame (all strings) from a few hand-written rows; unspecified columns are empty."""
    columns = [
        "title",
        "content",
        "address",
        "label",
        "user_name",
        "user_id",
        "like_count",
        "collect_count",
        "comment_count",
        "share_count",
        "create_time",
        "post_id",
        "ip_localtion",
        "image",
        "type",
    ]
    return pd.DataFrame([{c: str(r.get(c, "")) for c in columns} for r in rows], columns=columns)


@pytest.fixture
def make_raw():
    return raw_rows
