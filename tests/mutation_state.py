"""``make mutate-save``: mutmut's verdicts from ``mutants/`` into ``docs/mutation-state/``, for the next run to resume.

Only kills are kept. A survivor or a timeout is written back as unchecked (``None``), so the next ``make mutate``
checks it again, against whatever tests were written for it since; a function whose code changed is checked again by
mutmut itself (its hash no longer matches). The files are written sorted, one key a line, so a commit's diff shows
which verdicts changed.

    python tests/mutation_state.py [mutants] [docs/mutation-state]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

#: mutmut's exit codes of a mutant the tests caught: the tests failed (1) or were interrupted by the failure (3).
KILLED = frozenset({1, 3})


def kept(meta: dict) -> dict:
    """``meta`` (one ``*.meta`` file's contents) with every verdict but a kill reset to unchecked, and its durations
    of those mutants dropped (mutmut measures them again)."""
    codes = meta.get("exit_code_by_key", {})
    killed = {key for key, code in codes.items() if code in KILLED}
    return {
        **meta,
        "exit_code_by_key": {key: (code if key in killed else None) for key, code in codes.items()},
        "durations_by_key": {key: t for key, t in meta.get("durations_by_key", {}).items() if key in killed},
    }


def save(mutants: Path, state: Path) -> int:
    """Write :func:`kept` of every ``*.meta`` under ``mutants`` to the same path under ``state``; the kills kept."""
    total = 0
    for source in sorted(mutants.rglob("*.meta")):
        meta = kept(json.loads(source.read_text()))
        target = state / source.relative_to(mutants)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
        total += sum(code is not None for code in meta["exit_code_by_key"].values())
    return total


def recorded_durations(root: Path) -> dict[str, float]:
    """Each test's time in mutmut's statistics run (``root/mutmut-stats.json``, in the ``mutants/`` copy), by node id;
    empty before that run."""
    stats = root / "mutmut-stats.json"
    return json.loads(stats.read_text()).get("duration_by_test", {}) if stats.is_file() else {}


def quickest_first(nodeids: list[str], durations: dict[str, float]) -> list[str]:
    """``nodeids`` with the quickest test files first (their tests' recorded time summed), each file's quickest tests
    first, a file's tests kept together (its module fixtures are built once). mutmut runs a mutant's tests with
    ``-x``, so a kill by a unit test no longer waits for the end-to-end tests that also reach the function. A test
    without a recorded time counts as the slowest; ties keep their order."""
    slowest = max(durations.values(), default=0.0) + 1.0
    time = {nodeid: durations.get(nodeid, slowest) for nodeid in nodeids}
    file = {nodeid: nodeid.partition("::")[0] for nodeid in nodeids}
    per_file: defaultdict[str, float] = defaultdict(float)
    for nodeid in nodeids:
        per_file[file[nodeid]] += time[nodeid]
    return sorted(nodeids, key=lambda nodeid: (per_file[file[nodeid]], file[nodeid], time[nodeid]))


if __name__ == "__main__":
    args = sys.argv[1:]
    mutants = Path(args[0] if args else "mutants")
    state = Path(args[1] if len(args) > 1 else "docs/mutation-state")
    if not mutants.is_dir():
        raise SystemExit(f"no {mutants}/ here: run `make mutate` first.")
    print(f"kept {save(mutants, state)} kills in {state}/")
