"""Builders for tests: a Kaggle-layout frame rewritten as each crawler would have exported the same posts.

Each ``to_*`` function turns Kaggle rows (strings, the 15 columns of ``tt_refugee.csv``, times as
Beijing clock readings) into the records the crawler writes, with its field names and value forms
as documented in :mod:`rednote.ingest.sources`; each ``write_*`` writes them in the crawler's file format.
:data:`WRITERS` lists them for parametrised tests and for the end-to-end check, which can run
``python tests/crawler_exports.py mediacrawler_csv data/sample/tt_refugee_sample.csv out.csv``.
A Kaggle time that is unreadable becomes the crawler's missing time (``None``, ``未知``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from rednote.ingest.parsing import SITE_TIMEZONE, parse_times

COUNTS = {
    "like_count": "liked_count",
    "collect_count": "collected_count",
    "comment_count": "comment_count",
    "share_count": "share_count",
}
COLLECTED_AT = "2025-03-05_10:00:00"


def _epoch_ms(create_time: pd.Series) -> list[int | None]:
    """Kaggle times (Beijing clock) as the API's epoch milliseconds; None where unreadable."""
    times, _ = parse_times(create_time)
    instants = times.dt.tz_localize(SITE_TIMEZONE).dt.tz_convert("UTC")
    return [None if pd.isna(t) else int(t.value // 1_000_000) for t in instants]


def _printed(create_time: pd.Series, fmt: str, missing: str) -> list[str]:
    times, _ = parse_times(create_time)
    return [missing if pd.isna(t) else t.strftime(fmt) for t in times]


def _tags(label: str) -> list[str]:
    return [t.strip() for t in str(label).split("#") if t.strip()]


def _token(address: str) -> str:
    return address.split("xsec_token=")[-1].split("&")[0] if "xsec_token=" in address else "ABtoken="


def to_mediacrawler(frame: pd.DataFrame) -> list[dict]:
    """MediaCrawler's note dicts (store/xhs/__init__.py update_xhs_note): ``time`` in epoch ms, tags ``,``-joined."""
    records = []
    for row, ms in zip(frame.to_dict("records"), _epoch_ms(frame["create_time"])):
        note = row["post_id"]
        records.append(
            {
                "note_id": note,
                "type": row["type"],
                "title": row["title"] or row["content"][:255],
                "desc": row["content"],
                "video_url": f"http://sns-video-bd.xhscdn.com/{note}" if row["type"] == "video" else "",
                "time": ms,
                "last_update_time": ms,
                "user_id": row["user_id"],
                "nickname": row["user_name"],
                "avatar": f"https://sns-avatar-qc.xhscdn.com/avatar/{row['user_id']}.jpg",
                **{theirs: row[ours] for ours, theirs in COUNTS.items()},
                "ip_location": row["ip_localtion"],
                "image_list": row["image"],
                "tag_list": ",".join(_tags(row["label"])),
                "last_modify_ts": 1741140000000,
                "note_url": f"https://www.xiaohongshu.com/explore/{note}?xsec_token={_token(row['address'])}&xsec_source=pc_search",
                "source_keyword": "tiktok refugee",
                "xsec_token": _token(row["address"]),
            }
        )
    return records


def write_mediacrawler_csv(frame: pd.DataFrame, path: Path) -> None:
    """As tools/async_file_writer.py write_to_csv: utf-8-sig, a header of the dict keys."""
    records = to_mediacrawler(frame)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def write_mediacrawler_json(frame: pd.DataFrame, path: Path) -> None:
    """As write_single_item_to_json: one array of objects, indent 4, numbers as numbers."""
    path.write_text(json.dumps(to_mediacrawler(frame), ensure_ascii=False, indent=4), encoding="utf-8")


def write_mediacrawler_jsonl(frame: pd.DataFrame, path: Path) -> None:
    """As write_to_jsonl: an object a line."""
    lines = [json.dumps(r, ensure_ascii=False) for r in to_mediacrawler(frame)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_mediacrawler_sqlite(frame: pd.DataFrame, path: Path) -> None:
    """As the sqlite store (database/models.py XhsNote): table xhs_note, counts as text, lists through json.dumps."""
    records = to_mediacrawler(frame)
    columns = ["id", "add_ts", *records[0]]
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE xhs_note ({', '.join(f'{c!r}' for c in columns)})")
        for i, r in enumerate(records, start=1):
            values = {
                **r,
                "image_list": json.dumps(r["image_list"]),
                "tag_list": json.dumps(r["tag_list"], ensure_ascii=False),
            }
            values.update({k: str(values[k]) for k in COUNTS.values()})
            db.execute(
                f"INSERT INTO xhs_note VALUES ({', '.join('?' * len(columns))})", [i, 1741140000000, *values.values()]
            )
        db.execute("CREATE TABLE xhs_note_comment (comment_id TEXT, note_id TEXT, content TEXT, create_time INTEGER)")
    db.close()


def creator_hash(user_id: object) -> str:
    """tools/user_hash.py anonymize_user_id (MediaCrawler 9f4f8bf, 2026-07-01): sha256 of the stripped id, 16 hex."""
    text = "" if user_id is None else str(user_id).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] if text else ""


def mask_nickname(name: object) -> str:
    """tools/user_hash.py mask_nickname: first and last character around three stars; two characters keep the first."""
    if name is None:
        return ""
    text = str(name)
    return "*" if len(text) <= 1 else text[0] + "*" if len(text) == 2 else text[0] + "***" + text[-1]


#: Today's note keys, in order (store/xhs/__init__.py update_xhs_note since 9f4f8bf): user_id became creator_hash
#: in place, nickname is masked, avatar and ip_location are gone.
NOTE_KEYS_2026 = (
    "note_id", "type", "title", "desc", "video_url", "time", "last_update_time", "creator_hash", "nickname",
    "liked_count", "collected_count", "comment_count", "share_count", "image_list", "tag_list", "last_modify_ts",
    "note_url", "source_keyword", "xsec_token",
)  # fmt: skip


def to_mediacrawler_2026(frame: pd.DataFrame) -> list[dict]:
    """Today's note dicts: the old ones with creator_hash for user_id, a masked nickname, no avatar or ip_location;
    a count the API did not send is None."""
    records = []
    for old in to_mediacrawler(frame):
        new = {**old, "creator_hash": creator_hash(old["user_id"]), "nickname": mask_nickname(old["nickname"])}
        new.update({c: new[c] if str(new[c]).strip() else None for c in COUNTS.values()})
        records.append({k: new[k] for k in NOTE_KEYS_2026})
    return records


def write_mediacrawler_2026_jsonl(frame: pd.DataFrame, path: Path) -> None:
    """The default save option since 0282e62 (2026-03-03): json.dumps(item, ensure_ascii=False) a line."""
    lines = [json.dumps(r, ensure_ascii=False) for r in to_mediacrawler_2026(frame)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_mediacrawler_2026_json(frame: pd.DataFrame, path: Path) -> None:
    """The json option (the default before 2026-03): one array, indent 4, rewritten whole for every item."""
    path.write_text(json.dumps(to_mediacrawler_2026(frame), ensure_ascii=False, indent=4), encoding="utf-8")


def write_mediacrawler_2026_csv(frame: pd.DataFrame, path: Path) -> None:
    records = to_mediacrawler_2026(frame)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(NOTE_KEYS_2026))
        writer.writeheader()
        writer.writerows(records)


def write_mediacrawler_2026_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """As store/excel_store_base.py: sheet "Contents" with the first item's keys as header, None as "", ints as
    numbers; a "Comments" sheet beside it."""
    import openpyxl

    book = openpyxl.Workbook()
    contents = book.active
    contents.title = "Contents"
    contents.append(list(NOTE_KEYS_2026))
    for r in to_mediacrawler_2026(frame):
        contents.append(["" if r[k] is None else r[k] for k in NOTE_KEYS_2026])
    comments = book.create_sheet("Comments")
    comments.append(["comment_id", "create_time", "note_id", "content", "creator_hash", "nickname"])
    comments.append(["c1", 1736900000000, frame["post_id"].iloc[0], "好", creator_hash("someone"), "S***e"])
    book.save(path)


def write_mediacrawler_2026_sqlite(frame: pd.DataFrame, path: Path) -> None:
    """As database/models.py today: xhs_note with id, creator_hash, nickname, add_ts, last_modify_ts first, counts
    through str() (a missing one is the text None), image_list and tag_list through json.dumps."""
    records = to_mediacrawler_2026(frame)
    head = ["id", "creator_hash", "nickname", "add_ts", "last_modify_ts", "note_id", "type", "title", "desc"]
    columns = head + ["video_url", "time", "last_update_time", *COUNTS.values(), "image_list", "tag_list"]
    columns += ["note_url", "source_keyword", "xsec_token"]
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE xhs_note ({', '.join(f'{c!r}' for c in columns)})")
        for i, r in enumerate(records, start=1):
            values = {
                **r,
                "id": i,
                "add_ts": 1783000000000,
                "image_list": json.dumps(r["image_list"], ensure_ascii=False),
                "tag_list": json.dumps(r["tag_list"], ensure_ascii=False),
                **{c: str(r[c]) for c in COUNTS.values()},
            }
            db.execute(f"INSERT INTO xhs_note VALUES ({', '.join('?' * len(columns))})", [values[c] for c in columns])
        db.execute(
            "CREATE TABLE xhs_note_comment (id INTEGER, creator_hash TEXT, nickname TEXT, add_ts INTEGER, "
            "last_modify_ts INTEGER, comment_id TEXT, create_time INTEGER, note_id TEXT, content TEXT, "
            "sub_comment_count INTEGER, pictures TEXT, parent_comment_id TEXT, like_count TEXT)"
        )
    db.close()


#: Today's comment keys, in order (store/xhs/__init__.py update_xhs_note_comment since a06273e, 2026-07-01).
COMMENT_KEYS_2026 = (
    "comment_id", "create_time", "note_id", "content", "creator_hash", "nickname", "sub_comment_count", "pictures",
    "parent_comment_id", "last_modify_ts", "like_count",
)  # fmt: skip


def to_mediacrawler_2026_comments(comments: list[dict[str, str]]) -> list[dict]:
    """Comment dicts from ``comment_id``, ``user_id`` (raw), ``note_id``, ``when`` (Beijing clock), ``content``:
    create_time in epoch ms, the commenter as creator_hash, a top-level comment's parent ``""``."""
    when = pd.Series([c["when"] for c in comments], dtype=object)
    return [
        {
            "comment_id": c["comment_id"],
            "create_time": ms,
            "note_id": c["note_id"],
            "content": c["content"],
            "creator_hash": creator_hash(c["user_id"]),
            "nickname": mask_nickname("commenter"),
            "sub_comment_count": "0",
            "pictures": "",
            "parent_comment_id": "",
            "last_modify_ts": 1785000000000,
            "like_count": "3",
        }
        for c, ms in zip(comments, _epoch_ms(when))
    ]


def write_mediacrawler_2026_comments_jsonl(comments: list[dict[str, str]], path: Path) -> None:
    """The comments file beside the notes: ``search_comments_<day>.jsonl``."""
    lines = [json.dumps(r, ensure_ascii=False) for r in to_mediacrawler_2026_comments(comments)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


#: Spider_XHS's note sheet header (xhs_utils/data_util.py save_to_xlsx)
SPIDER_XHS_HEADER = [
    "笔记id",
    "笔记url",
    "笔记类型",
    "用户id",
    "用户主页url",
    "昵称",
    "头像url",
    "标题",
    "描述",
    "点赞数量",
    "收藏数量",
    "评论数量",
    "分享数量",
    "视频封面url",
    "视频地址url",
    "图片地址url列表",
    "标签",
    "上传时间",
    "ip归属地",
]


def to_spider_xhs(frame: pd.DataFrame) -> list[list[str]]:
    """Spider_XHS's sheet (xhs_utils/data_util.py save_to_xlsx): header then str() of every value."""
    header = SPIDER_XHS_HEADER
    rows = [header]
    uploaded = _printed(frame["create_time"], "%Y-%m-%d %H:%M:%S", "None")
    for row, upload in zip(frame.to_dict("records"), uploaded):
        video = row["type"] == "video"
        values = [
            row["post_id"],
            f"https://www.xiaohongshu.com/explore/{row['post_id']}?xsec_token={_token(row['address'])}",
            "视频" if video else "图集",
            row["user_id"],
            f"https://www.xiaohongshu.com/user/profile/{row['user_id']}",
            row["user_name"],
            f"https://sns-avatar-qc.xhscdn.com/avatar/{row['user_id']}.jpg",
            row["title"] if row["title"].strip() else "无标题",
            row["content"],
            *(row[c] for c in COUNTS),
            row["image"] if video else None,
            f"https://sns-video-bd.xhscdn.com/{row['post_id']}" if video else None,
            [row["image"]],
            _tags(row["label"]),
            upload,
            row["ip_localtion"],
        ]
        rows.append([str(v) for v in values])
    return rows


def write_spider_xhs_xlsx(frame: pd.DataFrame, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in to_spider_xhs(frame):
        sheet.append(row)
    book.save(path)


XHS_DOWNLOADER_COLUMNS = (
    "采集时间",
    "作品ID",
    "作品类型",
    "作品标题",
    "作品描述",
    "作品标签",
    "发布时间",
    "最后更新时间",
    "收藏数量",
    "评论数量",
    "分享数量",
    "点赞数量",
    "作者昵称",
    "作者ID",
    "作者链接",
    "作品链接",
    "下载地址",
    "动图地址",
)


def to_xhs_downloader(frame: pd.DataFrame) -> list[dict]:
    """XHS-Downloader's records (source/application/explore.py): -1 for a missing count, tags space-joined."""
    published = _printed(frame["create_time"], "%Y-%m-%d_%H:%M:%S", "未知")
    records = []
    for row, when in zip(frame.to_dict("records"), published):
        records.append(
            {
                "采集时间": COLLECTED_AT,
                "作品ID": row["post_id"],
                "作品类型": "视频" if row["type"] == "video" else "图文",
                "作品标题": row["title"],
                "作品描述": row["content"],
                "作品标签": " ".join(_tags(row["label"])),
                "发布时间": when,
                "最后更新时间": when,
                **{
                    name: row[c] if row[c].strip() else "-1"
                    for c, name in zip(COUNTS, ("点赞数量", "收藏数量", "评论数量", "分享数量"))
                },
                "作者昵称": row["user_name"],
                "作者ID": row["user_id"],
                "作者链接": f"https://www.xiaohongshu.com/user/profile/{row['user_id']}",
                "作品链接": f"https://www.xiaohongshu.com/explore/{row['post_id']}",
                "下载地址": row["image"],
                "动图地址": "",
            }
        )
    return records


def write_xhs_downloader_db(frame: pd.DataFrame, path: Path) -> None:
    """As source/module/recorder.py DataRecorder: ExploreData.db, table explore_data, REPLACE by 作品ID."""
    with sqlite3.connect(path) as db:
        columns = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "作品ID" else f"{c} TEXT" for c in XHS_DOWNLOADER_COLUMNS)
        db.execute(f"CREATE TABLE explore_data ({columns})")
        for r in to_xhs_downloader(frame):
            db.execute(
                f"REPLACE INTO explore_data VALUES ({', '.join('?' * len(XHS_DOWNLOADER_COLUMNS))})",
                [r[c] for c in XHS_DOWNLOADER_COLUMNS],
            )
    db.close()


#: name → (file name, writer, the source read_export should report)
WRITERS: dict[str, tuple[str, Callable[[pd.DataFrame, Path], None], str]] = {
    "mediacrawler_csv": ("search_contents_2025-02-01.csv", write_mediacrawler_csv, "mediacrawler"),
    "mediacrawler_json": ("search_contents_2025-02-01.json", write_mediacrawler_json, "mediacrawler"),
    "mediacrawler_jsonl": ("search_contents_2025-02-01.jsonl", write_mediacrawler_jsonl, "mediacrawler"),
    "mediacrawler_sqlite": ("sqlite_tables.db", write_mediacrawler_sqlite, "mediacrawler"),
    "spider_xhs_xlsx": ("tiktok refugee.xlsx", write_spider_xhs_xlsx, "spider_xhs"),
    "xhs_downloader_db": ("ExploreData.db", write_xhs_downloader_db, "xhs_downloader"),
    "mediacrawler_2026_jsonl": ("search_contents_2026-08-01.jsonl", write_mediacrawler_2026_jsonl, "mediacrawler"),
    "mediacrawler_2026_json": ("search_contents_2026-08-01.json", write_mediacrawler_2026_json, "mediacrawler"),
    "mediacrawler_2026_csv": ("search_contents_2026-08-01.csv", write_mediacrawler_2026_csv, "mediacrawler"),
    "mediacrawler_2026_xlsx": ("xhs_search_20260801_120000.xlsx", write_mediacrawler_2026_xlsx, "mediacrawler"),
    "mediacrawler_2026_sqlite": ("sqlite_tables.db", write_mediacrawler_2026_sqlite, "mediacrawler"),
}
#: The writers whose export names authors only by creator_hash: account creation cannot be told from them.
HASHED = frozenset(name for name in WRITERS if "2026" in name)


def read_kaggle(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


if __name__ == "__main__":  # python tests/crawler_exports.py WRITER kaggle.csv out
    name, source, out = sys.argv[1:4]
    WRITERS[name][1](read_kaggle(Path(source)), Path(out))
