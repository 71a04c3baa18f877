"""Bad raw inputs through the stages: each ends in correct output or in one `error:` sentence, never a traceback.

The corpus is written by this file (so byte-level cases such as GBK and a BOM are exact); each case
names the last stage it should reach and the word its sentence must contain. The stages run
in-process (``runpy``) in a temporary folder with their own params.yaml, as `python stages/x.py` would.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from e2e import write_params

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "title",
    "content",
    "address",
    "label",
    "user_name",
    "user_id",
    "like_count",
    "collect_count",
    "comment_count",
    "share_count",
    "create_time",
    "post_id",
    "ip_localtion",
    "image",
    "type",
]
WORDS = [
    "learn chinese 学中文 pinyin",
    "tiktok ban 封禁 court",
    "cat tax meme 梗",
    "hotpot 美食 noodles",
    "daily life 日常 cooking",
    "travel 旅游 beijing",
    "dog pets 宠物 walk",
    "shop 跨境电商 money",
]


def rows(n_users: int, months: tuple[int, ...] = (1,), retained: int = 0, **overrides) -> pd.DataFrame:
    """``n_users`` users with one post per month in ``months``; the first ``retained`` also post in February."""
    out = []
    for u in range(n_users):
        for m in months + ((2,) if u < retained else ()):
            out.append(
                {
                    "title": f"post {u}",
                    "content": WORDS[u % len(WORDS)] + f" #tiktokrefugee[话题]# word{u % 5}",
                    "address": f"https://www.xiaohongshu.com/user/profile/{u:024x}?xsec_token=tok{u}",
                    "label": "tiktokrefugee",
                    "user_name": f"name{u}",
                    "user_id": f"{u:024x}",
                    "like_count": str(u * 7 % 50),
                    "collect_count": "1",
                    "comment_count": "2",
                    "share_count": "",
                    "create_time": f"{m}/{1 + u % 27}/2025 10:{u % 60:02d}",
                    "post_id": f"{u:012x}{m:012x}",
                    "ip_localtion": "美国",
                    "image": "https://img",
                    "type": "normal",
                }
            )
    frame = pd.DataFrame(out, columns=HEADER)
    for column, value in overrides.items():
        frame[column] = value
    return frame


def csv_text(frame: pd.DataFrame, **kw) -> str:
    return frame.to_csv(index=False, **kw)


ODD_COUNTS = ["1.2万", "10万+", "1千+", "10+", "1,234", " 37 ", "赞", "-5", "abc", "1e5", ""] * 4
ODD_TIMES = [
    "2025-01-14 12:08:33",
    "2025/1/14 12:08",
    "01-14",
    "3天前",
    "昨天 18:20",
    "",
    "2/30/2025 1:00",
    "1/1/1900 0:00",
    "2025-01-20",
    "1/20/2025 8:00",
    "1/21/2025 9:00",
] * 4
MANY = rows(60, retained=6)
BROKEN_ROWS = csv_text(MANY).splitlines()
FEW_BAD = "\n".join(BROKEN_ROWS[:30] + [BROKEN_ROWS[30] + ",extra,fields"] + BROKEN_ROWS[31:]) + "\n"
MANY_BAD = "\n".join([BROKEN_ROWS[0]] + [r + ",x,y" for r in BROKEN_ROWS[1:20]] + BROKEN_ROWS[20:]) + "\n"

# name: (bytes, last stage expected to run, the word the error names (None: every stage reached succeeds))
CASES = {
    "empty_file": (b"", "clean", "empty"),
    "whitespace_only": (b"  \n\n  \n", "clean", "empty"),
    "header_only": ((",".join(HEADER) + "\n").encode(), "label", "observation window"),
    "missing_user_id": (csv_text(MANY.drop(columns=["user_id"])).encode(), "clean", "user_id"),
    "missing_like_count": (csv_text(MANY.drop(columns=["like_count"])).encode(), "clean", "like_count"),
    "adaptation_aliases": (
        csv_text(MANY.rename(columns={"image": "post_image", "type": "post_type"})).encode(),
        "train",
        None,
    ),
    "extra_columns_odd_headers": (
        csv_text(MANY.assign(extra=1).rename(columns={"user_id": " User_ID "})).encode(),
        "label",
        None,
    ),
    "utf8_bom": (csv_text(MANY).encode("utf-8-sig"), "label", None),
    "gbk": (csv_text(MANY.drop(columns=["content"]).assign(content="学中文 日常")).encode("gbk"), "label", None),
    "utf16": (csv_text(MANY).encode("utf-16"), "clean", "UTF-8"),
    "binary": (bytes(range(256)) * 4, "clean", None),
    "unclosed_quote": (
        (
            ",".join(HEADER) + '\n"t,"oops unclosed,' + ",".join(["x"] * 13) + "\n" + "\n".join(BROKEN_ROWS[1:5]) + "\n"
        ).encode(),
        "clean",
        "unclosed quote",
    ),
    "few_malformed_rows": (FEW_BAD.encode(), "label", None),
    "many_malformed_rows": (MANY_BAD.encode(), "clean", "malformed"),
    "embedded_newlines_commas": (
        csv_text(MANY.assign(content='line one, with comma\nline two "quoted"\n#学中文[话题]#')).encode(),
        "label",
        None,
    ),
    "count_oddities": (
        csv_text(rows(len(ODD_COUNTS), like_count=ODD_COUNTS, share_count=ODD_COUNTS)).encode(),
        "label",
        None,
    ),
    "time_oddities": (csv_text(rows(len(ODD_TIMES), create_time=ODD_TIMES)).encode(), "label", None),
    "all_march": (csv_text(rows(20, months=(3,))).encode(), "label", "observation window"),
    "all_february": (csv_text(rows(20, months=(2,))).encode(), "label", "observation window"),
    "single_user": (csv_text(rows(1)).encode(), "label", "too few"),
    "single_post_two_users_zero_posts": (csv_text(rows(2)).encode(), "label", "too few"),
    "zero_retained": (csv_text(rows(60, retained=0)).encode(), "explain", None),
    "one_retained": (csv_text(rows(60, retained=1)).encode(), "explain", None),
    "empty_user_ids": (csv_text(rows(20, user_id="")).encode(), "clean", "user_id"),
    "duplicates_only": (csv_text(pd.concat([rows(1)] * 10)).encode(), "label", "too few"),
    "semicolon_separated": (csv_text(MANY, sep=";").encode(), "clean", "user_id"),
    "tab_separated": (csv_text(MANY, sep="\t").encode(), "clean", "user_id"),
}
ORDER = ("clean", "label", "embed", "topics", "train", "evaluate", "explain")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    fast = {"embed.encoder": "tfidf", "embed.tfidf.min_df": 1, "embed.tfidf.n_components": 4, "topics.min_df": 1}
    fast |= {"topics.max_df": 1.0, "topics.n_topics": 3, "train.epochs": 2, "train.min_positives": 2}
    write_params(tmp_path, {"data.raw": "raw.csv", **fast})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_stage(name: str, capsys) -> tuple[int, str]:
    """Run stages/<name>.py as its own __main__; return (exit status, stderr)."""
    capsys.readouterr()
    try:
        runpy.run_path(str(ROOT / "stages" / f"{name}.py"), run_name="__main__")
        status = 0
    except SystemExit as stop:
        status = stop.code or 0
    return status, capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_ends_in_output_or_one_sentence(case, workdir, capsys):
    content, last, keyword = CASES[case]
    (workdir / "raw.csv").write_bytes(content)
    before = (workdir / "raw.csv").read_bytes()
    for stage in ORDER[: ORDER.index(last) + 1]:
        status, err = run_stage(stage, capsys)
        assert "Traceback" not in err
        if status:
            errors = [line for line in err.splitlines() if line.startswith("error: ")]
            assert len(errors) == 1, err
            assert stage == last, f"{case} stopped at {stage}: {errors[0]}"
            if keyword:
                assert keyword in errors[0], errors[0]
            break
    else:
        assert keyword is None, f"{case} reached {last} without the expected error about {keyword!r}"
    assert (workdir / "raw.csv").read_bytes() == before  # the raw file is never written


def quality_of(case, workdir, capsys):
    (workdir / "raw.csv").write_bytes(CASES[case][0])
    assert run_stage("clean", capsys)[0] == 0
    return json.loads((workdir / "metrics" / "data_quality.json").read_text())


def test_count_oddities_are_counted_per_column(workdir, capsys):
    q = quality_of("count_oddities", workdir, capsys)
    # -5, abc, 1e5 are unreadable; 赞 and empty are zeros, the rest parse
    assert q["unparseable_counts"]["like_count"] == 12 and q["unparseable_counts"]["share_count"] == 12
    assert q["unparseable_counts"]["collect_count"] == 0


def test_time_oddities_are_counted(workdir, capsys):
    q = quality_of("time_oddities", workdir, capsys)
    assert q["unparseable_times"] == 20 and q["missing_times"] == 4  # 01-14, 3天前, 昨天, 2/30, 1900 ×4; empty ×4


def test_encodings_and_malformed_rows_are_reported(workdir, capsys):
    assert quality_of("gbk", workdir, capsys)["encoding"] == "gb18030"
    assert quality_of("utf8_bom", workdir, capsys)["encoding"] == "utf-8-sig"
    few = quality_of("few_malformed_rows", workdir, capsys)
    assert few["malformed_rows"] == 1 and few["rows_read"] == 66
    assert quality_of("duplicates_only", workdir, capsys)["duplicates"] == 9


def test_a_cohort_with_one_retained_user_runs_every_stage_to_the_end(workdir, capsys):
    """No model can be trained, yet every stage finishes: null metrics with the reason, and the unsupervised outputs."""
    (workdir / "raw.csv").write_bytes(csv_text(rows(60, retained=1)).encode())
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"])
    for stage in stages:
        status, err = run_stage(stage, capsys)
        assert status == 0 and "Traceback" not in err, f"{stage}: {err}"
    metrics = json.loads((workdir / "metrics/metrics.json").read_text(encoding="utf-8"))
    assert "1 retained" in metrics["degenerate"]
    assert metrics["test"]["roc_auc"] is None and metrics["baseline"]["roc_auc"] is None
    importance = json.loads((workdir / "metrics/importance.json").read_text(encoding="utf-8"))
    assert importance["degenerate"] == metrics["degenerate"] and importance["importance"] == {}
    segments = json.loads((workdir / "metrics/segments.json").read_text(encoding="utf-8"))
    assert segments["users"] == 60 and sum(segments["sizes"].values()) == 60
    assert {p.name for p in (workdir / "plots/eda").glob("*.png")} >= {"daily_active_users.png", "top_words.png"}
    assert (workdir / "plots/explain/importance.png").stat().st_size > 0
