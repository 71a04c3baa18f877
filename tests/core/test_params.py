"""params.yaml is checked once, at load: every bad value is one sentence naming the key, the value and what is allowed."""

from __future__ import annotations

import runpy
import sys

import pytest
import yaml
from e2e import ROOT, commit, copy_repo, sh, write_params

from rednote.core.errors import UserError
from rednote.core.params import Params, load_params

#: One bad value per section (and nested section), with what its sentence must say.
BAD = {
    "data.raw": ("", "data.raw must be text"),
    "clean.max_malformed_share": (1.5, "clean.max_malformed_share must be a number ≥ 0 and ≤ 1, got 1.5"),
    "clean.max_unreadable_time_share": (-0.1, "clean.max_unreadable_time_share must be a number ≥ 0 and ≤ 1, got -0.1"),
    "clean.window_end": ("2024-12-01", "clean.window_end (2024-12-01) comes before clean.window_start"),
    "clean.export_timezone": ("Beijing", "clean.export_timezone='Beijing' is not a time zone name (an IANA name"),
    "label.observe_end": ("2025-13-01", "label.observe_end must be a date YYYY-MM-DD, got '2025-13-01'"),
    "label.target_start": ("2025-01-15", "label.target_start (2025-01-15) must come after label.observe_end"),
    "label.cohort": ("everyone", "label.cohort must be one of posters, joiners, got 'everyone'"),
    "label.joined_end": ("2024-12-31", "label.joined_end (2024-12-31) comes before label.joined_start"),
    "split.test_share": (2, "split.test_share must be a number > 0 and < 1, got 2"),
    "split.val_share": (0.9, "split.val_share + split.test_share must be below 1"),
    "embed.encoder": ("bert", "embed.encoder must be one of use, tfidf, fasttext, transformer, got 'bert'"),
    "embed.fasttext.max_n": (1, "embed.fasttext.max_n (1) must be at least embed.fasttext.min_n (2)"),
    "embed.use.batch_size": (-1, "embed.use.batch_size must be a whole number ≥ 1, got -1"),
    "embed.tfidf.n_components": ("many", "embed.tfidf.n_components must be a whole number ≥ 1, got 'many'"),
    "topics.n_topics": (0, "topics.n_topics must be a whole number ≥ 1, got 0"),
    "train.epochs": ("abc", "train.epochs must be a whole number ≥ 1, got 'abc'"),
    "train.features": (
        ["foo"],
        "train.features must be a non-empty list drawn from behaviour, topics, text, account, got ['foo']",
    ),
    "train.class_weight": ("maybe", "train.class_weight must be true or false, got 'maybe'"),
    "train.gbt.patience": (0, "train.gbt.patience must be a whole number ≥ 1, got 0"),
    "explain.repeats": (0, "explain.repeats must be a whole number ≥ 1, got 0"),
    "evaluate.ci_level": (95, "evaluate.ci_level must be a number > 0 and < 1, got 95"),
    "segment.k": ("many", "segment.k must be auto or a whole number ≥ 2, got 'many'"),
    "segment.k_range": ([8, 2], "segment.k_range must be [low, high] with low ≤ high, got [8, 2]"),
    "segment.naming.engagement_ratio": (0.5, "segment.naming.engagement_ratio must be a number > 1, got 0.5"),
    "segment.dbscan.eps": (0, "segment.dbscan.eps must be a number > 0, got 0"),
    "segment.anomaly.n_distinctive": (0, "segment.anomaly.n_distinctive must be a whole number ≥ 1, got 0"),
    "segment.communities.max_pairs": (-5, "segment.communities.max_pairs must be a whole number ≥ 1, got -5"),
    "eda.top_words": (2.5, "eda.top_words must be a whole number ≥ 1, got 2.5"),
    "eda.wordcloud_words": (0, "eda.wordcloud_words must be a whole number ≥ 1, got 0"),
    "label.design": ("weekly", "label.design must be one of calendar, landmark, got 'weekly'"),
    "label.landmark_days": (0, "label.landmark_days must be a whole number ≥ 1, got 0"),
    "survival.silence_days": (0, "survival.silence_days must be a whole number ≥ 1, got 0"),
    "survival.penalizer": (-1, "survival.penalizer must be a number ≥ 0, got -1"),
}


def test_the_repository_params_load_whole_and_unchanged():
    """Every key of params.yaml reaches the checked params with its value as written: none dropped, renamed or
    coerced (a date stays its ISO day, a list its items)."""
    written = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params = load_params(ROOT / "params.yaml")
    assert isinstance(params, Params) and params.model_dump(mode="json") == written


def test_every_section_of_the_schema_has_a_bad_value_case():
    sections = set(yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8")))
    assert sections == {key.split(".")[0] for key in BAD}


@pytest.mark.parametrize("key", sorted(BAD))
def test_a_bad_value_is_one_sentence_naming_key_value_and_what_is_allowed(key, tmp_path):
    value, expected = BAD[key]
    write_params(tmp_path, {key: value}, base=ROOT / "params.yaml")
    with pytest.raises(UserError) as caught:
        load_params(tmp_path / "params.yaml")
    message = str(caught.value)
    assert expected in message, message
    assert "\n" not in message and message.count("; ") == 1


def test_an_unknown_key_is_named_with_the_keys_its_section_has(tmp_path):
    write_params(tmp_path, {"train.epochz": 3}, base=ROOT / "params.yaml")
    with pytest.raises(UserError, match=r"train\.epochz is not a known parameter \(`train` has: model, seed, .*epochs"):
        load_params(tmp_path / "params.yaml")


def test_a_missing_key_is_named(tmp_path):
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    del params["segment"]["dbscan"]["eps"]
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    with pytest.raises(UserError, match=r"^segment\.dbscan\.eps is missing in "):
        load_params(tmp_path / "params.yaml")


def test_a_file_that_is_not_yaml_is_one_sentence(tmp_path):
    (tmp_path / "params.yaml").write_text("train: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="is not valid YAML at line"):
        load_params(tmp_path / "params.yaml")


def test_a_stage_stops_on_a_bad_value_of_another_section_before_reading_its_input(tmp_path, monkeypatch, capsys):
    """clean never gets to its raw file: the whole file is checked first."""
    write_params(tmp_path, {"train.epochs": "abc", "data.raw": "does-not-exist.csv"}, base=ROOT / "params.yaml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(ROOT / "stages" / "clean.py"), run_name="__main__")
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: train.epochs must be a whole number ≥ 1, got 'abc'") and "Traceback" not in err
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_dvc_exp_run_with_a_bad_value_stops_with_one_error_line(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    commit(repo, "copy")
    for option, key in (
        ("train.epochs=abc", "train.epochs"),
        ("split.test_share=2", "split.test_share"),
        ("topics.n_topics=0", "topics.n_topics"),
        ("embed.use.batch_size=-1", "embed.use.batch_size"),
        ("train.features=[foo]", "train.features"),
        ("+train.epochz=3", "train.epochz"),  # DVC refuses a new key without the +
    ):
        done = sh(repo, sys.executable, "-m", "dvc", "exp", "run", "-S", option, check=False)
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert done.returncode != 0 and len(errors) == 1, done.stderr[-2000:]
        assert errors[0].startswith(f"error: {key} "), errors[0]
        assert "Traceback" not in done.stderr
        assert not (repo / "data" / "interim" / "posts.parquet").exists()  # no stage did its work
        sh(repo, "git", "checkout", "--", "params.yaml")
