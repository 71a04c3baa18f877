"""Benchmark (not a test): every stage but the transformer encoder at 4k, 40k and 200k posts, with either engine.

    python bench/scale.py [--sizes 4000 40000 200000] [--encoder tfidf] [--engines pandas dask] [--embed-workers 1 2]
                          [--embed-posts 40000] [--stages key clean label]

For each size it generates a crawl with ``rednote.synthetic.sample``, copies the repository's code and
params into a temporary folder, points ``data.raw`` at the crawl, and runs each stage script in
pipeline order as its own process, once per engine (``REDNOTE_ENGINE``; under ``dask`` each stage that uses it
starts its own local cluster, one single-threaded worker per core, as a user's run does). For each stage it
measures wall time and peak memory summed over the stage's process and every process it started (the Dask
scheduler and workers): the resident memory of that process tree, sampled every 50 ms, or the stage process's own
peak (``os.wait4``) where that is higher; for a stage that started other processes it also prints where the peak
was: the stage process's resident memory and each other process's at that moment. The first engine runs every stage; a later one runs only the stages whose
work the engine moves (:data:`ENGINE_STAGES`), and the benchmark stops unless they wrote the first engine's bytes (so
every later stage would read the same files; its times are the first engine's). It prints a table per engine, the
growth exponent of the total time from the middle size to the largest (``log(t_large / t_mid) / log(n_large /
n_mid)``; 1.0 is linear), and per engine the line
``posts=<n> engine=<e> total_s=<t> peak_mb=<m> clean_label_peak_mb=<c> exponent=<x>``.

The offline encoder used is ``tfidf`` by default; ``use`` (USE-multilingual) embeds a few hundred
user texts/s on 2 idle cores, minutes at 200k posts (its memo, here a fresh folder per run, makes
re-runs cheap). ``--embed-workers 1 2`` then runs the embed stage with ``use`` on a Dask cluster of each number of
single-threaded workers (fresh memo each time), over the users of a crawl of ``--embed-posts`` posts (generated and
labelled in the same run; the 1.5 million users of 2,000,000 posts would take hours), and prints its texts/s, the
line ``embed_workers=<n> texts=<t> seconds=<s> texts_per_s=<r>`` for each, and the speed-up of the last over the
first. Its seconds run from the first text sent to the last vector back: the cluster's start and each worker's
loading of the encoder included.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from workspace import copy_code, set_params  # the script's own folder is importable

ROOT = Path(__file__).resolve().parents[1]
STAGES = (
    "key",
    "clean",
    "label",
    "embed",
    "topics",
    "segment",
    "train",
    "evaluate",
    "explain",
    "eda",
    "survival",
    "findings",
)
#: The stages whose work ``REDNOTE_ENGINE`` moves (embed too, but only for a pretrained encoder: ``--embed-workers``).
ENGINE_STAGES = ("clean", "label")
#: Extra rows: the embed stage again with another encoder, after the pipeline (not counted in the total).
EXTRA_ENCODERS = ("fasttext",)
#: A crawl the bench generates is not the bundled sample: its pseudonyms need a key from outside git.
BENCH_KEY = "bench-only pseudonym key, not a secret"


def tree_rss(process: psutil.Process) -> list[int]:
    """Resident bytes of ``process`` and of each of its descendants now, in that order (those that end meanwhile
    count 0)."""
    sizes = []
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            sizes.append(p.memory_info().rss)
    return sizes


def run_stage(repo: Path, stage: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``python stages/<stage>.py`` in ``repo`` with ``env`` added; return (seconds, peak MB of its process tree,
    its stderr)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", REDNOTE_EMBED_CACHE=str(repo / "memo"),  # starts empty
               REDNOTE_PSEUDONYM_KEY=BENCH_KEY, **(env or {}),
               PYTHONPATH=str(repo))  # the copy's package, not an editable install's: edits meanwhile change nothing # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, f"stages/{stage}.py"], cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak, at_peak, done = [0], [[0]], threading.Event()

    def sample() -> None:
        tree = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                sizes = tree_rss(tree)
            except psutil.Error:
                return
            if sum(sizes) > peak[0]:
                peak[0], at_peak[0] = sum(sizes), sizes
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage {stage} failed:\n{stderr[-3000:]}")
    stage_mb, *others = (size // 2**20 for size in at_peak[0])
    if others:  # where the peak was: the stage's process, and the processes it started (a Dask cluster's)
        print(f"    at the peak: stage process {stage_mb} MB, others {sorted(others, reverse=True)} MB", flush=True)
    return seconds, max(peak[0] / 2**20, usage.ru_maxrss / 1024), stderr  # ru_maxrss is in KiB on Linux


def prepare(workdir: Path, posts: int, encoder: str) -> Path:
    raw = workdir / f"crawl_{posts}.csv"
    subprocess.run(
        [sys.executable, "-m", "rednote.synthetic.sample", "--posts", str(posts), "--seed", "7", "--out", str(raw)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return copy_code(workdir / f"repo_{posts}", {"data.raw": str(raw), "embed.encoder": encoder})


def digests(repo: Path) -> dict[str, str]:
    """The MD5 of every file the stages have written in ``repo`` so far (its ``data`` and ``metrics`` folders)."""
    files = [p for folder in ("data", "metrics") for p in sorted((repo / folder).rglob("*")) if p.is_file()]
    return {str(p.relative_to(repo)): hashlib.md5(p.read_bytes()).hexdigest() for p in files}


def run_engine(repo: Path, engine: str, stages: list[str], first: dict[str, str] | None) -> tuple[dict, dict]:
    """Run ``stages`` under ``engine`` (only :data:`ENGINE_STAGES` unless ``first`` is None); return each stage's
    (seconds, peak MB) and the digests after the last engine stage, which must be ``first``'s when given."""
    env, measured, written = {"REDNOTE_ENGINE": engine}, {}, {}
    for stage in stages if first is None else [s for s in stages if s in ENGINE_STAGES]:
        measured[stage] = run_stage(repo, stage, env)[:2]
        print(f"  {engine} {stage}: {measured[stage][0]:.1f} s, {measured[stage][1]:.0f} MB", flush=True)  # progress
        if stage == ENGINE_STAGES[-1]:
            written = digests(repo)
    if first is not None:
        differ = sorted(name for name, digest in first.items() if written.get(name) != digest)
        if differ:
            raise SystemExit(f"engine {engine} wrote other bytes than the first engine: {', '.join(differ)}")
    return measured, written


def embed_speed(repo: Path, workers: int) -> tuple[int, float, float]:
    """The embed stage with ``use`` on a Dask cluster of ``workers`` single-threaded workers, fresh memo: (texts
    embedded, seconds, texts/s) from its log line."""
    set_params(repo, {"embed.encoder": "use"})
    shutil.rmtree(repo / "memo", ignore_errors=True)
    _, _, stderr = run_stage(repo, "embed", {"REDNOTE_ENGINE": "dask", "REDNOTE_THREADS": str(workers)})
    found = re.search(r"embedded (\d+) texts in ([\d.]+) s \(([\d.]+) texts/s\)", stderr)
    if not found:
        raise SystemExit(f"no speed in the embed stage's log:\n{stderr[-2000:]}")
    return int(found[1]), float(found[2]), float(found[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000, 200000])
    parser.add_argument("--encoder", default="tfidf", choices=["tfidf", "use"])
    parser.add_argument("--engines", nargs="+", default=["pandas"], choices=["pandas", "dask"])
    parser.add_argument("--embed-workers", type=int, nargs="*", default=[])
    parser.add_argument("--embed-posts", type=int, default=40000)
    parser.add_argument("--stages", nargs="+", choices=STAGES, help="run only these (in pipeline order; default all)")
    args = parser.parse_args()
    stages = [s for s in STAGES if (ROOT / "stages" / f"{s}.py").exists() and s in (args.stages or STAGES)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"encoder={args.encoder}; engines={' '.join(args.engines)}; load average before {os.getloadavg()[0]:.2f}"
    )
    results: dict[str, dict[int, dict[str, tuple[float, float]]]] = {e: {} for e in args.engines}
    extra: dict[int, dict[str, tuple[float, float]]] = {n: {} for n in args.sizes}
    speeds: dict[int, tuple[int, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="rednote-scale-") as tmp:
        for posts in args.sizes:
            repo = prepare(Path(tmp), posts, args.encoder)
            first: dict[str, str] | None = None
            for engine in args.engines:
                set_params(repo, {"embed.encoder": args.encoder})
                shutil.rmtree(repo / "memo", ignore_errors=True)
                results[engine][posts], written = run_engine(repo, engine, stages, first)
                first = first or written
            for encoder in EXTRA_ENCODERS if "embed" in stages else ():
                set_params(repo, {"embed.encoder": encoder})
                extra[posts][f"embed[{encoder}]"] = run_stage(repo, "embed")[:2]
            shutil.rmtree(repo)
        if args.embed_workers:
            repo = prepare(Path(tmp), args.embed_posts, args.encoder)
            for stage in STAGES[: STAGES.index("label") + 1]:
                run_stage(repo, stage)
            speeds = {n: embed_speed(repo, n) for n in args.embed_workers}  # (printed below)
    base = results[args.engines[0]]
    for engine in args.engines:  # a later engine's other stages read the first engine's bytes: their times are its
        full = {n: base[n] | results[engine][n] for n in args.sizes}
        report(engine, full, extra if engine == args.engines[0] else {}, stages, args.sizes)
        if engine != args.engines[0]:
            print(f"(stages but {', '.join(ENGINE_STAGES)}: {args.engines[0]}'s, run on the same bytes)")
    for workers, (texts, seconds, rate) in speeds.items():
        print(f"embed_workers={workers} texts={texts} seconds={seconds:.1f} texts_per_s={rate:.1f}")
    if len(speeds) > 1:
        least, most = min(speeds), max(speeds)
        print(f"embed speed-up of {most} workers over {least}: {speeds[most][2] / speeds[least][2]:.2f}x")
    print(f"load average after {os.getloadavg()[0]:.2f}")


def report(engine: str, results: dict, extra: dict, stages: list[str], sizes: list[int]) -> None:
    """One engine's table and its summary line."""
    print(f"\nengine: {engine}")
    print(f"{'stage':<10}" + "".join(f"{f'{n:,} posts':>26}" for n in sizes))
    print(f"{'':<10}" + "".join(f"{'seconds':>14}{'peak MB':>12}" for _ in sizes))
    for stage in stages:
        print(f"{stage:<10}" + "".join(f"{results[n][stage][0]:>14.1f}{results[n][stage][1]:>12.0f}" for n in sizes))
    for row in extra.get(sizes[0], {}):
        print(f"{row:<10}" + "".join(f"{extra[n][row][0]:>14.1f}{extra[n][row][1]:>12.0f}" for n in sizes))
    totals = {n: sum(t for t, _ in results[n].values()) for n in sizes}
    peaks = {n: max(m for _, m in results[n].values()) for n in sizes}
    print(f"{'total':<10}" + "".join(f"{totals[n]:>14.1f}{peaks[n]:>12.0f}" for n in sizes))
    large, mid = sizes[-1], sizes[-2] if len(sizes) > 1 else sizes[-1]
    exponent = math.log(totals[large] / totals[mid]) / math.log(large / mid) if large != mid else float("nan")
    clean_label = max((results[large][s][1] for s in ("clean", "label") if s in results[large]), default=float("nan"))
    print(
        f"posts={large} engine={engine} total_s={totals[large]:.1f} peak_mb={peaks[large]:.0f} "
        f"clean_label_peak_mb={clean_label:.0f} exponent={exponent:.2f}"
    )


if __name__ == "__main__":
    main()
