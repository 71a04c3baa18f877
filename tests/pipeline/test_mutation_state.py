"""``make mutate-save`` keeps mutmut's kills only: survivors and timeouts are checked again by the next run."""

from __future__ import annotations

import json

from mutation_state import save


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
