"""How far float noise moves the human-facing outputs: the pipeline in fresh clones under several BLAS kernels
and thread counts, every number compared.

    python bench/float_spread.py [--settings Haswell:2 Prescott:1 ...] [--retained-share 0.006] [--keep DIR]

For each ``KERNEL:THREADS`` setting it clones ``--source`` (the committed state: uncommitted edits are not
measured), runs ``dvc repro --force`` there with ``OPENBLAS_CORETYPE=KERNEL REDNOTE_THREADS=THREADS`` and an
empty text vector memo (so every setting embeds every text itself), and keeps the human-facing outputs
(:func:`rednote.report.compare.human_facing`). Every setting is then compared with the first, number by number:
the largest absolute and relative difference, which file and key it is in, how many numbers differ at all,
whether ``reports/findings.md`` is the same text, and how many numbers the review's tolerance would list as
changed (:func:`rednote.report.compare.changed_numbers`; it must be 0). The last line is

    settings=<n> numbers=<n> differing=<n> max_abs=<x> max_rel=<y> curve_gap=<z> listed=<n> findings_identical=<bool>

Curves (ROC and precision-recall data) are compared as the lines they draw (``curve_gap``: the widest vertical
gap between two runs' lines), since noise can break a tie and add a point on the same line.

The tolerance in ``rednote.report.compare.py`` is derived from these figures; the README gives them.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workspace import set_params

from rednote.report.compare import changed_curves, changed_numbers, curve_gap, human_facing, number_diffs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETTINGS = ("Haswell:2", "Haswell:1", "SkylakeX:2", "Prescott:1", "Sandybridge:2")


def run_setting(source: Path, workdir: Path, kernel: str, threads: str, share: float | None) -> Path:
    """A fresh clone of ``source`` in ``workdir`` after ``dvc repro --force`` under one kernel and thread count;
    with ``share``, on a generated crawl with that expected retained share instead of the bundled sample."""
    subprocess.run(["git", "clone", "-q", str(source), str(workdir)], check=True)
    if share is not None:
        crawl = "data/sample/crawl.csv"
        generate = [
            sys.executable,
            "-m",
            "rednote.synthetic.sample",
            "--retained-share",
            str(share),
            "--seed",
            "1",
            "--out",
            crawl,
        ]
        subprocess.run(generate, cwd=workdir, check=True, env={**os.environ, "PYTHONPATH": str(workdir)})
        set_params(workdir, {"data.raw": crawl})
    env = {k: v for k, v in os.environ.items() if k != "REDNOTE_EMBED_CACHE"}
    env.update(OPENBLAS_CORETYPE=kernel, REDNOTE_THREADS=threads, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(workdir)  # the clone's own package, not the editable install's working tree
    start = time.perf_counter()
    done = subprocess.run(["dvc", "repro", "--force"], cwd=workdir, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"dvc repro failed under {kernel}:{threads}:\n{done.stderr[-3000:]}")
    print(f"{kernel}:{threads}: dvc repro --force in {time.perf_counter() - start:.0f} s", flush=True)
    return workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--settings", nargs="+", default=list(DEFAULT_SETTINGS), help="KERNEL:THREADS, first = reference"
    )
    parser.add_argument("--source", type=Path, default=ROOT, help="the repository to clone (default: this one)")
    parser.add_argument("--retained-share", type=float, help="run on a generated crawl with this retained share")
    parser.add_argument("--keep", type=Path, help="keep the clones in this folder (default: a temporary one)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="float-spread-"))
    base.mkdir(parents=True, exist_ok=True)
    clones = []
    for setting in args.settings:
        kernel, threads = setting.split(":")
        target = base / setting.replace(":", "-")
        if target.exists():
            shutil.rmtree(target)
        clones.append((setting, run_setting(args.source, target, kernel, threads, args.retained_share)))
    (ref_name, ref_dir), others = clones[0], clones[1:]
    reference = human_facing(ref_dir)
    numbers = sum(len(v) for v in reference.numbers.values())
    worst_abs = worst_rel = curve_worst = 0.0
    differing = listed = 0
    identical = True
    for name, folder in others:
        outputs = human_facing(folder)
        diffs = number_diffs(reference.numbers, outputs.numbers)
        differing += len(diffs)
        changed = changed_numbers(reference.numbers, outputs.numbers)
        listed += len(changed)
        same_text = reference.findings == outputs.findings
        identical &= same_text
        print(
            f"\n{name} against {ref_name}: {len(diffs)} of {numbers} numbers differ; findings.md identical: {same_text}"
        )
        for key, (a, b) in sorted(diffs.items(), key=lambda kv: -abs(kv[1][0] - kv[1][1]))[:8]:
            rel = abs(a - b) / max(abs(a), abs(b))
            print(f"  {key}: {a!r} → {b!r} (abs {abs(a - b):.3g}, rel {rel:.3g})")
        for a, b in diffs.values():
            if math.isnan(a) or math.isnan(b):
                print("  a number only one side has (a row or key more or fewer): see above")
                continue
            worst_abs = max(worst_abs, abs(a - b))
            worst_rel = max(worst_rel, abs(a - b) / max(abs(a), abs(b)))
        for file in sorted(reference.curves):
            x, a, b = curve_gap(reference.curves[file], outputs.curves[file])
            curve_worst = max(curve_worst, abs(a - b))
            print(f"  curve {file}: widest vertical gap {abs(a - b):.3g} (at x={x:.4g})")
        changed_lines = changed_curves(reference.curves, outputs.curves)
        listed += len(changed_lines)
        for key in [*changed, *changed_lines]:
            print(f"  LISTED AS CHANGED: {key}")
    print(
        f"\nsettings={len(clones)} numbers={numbers} differing={differing} max_abs={worst_abs:.3g} "
        f"max_rel={worst_rel:.3g} curve_gap={curve_worst:.3g} listed={listed} findings_identical={identical}"
    )
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
