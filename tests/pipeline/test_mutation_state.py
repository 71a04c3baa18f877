"""``make mutate-save`` keeps mutmut's kills only: survivors and timeouts are checked again by the next run."""

from __future__ import annotations

import json

from mutation_state import quickest_first, recorded_durations, save


def test_only_kills_are_kept_and_the_files_are_sorted_one_key_a_line(tmp_path):
    mutants, state = tmp_path / "mutants", tmp_path / "state"
    meta = mutants / "rednote" / "core" / "window.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {
        "x_of__mutmut_2": 0,
        "x_of__mutmut_1": 1,
        "x_of__mutmut_3": 3,
        "x_of__mutmut_4": 36,
        "x_of__mutmut_5": None,
    }
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": codes,
                "durations_by_key": {"x_of__mutmut_1": 0.5, "x_of__mutmut_2": 0.7},
                "hash_by_function_name": {"x_of": "abc"},
            }
        )
    )
    assert save(mutants, state) == 2
    text = (state / "rednote" / "core" / "window.py.meta").read_text()
    written = json.loads(text)
    assert written["exit_code_by_key"] == {
        "x_of__mutmut_1": 1,
        "x_of__mutmut_2": None,
        "x_of__mutmut_3": 3,
        "x_of__mutmut_4": None,
        "x_of__mutmut_5": None,
    }
    assert written["durations_by_key"] == {"x_of__mutmut_1": 0.5}
    assert written["hash_by_function_name"] == {"x_of": "abc"}
    assert text == json.dumps(written, indent=1, sort_keys=True) + "\n"
    assert list(written) == sorted(written)


def test_a_mutants_tests_run_quickest_file_first_each_files_tests_together_quickest_first(tmp_path):
    durations = {"a.py::slow": 9.0, "a.py::quick": 0.1, "b.py::one": 1.0, "b.py::two": 2.0, "c.py::x": 0.5}
    nodeids = ["a.py::slow", "b.py::two", "c.py::x", "a.py::quick", "b.py::one", "d.py::new"]
    # files by their tests' summed time: c 0.5, b 3.0, a 9.1, then d (no recorded time: slower than any, 10.0)
    assert quickest_first(nodeids, durations) == ["c.py::x", "b.py::one", "b.py::two", "a.py::quick", "a.py::slow",
                                                  "d.py::new"]  # fmt: skip
    assert quickest_first(["b.py::2", "a.py::1"], {}) == ["a.py::1", "b.py::2"]  # nothing recorded: by file name
    assert recorded_durations(tmp_path) == {}
    (tmp_path / "mutmut-stats.json").write_text(json.dumps({"duration_by_test": durations, "stats_time": 3}))
    assert recorded_durations(tmp_path) == durations
