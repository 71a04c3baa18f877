"""End to end on a crawl like the real one (0.6% retained, ~20 retained users): the CV scheme still answers."""

import json

import pytest
from e2e import commit, copy_repo, sh, write_params

from rednote.features.cohort import ACCOUNT_FEATURES, BEHAVIOUR_FEATURES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = copy_repo(tmp_path_factory.mktemp("small") / "repo")
    crawl = repo / "data" / "sample" / "real_share.csv"
    sh(
        repo,
        "python",
        "-m",
        "rednote.synthetic.sample",
        "--seed",
        "1",
        "--retained-share",
        "0.006",
        "--out",
        str(crawl),
    )
    fast = {"embed.encoder": "tfidf", "evaluate.bootstrap": 300, "evaluate.permutations": 20}
    fast["label.design"] = "calendar"  # the study's label, which leaves ~20 retained users at this share
    write_params(repo, {"data.raw": "data/sample/real_share.csv", **fast})
    commit(repo, "a real-share crawl")
    sh(repo, "dvc", "repro", "evaluate", "explain")
    return repo


def read(repo, name):
    return json.loads((repo / "metrics" / name).read_text(encoding="utf-8"))


def test_every_retained_user_is_scored_and_the_interval_excludes_chance(repo):
    m = read(repo, "metrics.json")
    assert m["scheme"] == "cv" and m["degenerate"] is None
    assert 15 <= m["data"]["n_retained"] == m["data"]["effective_n"] == m["test"]["positives"] <= 35
    assert m["test"]["n"] == m["data"]["n_users"]  # every cohort user, not a fifth of them
    low, high = m["test"]["roc_auc_ci_low"], m["test"]["roc_auc_ci_high"]
    assert 0.55 < low < m["test"]["roc_auc"] < high and (high - low) / 2 <= 0.15
    assert m["test"]["roc_auc_repeats"]["min"] <= m["test"]["roc_auc_repeats"]["max"]
    assert m["baseline"]["permutation_p"] <= 1 / 21 + 1e-9  # no permuted labelling beat the real one


def test_factors_cover_every_behaviour_and_account_feature_and_topic(repo):
    f = read(repo, "factors.json")
    assert set(f["odds_ratio_per_sd"]) == {*BEHAVIOUR_FEATURES, *ACCOUNT_FEATURES, *(f"topic_{k}" for k in range(5))}
    for row in f["odds_ratio_per_sd"].values():
        assert row["ci_low"] <= row["odds_ratio"] <= row["ci_high"]
    assert set(f["quartiles"]) == set(BEHAVIOUR_FEATURES)
    assert all(sum(b["users"] for b in bins) == f["n_users"] for bins in f["quartiles"].values())
    assert (repo / "plots" / "explain" / "factors.png").stat().st_size > 0
    assert read(repo, "importance.json")["scheme"] == "cv"
