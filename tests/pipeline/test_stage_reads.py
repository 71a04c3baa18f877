"""Every file a stage reads is declared: each stage script runs under an audit hook that logs the files it opens
and the programs it starts, and whatever it read inside the repository must be one of its dvc.yaml deps (or its
own output), never a side channel such as a marker file, a file-name convention or a git read."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from e2e import sh, slice_repo

pytestmark = pytest.mark.slow

#: Installed in every Python process of the run through PYTHONPATH: logs (script, event, path or program).
SITECUSTOMIZE = """
import json, os, sys
_log = os.environ.get("REDNOTE_READ_LOG")
_busy = []


def _hook(event, args):
    if _busy or not _log or event not in ("open", "subprocess.Popen"):
        return
    script = sys.argv[0] if sys.argv else ""
    if "stages" not in script:
        return
    if event == "open":
        path, mode = args[0], args[1]
        if not isinstance(path, (str, bytes, os.PathLike)) or (isinstance(mode, str) and "r" not in mode):
            return
        what = os.path.abspath(os.fsdecode(path))
    else:
        what = " ".join(map(os.fsdecode, args[1] or [args[0]]))
    _busy.append(1)
    try:
        with open(_log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps([os.path.basename(script), event, what]) + "\\n")
    finally:
        _busy.pop()


sys.addaudithook(_hook)
"""

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


@pytest.fixture(scope="module")
def run_log(tmp_path_factory):
    repo = slice_repo(tmp_path_factory.mktemp("reads") / "repo")
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = hook / "reads.jsonl"
    extra = {"PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]), "REDNOTE_READ_LOG": str(log)}
    sh(repo, "dvc", "repro", extra_env=extra)
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return repo.resolve(), entries


def test_every_stage_reads_only_what_dvc_yaml_declares(run_log):
    repo, log = run_log
    stages = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    params = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))
    seen = {script.removesuffix(".py") for script, _, _ in log}
    assert set(stages) <= seen  # the hook saw every stage
    assert undeclared_reads(log, repo, stages, params) == {}


def test_the_check_catches_a_marker_file_and_a_git_read(run_log):
    repo, _ = run_log
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
