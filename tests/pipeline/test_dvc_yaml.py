"""dvc.yaml cannot drift from the code: each stage depends on every rednote module its script imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from e2e import ROOT

from rednote.core.artifacts import declared_paths

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))


def imported_modules(path: Path) -> set[str]:
    """The ``rednote`` modules a file imports anywhere in it (top level or inside functions), as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "rednote"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rednote":
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # from rednote import plots
    return {name for name in found if (ROOT / (name.replace(".", "/") + ".py")).exists()}


def packages_of(name: str) -> set[str]:
    """The packages Python runs on the way to a module: ``rednote.core.io`` → ``rednote/core/__init__.py`` (and
    ``rednote/__init__.py``)."""
    parts = name.split(".")[:-1]
    return {"/".join(parts[:i]) + "/__init__.py" for i in range(1, len(parts) + 1)}


def closure(script: Path) -> set[str]:
    """Every rednote file ``script`` needs, following imports through the package: modules and the
    ``__init__.py`` of each package they are in."""
    todo, seen = list(imported_modules(script)), set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += imported_modules(ROOT / (name.replace(".", "/") + ".py"))
    return {name.replace(".", "/") + ".py" for name in seen} | {p for name in seen for p in packages_of(name)}


def stage_script(stage: dict) -> Path:
    match = re.search(r"stages/\w+\.py", stage["cmd"])
    assert match, stage["cmd"]
    return ROOT / match.group(0)


def missing_deps(stage: dict) -> set[str]:
    deps = {d if isinstance(d, str) else next(iter(d)) for d in stage.get("deps", [])}
    script = stage_script(stage)
    return ({str(script.relative_to(ROOT))} | closure(script)) - deps


@pytest.mark.parametrize("name", sorted(DVC["stages"]))
def test_every_imported_rednote_module_is_a_dependency_of_the_stage(name):
    missing = missing_deps(DVC["stages"][name])
    assert not missing, f"stage {name} imports {sorted(missing)} but dvc.yaml does not list them under its deps"


def test_the_check_notices_a_removed_dependency():
    stage = dict(DVC["stages"]["label"])
    stage["deps"] = [d for d in stage["deps"] if d != "rednote/core/window.py"]
    assert missing_deps(stage) == {"rednote/core/window.py"}


def test_each_figure_is_declared_once():
    """A PNG declared under a stage's plots and again in the top-level plots list is drawn twice by `dvc plots show`."""
    top = [p if isinstance(p, str) else next(iter(p)) for p in DVC.get("plots", [])]
    declared = [
        next(iter(p)) if isinstance(p, dict) else p for stage in DVC["stages"].values() for p in stage.get("plots", [])
    ]
    folders = [d for d in declared if not Path(d).suffix]
    twice = [p for p in top if p in declared or any(p.startswith(folder + "/") for folder in folders)]
    assert not twice, f"declared both in a stage and in the top-level plots list: {twice}"


def declared_outputs() -> set[str]:
    """Every path a stage of dvc.yaml declares as an output, metric or plot."""
    out = set()
    for stage in DVC["stages"].values():
        for kind in ("outs", "metrics", "plots"):
            out |= {p if isinstance(p, str) else next(iter(p)) for p in stage.get(kind, [])}
    return out


def undeclared(paths: list[str], declared: set[str]) -> list[str]:
    return [p for p in paths if not any(p == d or p.startswith(d.rstrip("/") + "/") for d in declared)]


def test_every_shared_path_is_declared_as_some_stages_output():
    assert undeclared(declared_paths(), declared_outputs()) == []


def test_the_path_check_notices_a_path_no_stage_declares():
    assert undeclared(["metrics/new.json", "plots/eda/x.png"], declared_outputs()) == ["metrics/new.json"]


def stages_depending_on(path: str) -> set[str]:
    return {
        name
        for name, stage in DVC["stages"].items()
        if path in {d if isinstance(d, str) else next(iter(d)) for d in stage.get("deps", [])}
    }


@pytest.mark.parametrize("stage", ["eda", "segment", "explain", "survival", "findings"])
def test_a_stages_figures_rerun_that_stage_only(stage):
    """Restyling one stage's figures reruns that stage (and findings, through the figures it embeds), nothing else."""
    assert stages_depending_on(f"rednote/report/figures/{stage}.py") == {stage}
    assert stages_depending_on(f"stages/{stage}.py") == {stage}
