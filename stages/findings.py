"""findings: the run's metrics → reports/findings.md (in git, so a pull request shows how the answer changed)
and reports/findings.html (self-contained, figures embedded, opens offline)."""

import json
import logging
import subprocess
from pathlib import Path

import pandas as pd
import yaml

from rednote.core.io import atomic_path
from rednote.core.params import PARAMS_FILE, load_params
from rednote.core.stage import run
from rednote.report import plots
from rednote.report.findings import SOURCES, build, changed_params, to_html, to_markdown

log = logging.getLogger("rednote.findings")
OUT = Path("reports")


def committed_params() -> dict | None:
    """params.yaml as committed at HEAD, or None outside a git repository."""
    done = subprocess.run(["git", "show", f"HEAD:{PARAMS_FILE}"], capture_output=True, text=True)
    return yaml.safe_load(done.stdout) if done.returncode == 0 else None


def main() -> None:
    load_params()  # checked like every stage's; the report quotes the raw values
    current = yaml.safe_load(Path(PARAMS_FILE).read_text(encoding="utf-8"))
    run_metrics = {
        name: json.loads(Path(path).read_text(encoding="utf-8"))
        for name, path in SOURCES.items()
        if Path(path).exists()
    }
    committed = committed_params()
    sections, findings = build(run_metrics, current, None if committed is None else changed_params(committed, current))
    roc = [pd.read_csv(f"plots/evaluate/roc_{name}.csv") for name in ("model", "baseline")]
    plots.save(plots.roc_curves(*roc, "ROC, out of fold"), OUT / "figures" / "roc.png")
    markdown = to_markdown(sections)
    images = {path: Path(path).read_bytes() for s in sections for _, path in s.figures if Path(path).exists()}
    for name, text in (("findings.md", markdown), ("findings.html", to_html(sections, images))):
        with atomic_path(OUT / name) as tmp:
            tmp.write_text(text, encoding="utf-8")
    log.info(
        "wrote %s (%d numbers quoted from the metrics) and findings.html", OUT / "findings.md", len(findings.quotes)
    )


if __name__ == "__main__":
    run(main)
