"""A span of whole days (the study window, the observation and target months)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rednote.core.errors import UserError


@dataclass(frozen=True)
class Window:
    """A span of whole days, ``start`` to ``end`` inclusive (``end`` counts until 23:59:59.999…)."""

    start: pd.Timestamp
    end: pd.Timestamp

    @classmethod
    def of(cls, start: str | dt.date, end: str | dt.date) -> Window:
        window = cls(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())
        if window.end < window.start:
            raise UserError(f"a window in params.yaml ends ({end}) before it starts ({start}); swap or fix the dates.")
        return window

    def contains(self, times: pd.Series) -> pd.Series:
        """True where ``times`` falls on a day from ``start`` to ``end``, both whole days included."""
        return (times >= self.start) & (times < self.end + pd.Timedelta(days=1))
