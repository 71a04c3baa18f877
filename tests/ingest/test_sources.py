"""The crawlers' exports give exactly the posts, users and labels of the same posts in the Kaggle layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from crawler_exports import (
    HASHED,
    WRITERS,
    read_kaggle,
    to_mediacrawler_2026,
    write_mediacrawler_2026_comments_jsonl,
    write_mediacrawler_2026_jsonl,
    write_mediacrawler_csv,
)
from e2e import ROOT, commit, copy_repo, sh

from rednote.core.errors import UserError
from rednote.core.params import load_params
from rednote.core.window import Window
from rednote.features.cohort import ACCOUNT_FEATURES, build_users, label_users
from rednote.ingest.cleaning import clean_comments, clean_posts
from rednote.ingest.exports import read_export, sniff
from rednote.ingest.parsing import parse_times, times_from_note_ids
from rednote.ingest.privacy import user_pseudonyms
from rednote.ingest.sources import (
    KAGGLE,
    MEDIACRAWLER,
    SPIDER_XHS,
    XHS_DOWNLOADER,
    harmonise,
    layout,
    recognise,
    split_tags,
)
from rednote.synthetic.sample import COLUMNS as HEADER

WINDOW = Window.of("2025-01-01", "2025-02-28")
JANUARY, FEBRUARY = Window.of("2025-01-01", "2025-01-31"), Window.of("2025-02-01", "2025-02-28")
KEY = "test-key"
COUNT_FORMS = ["37", "1.2万", "10+", "", "1千+", "0", "5", "10万+"]


def note_id(when: str, salt: str) -> str:
    """A 24-hex id in the site's layout: the publish second (``when`` in Beijing time), then 16 hex digits."""
    second = int(pd.Timestamp(when).tz_localize("Asia/Shanghai").timestamp())
    return f"{second:08x}" + hashlib.sha256(salt.encode()).hexdigest()[:16]


def post(user: int, when: str, n: int, **over: str) -> dict[str, str]:
    printed = pd.Timestamp(when)
    row = {
        "title": "" if n % 4 == 0 else f"第{n}篇 post {n}",
        "content": f"hello from user {user} 学中文 #tiktokrefugee[话题]# #日常{user % 3}[话题]# line {n}",
        "address": f"https://www.xiaohongshu.com/user/profile/{user:024x}?xsec_token=TOKEN{user}=&xsec_source=pc_note",
        "label": f"tiktokrefugee#日常{user % 3}" + ("#vlog" if n % 3 == 0 else ""),
        "user_name": f"Sarah{user} in Ohio",
        "user_id": f"67{user:022x}",
        "like_count": COUNT_FORMS[n % len(COUNT_FORMS)],
        "collect_count": COUNT_FORMS[(n + 3) % len(COUNT_FORMS)],
        "comment_count": str(n % 7),
        "share_count": COUNT_FORMS[(n + 5) % len(COUNT_FORMS)],
        "create_time": f"{printed.month}/{printed.day}/{printed.year} {printed.hour}:{printed.minute:02d}",
        "post_id": note_id(when, f"{user}-{n}"),
        "ip_localtion": "美国",
        "image": f"https://sns-webpic-qc.xhscdn.com/202501/{n:032x}!nd_dft_wlteh_webp_3",
        "type": "video" if n % 3 == 1 else "normal",
    }
    row.update(over)
    return row


def kaggle_posts() -> pd.DataFrame:
    """Three dozen posts by 12 users, with the edge cases each crawler must keep."""
    rows, n = [], 0
    for user in range(12):
        for day in (3 + user, 15 + user % 10):
            rows.append(post(user, f"2025-01-{day:02d} {8 + user % 12}:{(7 * user) % 60:02d}", n))
            n += 1
        if user < 4:  # retained the ordinary way
            rows.append(post(user, f"2025-02-{5 + user:02d} 20:15", n))
            n += 1
    rows.append(post(4, "2025-02-01 00:30", n))  # 00:30 Beijing on 1 Feb: still 31 Jan in UTC, but a February post
    rows.append(post(5, "2025-03-01 00:30", n + 1))  # 00:30 Beijing on 1 Mar: 28 Feb in UTC, but outside the window
    rows.append(post(6, "2025-01-31 23:59", n + 2))  # the last minute of January
    rows.append(post(7, "2025-02-10 09:45", n + 3, create_time=""))  # no time: its note id gives 10 Feb
    rows.append(post(8, "2025-01-20 11:11", n + 4, like_count="-1"))  # a count the crawler could not read
    rows.append(rows[3].copy())  # a repeated note
    return pd.DataFrame(rows, columns=HEADER)


def clean_export(path: Path) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    raw, read = read_export(path, 0.05)
    posts, quality = clean_posts(raw, WINDOW, KEY, str(path), 0.5, read.time_column)
    quality.update(source=read.source, format=read.format, layout=read.layout)
    return posts, quality, build_users(posts, JANUARY, FEBRUARY)


@pytest.fixture(scope="module")
def kaggle(tmp_path_factory):
    frame = kaggle_posts()
    path = tmp_path_factory.mktemp("kaggle") / "tt_refugee.csv"
    frame.to_csv(path, index=False)
    return frame, clean_export(path)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_crawler_export_gives_the_posts_users_and_labels_of_the_kaggle_layout(writer, kaggle, tmp_path):
    frame, (k_posts, k_quality, k_users) = kaggle
    name, write, source = WRITERS[writer]
    write(frame, tmp_path / name)
    posts, quality, users = clean_export(tmp_path / name)

    assert quality["source"] == source and k_quality["source"] == "kaggle"
    if writer in HASHED:  # authors known only by creator_hash: nothing but their accounts' creation days differs
        assert quality["layout"].startswith("mediacrawler 2026-07 (commit 9f4f8bf")
        assert posts["account_created"].isna().all() and k_posts["account_created"].notna().all()
        assert (quality["account_created_unknown_users"], k_quality["account_created_unknown_users"]) == (12, 0)
        assert (quality["users_known_only_by_hash"], k_quality["users_known_only_by_hash"]) == (12, 0)
        undated = list(ACCOUNT_FEATURES) + ["account_created"]
        k_posts = k_posts.assign(account_created=pd.NaT)
        k_users = k_users.drop(columns=undated)
        users = users.drop(columns=undated)
    pd.testing.assert_frame_equal(posts, k_posts)  # ids, users, counts, times, type, text, tags
    pd.testing.assert_frame_equal(users, k_users)  # features and `retained`
    for key in ("rows_kept", "users", "recovered_times", "outside_window", "unparseable_counts"):
        assert quality[key] == k_quality[key], key
    if source == "xhs_downloader":  # it writes -1 where the page showed no count, which Kaggle leaves empty
        assert all(quality["unknown_counts"][c] >= n for c, n in k_quality["unknown_counts"].items())
    else:
        assert quality["unknown_counts"] == k_quality["unknown_counts"]


@pytest.mark.parametrize("older", ["mediacrawler_csv", "spider_xhs_xlsx"])
def test_a_folder_mixing_raw_and_hashed_ids_joins_each_persons_notes(older, kaggle, tmp_path):
    """Rows 0-19 exported with raw user ids (MediaCrawler before July 2026, or Spider_XHS), rows 10 on by today's
    MediaCrawler (creator_hash only): ten notes in both. Every author is one user, as in the Kaggle file.

    By hand (:func:`kaggle_posts`): rows 0-19 are users 0-7's own, so users 8-11 appear only hashed (rows 20-27
    and the edge cases 28-33, which belong to users 4-8 and 1)."""
    frame, (k_posts, k_quality, k_users) = kaggle
    name, write, _ = WRITERS[older]
    write(frame.iloc[:20], tmp_path / name)
    write_mediacrawler_2026_jsonl(frame.iloc[10:], tmp_path / "search_contents_2026-08-01.jsonl")
    posts, quality, users = clean_export(tmp_path)

    assert frame["user_id"].nunique() == 12 and quality["users"] == k_quality["users"] == 12
    assert quality["duplicates"] == k_quality["duplicates"] + 10
    assert "mediacrawler 2026-07" in quality["layout"] and len(quality["layout"].split(" + ")) == 2
    assert quality["users_known_only_by_hash"] == quality["account_created_unknown_users"] == 4
    dated = posts.groupby("user_id")["account_created"].agg(["first", "nunique", "size"])
    assert int(dated["first"].notna().sum()) == 8  # users 0-7, on every row, their hashed ones too:
    assert (dated["nunique"] == 1).sum() == 8 and posts["account_created"].notna().sum() == dated["size"][
        dated["nunique"] == 1
    ].sum()
    pd.testing.assert_frame_equal(posts.drop(columns="account_created"), k_posts.drop(columns="account_created"))
    pd.testing.assert_series_equal(users["retained"], k_users["retained"])


COMMENTED = [  # (who, note, when in Beijing): by hand against kaggle_posts()
    ("67" + f"{9:022x}", 0, "2025-02-12 12:00"),  # user 9 posted nothing in February: only this comment
    ("67" + f"{9:022x}", 0, "2025-02-12 12:00"),  # the same comment saved twice (same comment_id below)
    ("67" + f"{10:022x}", 1, "2025-03-02 09:00"),  # outside the study window
    ("67" + f"{11:022x}", 2, "2025-01-20 10:00"),  # in January: no February activity
    ("5f0000000000000000000abc", 3, "2025-02-15 10:00"),  # someone who never posted
]


def test_a_comment_in_february_retains_a_user_under_posts_and_comments_only(tmp_path):
    frame = kaggle_posts()
    write_mediacrawler_2026_jsonl(frame, tmp_path / "search_contents_2026-08-01.jsonl")
    comments = [
        {"comment_id": "c0" if i < 2 else f"c{i}", "user_id": who, "note_id": frame["post_id"].iloc[note],
         "when": when, "content": "好"}
        for i, (who, note, when) in enumerate(COMMENTED)
    ]  # fmt: skip
    write_mediacrawler_2026_comments_jsonl(comments, tmp_path / "search_comments_2026-08-01.jsonl")
    raw, read = read_export(tmp_path, 0.05)
    assert read.comment_files == ["search_comments_2026-08-01.jsonl"] and read.comment_rows == 5
    posts, _ = clean_posts(raw, WINDOW, KEY, "", 0.5, read.time_column)
    kept, quality = clean_comments(read.comments, posts["user_id"], WINDOW, KEY)
    assert quality == {
        "comments_read": 5,
        "comments_repeated": 1,
        "comments_without_time_or_author": 0,
        "comments_outside_window": 1,
        "comments_by_non_posters": 1,
        "comments_kept": 2,
    }
    nine = user_pseudonyms(pd.Series(["67" + f"{9:022x}"]), KEY)[0]
    label = load_params(ROOT / "params.yaml").label.model_copy(update={"design": "calendar"})
    retained = {}
    for activity in ("posts", "posts_and_comments"):
        p = label.model_copy(update={"activity": activity})
        users, info = label_users(posts, p, "posts", kept)
        retained[activity] = set(users.loc[users["retained"] == 1, "user_id"])
        assert info["activity"] == activity
    assert len(retained["posts"]) == 6 and nine not in retained["posts"]
    assert retained["posts_and_comments"] == retained["posts"] | {nine}
    assert info["retained_by_comments_only"] == 1


def test_the_edge_cases_are_where_beijing_time_puts_them(kaggle):
    frame, (posts, quality, users) = kaggle
    retained = dict(zip(users["user_id"], users["retained"]))
    ids = clean_posts(frame, WINDOW, KEY)[0].set_index("created_at")["user_id"]
    feb_0030 = ids[pd.Timestamp("2025-02-01 00:30")]
    assert retained[feb_0030] == 1  # user 4 posts only in January and at 00:30 on 1 February
    assert pd.Timestamp("2025-03-01 00:30") not in ids.index  # user 5's March post is outside the window
    assert retained[ids[pd.Timestamp("2025-02-10 09:45")]] == 1  # user 7's time came from the note id
    assert quality["recovered_times"] == 1 and quality["duplicates"] == 1
    assert quality["unknown_counts"]["like_count"] == 1 and quality["unparseable_counts"]["like_count"] == 0
    assert users["retained"].sum() == 6  # users 0-3, 4 (00:30), 7 (recovered)


def test_epoch_milliseconds_are_beijing_time():
    # 2025-01-31 16:30 UTC is 00:30 on 1 February in Beijing
    times, bad = parse_times(pd.Series(["1738341000000", "1738341000", "2025-02-01_00:30:00"]))
    assert times.tolist() == [pd.Timestamp("2025-02-01 00:30")] * 3 and not bad.any()
    assert FEBRUARY.contains(times).all()


def test_a_note_id_gives_its_publish_second():
    # a real API response pairs this note with time 1681220903000
    (recovered,) = times_from_note_ids(pd.Series(["64356527000000001303282b"]))
    assert recovered == pd.Timestamp(1681220903000, unit="ms", tz="UTC").tz_convert("Asia/Shanghai").tz_localize(None)
    assert times_from_note_ids(pd.Series(["n1", "", "64356527"])).isna().all()


def test_the_bundled_sample_ids_carry_their_posts_times():
    sample = read_kaggle(ROOT / "data" / "sample" / "tt_refugee_sample.csv")
    times, _ = parse_times(sample["create_time"])
    from_ids = times_from_note_ids(sample["post_id"])
    readable = times.notna()
    assert readable.sum() > 4000 and from_ids.notna().all()
    assert (times[readable].dt.floor("min") == from_ids[readable].dt.floor("min")).all()


def test_ids_off_the_layout_give_no_time():
    raw = kaggle_posts().iloc[:6].copy()
    raw.loc[0, "create_time"] = ""
    raw.loc[0, "post_id"] = "ffffffff" + "0" * 16  # the year 2106: not a publish time
    raw.loc[1, "create_time"] = ""
    raw.loc[1, "post_id"] = "00000001" + "0" * 16  # 1970
    _, quality = clean_posts(raw, WINDOW, KEY)
    assert quality["recovered_times"] == 0 and quality["rows_kept"] == 4


@pytest.mark.parametrize(
    ("cell", "separator", "tags"),
    [
        ("['tiktokrefugee', '学中文']", ",", ["tiktokrefugee", "学中文"]),  # Spider_XHS: str(list)
        ('["tiktokrefugee", "学中文"]', ",", ["tiktokrefugee", "学中文"]),  # a JSON list
        ('[{"name": "tiktokrefugee", "type": "topic"}]', ",", ["tiktokrefugee"]),  # the API's tag objects
        ('"tiktokrefugee,学中文"', ",", ["tiktokrefugee", "学中文"]),  # MediaCrawler's SQLite: json.dumps of a string
        ("tiktokrefugee,学中文", ",", ["tiktokrefugee", "学中文"]),  # MediaCrawler CSV/JSON
        ("tiktokrefugee 学中文", " ", ["tiktokrefugee", "学中文"]),  # XHS-Downloader
        (
            "#tiktokrefugee[话题]# #学中文[话题]#",
            " ",
            ["tiktokrefugee[话题]", "学中文[话题]"],
        ),  # markup (normalised later)
        ("tiktok refugee#funny", "#", ["tiktok refugee", "funny"]),  # Kaggle
        ("[]", ",", []),
        ("", ",", []),
        ("[unclosed, list", ",", ["[unclosed", "list"]),
    ],
)
def test_tags_are_read_in_every_form(cell, separator, tags):
    assert split_tags(cell, separator) == tags


def test_note_types_are_read_as_each_crawler_prints_them():
    """Spider_XHS prints an image note 图集; XHS-Downloader 2.6 on prints 图集 for a slideshow, a video-type note,
    and under its English interface image, video, LivePhoto or unknown."""
    printed = pd.DataFrame({"type": ["图集", "图文", "视频", "image", "LivePhoto", "video"], "label": [""] * 6})
    assert harmonise(printed, SPIDER_XHS)["type"].tolist()[:3] == ["normal", "normal", "video"]
    assert harmonise(printed, XHS_DOWNLOADER)["type"].tolist() == [
        "video",
        "normal",
        "video",
        "normal",
        "normal",
        "video",
    ]


def test_each_crawler_is_told_by_its_header():
    assert recognise(["note_id", "type", "time", "user_id", "liked_count", "xsec_token"]) is MEDIACRAWLER
    today = ["note_id", "type", "time", "creator_hash", "nickname", "liked_count", "xsec_token"]
    assert recognise(today) is MEDIACRAWLER
    assert layout(MEDIACRAWLER, today).startswith("mediacrawler 2026-07")
    assert layout(MEDIACRAWLER, ["note_id", "time", "user_id", "liked_count"]).startswith("mediacrawler 2025")
    assert recognise(["笔记id", "用户id", "上传时间", "点赞数量"]) is SPIDER_XHS
    assert recognise(["作品ID", "作者ID", "发布时间", "点赞数量"]) is XHS_DOWNLOADER
    assert recognise(["title", "user_id", "create_time", "like_count"]) is KAGGLE


def test_an_unknown_layout_stops_with_the_columns_found_and_the_nearest_layout_and_what_it_lacks(tmp_path):
    """Today's MediaCrawler notes without `time` and `liked_count`, and a table no crawler writes."""
    notes = [
        {k: v for k, v in r.items() if k not in ("time", "liked_count")} for r in to_mediacrawler_2026(kaggle_posts())
    ]
    cut = tmp_path / "search_contents_2026-08-01.jsonl"
    cut.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in notes), encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("foo,bar\n1,2\n", encoding="utf-8")
    for path, expected in (
        (
            cut,
            "the nearest layout clean knows is mediacrawler 2026-07 (commit 9f4f8bf, 2026-07-01 on: creator_hash, "
            "masked nicknames), whose notes also have time, liked_count.",
        ),
        (other, "they share no column with any layout clean knows (mediacrawler, spider_xhs, xhs_downloader, kaggle"),
    ):
        with pytest.raises(UserError) as caught:
            read_export(path, 0.05)
        message = str(caught.value)
        assert message.startswith(f"{path} lacks the required column(s) ") and expected in message, message
        assert "(found: " in message and "\n" not in message and message.count(". ") == 0


def test_the_format_is_told_by_content_before_extension(tmp_path):
    frame = kaggle_posts()
    for writer, expected in (
        ("mediacrawler_json", "json"),
        ("spider_xhs_xlsx", "xlsx"),
        ("xhs_downloader_db", "sqlite"),
    ):
        path = tmp_path / f"{writer}.csv"  # a misleading extension
        WRITERS[writer][1](frame, path)
        assert sniff(path) == expected
        assert read_export(path, 0.05)[1].source == WRITERS[writer][2]


@pytest.mark.slow
def test_dvc_runs_on_a_mediacrawler_export_and_its_daily_files_give_the_kaggle_cohort(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    sample = read_kaggle(repo / "data" / "sample" / "tt_refugee_sample.csv")
    export = repo / "data" / "raw" / "mediacrawler" / "search_contents_2025-02-28.csv"
    export.parent.mkdir(parents=True)
    write_mediacrawler_csv(sample, export)
    daily = repo / "data" / "raw" / "daily"
    daily.mkdir()
    half = len(sample) // 2
    write_mediacrawler_csv(sample.iloc[: half + 100], daily / "search_contents_2025-01-31.csv")  # 100 notes in both
    write_mediacrawler_csv(sample.iloc[half:], daily / "search_contents_2025-02-28.csv")
    commit(repo, "sample and its MediaCrawler exports")
    sh(repo, "dvc", "repro", "label")
    kaggle_cohort = (repo / "metrics" / "cohort.json").read_text()
    commit(repo, "Kaggle-layout run")
    for raw in ("data/raw/mediacrawler/search_contents_2025-02-28.csv", "data/raw/daily"):
        sh(repo, "dvc", "exp", "run", "label", "-S", f"data.raw={raw}")
        assert (repo / "metrics" / "cohort.json").read_text() == kaggle_cohort, raw
        quality = json.loads((repo / "metrics" / "data_quality.json").read_text())
        assert (quality["source"], quality["format"]) == ("mediacrawler", "csv")
    assert quality["files"] == ["search_contents_2025-01-31.csv", "search_contents_2025-02-28.csv"]
