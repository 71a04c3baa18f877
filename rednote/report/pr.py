"""A pull-request report: metric, param and plot differences between the working tree and a git ref.

    python -m rednote.report.pr --ref main --out reports/pr      # or: make report REF=main

Writes ``<out>/report.md`` (Markdown, ready for a PR comment, e.g. ``cml comment create``: the findings' changed
sentences, the metrics that changed beyond float noise (:mod:`rednote.report.compare`), the params that changed),
``<out>/*.png`` (the key curves, the ref's against the working tree's) and ``<out>/dvc_plots/``
(the full ``dvc plots diff`` HTML). Metrics and plot data are kept in git (``cache: false``), so
any ref that ran the pipeline can be compared without a DVC remote.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

from rednote.core.artifacts import FINDINGS_MARKDOWN, VALIDATION_LOSS, pr_curve, roc_curve
from rednote.core.errors import UserError
from rednote.report.compare import metrics_markdown
from rednote.report.figures.common import plt, save, use_cjk_font

#: (title, file, x column, y column) of the curves drawn for the report.
KEY_PLOTS = (
    ("ROC (out of fold under cv, test split under holdout)", roc_curve("model"), "fpr", "tpr"),
    (
        "Precision-recall (out of fold under cv, test split under holdout)",
        pr_curve("model"),
        "recall",
        "precision",
    ),
    ("Validation loss per epoch", VALIDATION_LOSS, "step", "loss"),
)


def command(*args: str) -> str:
    """Run a command in the current directory and return its stdout; a failure is one UserError sentence."""
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise UserError(
            f"`{' '.join(args)}` failed ({last}); run the report from the repository root against a ref that exists."
        )
    return done.stdout


def read_at(ref: str | None, path: str) -> pd.DataFrame | None:
    """A CSV/TSV plot file as it is at git ``ref`` (None: the working tree); None where it does not exist."""
    sep = "\t" if path.endswith(".tsv") else ","
    if ref is None:
        return pd.read_csv(path, sep=sep) if Path(path).exists() else None
    done = subprocess.run(["git", "show", f"{ref}:{path}"], capture_output=True, text=True)
    return pd.read_csv(io.StringIO(done.stdout), sep=sep) if done.returncode == 0 and done.stdout.strip() else None


def overlay(title: str, x: str, y: str, before: pd.DataFrame | None, after: pd.DataFrame | None, ref: str):
    """One figure with the ref's curve and the working tree's."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(5, 4))
    for frame, label, style in ((before, ref, "--"), (after, "workspace", "-")):
        if frame is not None and not frame.empty:
            ax.plot(frame[x], frame[y], style, label=label)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def markdown(ref: str, metrics_md: str, params_md: str, images: list[tuple[str, str]], findings_diff: str = "") -> str:
    """The report's Markdown: how the findings' text changed, then metrics, params and plots with image links."""
    lines = [
        f"# Pipeline changes against `{ref}`",
        "",
        "## Metrics",
        "",
        metrics_md.strip() or "No metric changed.",
        "",
    ]
    if findings_diff.strip():  # the answer in words: the sentences of reports/findings.md that changed
        lines[2:2] = ["## Findings (`reports/findings.md`)", "", "```diff", findings_diff.strip(), "```", ""]
    lines += ["## Params", "", params_md.strip() or "No param changed.", "", "## Plots", ""]
    lines += [f"### {title}\n\n![{title}]({file})\n" for title, file in images]
    lines += ["The full `dvc plots diff` is in `dvc_plots/index.html`.", ""]
    return "\n".join(lines)


def write_report(ref: str, out: Path) -> Path:
    """Compare the working tree with ``ref``; write the Markdown, images and plots HTML under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    metrics_md = metrics_markdown(ref)  # not `dvc metrics diff`, which lists float noise between machines as change
    params_md = command("dvc", "params", "diff", ref, "--md")
    command("dvc", "plots", "diff", ref, "-o", str(out / "dvc_plots"))
    images = []
    for title, path, x, y in KEY_PLOTS:
        before, after = read_at(ref, path), read_at(None, path)
        if before is None and after is None:
            continue
        file = Path(path).with_suffix("").as_posix().replace("/", "_") + ".png"  # unique: two plots share a stem
        save(overlay(title, x, y, before, after, ref), out / file)
        images.append((title, file))
    report = out / "report.md"
    findings_diff = command("git", "diff", "--unified=0", ref, "--", FINDINGS_MARKDOWN)
    report.write_text(markdown(ref, metrics_md, params_md, images, findings_diff), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git ref to compare against (default: main)")
    parser.add_argument("--out", default="reports/pr", help="output folder (default: reports/pr)")
    args = parser.parse_args(argv)
    try:
        print(write_report(args.ref, Path(args.out)))
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
