"""Comparing two runs: float noise is not a change, a real change is, and a curve is the line it draws."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from rednote.report.compare import (
    ABS_TOLERANCE,
    REL_TOLERANCE,
    agree,
    as_curve,
    changed_curves,
    changed_numbers,
    curve_gap,
    flatten,
    metrics_files,
    number_diffs,
)


def test_numbers_one_unit_apart_in_the_fifth_digit_agree_and_a_real_change_does_not():
    assert agree(0.79424, 0.79425)  # the last written digit, as two kernels round it
    assert agree(0.0046764, 0.0046763)
    assert agree(3211.0, 3211.0) and agree(math.nan, math.nan)
    assert not agree(0.7942, 0.7962)  # an AUC two thousandths higher
    assert not agree(3211.0, 3212.0)  # one user more
    assert not agree(0.5, math.nan)


def test_the_tolerance_is_the_stated_sum_of_an_absolute_and_a_relative_part():
    value = 2.0
    edge = ABS_TOLERANCE + REL_TOLERANCE * value
    assert agree(value, value + 0.99 * edge) and not agree(value, value + 1.01 * edge)


def test_json_numbers_are_flattened_by_key_path_and_booleans_are_not_numbers():
    data = {"test": {"roc_auc": 0.8, "ci": [0.7, 0.9]}, "flag": True, "name": "logreg", "n": 3}
    assert flatten(data) == {"test.roc_auc": 0.8, "test.ci.0": 0.7, "test.ci.1": 0.9, "n": 3.0}


def test_a_key_only_one_side_has_is_a_change():
    before = {"m.json": {"a": 1.0, "b": 2.0}}
    after = {"m.json": {"a": 1.0000001, "c": 2.0}}
    changed = changed_numbers(before, after)
    assert set(changed) == {"m.json:b", "m.json:c"}
    assert math.isnan(changed["m.json:b"][1]) and math.isnan(changed["m.json:c"][0])
    assert set(number_diffs(before, after)) == {"m.json:a", "m.json:b", "m.json:c"}  # noise counted, not listed


def test_a_broken_tie_adds_a_point_on_the_same_line_and_the_curve_is_unchanged():
    # four users, scores tied for users 2 and 3 in one run and split in the other: one point more, same line
    tied = pd.DataFrame({"fpr": [0.0, 0.0, 1.0, 1.0], "tpr": [0.0, 0.5, 1.0, 1.0], "threshold": [2, 0.9, 0.4, 0.1]})
    split = pd.DataFrame(
        {"fpr": [0.0, 0.0, 0.5, 1.0, 1.0], "tpr": [0.0, 0.5, 0.75, 1.0, 1.0], "threshold": [2, 0.9, 0.41, 0.4, 0.1]}
    )
    a, b = as_curve(tied), as_curve(split)
    assert a is not None and b is not None
    x, ya, yb = curve_gap(a, b)
    assert ya == pytest.approx(yb, abs=1e-12)
    assert changed_curves({"roc.csv": a}, {"roc.csv": b}) == {}


def test_a_curve_that_moves_is_a_change_at_its_widest_gap():
    a = as_curve(pd.DataFrame({"fpr": [0.0, 0.5, 1.0], "tpr": [0.0, 0.8, 1.0]}))
    b = as_curve(pd.DataFrame({"fpr": [0.0, 0.5, 1.0], "tpr": [0.0, 0.6, 1.0]}))
    assert a is not None and b is not None
    assert curve_gap(a, b) == pytest.approx((0.5, 0.8, 0.6))
    assert list(changed_curves({"roc.csv": a}, {"roc.csv": b})) == ["roc.csv"]


def test_a_vertical_stretch_of_a_precision_recall_curve_is_kept():
    # at recall 0.5 the line runs from precision 0.5 up to 1.0; a run that only reaches 0.7 there differs
    full = as_curve(pd.DataFrame({"recall": [1.0, 0.5, 0.5, 0.0], "precision": [0.4, 0.5, 1.0, 1.0]}))
    short = as_curve(pd.DataFrame({"recall": [1.0, 0.5, 0.5, 0.0], "precision": [0.4, 0.5, 0.7, 1.0]}))
    assert full is not None and short is not None
    assert curve_gap(full, short) == pytest.approx((0.5, 1.0, 0.7))


def test_tables_that_draw_no_curve_are_compared_cell_by_cell():
    assert as_curve(pd.DataFrame({"feature": ["a"], "importance_mean": [0.1]})) is None


def test_the_metrics_files_are_the_ones_dvc_yaml_declares():
    dvc_yaml = """
stages:
  a: {cmd: x, metrics: [{metrics/a.json: {cache: false}}]}
  b: {cmd: y, outs: [data/b.parquet]}
  c: {cmd: z, metrics: [metrics/c.json]}
"""
    assert metrics_files(dvc_yaml) == ["metrics/a.json", "metrics/c.json"]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository with one committed metrics file declared in dvc.yaml."""
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["config", "user.name", "t"], ["config", "user.email", "t@example.invalid"]):
        subprocess.run(["git", *args], check=True)
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n  e:\n    cmd: x\n    metrics:\n      - metrics/m.json:\n          cache: false\n"
    )
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "m.json").write_text(json.dumps({"test": {"roc_auc": 0.79424, "n": 216}}))
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "run"], check=True)
    return tmp_path


def compare_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rednote.report.compare", *args], capture_output=True, text=True)


def test_the_review_command_lists_a_real_change_and_not_noise(repo):
    metrics = repo / "metrics" / "m.json"
    metrics.write_text(json.dumps({"test": {"roc_auc": 0.79425, "n": 216}}))
    quiet = compare_cli("--ref", "HEAD")
    assert quiet.returncode == 0
    assert quiet.stdout.startswith("No metric changed beyond float noise.")
    assert "1 more differ by no more than float noise" in quiet.stdout
    metrics.write_text(json.dumps({"test": {"roc_auc": 0.81002, "n": 216}}))
    loud = compare_cli("--ref", "HEAD")
    assert "| metrics/m.json | test.roc_auc | 0.79424 | 0.81002 | +0.01578 |" in loud.stdout
    assert "No metric changed" not in loud.stdout


def test_an_unknown_ref_is_one_sentence(repo):
    done = compare_cli("--ref", "no-such-ref")
    assert done.returncode == 1 and done.stderr.startswith("error: git does not know the ref 'no-such-ref'")
    assert "Traceback" not in done.stderr
