from pathlib import Path

import pandas as pd
import pytest

from rednote.ingest.schema import KAGGLE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def raw_rows(rows: list[dict]) -> pd.DataFrame:
    """A raw crawl frame (all strings) from a few hand-written rows; unspecified columns are empty."""
    columns = list(KAGGLE_COLUMNS)
    return pd.DataFrame([{c: str(r.get(c, "")) for c in columns} for r in rows], columns=columns)


@pytest.fixture
def make_raw():
    return raw_rows
