"""Which crawler wrote an export, and how its columns and values map onto the pipeline's (the Kaggle layout).

One :class:`Source` per crawler, in :data:`SOURCES`; to read another crawler, add one. What each crawler
writes, as read in its own source code, is in ``docs/crawlers.md``. Note ids are the site's 24-hex ids whose
first 8 hex digits are the publish second; :func:`rednote.ingest.parsing.times_from_note_ids` uses that when a
time is missing.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field

import pandas as pd

from rednote.ingest.schema import ALIASES, AUTHOR_HASH, KAGGLE_COLUMNS, REQUIRED

#: Printed note types → the pipeline's (``video`` or ``normal``); other values pass unchanged.
TYPE_VALUES = {"video": "video", "视频": "video", "normal": "normal", "图集": "normal", "图文": "normal"}
#: Longest tag cell read as a list literal (``['a', 'b']``); longer cells are split as plain text.
MAX_LITERAL = 10_000


@dataclass(frozen=True)
class Source:
    """How one crawler's export maps onto the pipeline's columns (those of :mod:`rednote.ingest.schema`).

    ``columns``: export header (stripped, lower-cased) → pipeline column; ``signature``: headers that
    together identify the crawler; ``time_column``: the export's name for the publish time (for
    messages); ``personal``: headers read only to be dropped (never mapped, never written);
    ``tag_separator``: how a flat tag cell is joined; ``blanks``: printed forms of a missing value;
    ``empty_title``: the placeholder the crawler writes for an empty title; ``title_from_desc``: the
    length of the description prefix the crawler writes as the title of a note without one (such
    a title is read as empty, so the text is not doubled); ``tables``: the SQLite tables it writes;
    ``layouts``: (a header that marks it, what it is) for each layout the crawler has written, newest first,
    the last one the fallback (:func:`layout`); ``types``: its printed note types where they differ from
    :data:`TYPE_VALUES`.
    """

    name: str
    columns: dict[str, str] = field(default_factory=dict)
    signature: tuple[str, ...] = ()
    time_column: str = "create_time"
    personal: tuple[str, ...] = ()
    tag_separator: str = "#"
    blanks: tuple[str, ...] = ()
    empty_title: str | None = None
    title_from_desc: int | None = None
    tables: tuple[str, ...] = ()
    layouts: tuple[tuple[str, str], ...] = ()
    types: dict[str, str] = field(default_factory=dict)


#: The Kaggle layout (and its aliases, :data:`rednote.ingest.schema.ALIASES`): columns pass unchanged.
KAGGLE = Source(
    name="kaggle",
    personal=("user_name", "address", "image", "ip_localtion"),
    layouts=(("", "(tt_refugee.csv: its 15 columns, or their aliases)"),),
)

MEDIACRAWLER = Source(
    name="mediacrawler",
    columns={
        "note_id": "post_id",
        "type": "type",
        "title": "title",
        "desc": "content",
        "time": "create_time",
        "user_id": "user_id",
        "creator_hash": AUTHOR_HASH,
        "liked_count": "like_count",
        "collected_count": "collect_count",
        "comment_count": "comment_count",
        "share_count": "share_count",
        "tag_list": "label",
    },
    signature=("note_id", "time", "liked_count"),
    time_column="time",
    personal=("nickname", "avatar", "ip_location", "image_list", "video_url", "note_url", "xsec_token"),
    tag_separator=",",
    blanks=("None",),  # its SQL stores write a missing count as str(None)
    title_from_desc=255,
    tables=("xhs_note",),
    layouts=(
        ("creator_hash", "2026-07 (commit 9f4f8bf, 2026-07-01 on: creator_hash, masked nicknames)"),
        ("user_id", "2025 (up to 2026-06-30: raw user_id, nickname, avatar, ip_location)"),
    ),
)

SPIDER_XHS = Source(
    name="spider_xhs",
    columns={
        "笔记id": "post_id",
        "笔记类型": "type",
        "用户id": "user_id",
        "标题": "title",
        "描述": "content",
        "点赞数量": "like_count",
        "收藏数量": "collect_count",
        "评论数量": "comment_count",
        "分享数量": "share_count",
        "标签": "label",
        "上传时间": "create_time",
    },
    signature=("笔记id", "上传时间", "点赞数量", "用户id"),
    time_column="上传时间",
    personal=("笔记url", "用户主页url", "昵称", "头像url", "视频封面url", "视频地址url", "图片地址url列表", "ip归属地"),
    tag_separator=",",
    blanks=("None",),
    empty_title="无标题",
    layouts=(("", "xlsx note sheet (19 columns)"),),
)

XHS_DOWNLOADER = Source(
    name="xhs_downloader",
    columns={
        "作品id": "post_id",
        "作品类型": "type",
        "作品标题": "title",
        "作品描述": "content",
        "作品标签": "label",
        "发布时间": "create_time",
        "收藏数量": "collect_count",
        "评论数量": "comment_count",
        "分享数量": "share_count",
        "点赞数量": "like_count",
        "作者id": "user_id",
    },
    signature=("作品id", "发布时间", "点赞数量", "作者id"),
    time_column="发布时间",
    personal=("作者昵称", "作者链接", "作品链接", "下载地址", "动图地址"),
    tag_separator=" ",
    blanks=("未知", "unknown"),  # "unknown" under its English interface (2.4 on)
    tables=("explore_data",),
    # 2.6 on: 图集 is a video-type note of several images (a slideshow with music), not Spider_XHS's image note;
    # under the English interface (2.4 on) the types print in English
    types={"图集": "video", "image": "normal", "livephoto": "normal"},
    layouts=(("", "ExploreData.db, table explore_data (18 columns)"),),
)

#: Tried in order; the first whose signature the header holds wins, else :data:`KAGGLE`.
SOURCES = (MEDIACRAWLER, SPIDER_XHS, XHS_DOWNLOADER)


#: MediaCrawler's comments (store/xhs/__init__.py update_xhs_note_comment: ``*_comments_*`` files, the workbook's
#: ``Comments`` sheet, table ``xhs_note_comment``), both layouts: header → the pipeline's comment column. Only who
#: commented when is read; the text, pictures and nicknames are not.
COMMENT_COLUMNS = {
    "comment_id": "comment_id",
    "note_id": "note_id",
    "create_time": "create_time",
    "user_id": "user_id",
    "creator_hash": AUTHOR_HASH,
}
COMMENT_SIGNATURE = ("comment_id", "create_time", "note_id")


def is_comments(columns: list) -> bool:
    """Whether ``columns`` are MediaCrawler's comments (any layout)."""
    keys = {header_key(c) for c in columns}
    return set(COMMENT_SIGNATURE) <= keys and bool(keys & {"user_id", "creator_hash"})


#: MediaCrawler's comments as a source of their own: mapped by :func:`rename` like any crawler's notes.
MEDIACRAWLER_COMMENTS = Source(name="mediacrawler", columns=COMMENT_COLUMNS, blanks=("None",))


def comment_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A comments table as the pipeline's comment columns (:data:`COMMENT_COLUMNS`' values), strings, "" when absent."""
    out = rename(frame, MEDIACRAWLER_COMMENTS)
    return out.reindex(columns=list(COMMENT_COLUMNS.values()), fill_value="").reset_index(drop=True)


def header_key(name: object) -> str:
    """A header as compared: stripped of spaces and a BOM, lower-cased (``作品ID`` → ``作品id``)."""
    return str(name).strip().strip("\ufeff").strip().lower()


def recognise(columns: list) -> Source:
    """The crawler whose signature columns are all in ``columns`` (any case), else :data:`KAGGLE`."""
    keys = {header_key(c) for c in columns}
    for source in SOURCES:
        if set(source.signature) <= keys:
            return source
    return KAGGLE


def layout(source: Source, columns: list) -> str:
    """Which of ``source``'s layouts ``columns`` are: the first whose marking header they hold, else the last."""
    keys = {header_key(c) for c in columns}
    name = next((name for mark, name in source.layouts if mark in keys), source.layouts[-1][1])
    return f"{source.name} {name}"


def _headers(source: Source) -> dict[str, str]:
    """Every export header ``source`` knows → the pipeline column it becomes (personal ones → themselves)."""
    if source is KAGGLE:
        return {c: c for c in KAGGLE_COLUMNS} | {c: c for c in (AUTHOR_HASH,)} | ALIASES
    return {**source.columns, **{c: c for c in source.personal}}


def nearest(columns: list) -> str:
    """Which known layout ``columns`` are nearest (most headers in common) and which of its required headers they lack,
    as the end of a sentence: ``the nearest known layout is mediacrawler 2026-07 (…), which also has time, liked_count``.
    """
    keys = {header_key(c) for c in columns}
    candidates = (*SOURCES, KAGGLE)  # a tie goes to a crawler: the Kaggle aliases hold some of their headers
    shared = [len(keys & set(_headers(s))) for s in candidates]
    if max(shared) == 0:
        known = ", ".join(s.name for s in candidates)
        return f"they share no column with any layout clean knows ({known}; README, 'Your own crawl')"
    source = candidates[shared.index(max(shared))]
    headers = _headers(source)
    lacks = []
    for target in REQUIRED:
        names = [h for h, t in headers.items() if t == target or (target == "user_id" and t == AUTHOR_HASH)]
        if not keys & set(names):
            lacks.append(" or ".join(names))
    return f"the nearest layout clean knows is {layout(source, columns)}, whose notes also have {', '.join(lacks)}"


def is_crawler_export(columns: list) -> bool:
    """Whether ``columns`` are those of a crawler in :data:`SOURCES`."""
    return recognise(columns) is not KAGGLE


def rename(frame: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Keep and rename the columns ``source`` maps (its personal columns and anything else are dropped).

    For :data:`KAGGLE` the frame passes unchanged (:func:`rednote.ingest.schema.normalise_columns` handles it).
    Blank placeholders (``None``, ``未知``) become empty strings.
    """
    if not source.columns:
        return frame
    keyed = frame.rename(columns=header_key)
    keyed = keyed.loc[:, ~keyed.columns.duplicated()]
    out = pd.DataFrame(index=frame.index)
    for column, target in source.columns.items():
        if column in keyed.columns:
            values = keyed[column].astype("string").fillna("").str.strip()
            out[target] = values.mask(values.isin(source.blanks), "").astype(object)
    if source.empty_title is not None and "title" in out.columns:
        out["title"] = out["title"].mask(out["title"] == source.empty_title, "")
    if source.title_from_desc is not None and {"title", "content"} <= set(out.columns):
        content = out["content"].astype(str)
        filled = (content != "") & (out["title"] == content.str[: source.title_from_desc].str.strip())
        out["title"] = out["title"].mask(filled, "")
    return out


def harmonise(frame: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Note types onto :data:`TYPE_VALUES` and tag cells onto the ``#``-joined ``label`` the pipeline reads.

    ``frame``: pipeline columns (after :func:`rednote.ingest.schema.normalise_columns`), strings.
    """
    frame = frame.copy()
    kind = frame["type"].astype("string").fillna("").str.strip()
    values = TYPE_VALUES | source.types
    frame["type"] = kind.map(lambda v: values.get(v.lower(), v)).astype(object)
    frame["label"] = ["#".join(split_tags(v, source.tag_separator)) for v in frame["label"].astype("string").fillna("")]
    return frame


def split_tags(cell: str, separator: str) -> list[str]:
    """The tags in one cell, in every form the crawlers write.

    A JSON list (``["a", "b"]``), a Python list printed by ``str`` (``['a', 'b']``), a list of
    ``{"name": …}`` objects, a JSON string wrapping a joined list (``"a,b"``), ``#``-joined tags or
    ``#tag[话题]#`` markup, else ``separator``-joined text. Empty pieces are dropped.
    """
    text = str(cell).strip()
    if not text:
        return []
    if text[0] in "[\"'" and len(text) <= MAX_LITERAL:
        parsed = _literal(text)
        if isinstance(parsed, str):
            return split_tags(parsed, separator) if parsed != text else [parsed]
        if isinstance(parsed, (list, tuple)):
            names = (item.get("name", "") if isinstance(item, dict) else item for item in parsed)
            return [str(n).strip() for n in names if n is not None and str(n).strip()]
    pieces = text.split("#") if "#" in text else text.split(separator)
    return [p.strip() for p in pieces if p.strip()]


def _literal(text: str) -> object:
    """``text`` read as JSON, else as a Python literal (lists as ``str`` prints them); None when neither."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
