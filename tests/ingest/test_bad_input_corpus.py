"""Bad raw inputs through the stages: each ends in correct output or in one `error:` sentence, never a traceback.

The corpus is written by this file (so byte-level cases such as GBK and a BOM are exact); each case
names the last stage it should reach and the word its sentence must contain. A case is bytes for
``raw.csv``, or an :class:`Export`: a file or folder name for ``data.raw`` and a function that writes
it (workbooks, SQLite files and folders of the crawlers' formats, built by ``crawler_exports``). The stages run
in-process (``runpy``) in a temporary folder with their own params.yaml, as `python stages/x.py` would.
"""

from __future__ import annotations

import json
import runpy
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml
from crawler_exports import (
    SPIDER_XHS_HEADER,
    write_mediacrawler_csv,
    write_mediacrawler_json,
    write_mediacrawler_jsonl,
    write_spider_xhs_xlsx,
    write_xhs_downloader_db,
)
from e2e import ROOT, write_params

from rednote.ingest.schema import KAGGLE_COLUMNS

HEADER = list(KAGGLE_COLUMNS)
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
    "2025-01-22_09:00:00",
    "1/23/2025 9:00",
] * 4  # 6 of 13 without a time: under clean.max_unreadable_time_share
MANY = rows(60, retained=6)
BROKEN_ROWS = csv_text(MANY).splitlines()
MIXED = rows(60, retained=6)  # MANY with the crawlers' odd values: unknown counts, spaced tags
MIXED.loc[::7, "like_count"] = ""
MIXED.loc[::5, "label"] = "tiktokrefugee#学中文#vlog"
FEW_BAD = "\n".join(BROKEN_ROWS[:30] + [BROKEN_ROWS[30] + ",extra,fields"] + BROKEN_ROWS[31:]) + "\n"
MANY_BAD = "\n".join([BROKEN_ROWS[0]] + [r + ",x,y" for r in BROKEN_ROWS[1:20]] + BROKEN_ROWS[20:]) + "\n"


@dataclass(frozen=True)
class Export:
    """A case that is not raw.csv's bytes: ``data.raw`` is ``name`` (a file or folder) and ``build(path)`` writes it."""

    name: str
    build: Callable[[Path], None]


def workbook(sheets: dict[str, list[list[str]]]) -> Callable[[Path], None]:
    """An .xlsx builder with the given sheets (title → rows)."""

    def build(path: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, table in sheets.items():
            sheet = book.create_sheet(title)
            for row in table:
                sheet.append(row)
        book.save(path)

    return build


def database(statements: list[str]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        db = sqlite3.connect(path)
        for statement in statements:
            db.execute(statement)
        db.commit()
        db.close()

    return build


def truncated(build: Callable[[Path], None], keep: float) -> Callable[[Path], None]:
    """``build``'s file cut to its first ``keep`` share of bytes (an interrupted copy)."""

    def cut(path: Path) -> None:
        build(path)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return cut


def folder(files: dict[str, Callable[[Path], None]]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.mkdir()
        for name, write in files.items():
            write(path / name)

    return build


def text(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(content, encoding="utf-8")


def frame_writer(write: Callable[[pd.DataFrame, Path], None], frame: pd.DataFrame) -> Callable[[Path], None]:
    return lambda path: write(frame, path)


def epoch_micros(path: Path) -> None:
    """A MediaCrawler CSV whose every ``time`` is in microseconds (16 digits): no readable time at all."""
    write_mediacrawler_csv(MANY, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["time"] = frame["time"] + "000"
    frame.to_csv(path, index=False, encoding="utf-8-sig")


COMMENTS = (
    "comment_id,create_time,ip_location,note_id,content,user_id,nickname,avatar\n1,1736827680000,美国,n1,hi,u1,x,y\n"
)
# A password-protected .xlsx is an OLE2 compound file (its first 8 bytes), not a ZIP.
ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptionInfo" + bytes(2000)

# name: (bytes or Export, the stage that stops with one sentence, or the last one run when keyword is None,
#        the words that sentence must contain (None: every stage up to and including that one succeeds))
CASES: dict[str, tuple[bytes | Export, str, str | None]] = {
    "empty_file": (b"", "clean", "empty"),
    "whitespace_only": (b"  \n\n  \n", "clean", "empty"),
    "header_only": ((",".join(HEADER) + "\n").encode(), "clean", "no rows"),
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
    "binary": (bytes(range(256)) * 4, "clean", "neither UTF-8 nor GBK"),
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
    "all_march": (csv_text(rows(20, months=(3,))).encode(), "clean", "window"),
    "all_february": (csv_text(rows(20, months=(2,))).encode(), "label", "observation window"),
    "single_user": (csv_text(rows(1)).encode(), "label", "too few"),
    "single_post_two_users_zero_posts": (csv_text(rows(2)).encode(), "label", "too few"),
    "zero_retained": (csv_text(rows(60, retained=0)).encode(), "explain", None),
    "one_retained": (csv_text(rows(60, retained=1)).encode(), "explain", None),
    "empty_user_ids": (csv_text(rows(20, user_id="")).encode(), "clean", "user_id"),
    "duplicates_only": (csv_text(pd.concat([rows(1)] * 10)).encode(), "label", "too few"),
    "semicolon_separated": (csv_text(MANY, sep=";").encode(), "clean", "user_id"),
    "tab_separated": (csv_text(MANY, sep="\t").encode(), "clean", "user_id"),
    # the crawlers' formats (rednote/ingest/sources.py, rednote/ingest/exports.py)
    "mediacrawler_csv": (Export("contents.csv", frame_writer(write_mediacrawler_csv, MIXED)), "train", None),
    "mediacrawler_json": (Export("contents.json", frame_writer(write_mediacrawler_json, MIXED)), "label", None),
    "spider_xhs_xlsx": (Export("notes.xlsx", frame_writer(write_spider_xhs_xlsx, MIXED)), "label", None),
    "xhs_downloader_db": (Export("ExploreData.db", frame_writer(write_xhs_downloader_db, MIXED)), "label", None),
    "tsv_by_extension": (Export("raw.tsv", text(csv_text(MANY, sep="\t"))), "label", None),
    "folder_of_daily_files_and_comments": (
        Export(
            "crawl",
            folder(
                {
                    "search_contents_2025-01-20.csv": frame_writer(write_mediacrawler_csv, MANY.iloc[:30]),
                    "search_contents_2025-01-21.jsonl": frame_writer(write_mediacrawler_jsonl, MANY.iloc[20:]),
                    "search_comments_2025-01-20.csv": text(COMMENTS),
                    "notes.txt": text("not read"),
                }
            ),
        ),
        "label",
        None,
    ),
    "mediacrawler_time_in_microseconds": (Export("contents.csv", epoch_micros), "clean", "16-digit"),
    "xhs_downloader_all_times_unknown": (
        Export("ExploreData.db", frame_writer(write_xhs_downloader_db, MANY.assign(create_time=""))),
        "clean",
        "发布时间",
    ),
    "xlsx_header_without_rows": (Export("notes.xlsx", workbook({"Sheet": [SPIDER_XHS_HEADER]})), "clean", "no rows"),
    "xlsx_sheets_without_columns": (
        Export("notes.xlsx", workbook({"summary": [["a", "b"], ["1", "2"]], "chart": [["x"], ["y"]]})),
        "clean",
        "sheets",
    ),
    "xlsx_truncated": (
        Export("notes.xlsx", truncated(frame_writer(write_spider_xhs_xlsx, MANY), 0.6)),
        "clean",
        "truncated",
    ),
    "xlsx_password_protected": (Export("notes.xlsx", lambda path: path.write_bytes(ENCRYPTED)), "clean", "password"),
    "xlsx_renamed_zip": (
        Export("notes.xlsx", lambda path: zipfile.ZipFile(path, "w").writestr("readme.txt", "hello")),
        "clean",
        ".xlsx",
    ),
    "sqlite_without_known_table": (
        Export(
            "ExploreData.db",
            database(["CREATE TABLE explore_id (ID TEXT PRIMARY KEY)", "INSERT INTO explore_id VALUES ('a')"]),
        ),
        "clean",
        "no known table",
    ),
    "sqlite_table_without_rows": (
        Export(
            "ExploreData.db",
            database(["CREATE TABLE explore_data (作品ID TEXT, 作者ID TEXT, 发布时间 TEXT, 点赞数量 TEXT)"]),
        ),
        "clean",
        "no rows",
    ),
    "sqlite_truncated": (
        Export("ExploreData.db", truncated(frame_writer(write_xhs_downloader_db, MANY), 0.3)),
        "clean",
        "SQLite",
    ),
    "json_object_not_array": (
        Export("contents.json", text('{"notes": [{"note_id": "1"}]}')),
        "clean",
        "array of objects",
    ),
    "json_array_of_strings": (Export("contents.json", text('["a", "b"]')), "clean", "array of objects"),
    "json_cut_off": (
        Export("contents.json", truncated(frame_writer(write_mediacrawler_json, MANY), 0.5)),
        "clean",
        "JSON",
    ),
    "json_empty_array": (Export("contents.json", text("[]")), "clean", "no notes"),
    "jsonl_mostly_garbage": (
        Export("contents.jsonl", text('{"note_id": "1"}\nnot json\n[1]\nalso not\n')),
        "clean",
        "JSON",
    ),
    "folder_without_exports": (
        Export("crawl", folder({"readme.txt": text("nothing here")})),
        "clean",
        "no crawl export",
    ),
    "folder_of_comments_only": (
        Export("crawl", folder({"search_comments_2025-01-20.csv": text(COMMENTS)})),
        "clean",
        "none of the 1 files",
    ),
}
ORDER = ("key", "clean", "label", "embed", "topics", "train", "evaluate", "explain")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    fast = {"embed.encoder": "tfidf", "embed.tfidf.min_df": 1, "embed.tfidf.n_components": 4, "topics.min_df": 1}
    fast |= {"topics.max_df": 1.0, "topics.n_topics": 3, "train.epochs": 2, "train.min_positives": 2}
    # the corpus's users post once a month, a retained one again in February: the calendar design's label
    write_params(tmp_path, {"data.raw": "raw.csv", "label.design": "calendar", **fast})
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


def place(case: str, workdir: Path) -> Path:
    """Write ``case``'s input into ``workdir`` and point data.raw at it; return its path."""
    content = CASES[case][0]
    if isinstance(content, bytes):
        (workdir / "raw.csv").write_bytes(content)
        return workdir / "raw.csv"
    path = workdir / content.name
    content.build(path)
    params = yaml.safe_load((workdir / "params.yaml").read_text(encoding="utf-8"))
    params["data"]["raw"] = content.name
    (workdir / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


def snapshot(path: Path) -> dict[str, bytes]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {str(f): f.read_bytes() for f in files if f.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_ends_in_output_or_one_sentence(case, workdir, capsys):
    _, last, keyword = CASES[case]
    raw = place(case, workdir)
    before = snapshot(raw)
    for stage in ORDER[: ORDER.index(last) + 1]:
        status, err = run_stage(stage, capsys)
        assert "Traceback" not in err
        if status:
            errors = [line for line in err.splitlines() if line.startswith("error: ")]
            assert len(errors) == 1, err
            assert keyword is not None, f"{case} should pass every stage up to {last}, but {stage} stopped: {errors[0]}"
            assert stage == last, f"{case} stopped at {stage}, not {last}: {errors[0]}"
            assert keyword in errors[0], errors[0]
            break
    else:
        assert keyword is None, f"{case} reached {last} without the expected error about {keyword!r}"
    assert snapshot(raw) == before  # the raw file is never written


def quality_of(case, workdir, capsys):
    place(case, workdir)
    assert run_stage("key", capsys)[0] == 0 and run_stage("clean", capsys)[0] == 0
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


def test_each_crawler_format_is_recognised_and_recorded(workdir, capsys):
    expected = {
        "mediacrawler_csv": ("mediacrawler", "csv"),
        "mediacrawler_json": ("mediacrawler", "json"),
        "spider_xhs_xlsx": ("spider_xhs", "xlsx"),
        "xhs_downloader_db": ("xhs_downloader", "sqlite"),
        "tsv_by_extension": ("kaggle", "tsv"),
    }
    for case, (source, fmt) in expected.items():
        q = quality_of(case, workdir, capsys)
        assert (q["source"], q["format"]) == (source, fmt), case
        assert q["rows_kept"] == 66 and q["users"] == 60, case


def test_a_folder_is_read_whole_with_comments_apart_and_repeats_once(workdir, capsys):
    q = quality_of("folder_of_daily_files_and_comments", workdir, capsys)
    assert q["files"] == ["search_contents_2025-01-20.csv", "search_contents_2025-01-21.jsonl"]
    assert q["comment_files"] == ["search_comments_2025-01-20.csv"] and q["files_skipped"] == []
    assert q["comment_rows"] == 1
    assert q["format"] == "csv+jsonl" and q["source"] == "mediacrawler"
    assert q["rows_read"] == 30 + 46 and q["duplicates"] == 10 and q["rows_kept"] == 66


def test_unknown_counts_are_zero_and_counted_apart(workdir, capsys):
    q = quality_of("xhs_downloader_db", workdir, capsys)  # an empty count is XHS-Downloader's -1
    unknown = int((MIXED["like_count"] == "").sum())
    assert q["unknown_counts"]["like_count"] == unknown > 0
    assert q["unparseable_counts"]["like_count"] == 0


def test_a_cohort_with_one_retained_user_runs_every_stage_to_the_end(workdir, capsys):
    """No model can be trained, yet every stage finishes: null metrics with the reason, and the unsupervised outputs."""
    (workdir / "raw.csv").write_bytes(csv_text(rows(60, retained=1)).encode())
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"])
    for stage in stages:
        status, err = run_stage(stage, capsys)
        assert status == 0 and "Traceback" not in err, f"{stage}: {err}"
    metrics = json.loads((workdir / "metrics/metrics.json").read_text(encoding="utf-8"))
    assert "1 retained" in metrics["degenerate"] and metrics["scheme"] == "cv"
    factors = json.loads((workdir / "metrics/factors.json").read_text(encoding="utf-8"))
    assert "1 retained" in factors["degenerate"] and (workdir / "plots/explain/factors.png").stat().st_size > 0
    assert metrics["test"]["roc_auc"] is None and metrics["baseline"]["roc_auc"] is None
    importance = json.loads((workdir / "metrics/importance.json").read_text(encoding="utf-8"))
    assert importance["degenerate"] == metrics["degenerate"] and importance["importance"] == {}
    segments = json.loads((workdir / "metrics/segments.json").read_text(encoding="utf-8"))
    assert segments["users"] == 60 and sum(segments["sizes"].values()) == 60
    assert {p.name for p in (workdir / "plots/eda").glob("*.png")} >= {"daily_active_users.png", "top_words.png"}
    assert (workdir / "plots/explain/importance.png").stat().st_size > 0
    report = (workdir / "reports/findings.md").read_text(encoding="utf-8")
    assert "**No model was trained:**" in report and "## 5. Adaptation groups" in report
    survival = json.loads((workdir / "metrics/survival.json").read_text(encoding="utf-8"))
    assert survival["users"] == 60 and (workdir / "plots/survival/km_account.png").stat().st_size > 0
    assert "## 4. How long they kept posting" in report
