"""Human-facing files are written at a stated precision, so float noise between machines never shows in a diff."""

import json

import numpy as np
import pandas as pd

from rednote.core.io import SIGNIFICANT_DIGITS, level_text, rounded, write_csv, write_json


def test_metrics_json_rounds_floats_to_the_stated_significant_digits(tmp_path):
    assert SIGNIFICANT_DIGITS == 5
    write_json(
        {"brier": 0.0612345678, "auc": np.float32(0.79661234), "n": 3193, "nan": float("nan")}, tmp_path / "m.json"
    )
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data == {"brier": 0.061235, "auc": 0.79661, "n": 3193, "nan": None}


def test_two_values_that_differ_in_the_eighth_digit_are_written_the_same(tmp_path):
    write_json({"threshold": 0.30112345}, tmp_path / "a.json")
    write_json({"threshold": 0.30112349}, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_plot_csv_uses_the_same_precision(tmp_path):
    write_csv(pd.DataFrame({"fpr": [0.123456789, 1.0], "n": [1, 2]}), tmp_path / "roc.csv")
    assert (tmp_path / "roc.csv").read_text(encoding="utf-8").splitlines() == ["fpr,n", "0.12346,1", "1,2"]


def test_rounding_keeps_large_and_special_values():
    assert rounded(123456.7) == 123460.0 and rounded(-0.000123456) == -0.00012346 and np.isnan(rounded(float("nan")))


def test_a_level_reads_as_a_percentage():
    assert [level_text(v) for v in (0.95, 0.9, 0.975, 0.5)] == ["95%", "90%", "97.5%", "50%"]
