"""Every file a stage reads is declared: each stage script runs under an audit hook that logs the files it opens
and the programs it starts, and whatever it read inside the repository must be one of its dvc.yaml deps (or its
own output), never a side channel such as a marker file, a file-name convention or a git read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: Read by a stage but not a hand-off between stages: code (test_dvc_yaml keeps it declared), the params (read
#: through the checked loader; dvc.yaml lists each stage's keys), the text vector memo (a cache of a pure function
#: in the DVC cache, README *Scaling*), git's own files, which DVCLive reads to name its run, and the package's
#: installed metadata.
ALLOWED_PREFIXES = ("rednote/", "stages/", ".dvc/", ".git/", "rednote.egg-info/")
ALLOWED_FILES = {"params.yaml", ".gitignore", ".dvcignore"}  # the last two: DVCLive checks its folder is ignored


def declared(stage: dict, params: dict) -> set[str]:
    """A stage's deps and outputs, with ``${data.x}`` resolved from params.yaml."""
    paths = set()
    for kind in ("deps", "outs", "metrics", "plots"):
        for entry in stage.get(kind, []):
            path = entry if isinstance(entry, str) else next(iter(entry))
            if path.startswith("${"):
                section, key = path[2:-1].split(".")
                path = params[section][key]
            paths.add(path.rstrip("/"))
    return paths


def undeclared_reads(log: list[list[str]], repo: Path, stages: dict, params: dict) -> dict[str, set[str]]:
    """Per stage script, the files inside ``repo`` it opened for reading that it does not declare, and any git it ran."""
    out: dict[str, set[str]] = {}
    for script, event, what in log:
        stage = script.removesuffix(".py")
        if stage not in stages:
            continue
        if event == "subprocess.Popen":
            if what.split()[0].endswith("git"):
                out.setdefault(stage, set()).add(f"runs {what}")
            continue
        path = Path(what)
        if not path.is_relative_to(repo):
            continue
        rel = path.relative_to(repo).as_posix()
        rel = re.sub(r"(^|/)\.([^/]+)\.\w+\.tmp$", r"\1\2", rel)  # an atomic write's temporary name: its target
        if rel in ALLOWED_FILES or rel.startswith(ALLOWED_PREFIXES):
            continue
        ok = declared(stages[stage], params)
        if not any(rel == d or rel.startswith(d + "/") for d in ok):
            out.setdefault(stage, set()).add(rel)
    return out


def test_every_stage_reads_only_what_dvc_yaml_declares(first_run):
    repo, log = first_run.repo, first_run.reads
    stages, params = first_run.dvc_yaml["stages"], first_run.params
    seen = {script.removesuffix(".py") for script, _, _ in log}
    assert set(stages) <= seen  # the hook saw every stage
    assert undeclared_reads(log, repo, stages, params) == {}


def test_the_check_catches_a_marker_file_and_a_git_read(first_run):
    repo = first_run.repo
    stages = {"explain": {"deps": ["models/fits"]}, "findings": {"deps": []}}
    log = [
        ["explain.py", "open", str(repo / "models" / "NOT_TRAINED.txt")],
        ["explain.py", "open", str(repo / "models" / "fits" / "cv" / "r0_k0" / "model.pkl")],
        ["findings.py", "subprocess.Popen", "git show HEAD:params.yaml"],
    ]
    assert undeclared_reads(log, repo, stages, {}) == {
        "explain": {"models/NOT_TRAINED.txt"},
        "findings": {"runs git show HEAD:params.yaml"},
    }
