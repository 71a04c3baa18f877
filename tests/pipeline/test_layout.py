"""The package's folders say what they hold: the README's table matches the tree, and imports run one way."""

from __future__ import annotations

import ast
import re

from e2e import ROOT

#: The subpackages from the bottom up: a module may import from its own subpackage and those before it.
LAYERS = ("core", "ingest", "features", "embed", "modeling", "survival", "adaptation", "report")
#: Outside the layers: the sample generator writes a crawler's layout (ingest) and the pipeline never imports it.
SYNTHETIC_MAY_IMPORT = {"core", "ingest"}


def readme_table() -> dict[str, set[str]]:
    """The README's layout table: package folder → the module names it lists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `rednote/([\w/]+)/` \| ([^|]+) \|", text, flags=re.M)
    return {package: set(re.findall(r"`(\w+)`", modules)) for package, modules in rows}


def tree() -> dict[str, set[str]]:
    """The package's subpackages (``report/figures`` for a nested one) and their modules."""
    package = ROOT / "rednote"
    return {
        init.parent.relative_to(package).as_posix(): {p.stem for p in init.parent.glob("*.py") if p.stem != "__init__"}
        for init in sorted(package.glob("*/**/__init__.py"))
    }


def test_the_readme_names_every_subpackage_and_module_and_nothing_else():
    assert readme_table() == tree()


def test_the_package_has_no_module_outside_its_subpackages():
    assert sorted(p.name for p in (ROOT / "rednote").glob("*.py")) == ["__init__.py"]


def imported_subpackages(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("rednote.") and n.count(".") >= 1}
    return found


def test_imports_run_one_way_and_the_pipeline_never_imports_the_generator():
    wrong = []
    for package in tree():
        top = package.split("/")[0]
        allowed = SYNTHETIC_MAY_IMPORT | {"synthetic"} if top == "synthetic" else set(LAYERS[: LAYERS.index(top) + 1])
        for path in (ROOT / "rednote" / package).glob("*.py"):
            wrong += [f"{package}/{path.name} imports rednote.{p}" for p in imported_subpackages(path) - allowed]
    for script in (ROOT / "stages").glob("*.py"):
        if "synthetic" in imported_subpackages(script):
            wrong.append(f"stages/{script.name} imports rednote.synthetic")
    assert not wrong, wrong


def test_the_layer_check_notices_an_import_upwards(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from rednote.report.findings import build\nimport rednote.core.io\n")
    assert imported_subpackages(module) == {"report", "core"}
