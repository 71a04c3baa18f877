"""A window of whole days: both ends included, the last one until midnight; one sentence when it runs backwards."""

import datetime as dt

import pandas as pd
import pytest

from rednote.core.errors import UserError
from rednote.core.window import Window


def test_a_window_holds_whole_days_from_its_first_to_its_last():
    window = Window.of("2025-01-01 15:00", dt.date(2025, 1, 31))
    assert (window.start, window.end) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-31"))
    times = pd.Series(
        pd.to_datetime(
            ["2024-12-31 23:59:59", "2025-01-01 00:00:00", "2025-01-31 23:59:59.999", "2025-02-01 00:00:00"],
            format="ISO8601",
        )
    )
    assert window.contains(times).tolist() == [False, True, True, False]
    assert Window.of("2025-01-05", "2025-01-05").contains(pd.Series(pd.to_datetime(["2025-01-05 12:00"]))).tolist() == [
        True
    ]


def test_a_window_that_ends_before_it_starts_is_one_sentence():
    with pytest.raises(UserError) as backwards:
        Window.of("2025-02-01", "2025-01-31")
    assert str(backwards.value) == (
        "a window in params.yaml ends (2025-01-31) before it starts (2025-02-01); swap or fix the dates."
    )
