"""End to end: `dvc repro`, a no-op rerun, `dvc exp run -S`, `dvc exp show`, `dvc metrics diff`, in a temporary copy."""

import json

import pandas as pd
import pytest
from e2e import commit, sh, write_params
from sklearn.metrics import average_precision_score, roc_auc_score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(first_run):
    return first_run.repo


def metrics(repo):
    return json.loads((repo / "metrics" / "metrics.json").read_text())


def test_repro_writes_the_metrics_and_plots(repo):
    m = metrics(repo)
    for key in (
        "roc_auc",
        "pr_auc",
        "f1",
        "precision",
        "recall",
        "threshold",
        "base_rate",
        "brier",
        "majority_accuracy",
    ):
        assert key in m["test"] and key in m["baseline"]
    assert m["data"]["n_users"] > 1000 and 0 < m["data"]["n_retained"] < m["data"]["n_users"]
    scored = pd.read_parquet(repo / "data" / "predictions.parquet")  # recomputed by scikit-learn from the predictions
    assert m["test"]["roc_auc"] == pytest.approx(roc_auc_score(scored["retained"], scored["p_model"]), rel=1e-4)
    assert m["test"]["pr_auc"] == pytest.approx(
        average_precision_score(scored["retained"], scored["p_model"]), rel=1e-4
    )
    assert m["baseline"]["roc_auc"] == pytest.approx(roc_auc_score(scored["retained"], scored["p_baseline"]), rel=1e-4)
    assert m["test"]["roc_auc_ci_low"] <= m["test"]["roc_auc"] <= m["test"]["roc_auc_ci_high"]
    for plot in (
        "plots/evaluate/roc_model.csv",
        "plots/evaluate/confusion.csv",
        "plots/eda/top_words.png",
        "plots/eda/daily_active_users.png",
        "dvclive/plots/metrics/train/loss.tsv",
        "dvclive/plots/metrics/eval/loss.tsv",
    ):
        assert (repo / plot).stat().st_size > 0
    quality = json.loads((repo / "metrics" / "data_quality.json").read_text())
    raw_rows = len(pd.read_csv(repo / "data" / "sample" / "slice.csv", dtype=str, keep_default_na=False))
    assert quality["rows_read"] == raw_rows
    assert quality["rows_kept"] < quality["rows_read"]  # duplicates and March posts are gone


def test_second_repro_has_nothing_to_do_but_the_key_stage(repo):
    out = sh(repo, "dvc", "repro").stdout
    assert out.count("Running stage") == 1 and "Running stage 'key'" in out  # always run: the key is outside git
    assert "Stage 'clean' didn't change" in out and "Stage 'findings' didn't change" in out


def test_a_new_pseudonym_key_makes_clean_stale_and_the_old_one_makes_it_current_again(repo):
    sh(repo, "dvc", "repro", "key", extra_env={"REDNOTE_PSEUDONYM_KEY": "another key"})
    stale = sh(repo, "dvc", "status", "clean").stdout
    assert "modified:" in stale and "data/interim/key_fingerprint.json" in stale and "another key" not in stale
    sh(repo, "dvc", "repro", "key")  # the tests' own key again
    assert "up to date" in sh(repo, "dvc", "status", "clean").stdout


def test_users_are_split_once_for_every_stage(repo):
    users = pd.read_parquet(repo / "data" / "interim" / "users.parquet")
    predictions = pd.read_parquet(repo / "data" / "predictions.parquet")
    assert users["user_id"].tolist() == predictions["user_id"].tolist()
    assert users["split"].tolist() == predictions["split"].tolist()


def test_a_train_param_reruns_only_train_evaluate_and_explain_and_is_diffable(repo):
    before = metrics(repo)
    out = sh(repo, "dvc", "exp", "run", "-S", "train.logreg_c=0.1", "-n", "weaker-l2").stdout
    assert all(f"Running stage '{stage}'" in out for stage in ("train", "evaluate", "explain"))
    for stage in ("clean", "label", "embed", "topics", "eda"):
        assert f"Running stage '{stage}'" not in out
    shown = sh(repo, "dvc", "exp", "show", "--json").stdout
    assert "weaker-l2" in shown
    diff = sh(repo, "dvc", "metrics", "diff", "HEAD", "--json").stdout
    changed = json.loads(diff)["metrics/metrics.json"]
    assert metrics(repo) != before
    assert any(key.startswith("test.") for key in changed)
    assert "Running stage 'findings'" in out  # the answer in words follows the run
    words = sh(repo, "git", "diff", "--unified=0", "HEAD", "--", "reports/findings.md").stdout
    changed_lines = [line for line in words.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any("ranks a retained user above a lost one" in line for line in changed_lines)
    review = sh(repo, "python", "-m", "rednote.report.compare", "--ref", "HEAD").stdout
    assert "| metrics/metrics.json | test.roc_auc |" in review  # the review lists what the param changed


OUTPUT_DIRS = (
    "data/interim",
    "data/features",
    "data/predictions.parquet",
    "metrics",
    "plots",
    "dvclive",
    "reports",
    "models",
    "dvc.lock",
)


def output_text(repo):
    """Every output of the run as text: Parquet tables rendered as CSV, other files as their bytes."""
    for name in OUTPUT_DIRS:
        root = repo / name
        for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
            if path.suffix == ".parquet":
                yield path, pd.read_parquet(path).astype(str).to_csv()
            else:
                yield path, path.read_bytes().decode("utf-8", errors="ignore")


def test_no_output_carries_names_urls_tokens_or_raw_ids(repo):
    raw = pd.read_csv(repo / "data" / "sample" / "slice.csv", dtype=str, keep_default_na=False)
    secrets = set()
    for column in ("user_name", "user_id", "post_id", "address", "image"):
        secrets |= {v for v in raw[column] if len(v) >= 6}
    secrets |= {part.split("&")[0] for v in raw["address"] for part in v.split("xsec_token=")[1:]}
    assert len(secrets) > 1000
    scanned = 0
    for path, text in output_text(repo):
        scanned += 1
        found = [s for s in secrets if s in text]
        assert not found, f"{path} carries {found[:3]}"
    assert scanned >= 15


def test_forced_rerun_gives_identical_outputs(repo):
    def hashes():
        lock = (repo / "dvc.lock").read_text()
        return [line.strip() for line in lock.splitlines() if "md5:" in line or "path:" in line]

    before = hashes()
    sh(repo, "dvc", "repro", "-f")
    assert hashes() == before


def test_report_against_the_previous_commit_has_every_section(repo):
    write_params(repo, {"train.class_weight": False, "topics.n_topics": 4})
    sh(repo, "dvc", "repro")
    commit(repo, "no class weights, four topics")
    sh(repo, "python", "-m", "rednote.report.pr", "--ref", "HEAD~1", "--out", "reports/pr")
    report = (repo / "reports" / "pr" / "report.md").read_text()
    for heading in (
        "# Pipeline changes against `HEAD~1`",
        "## Metrics",
        "## Params",
        "## Plots",
        "### ROC (out of fold under cv, test split under holdout)",
        "## Findings (`reports/findings.md`)",
    ):
        assert heading in report
    assert "train.class_weight" in report and "topics.n_topics" in report
    assert "test.roc_auc" in report
    assert (repo / "reports" / "pr" / "plots_evaluate_roc_model.png").stat().st_size > 1000
    assert (repo / "reports" / "pr" / "dvc_plots" / "index.html").exists()
    missing = sh(repo, "python", "-m", "rednote.report.pr", "--ref", "no-such-ref", check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr


def test_a_queued_grid_runs_two_at_a_time_and_is_listed(repo):
    grid = {  # two that rerun from train on (a queue's cost is its runs, not which params they set)
        "grid-gbt": ["train.model=gbt"],
        "grid-weaker-l2": ["train.logreg_c=2.0"],
    }
    for name, sets in grid.items():
        args = [arg for s in sets for arg in ("-S", s)]
        sh(repo, "dvc", "exp", "run", "--queue", "-n", name, *args)
    sh(repo, "dvc", "exp", "run", "--run-all", "-j", "2", extra_env={"REDNOTE_THREADS": "1"})  # as the README says
    shown = json.loads(sh(repo, "dvc", "exp", "show", "--json").stdout)
    found = {}
    for rev in shown:
        for exp in rev.get("experiments") or []:
            for run in exp.get("revs") or []:
                found[run.get("name")] = run
    for name in grid:
        assert name in found, sorted(found)
        data = found[name]["data"]
        metrics = data["metrics"]["metrics/metrics.json"]["data"]
        assert metrics["test"]["roc_auc"] is not None and "f1" in metrics["baseline"]
    params = found["grid-gbt"]["data"]["params"]["params.yaml"]["data"]
    assert params["train"]["model"] == "gbt"
