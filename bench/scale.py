"""Benchmark (not a test): every stage but the transformer encoder at 4k, 40k and 200k posts.

    python bench/scale.py [--sizes 4000 40000 200000] [--encoder tfidf]

For each size it generates a crawl with ``rednote.synthetic.sample``, copies the repository's code and
params into a temporary folder, points ``data.raw`` at the crawl, and runs each stage script in
pipeline order as its own process, measuring wall time and that process's peak resident memory
(``os.wait4``). It prints a table, the growth exponent of the total time from the middle size to
the largest (``log(t_large / t_mid) / log(n_large / n_mid)``; 1.0 is linear), and last the line
``posts=<n> total_s=<t> peak_rss_mb=<m> exponent=<e>``.

The offline encoder used is ``tfidf`` by default; ``use`` (USE-multilingual) embeds a few hundred
user texts/s on 2 idle cores, minutes at 200k posts (its memo, here a fresh folder per size, makes
re-runs cheap).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workspace import copy_code, set_params  # the script's own folder is importable

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("clean", "label", "embed", "topics", "segment", "train", "evaluate", "explain", "eda", "findings")
#: Extra rows: the embed stage again with another encoder, after the pipeline (not counted in the total).
EXTRA_ENCODERS = ("fasttext",)


def run_stage(repo: Path, stage: str) -> tuple[float, float]:
    """Run ``python stages/<stage>.py`` in ``repo``; return (seconds, peak RSS in MB)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", REDNOTE_EMBED_CACHE=str(repo / "memo"))  # starts empty
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, f"stages/{stage}.py"], cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage {stage} failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def prepare(workdir: Path, posts: int, encoder: str) -> Path:
    raw = workdir / f"crawl_{posts}.csv"
    subprocess.run(
        [sys.executable, "-m", "rednote.synthetic.sample", "--posts", str(posts), "--seed", "7", "--out", str(raw)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return copy_code(workdir / f"repo_{posts}", {"data.raw": str(raw), "embed.encoder": encoder})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000, 200000])
    parser.add_argument("--encoder", default="tfidf", choices=["tfidf", "use"])
    args = parser.parse_args()
    stages = [s for s in STAGES if (ROOT / "stages" / f"{s}.py").exists()]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; encoder={args.encoder}"
    )
    results: dict[int, dict[str, tuple[float, float]]] = {}
    extra: dict[int, dict[str, tuple[float, float]]] = {n: {} for n in args.sizes}
    with tempfile.TemporaryDirectory(prefix="rednote-scale-") as tmp:
        for posts in args.sizes:
            repo = prepare(Path(tmp), posts, args.encoder)
            results[posts] = {stage: run_stage(repo, stage) for stage in stages}
            for encoder in EXTRA_ENCODERS:
                set_params(repo, {"embed.encoder": encoder})
                extra[posts][f"embed[{encoder}]"] = run_stage(repo, "embed")
            shutil.rmtree(repo)
    header = f"{'stage':<10}" + "".join(f"{f'{n:,} posts':>26}" for n in args.sizes)
    print(header)
    print(f"{'':<10}" + "".join(f"{'seconds':>14}{'peak MB':>12}" for _ in args.sizes))
    for stage in stages:
        print(
            f"{stage:<10}" + "".join(f"{results[n][stage][0]:>14.1f}{results[n][stage][1]:>12.0f}" for n in args.sizes)
        )
    for row in extra[args.sizes[0]]:
        print(f"{row:<10}" + "".join(f"{extra[n][row][0]:>14.1f}{extra[n][row][1]:>12.0f}" for n in args.sizes))
    totals = {n: sum(t for t, _ in results[n].values()) for n in args.sizes}
    peaks = {n: max(m for _, m in results[n].values()) for n in args.sizes}
    print(f"{'total':<10}" + "".join(f"{totals[n]:>14.1f}{peaks[n]:>12.0f}" for n in args.sizes))
    large, mid = args.sizes[-1], args.sizes[-2] if len(args.sizes) > 1 else args.sizes[-1]
    exponent = math.log(totals[large] / totals[mid]) / math.log(large / mid) if large != mid else float("nan")
    print(f"posts={large} total_s={totals[large]:.1f} peak_rss_mb={peaks[large]:.0f} exponent={exponent:.2f}")


if __name__ == "__main__":
    main()
