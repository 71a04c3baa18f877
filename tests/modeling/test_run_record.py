"""models/run.json: what train did, the one thing evaluate and explain learn from it, and a loud stop without it."""

import json

import pytest

from rednote.core.errors import UserError
from rednote.modeling.run_record import RunRecord, fold_folder, read_run_record, write_run_record


def test_a_record_survives_the_round_trip_and_knows_its_fold_layout(tmp_path):
    fits = [[fold_folder(r, k) for k in range(5)] for r in range(3)]
    record = RunRecord("logreg", "cv", None, fits)
    write_run_record(record, tmp_path / "run.json")
    again = read_run_record(tmp_path / "run.json")
    assert again == record and (again.repeats, again.folds) == (3, 5)
    assert again.fits[2][4] == "cv/r2_k4"
    assert json.loads((tmp_path / "run.json").read_text())["scheme"] == "cv"


def test_a_degenerate_run_says_why_and_has_no_fits(tmp_path):
    write_run_record(RunRecord("mlp", "cv", "the cohort has 1 retained user"), tmp_path / "run.json")
    again = read_run_record(tmp_path / "run.json")
    assert again.degenerate == "the cohort has 1 retained user" and (again.repeats, again.folds) == (0, 0)


def test_a_missing_record_is_one_sentence_naming_the_stage_to_run(tmp_path):
    with pytest.raises(UserError, match=r"run\.json does not exist; run `dvc repro train`"):
        read_run_record(tmp_path / "run.json")


def test_a_record_that_is_not_one_is_one_sentence(tmp_path):
    (tmp_path / "run.json").write_text('{"scheme": "cv"}')
    with pytest.raises(UserError, match="is not a run record written by train"):
        read_run_record(tmp_path / "run.json")
