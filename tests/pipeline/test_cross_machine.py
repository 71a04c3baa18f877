"""The committed answer on another processor: the pipeline under two BLAS kernels and thread counts, in two
copies, agrees with itself and with the committed outputs up to the stated tolerance (rednote.report.compare), its
findings read the same, the review lists no metric as changed, and a real change is still listed."""

import json
import re
import shutil

import pytest
from e2e import ROOT, commit, copy_repo, sh, sh_together, write_params

from rednote.report.compare import FINDINGS, changed_curves, changed_numbers, human_facing

pytestmark = pytest.mark.slow
#: Two settings as far apart as this machine allows: the oldest x86-64 kernel with one thread, and an AVX kernel
#: with two (they break ties between users' scores differently; bench/float_spread.py measures five).
SETTINGS = {
    "prescott-1": {"OPENBLAS_CORETYPE": "Prescott", "REDNOTE_THREADS": "1"},
    "sandybridge-2": {"OPENBLAS_CORETYPE": "Sandybridge", "REDNOTE_THREADS": "2"},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each setting's copy of the repository after `dvc repro` with the committed params (the bundled sample); the
    two run at once, each in its own copy and process."""
    out = {}
    for name in SETTINGS:
        out[name] = copy_repo(tmp_path_factory.mktemp(name) / "repo")
        commit(out[name], "code")  # DVCLive in train wants a commit to refer to
    sh_together([(out[name], ("dvc", "repro"), extra) for name, extra in SETTINGS.items()])
    for name, repo in out.items():
        commit(repo, f"run under {name}")
    return out


def test_two_kernels_and_thread_counts_agree_within_the_tolerance_and_write_the_same_findings(runs):
    a, b = (human_facing(repo) for repo in runs.values())
    assert len(a.numbers) >= 15 and sum(map(len, a.numbers.values())) > 1000 and len(a.curves) == 4
    assert changed_numbers(a.numbers, b.numbers) == {}
    assert changed_curves(a.curves, b.curves) == {}
    assert a.findings is not None and a.findings == b.findings


def test_the_samples_roc_auc_lies_in_the_range_the_readme_states(runs):
    stated = re.search(r"a sample ROC-AUC outside (0\.\d+)-(0\.\d+) means", (ROOT / "README.md").read_text())
    assert stated, "the README no longer states the sample's ROC-AUC range"
    low, high = map(float, stated.groups())
    for name, repo in runs.items():
        metrics = json.loads((repo / "metrics" / "metrics.json").read_text(encoding="utf-8"))
        assert low <= metrics["test"]["roc_auc"] <= high, name


def test_the_committed_outputs_are_what_either_setting_reproduces(runs):
    committed = human_facing(ROOT)
    for repo in runs.values():
        run = human_facing(repo)
        assert changed_numbers(committed.numbers, run.numbers) == {}
        assert changed_curves(committed.curves, run.curves) == {}
        assert run.findings == committed.findings


def test_the_review_lists_no_noise_and_lists_a_real_change(runs):
    first, second = runs.values()
    for path in human_facing(first).numbers.keys() | human_facing(first).curves.keys() | {FINDINGS}:
        shutil.copy(first / path, second / path)  # the other machine's outputs over this one's commit
    quiet = sh(second, "python", "-m", "rednote.report.compare", "--ref", "HEAD").stdout
    assert quiet.startswith("No metric changed beyond float noise.")
    sh(second, "python", "-m", "rednote.report.pr", "--ref", "HEAD", "--out", "reports/pr")
    report = (second / "reports" / "pr" / "report.md").read_text()
    assert "No metric changed beyond float noise." in report and "## Findings" not in report
    write_params(second, {"train.logreg_c": 1.0})
    sh(second, "dvc", "repro")
    loud = sh(second, "python", "-m", "rednote.report.compare", "--ref", "HEAD").stdout
    assert "| metrics/metrics.json | test.pr_auc |" in loud and "No metric changed" not in loud
    sh(second, "python", "-m", "rednote.report.pr", "--ref", "HEAD", "--out", "reports/pr")
    report = (second / "reports" / "pr" / "report.md").read_text()
    assert "| metrics/metrics.json | test.pr_auc |" in report and "train.logreg_c" in report
