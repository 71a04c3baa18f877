"""The pipeline's first run on a slice, shared by the end-to-end tests of this folder (one `dvc repro` instead of
one per module): run under an audit hook that logs every file each stage script opens and every program it starts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from e2e import commit, sh, slice_repo

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


@dataclass
class FirstRun:
    repo: Path  # resolved; committed after the run ("first run"); later tests may change it
    reads: list[list[str]]  # (script, event, path or program) per logged event
    dvc_yaml: dict  # dvc.yaml and params.yaml as they were for that run
    params: dict


@pytest.fixture(scope="session")
def first_run(tmp_path_factory) -> FirstRun:
    """A slice of the crawl (1,600 posts, the fast params) after `dvc repro` under the audit hook, committed."""
    repo = slice_repo(tmp_path_factory.mktemp("e2e") / "repo").resolve()
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = hook / "reads.jsonl"
    extra = {"PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]), "REDNOTE_READ_LOG": str(log)}
    sh(repo, "dvc", "repro", extra_env=extra)
    commit(repo, "first run")
    return FirstRun(
        repo=repo,
        reads=[json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()],
        dvc_yaml=yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8")),
        params=yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8")),
    )
