"""What the benchmarks share: a temporary copy of the repository's code and params, and params edits in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from rednote.core.params import set_keys

ROOT = Path(__file__).resolve().parents[1]


def set_params(repo: Path, changes: dict[str, object]) -> None:
    """Set dotted keys (``{"embed.encoder": "tfidf"}``) in ``repo``'s params.yaml."""
    path = repo / "params.yaml"
    params = set_keys(yaml.safe_load(path.read_text(encoding="utf-8")), changes)
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")


def copy_code(repo: Path, changes: dict[str, object]) -> Path:
    """Create ``repo`` with the repository's stages, package and params, then apply ``changes`` to the params."""
    repo.mkdir()
    for item in ("stages", "rednote", "params.yaml"):
        source = ROOT / item
        (shutil.copytree if source.is_dir() else shutil.copy)(source, repo / item)
    set_params(repo, changes)
    return repo
