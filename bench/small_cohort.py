"""Benchmark (not a test): does the pipeline answer the study's question with ~20 retained users?

    python bench/small_cohort.py [--seeds 1 2 3] [--share 0.006] [--encoder tfidf]

Crawls: one per seed at the real crawl's retained share (``python -m rednote.synthetic.sample --posts 4117
--seed S --retained-share 0.006``: about 3,500 January users, 15-30 retained) and the bundled sample
(6.7% retained). For each, it copies the code and params to a temporary folder, runs every stage up
to explain as its own process with ``label.design: calendar`` and ``evaluate.scheme: cv`` (the default), then
reruns train and evaluate with ``evaluate.scheme: holdout`` for contrast, then label to evaluate under
``label.design: landmark`` (its CV ROC-AUC beside the calendar one) and, under landmark, segment and survival
(the Cox model's out-of-fold concordance with its interval, and its baseline's). The oracle ROC-AUC ranks the pipeline's
cohort by the generator's ``retention_prob`` (the truth table; the pipeline never reads it): the
best any model could do on these users. Per crawl it prints retained users, oracle AUC, the default
model's and the baseline's CV ROC-AUC with 95% intervals, the single-split figure with its interval
and retained test users, and the train+evaluate+explain seconds. The last line:

    crawls=<n> min_lower=<lowest CV lower bound of the model> mean_halfwidth=<mean CV half-width>
    mean_gap=<mean oracle - model AUC> loop_s=<train+evaluate+explain seconds on the sample>

``tfidf`` is the encoder by default for speed (the default ``use`` encoder embeds ~20 texts/s on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from sklearn.metrics import roc_auc_score
from workspace import copy_code, set_params  # the script's own folder is importable

from rednote.ingest.keys import pseudonym_key
from rednote.ingest.privacy import user_pseudonyms
from rednote.synthetic.sample import generate_crawl_with_truth

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "tt_refugee_sample.csv"
PREPARE = ("clean", "label", "embed", "topics")
LOOP = ("train", "evaluate", "explain")


def run_stage(repo: Path, stage: str) -> float:
    """Run ``python stages/<stage>.py`` in ``repo``; return its wall seconds (exit on failure)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, f"stages/{stage}.py"], cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode != 0:
        raise SystemExit(f"stage {stage} failed in {repo}:\n{done.stderr.decode(errors='replace')[-3000:]}")
    return time.perf_counter() - started


def oracle_auc(repo: Path, truth: pd.DataFrame) -> float:
    """ROC-AUC of the generator's retention_prob against the pipeline's labels, on the pipeline's cohort."""
    params = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))
    users = pd.read_parquet(repo / params["data"]["users"])
    key = pseudonym_key(params["data"]["raw"], root=repo).secret  # the key the clone's stages used
    truth = truth.assign(pseudonym=user_pseudonyms(truth["user_id"], key))
    prob = users["user_id"].map(truth.set_index("pseudonym")["retention_prob"])
    return float(roc_auc_score(users["retained"], prob.fillna(prob.median())))


def interval(block: dict) -> str:
    if block.get("roc_auc") is None:
        return "n/a"
    return f"{block['roc_auc']:.3f} [{block['roc_auc_ci_low']:.3f}, {block['roc_auc_ci_high']:.3f}]"


def concordance(survival: dict, which: str) -> str:
    cox = survival["cox"]
    if cox["degenerate"]:
        return f"none ({cox['users']} at risk)"
    c = cox["concordance"][which]
    return f"{c['concordance']:.3f} [{c['ci_low']:.3f}, {c['ci_high']:.3f}]"


def bench(workdir: Path, name: str, raw: Path, truth: pd.DataFrame, encoder: str) -> dict:
    overrides = {"data.raw": str(raw), "embed.encoder": encoder, "evaluate.scheme": "cv", "label.design": "calendar"}
    repo = copy_code(workdir / name, overrides)
    for stage in PREPARE:
        run_stage(repo, stage)
    loop = sum(run_stage(repo, stage) for stage in LOOP)
    cv = json.loads((repo / "metrics" / "metrics.json").read_text())
    set_params(repo, {"evaluate.scheme": "holdout"})
    for stage in ("train", "evaluate"):
        run_stage(repo, stage)
    holdout = json.loads((repo / "metrics" / "metrics.json").read_text())
    set_params(repo, {"evaluate.scheme": "cv", "label.design": "landmark"})
    for stage in (*PREPARE[1:], "train", "evaluate", "segment", "survival"):
        run_stage(repo, stage)
    landmark = json.loads((repo / "metrics" / "metrics.json").read_text())
    survival = json.loads((repo / "metrics" / "survival.json").read_text())
    return {
        "landmark": landmark,
        "survival": survival,
        "name": name,
        "retained": cv["data"]["n_retained"],
        "users": cv["data"]["n_users"],
        "oracle": oracle_auc(repo, truth),
        "cv": cv,
        "holdout": holdout,
        "loop": loop,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--share", type=float, default=0.006, help="retained share of the real-size crawls")
    parser.add_argument("--posts", type=int, default=4117)
    parser.add_argument("--encoder", default="tfidf", choices=["tfidf", "use"])
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"encoder={args.encoder}; model={params['train']['model']} text_components={params['train']['text_components']} "
        f"C={params['train']['logreg_c']}; cv {params['evaluate']['cv']['folds']} folds x {params['evaluate']['cv']['repeats']} repeats; "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="rednote-small-") as tmp:
        workdir = Path(tmp)
        for seed in args.seeds:
            posts, truth = generate_crawl_with_truth(args.posts, seed, retained_share=args.share)
            raw = workdir / f"real_share_seed{seed}.csv"
            posts.to_csv(raw, index=False, encoding="utf-8", lineterminator="\n")
            rows.append(bench(workdir, f"share{args.share}_seed{seed}", raw, truth, args.encoder))
        _, truth = generate_crawl_with_truth()  # the bundled sample's truth (default arguments)
        rows.append(bench(workdir, "sample", SAMPLE, truth, args.encoder))
    print(
        f"{'crawl':<22} {'users':>5} {'retained':>8} {'oracle':>6}  {'model CV ROC-AUC [95%]':<24} "
        f"{'baseline CV ROC-AUC [95%]':<25} {'perm p':>6}  {'holdout test ROC-AUC [95%] (retained)':<38} {'loop s':>6}"
    )
    for row in rows:
        cv, ho = row["cv"], row["holdout"]
        held = f"{interval(ho['test'])} ({ho['test']['positives']})" if ho["test"]["roc_auc"] is not None else "n/a"
        print(
            f"{row['name']:<22} {row['users']:>5} {row['retained']:>8} {row['oracle']:>6.3f}  {interval(cv['test']):<24} "
            f"{interval(cv['baseline']):<25} {cv['baseline']['permutation_p']:>6.3f}  {held:<38} {row['loop']:>6.1f}"
        )
    print(
        f"\n{'crawl':<22} {'landmark retained':>17}  {'landmark model CV ROC-AUC [95%]':<32} "
        f"{'survival C, model [95%]':<25} {'survival C, baseline [95%]':<26} {'Cox users':>9}"
    )
    for row in rows:
        lm, sv = row["landmark"], row["survival"]
        print(
            f"{row['name']:<22} {lm['data']['n_retained']:>17}  {interval(lm['test']):<32} "
            f"{concordance(sv, 'model'):<25} {concordance(sv, 'baseline'):<26} {sv['cox']['users']:>9}"
        )
    lows = [row["cv"]["test"]["roc_auc_ci_low"] for row in rows]
    halves = [(row["cv"]["test"]["roc_auc_ci_high"] - row["cv"]["test"]["roc_auc_ci_low"]) / 2 for row in rows]
    gaps = [row["oracle"] - row["cv"]["test"]["roc_auc"] for row in rows]
    sample = next(row for row in rows if row["name"] == "sample")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    print(
        f"crawls={len(rows)} min_lower={min(lows):.3f} mean_halfwidth={sum(halves) / len(halves):.3f} "
        f"mean_gap={sum(gaps) / len(gaps):.3f} loop_s={sample['loop']:.1f}"
    )


if __name__ == "__main__":
    main()
