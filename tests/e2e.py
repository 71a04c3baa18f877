"""Helpers for end-to-end tests: a throw-away copy of the repository with its own git and DVC state."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from rednote.core.params import set_keys

ROOT = Path(__file__).resolve().parents[1]
#: Not copied: caches anywhere, and the pipeline's outputs and DVC's cache (paths from the repository root).
SKIP_NAMES = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}
SKIP_PATHS = {"data/interim", "data/features", "models", ".dvc/cache", ".dvc/tmp", "tmp", ".pseudonym.key"}


def env() -> dict[str, str]:
    """The environment for DVC and stage commands: this interpreter's bin first, no network, no prompts, the copy's own memo."""
    e = dict(os.environ)
    e.pop("REDNOTE_EMBED_CACHE", None)  # each copy keeps its text vector memo in its own DVC cache
    # the package of the tree these tests belong to, whatever an editable install points at: under `make mutate`,
    # mutants/ (at the commit being measured, not a working tree being edited), with no mutant active in the
    # command (mutmut records and switches mutants in its own process only)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), e.get("PYTHONPATH")]))
    e.pop("MUTANT_UNDER_TEST", None)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    e.update(
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", DVC_NO_ANALYTICS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0"
    )
    return e


def sh(
    cwd: Path, *args: str, check: bool = True, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a command in ``cwd`` (``extra_env`` added to :func:`env`); on failure show its output in the assertion."""
    done = subprocess.run(args, cwd=cwd, env={**env(), **(extra_env or {})}, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return done


def sh_together(jobs: list[tuple[Path, tuple[str, ...], dict[str, str]]]) -> list[str]:
    """Run each (cwd, command, extra environment) at once, as :func:`sh` would one after another; wait for all and
    fail with the output of the first that failed; else return each one's stdout and stderr. For independent runs
    in separate copies: two cores, half the time."""
    processes = [
        (args, subprocess.Popen(args, cwd=cwd, env={**env(), **extra}, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for cwd, args, extra in jobs
    ]
    outputs = []
    for args, process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} failed ({process.returncode}):\n{out[-4000:].decode()}\n{err[-4000:].decode()}"
            )
        outputs.append(out.decode(errors="replace") + err.decode(errors="replace"))
    return outputs


def copy_repo(dest: Path) -> Path:
    """Copy the working tree (code, params, sample data; no caches or outputs) to ``dest`` and git-init it."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        where = Path(folder).relative_to(ROOT)
        return {n for n in names if n in SKIP_NAMES or n.endswith(".pyc") or (where / n).as_posix() in SKIP_PATHS}

    shutil.copytree(ROOT, dest, ignore=ignore)
    for generated in ("metrics", "plots", "dvc.lock"):
        path = dest / generated
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    sh(dest, "git", "init", "-q")
    sh(dest, "git", "config", "user.name", "test")
    sh(dest, "git", "config", "user.email", "test@example.invalid")
    return dest


def write_params(folder: Path, changes: dict[str, object], base: Path | None = None) -> dict:
    """Write ``folder``/params.yaml: ``base`` (default: ``folder``'s own, else the repository's) with dotted keys
    (``train.epochs``, or a whole section such as ``segment``) set to new values; return the params written.

    The one way tests change params, so every test runs against the full, checked schema.
    """
    path = folder / "params.yaml"
    base = base or (path if path.exists() else ROOT / "params.yaml")
    params = set_keys(yaml.safe_load(base.read_text(encoding="utf-8")), changes)
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return params


#: Params that make an end-to-end run take seconds: the TF-IDF encoder, few epochs, small bootstrap and permutation counts.
FAST = {"embed.encoder": "tfidf", "train.epochs": 6, "evaluate.bootstrap": 50, "evaluate.permutations": 20}


def generate_crawl(out: Path, posts: int, seed: int) -> None:
    """Write a crawl of ``posts`` posts made by ``rednote.synthetic.sample`` with ``seed`` to ``out``."""
    sh(ROOT, "python", "-m", "rednote.synthetic.sample", "--posts", str(posts), "--seed", str(seed), "--out", str(out))


def slice_repo(dest: Path, posts: int = 1600, seed: int = 7, changes: dict[str, object] = FAST) -> Path:
    """A copy of the repository on a generated crawl of ``posts`` posts, with params ``changes``, committed."""
    repo = copy_repo(dest)
    generate_crawl(repo / "data" / "sample" / "slice.csv", posts, seed)
    write_params(repo, {"data.raw": "data/sample/slice.csv", **changes})
    commit(repo, "small slice")
    return repo


def commit(repo: Path, message: str) -> None:
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", message)


def outputs_under_hash_seeds(script: str, test_file: str, seeds: tuple[str, ...] = ("1", "2")) -> list[bytes]:
    """stdout of ``python -c script`` in one fresh interpreter per string-hash seed (the helpers in tests/ and the
    modules beside ``test_file`` importable)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(Path(test_file).parent)])}
    return [
        subprocess.run(
            [sys.executable, "-c", script], env={**env, "PYTHONHASHSEED": seed}, capture_output=True, check=True
        ).stdout
        for seed in seeds
    ]
