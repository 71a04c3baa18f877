"""Benchmark (not a test): what experiments cost on a fresh clone.

    python bench/experiment_cost.py [--repo .] [--keep]

Clones the repository's committed HEAD (``git clone``) into a temporary folder and, with this
interpreter's ``dvc`` (nothing is installed; ``PYTHONPATH`` points at the clone so its own
``rednote`` runs), times:

- ``cold``: ``dvc repro --force`` with nothing computed (the clone has an empty DVC cache, so also an
  empty text vector memo: ``REDNOTE_EMBED_CACHE`` is unset for the run). ``--force`` makes every
  stage run: without it DVC skips the stages whose outputs are all in git (metrics, plots) and
  whose dependencies come out unchanged, which a cold run must not count on;
- ``noop``: ``dvc repro`` again (nothing to do);
- ``loop``: ``dvc exp run -S train.epochs=5`` (one train-only experiment in the workspace);
- ``silence``: ``dvc exp run -S survival.silence_days=7`` (one survival-only experiment: survival and findings
  should be all that runs);
- ``grid``: four train-only experiments (``train.model`` × ``train.class_weight``) queued with
  ``dvc exp run --queue`` and run with ``dvc exp run --run-all``, each in its own temporary
  workspace; ``grid_embeds`` counts the ``Running stage 'embed'`` lines in their logs
  (``dvc queue logs``): 0 when the embed stage is restored from DVC's run-cache.

Prints a table (seconds, stages that ran) and the embed stage's texts/s in the cold run (from its
log line ``embedded N texts in S s (R texts/s)``), and last the line
``cold_s=<> noop_s=<> loop_s=<> silence_s=<> grid_s=<> grid_embeds=<n>``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRID = (("logreg", "true"), ("gbt", "true"), ("mlp", "false"), ("logreg", "false"))
RUNNING = re.compile(r"Running stage '(\w+)'")
EMBED_RATE = re.compile(r"embedded (\d+) texts in ([\d.]+) s \(([\d.]+) texts/s\)")


def environment(clone: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDNOTE_EMBED_CACHE", "PYTHONPATH")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(clone),
        DVC_NO_ANALYTICS="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def sh(clone: Path, *args: str) -> tuple[float, str]:
    """Run a command in the clone; return (seconds, stdout + stderr); stop on failure."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=clone, env=environment(clone), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{output[-4000:]}")
    return seconds, output


def stages_run(output: str) -> list[str]:
    return RUNNING.findall(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the repository to clone (its HEAD)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone and print where it is")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="experiment-cost-"))
    clone = folder / "repo"
    subprocess.run(["git", "clone", "-q", str(args.repo.resolve()), str(clone)], check=True)
    for key, value in (("user.name", "bench"), ("user.email", "bench@example.invalid")):
        subprocess.run(["git", "config", key, value], cwd=clone, check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True).stdout
    load = os.getloadavg()
    print(f"clone of {args.repo.resolve()} at {head.strip()} in {clone}")
    print(
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
        f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    rows: list[tuple[str, float, list[str]]] = []
    try:
        cold_s, cold = sh(clone, "dvc", "repro", "--force")
        rows.append(("cold dvc repro --force", cold_s, stages_run(cold)))
        rate = EMBED_RATE.search(cold)
        sh(clone, "git", "add", "-A")
        subprocess.run(["git", "commit", "-qm", "cold run"], cwd=clone, env=environment(clone), check=False)

        noop_s, noop = sh(clone, "dvc", "repro")
        rows.append(("no-op dvc repro", noop_s, stages_run(noop)))

        loop_s, loop = sh(clone, "dvc", "exp", "run", "-S", "train.epochs=5")
        rows.append(("dvc exp run -S train.epochs=5", loop_s, stages_run(loop)))
        sh(clone, "git", "reset", "-q", "--hard")

        silence_s, silence = sh(clone, "dvc", "exp", "run", "-S", "survival.silence_days=7")
        rows.append(("dvc exp run -S survival.silence_days=7", silence_s, stages_run(silence)))
        sh(clone, "git", "reset", "-q", "--hard")  # the grid starts from the committed cold run

        queue_s = 0.0
        for i, (model, weight) in enumerate(GRID):
            seconds, _ = sh(
                clone, "dvc", "exp", "run", "--queue", "-n", f"grid-{i}",
                "-S", f"train.model={model}", "-S", f"train.class_weight={weight}",
            )  # fmt: skip
            queue_s += seconds
        rows.append(("queue 4 experiments", queue_s, []))
        grid_s, grid = sh(clone, "dvc", "exp", "run", "--run-all")
        logs = "".join(sh(clone, "dvc", "queue", "logs", f"grid-{i}")[1] for i in range(len(GRID)))
        grid_stages = stages_run(logs) if RUNNING.search(logs) else stages_run(grid)
        rows.append(("dvc exp run --run-all (4 queued)", grid_s, grid_stages))
        grid_embeds = grid_stages.count("embed")
    finally:
        if args.keep:
            print(f"kept {clone}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    print()
    print(f"| {'step':<40} | {'s':>7} | stages run")
    print(f"|{'-' * 42}|{'-' * 9}|{'-' * 40}")
    for name, seconds, ran in rows:
        counts = {s: ran.count(s) for s in dict.fromkeys(ran)}
        listed = ", ".join(f"{s}×{n}" if n > 1 else s for s, n in counts.items()) or "-"
        print(f"| {name:<40} | {seconds:7.1f} | {listed}")
    print()
    if rate:
        print(f"embed (cold): {rate.group(1)} texts in {rate.group(2)} s = {rate.group(3)} texts/s")
    else:
        print("embed (cold): no rate logged (embed did not run, or an encoder without the log line)")
    load = os.getloadavg()
    print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"cold_s={cold_s:.1f} noop_s={noop_s:.1f} loop_s={loop_s:.1f} silence_s={silence_s:.1f} "
        f"grid_s={grid_s:.1f} grid_embeds={grid_embeds}"
    )


if __name__ == "__main__":
    main()
