"""Benchmark (not a test): every encoder × every model, cross-validated, on the sample and on a real-share crawl.

    python bench/model_grid.py [--encoders use tfidf fasttext] [--models logreg gbt mlp hybrid]
                               [--share 0.006] [--seed 1] [--posts 4117]

Crawls: the bundled sample (6.7% retained) and one crawl at the real crawl's retained share
(``python -m rednote.synthetic.sample --posts 4117 --seed 1 --retained-share 0.006``). For each crawl it copies
the code and params into a temporary folder and runs clean, label and topics once as separate
processes; then, for each encoder, the embed stage (its vector memo a fresh folder, so each embed is
cold); then, for each model, train and evaluate with the repository's defaults otherwise
(``evaluate.scheme: cv``, 5 folds × 5 repeats). Per cell it records the model's cross-validated
ROC-AUC with its 95% interval (stratified bootstrap over users) and the seconds of embed, train and
evaluate. The baseline (logistic regression on behaviour + topics, no text) does not depend on the
encoder or the model; its figure is printed once per crawl.

It prints one row per encoder × model and, last,

    cells=<n> best=<encoder/model with the highest sample CV ROC-AUC> sample_baseline=<auc> real_baseline=<auc>
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

from small_cohort import SAMPLE, run_stage  # the script's own folder is importable
from workspace import copy_code, set_params

from rednote.modeling.models import MODELS  # the registry's models, cheapest first
from rednote.synthetic.sample import generate_crawl_with_truth

ENCODERS = ("use", "tfidf", "fasttext")


def prepare(workdir: Path, name: str, raw: Path) -> Path:
    repo = copy_code(workdir / name, {"data.raw": str(raw)})
    for stage in ("clean", "label", "topics"):
        run_stage(repo, stage)
    return repo


def grid(repo: Path, encoders: list[str], models: list[str]) -> dict:
    """{(encoder, model): {"auc", "low", "high", "embed_s", "fit_s"}} and the baseline's figure."""
    cells: dict = {}
    baseline = None
    for encoder in encoders:
        set_params(repo, {"embed.encoder": encoder})
        os.environ["REDNOTE_EMBED_CACHE"] = str(repo / f"memo_{encoder}")  # cold: a fresh memo per encoder
        embed_s = run_stage(repo, "embed")
        for model in models:
            set_params(repo, {"train.model": model})
            fit_s = run_stage(repo, "train") + run_stage(repo, "evaluate")
            metrics = json.loads((repo / "metrics" / "metrics.json").read_text(encoding="utf-8"))
            test, baseline = metrics["test"], metrics["baseline"]
            cells[encoder, model] = {
                "auc": test["roc_auc"],
                "low": test["roc_auc_ci_low"],
                "high": test["roc_auc_ci_high"],
                "embed_s": embed_s,
                "fit_s": fit_s,
                "retained": metrics["data"]["n_retained"],
            }
            print(f"  {repo.name} {encoder}/{model}: {cells[encoder, model]}", flush=True)
    return {"cells": cells, "baseline": baseline}


def show(value: dict | None) -> str:
    if value is None or value.get("auc") is None:
        return "n/a"
    return f"{value['auc']:.3f} [{value['low']:.3f}, {value['high']:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", nargs="+", default=list(ENCODERS), choices=ENCODERS)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--share", type=float, default=0.006)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--posts", type=int, default=4117)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {date.today()}; "
        f"load average at start {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="rednote-grid-") as tmp:
        workdir = Path(tmp)
        posts, _ = generate_crawl_with_truth(args.posts, args.seed, retained_share=args.share)
        real = workdir / "real_share.csv"
        posts.to_csv(real, index=False, encoding="utf-8", lineterminator="\n")
        started = time.perf_counter()
        results = {
            "sample": grid(prepare(workdir, "sample", SAMPLE), args.encoders, args.models),
            "real": grid(prepare(workdir, "real", real), args.encoders, args.models),
        }
    cells = results["sample"]["cells"]
    retained = {name: next(iter(r["cells"].values()))["retained"] for name, r in results.items()}
    print(
        f"{'encoder':<9} {'model':<7} {'sample CV ROC-AUC [95%]':<25} {'s':>6}   "
        f"{'real-share CV ROC-AUC [95%]':<27} {'s':>6}"
    )
    for encoder, model in cells:
        row = [results[name]["cells"][encoder, model] for name in ("sample", "real")]
        print(
            f"{encoder:<9} {model:<7} {show(row[0]):<25} {row[0]['embed_s'] + row[0]['fit_s']:>6.0f}   "
            f"{show(row[1]):<27} {row[1]['embed_s'] + row[1]['fit_s']:>6.0f}"
        )
    base = {
        name: {
            "auc": r["baseline"]["roc_auc"],
            "low": r["baseline"]["roc_auc_ci_low"],
            "high": r["baseline"]["roc_auc_ci_high"],
        }
        for name, r in results.items()
    }
    print(
        f"baseline (behaviour + topics): sample {show(base['sample'])}, real share {show(base['real'])}; "
        f"retained users: sample {retained['sample']}, real share {retained['real']}"
    )
    print(f"total {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.2f}")
    best = max(cells, key=lambda key: cells[key]["auc"] or 0)
    print(
        f"cells={len(cells)} best={best[0]}/{best[1]} sample_baseline={base['sample']['auc']:.3f} "
        f"real_baseline={base['real']['auc']:.3f}"
    )


if __name__ == "__main__":
    main()
