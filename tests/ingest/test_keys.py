"""Pseudonyms that stay pseudonyms: the key comes from outside git, is never written, and a real crawl refuses the
sample's public key."""

from __future__ import annotations

import runpy
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml
from crawler_exports import read_kaggle
from e2e import ROOT, write_params

from rednote.core.errors import UserError
from rednote.core.params import BUNDLED_SAMPLE
from rednote.core.window import Window
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.keys import KEY_FILE, KEY_VARIABLE, SAMPLE_KEY, is_bundled_sample, pseudonym_key

WINDOW = Window.of("2025-01-01", "2025-02-28")
SECRET = "k3y-that-must-never-appear-in-an-output-7f1c"


@pytest.fixture
def crawl(tmp_path):
    """A crawl that is not the bundled sample: its first 400 rows."""
    path = tmp_path / "crawl.csv"
    read_kaggle(ROOT / BUNDLED_SAMPLE).iloc[:400].to_csv(path, index=False)
    return path


def test_the_bundled_sample_is_told_by_its_bytes_and_always_uses_the_public_key(crawl):
    assert is_bundled_sample(BUNDLED_SAMPLE, ROOT) and not is_bundled_sample(crawl)
    key = pseudonym_key(BUNDLED_SAMPLE, ROOT, environ={KEY_VARIABLE: SECRET})  # no person in it: same outputs for all
    assert key.secret == SAMPLE_KEY and SECRET not in repr(key)


def test_two_keys_give_different_pseudonyms(crawl):
    raw = read_kaggle(crawl)
    first, second = (
        clean_posts(raw, WINDOW, pseudonym_key(crawl, crawl.parent, {KEY_VARIABLE: k}).secret)[0] for k in ("a", "b")
    )
    assert len(first) == len(second) > 300
    assert set(first["user_id"]).isdisjoint(second["user_id"]) and set(first["post_id"]).isdisjoint(second["post_id"])
    assert first["user_id"].nunique() == second["user_id"].nunique()  # the same people, under other names


def test_a_real_crawl_refuses_the_samples_public_key_with_one_sentence(crawl):
    for environ in ({KEY_VARIABLE: SAMPLE_KEY}, {KEY_VARIABLE: f"  {SAMPLE_KEY}\n"}):
        with pytest.raises(UserError) as caught:
            pseudonym_key(crawl, crawl.parent, environ)
        message = str(caught.value)
        assert message.startswith(f"{crawl} is not the bundled sample, but its pseudonym key")
        assert f"set your own in {KEY_VARIABLE}" in message and "\n" not in message and message.count(". ") == 0
    (crawl.parent / KEY_FILE).write_text(SAMPLE_KEY + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=f"the key file {KEY_FILE}\\) is the sample's public one"):
        pseudonym_key(crawl, crawl.parent, {})


def test_without_a_key_the_first_run_writes_a_random_one_only_its_owner_reads(crawl):
    root = crawl.parent
    first = pseudonym_key(crawl, root, {})
    written = (root / KEY_FILE).read_text(encoding="utf-8").strip()
    assert written == first.secret and len(written) == 64 and set(written) <= set("0123456789abcdef")
    assert stat.S_IMODE((root / KEY_FILE).stat().st_mode) == 0o600
    again = pseudonym_key(crawl, root, {})
    assert again.secret == first.secret and again.fingerprint() == first.fingerprint()
    assert (first.created, again.created) == (True, False) and first.origin == again.origin  # the key stage's output
    other = root / "elsewhere"
    other.mkdir()
    assert pseudonym_key(crawl, other, {}).secret != first.secret  # another checkout, another random key
    assert pseudonym_key(crawl, root, {KEY_VARIABLE: "set"}).secret == "set"  # the variable comes first


def test_a_temporary_experiment_workspace_uses_its_repositorys_key_file(crawl):
    repo = crawl.parent
    mine = pseudonym_key(crawl, repo, {})
    workspace = repo / ".dvc" / "tmp" / "exps" / "tmpabc123"
    workspace.mkdir(parents=True)
    assert pseudonym_key(crawl, workspace, {}).secret == mine.secret
    assert not (workspace / KEY_FILE).exists()


def test_the_fingerprint_tells_keys_apart_and_is_not_the_key():
    a, b = (pseudonym_key("x.csv", Path("/nonexistent"), {KEY_VARIABLE: k}) for k in (SECRET, SECRET + "!"))
    assert a.fingerprint() != b.fingerprint() and len(a.fingerprint()) == 16
    assert a.fingerprint() not in SECRET and SECRET not in a.fingerprint()


def test_no_output_holds_the_key_and_clean_follows_the_key(crawl, monkeypatch, capsys):
    """key, clean and label on a real crawl with a key in the environment: no file they write holds it (as text, or
    its bytes); a changed key without the key stage rerun stops clean with one sentence."""
    folder = crawl.parent
    write_params(folder, {"data.raw": crawl.name}, base=ROOT / "params.yaml")
    monkeypatch.chdir(folder)
    monkeypatch.setenv(KEY_VARIABLE, SECRET)
    for stage in ("key", "clean", "label"):
        runpy.run_path(str(ROOT / "stages" / f"{stage}.py"), run_name="__main__")
    written = [p for p in folder.rglob("*") if p.is_file() and p.name not in ("params.yaml", crawl.name)]
    assert len(written) >= 5 and not (folder / KEY_FILE).exists()
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    fingerprint = yaml.safe_load((folder / "data" / "interim" / "key_fingerprint.json").read_text())
    assert fingerprint == {
        "fingerprint": pseudonym_key(crawl, folder, {KEY_VARIABLE: SECRET}).fingerprint(),
        "origin": f"the environment variable {KEY_VARIABLE}",
    }
    posts = pd.read_parquet(folder / "data" / "interim" / "posts.parquet")
    assert set(posts["user_id"]) == set(clean_posts(read_kaggle(crawl), WINDOW, SECRET)[0]["user_id"])
    monkeypatch.setenv(KEY_VARIABLE, SECRET + "-changed")
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(ROOT / "stages" / "clean.py"), run_name="__main__")
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err.startswith("error: the pseudonym key (the environment variable")
    assert "changed since the key stage ran" in err and SECRET not in err
