"""findings: the run's metrics → reports/findings.md (in git, so a pull request shows how the answer changed)
and reports/findings.html (self-contained, figures embedded, opens offline)."""

import json
import logging
from pathlib import Path

import pandas as pd
import yaml

from rednote.core import artifacts as out
from rednote.core.io import atomic_path
from rednote.core.params import PARAMS_FILE, load_params
from rednote.core.stage import run
from rednote.report.figures.common import save
from rednote.report.figures.findings import roc_curves
from rednote.report.findings import METRICS_FILES, build, to_html, to_markdown

log = logging.getLogger("rednote.findings")


def main() -> None:
    load_params()  # checked like every stage's; the report quotes the raw values
    params = yaml.safe_load(Path(PARAMS_FILE).read_text(encoding="utf-8"))
    metrics = {name: json.loads(Path(path).read_text(encoding="utf-8")) for name, path in METRICS_FILES.items()}
    sections, findings = build(metrics, params)
    roc = [pd.read_csv(out.roc_curve(name)) for name in out.SCORED]
    save(roc_curves(*roc, "ROC, out of fold"), out.FINDINGS_ROC_FIGURE)
    images = {path: Path(path).read_bytes() for s in sections for _, path in s.figures if Path(path).exists()}
    for path, text in ((out.FINDINGS_MARKDOWN, to_markdown(sections)), (out.FINDINGS_HTML, to_html(sections, images))):
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    log.info(
        "wrote %s (%d numbers quoted from the metrics) and %s",
        out.FINDINGS_MARKDOWN,
        len(findings.quotes),
        out.FINDINGS_HTML,
    )


if __name__ == "__main__":
    run(main)
