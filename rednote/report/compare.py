"""Whether two runs' human-facing numbers differ by more than float noise.

BLAS results depend on the processor, the kernel OpenBLAS picks and the thread count, so two machines running
the same commit write slightly different numbers (an embedding's last bits move a bootstrap percentile in its
5th digit). What compares two runs (the PR report, ``python -m rednote.report.compare``, the tests) calls two numbers
the same when they differ by at most :data:`ABS_TOLERANCE` + :data:`REL_TOLERANCE` × the larger magnitude.
Both come from ``bench/float_spread.py``: the largest spread that five kernel × thread settings produced on
the sample, with a margin (the README gives the measurement). A real change, such as another
``train.logreg_c``, moves metrics by orders of magnitude more.

    python -m rednote.report.compare --ref main      # the metrics that changed beyond float noise, as Markdown
"""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from rednote.core.artifacts import FINDINGS_MARKDOWN
from rednote.core.errors import UserError

#: Two numbers agree when ``|a - b| <= ABS_TOLERANCE + REL_TOLERANCE * max(|a|, |b|)``.
ABS_TOLERANCE = 1e-4
REL_TOLERANCE = 2e-4
#: The human-facing outputs: metrics and plot data (numbers) and the findings' text.
NUMBER_GLOBS = ("metrics/*.json", "metrics/*.csv", "plots/**/*.csv", "dvclive/metrics.json", "dvclive/plots/**/*.tsv")
FINDINGS = FINDINGS_MARKDOWN


def agree(a: float, b: float) -> bool:
    """Whether two numbers are the same up to float noise (NaN agrees with NaN)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= ABS_TOLERANCE + REL_TOLERANCE * max(abs(a), abs(b))


def flatten(data: Any, prefix: str = "") -> dict[str, float]:
    """The numbers in parsed JSON by dotted key path (``test.roc_auc``, ``topics.0.users``); booleans excluded."""
    out: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out |= flatten(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out |= flatten(value, f"{prefix}{i}.")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        out[prefix.rstrip(".")] = float(data)
    return out


#: Plot data that draws a curve, by its (x, y) columns. A curve is compared as the line it draws, not row by row:
#: float noise can break a tie between two users' scores, which adds a point on the same line (seen with the
#: Sandybridge kernel: 3 rows more or fewer, the drawn curve identical).
CURVE_AXES = (("fpr", "tpr"), ("recall", "precision"))


@dataclass
class Curve:
    """A drawn line, its points ordered by x: at each distinct ``x``, the y where the line arrives (``entry``)
    and where it leaves (``exit``); they differ where the line runs vertically."""

    x: np.ndarray
    entry: np.ndarray
    exit: np.ndarray

    def at(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The line's y just left and just right of each grid x (equal except on a vertical stretch; outside the
        line's x range, its nearest end)."""
        idx = np.searchsorted(self.x, grid).clip(0, len(self.x) - 1)
        exact = self.x[idx] == grid
        before = (idx - 1).clip(0)
        span = self.x[idx] - self.x[before]
        t = np.divide(grid - self.x[before], span, out=np.zeros_like(grid), where=span > 0).clip(0, 1)
        between = self.exit[before] + t * (self.entry[idx] - self.exit[before])
        between = np.where(grid > self.x[-1], self.exit[-1], between)
        return np.where(exact, self.entry[idx], between), np.where(exact, self.exit[idx], between)


def as_curve(frame: pd.DataFrame) -> Curve | None:
    """The line a plot table draws (rows in drawing order), or None when it is no curve (:data:`CURVE_AXES`)."""
    for x, y in CURVE_AXES:
        if {x, y} <= set(frame.columns) and len(frame):
            points = frame[[x, y]].astype(float)
            if points[x].iloc[0] > points[x].iloc[-1]:  # drawn right to left (precision-recall): read it the other way
                points = points.iloc[::-1]
            points = points.reset_index(drop=True).reset_index().sort_values([x, "index"], kind="mergesort")
            ends = points.groupby(x, sort=True)[y].agg(["first", "last"])
            return Curve(ends.index.to_numpy(float), ends["first"].to_numpy(float), ends["last"].to_numpy(float))
    return None


def curve_gap(a: Curve, b: Curve) -> tuple[float, float, float]:
    """Where two lines are furthest apart vertically: (x, a's y there, b's y there). Both are piecewise linear
    with every vertex on the grid of their x values, so the widest gap is on that grid, just left or right of a
    grid x."""
    grid = np.union1d(a.x, b.x)
    (a_left, a_right), (b_left, b_right) = a.at(grid), b.at(grid)
    gaps = np.concatenate([np.abs(a_left - b_left), np.abs(a_right - b_right)])
    i = int(np.argmax(gaps))
    ya, yb = (a_left, b_left) if i < len(grid) else (a_right, b_right)
    i %= len(grid)
    return float(grid[i]), float(ya[i]), float(yb[i])


def table_numbers(frame: pd.DataFrame) -> dict[str, float]:
    """The numeric cells of a table by ``row.column`` (rows numbered from 0)."""
    out: dict[str, float] = {}
    for column in frame.select_dtypes("number").columns:
        for i, value in enumerate(frame[column]):
            out[f"{i}.{column}"] = float(value)
    return out


def file_numbers(path: str, text: str) -> dict[str, float] | Curve:
    """The numbers of one human-facing file (JSON, CSV or TSV) from its text; a curve's table as a :class:`Curve`."""
    if path.endswith(".json"):
        return flatten(json.loads(text))
    frame = pd.read_csv(io.StringIO(text), sep="\t" if path.endswith(".tsv") else ",")
    curve = as_curve(frame)
    return table_numbers(frame) if curve is None else curve


@dataclass
class Outputs:
    """A run's human-facing outputs: ``numbers`` (file → key → value), ``curves`` (file → the line its data
    draws) and the findings' text."""

    numbers: dict[str, dict[str, float]]
    curves: dict[str, Curve]
    findings: str | None


def human_facing(root: Path) -> Outputs:
    """Read the human-facing outputs of a repository folder after ``dvc repro``."""
    paths = sorted({p for pattern in NUMBER_GLOBS for p in root.glob(pattern) if p.is_file()})
    numbers: dict[str, dict[str, float]] = {}
    curves: dict[str, Curve] = {}
    for path in paths:
        name = path.relative_to(root).as_posix()
        read = file_numbers(name, path.read_text(encoding="utf-8"))
        if isinstance(read, Curve):
            curves[name] = read
        else:
            numbers[name] = read
    findings = root / FINDINGS
    return Outputs(numbers, curves, findings.read_text(encoding="utf-8") if findings.exists() else None)


def _pairs(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> Iterable[tuple[str, float, float]]:
    """``file:key`` with both values, for every number either side has (NaN where one side lacks it)."""
    for file in sorted(set(before) | set(after)):
        a, b = before.get(file, {}), after.get(file, {})
        for key in sorted(set(a) | set(b)):
            yield f"{file}:{key}", a.get(key, math.nan), b.get(key, math.nan)


def _select(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], keep: Callable[[float, float], bool]
) -> dict[str, tuple[float, float]]:
    return {key: (a, b) for key, a, b in _pairs(before, after) if keep(a, b)}


def number_diffs(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> dict[str, tuple[float, float]]:
    """Every number that differs at all, noise included (NaN on the side that lacks it)."""
    return _select(before, after, lambda a, b: not (a == b or (math.isnan(a) and math.isnan(b))))


def changed_numbers(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> dict[str, tuple[float, float]]:
    """The numbers that changed beyond float noise (:func:`agree`), or that only one side has."""
    return _select(before, after, lambda a, b: not agree(a, b))


def changed_curves(before: dict[str, Curve], after: dict[str, Curve]) -> dict[str, tuple[float, float, float]]:
    """The curves that moved beyond float noise somewhere (:func:`agree` at their widest gap, :func:`curve_gap`),
    or that only one side has (NaN)."""
    out = {}
    for file in sorted(set(before) | set(after)):
        if file not in before or file not in after:
            out[file] = (math.nan, math.nan, math.nan)
            continue
        x, a, b = curve_gap(before[file], after[file])
        if not agree(a, b):
            out[file] = (x, a, b)
    return out


def metrics_files(dvc_yaml: str) -> list[str]:
    """The metrics files ``dvc.yaml`` declares, in order."""
    stages = (yaml.safe_load(dvc_yaml) or {}).get("stages", {})
    files = []
    for stage in stages.values():
        for entry in stage.get("metrics", []):
            files.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return files


def git_text(ref: str, path: str) -> str | None:
    """A file's text at git ``ref``; None when it is not there."""
    done = subprocess.run(["git", "show", f"{ref}:{path}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def metrics_at(ref: str | None, files: list[str]) -> dict[str, dict[str, float]]:
    """The numbers of each metrics file (JSON) at git ``ref`` (None: the working tree); files that do not exist are left out."""
    out = {}
    for path in files:
        text = (
            (Path(path).read_text(encoding="utf-8") if Path(path).exists() else None)
            if ref is None
            else git_text(ref, path)
        )
        if text is not None:
            out[path] = flatten(json.loads(text))
    return out


def _shown(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.5g}"


def metrics_markdown(ref: str) -> str:
    """A Markdown table of the metrics that changed beyond float noise between ``ref`` and the working tree,
    and a line saying how many differ within it."""
    if not Path("dvc.yaml").exists():
        raise UserError("no dvc.yaml here; run the comparison from the repository root.")
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True).returncode:
        raise UserError(f"git does not know the ref {ref!r}; name a branch, tag or commit that exists.")
    files = metrics_files(Path("dvc.yaml").read_text(encoding="utf-8"))
    before, after = metrics_at(ref, files), metrics_at(None, files)
    changed = changed_numbers(before, after)
    noise = len(number_diffs(before, after)) - len(changed)
    lines = []
    if changed:
        lines += [f"| Path | Metric | {ref} | workspace | Change |", "|---|---|---|---|---|"]
        for key, (a, b) in changed.items():
            path, metric = key.split(":", 1)
            change = "—" if math.isnan(a) or math.isnan(b) else f"{b - a:+.5g}"
            lines.append(f"| {path} | {metric} | {_shown(a)} | {_shown(b)} | {change} |")
    else:
        lines.append("No metric changed beyond float noise.")
    if noise:
        lines += [
            "",
            f"{noise} more differ by no more than float noise between machines "
            f"(|change| ≤ {ABS_TOLERANCE:g} + {REL_TOLERANCE:g} × |value|) and are not listed.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Metrics that changed beyond float noise against a git ref.")
    parser.add_argument("--ref", default="main", help="git ref to compare against (default: main)")
    args = parser.parse_args(argv)
    try:
        print(metrics_markdown(args.ref), end="")
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
