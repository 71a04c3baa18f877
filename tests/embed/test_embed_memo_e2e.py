"""End to end: the text vector memo is shared by every workspace of a repository, and embed uses DVC's run-cache."""

import re

import pytest
from e2e import commit, sh, slice_repo

pytestmark = pytest.mark.slow


def embedded(output: str) -> int:
    """How many texts the embed stage embedded, from its log line."""
    counts = re.findall(r"embedded (\d+) texts", output)
    assert len(counts) == 1, output[-3000:]
    return int(counts[0])


def test_a_temporary_experiment_workspace_reuses_the_first_workspaces_vectors(tmp_path):
    repo = slice_repo(tmp_path / "repo", posts=400, changes={"embed.encoder": "use"})
    first = sh(repo, "dvc", "repro", "embed")
    assert embedded(first.stdout + first.stderr) > 100
    assert list((repo / ".dvc" / "cache" / "rednote-embeddings").glob("*/*.npy"))  # in the repository's DVC cache
    assert not (repo / "data" / "cache").exists()
    commit(repo, "embedded")

    # a param of embed changes, so the stage runs again, in a temporary workspace under .dvc/tmp/exps
    second = sh(repo, "dvc", "exp", "run", "--temp", "-S", "embed.use.batch_size=16", "embed")
    assert "Running stage 'embed'" in second.stdout + second.stderr
    assert embedded(second.stdout + second.stderr) == 0

    # back to the committed params: DVC's run-cache restores embed's output without running it
    sh(repo, "git", "checkout", "--", "params.yaml")
    (repo / "data" / "features" / "embeddings.npy").unlink()
    again = sh(repo, "dvc", "repro", "embed")
    assert "Running stage 'embed'" not in again.stdout + again.stderr
    assert (repo / "data" / "features" / "embeddings.npy").exists()
