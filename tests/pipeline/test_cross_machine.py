"""The committed answer on another processor: the pipeline rerun on the bundled sample under the oldest x86-64 BLAS
kernel with one thread agrees with the committed outputs (made with this machine's own kernel and a thread per
core) up to the stated tolerance (rednote.report.compare), its findings read the same, the review lists no metric
as changed, and a real change is still listed."""

import json
import re
import shutil

import pytest
from e2e import ROOT, commit, copy_repo, sh, write_params

from rednote.report.compare import FINDINGS, changed_curves, changed_numbers, human_facing

pytestmark = pytest.mark.slow
#: The other processor: the oldest x86-64 kernel, one thread (it breaks ties between users' scores unlike the AVX
#: kernels; bench/float_spread.py measures five settings).
OTHER = {"OPENBLAS_CORETYPE": "Prescott", "REDNOTE_THREADS": "1"}


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """A copy of the repository after `dvc repro` with the committed params (the bundled sample) under :data:`OTHER`."""
    repo = copy_repo(tmp_path_factory.mktemp("prescott-1") / "repo")
    commit(repo, "code")  # DVCLive in train wants a commit to refer to
    sh(repo, "dvc", "repro", extra_env=OTHER)
    commit(repo, "run on the other processor")
    return repo


def test_the_other_processors_run_is_the_committed_one_within_the_tolerance_and_writes_the_same_findings(other):
    committed, run = human_facing(ROOT), human_facing(other)
    assert len(run.numbers) >= 15 and sum(map(len, run.numbers.values())) > 1000 and len(run.curves) == 4
    assert changed_numbers(committed.numbers, run.numbers) == {}
    assert changed_curves(committed.curves, run.curves) == {}
    assert run.findings is not None and run.findings == committed.findings


def test_the_samples_roc_auc_lies_in_the_range_the_readme_states(other):
    stated = re.search(r"a sample ROC-AUC outside (0\.\d+)-(0\.\d+) means", (ROOT / "README.md").read_text())
    assert stated, "the README no longer states the sample's ROC-AUC range"
    low, high = map(float, stated.groups())
    for repo in (ROOT, other):
        metrics = json.loads((repo / "metrics" / "metrics.json").read_text(encoding="utf-8"))
        assert low <= metrics["test"]["roc_auc"] <= high, repo


def test_the_review_lists_no_noise_and_lists_a_real_change(other):
    second = other
    for path in human_facing(ROOT).numbers.keys() | human_facing(ROOT).curves.keys() | {FINDINGS}:
        shutil.copy(ROOT / path, second / path)  # the committed outputs over the other processor's commit
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
