import hashlib
import hmac

import pandas as pd
import pytest
from crawler_exports import HASHED, WRITERS

from rednote.core.errors import UserError
from rednote.core.window import Window
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.exports import read_export
from rednote.ingest.privacy import creator_hash, pseudonymize, user_pseudonyms

WINDOW = Window.of("2025-01-01", "2025-02-28")
KEY = "test-key"


def test_posts_outside_the_window_are_dropped_and_counted(make_raw):
    raw = make_raw(
        [
            {"user_id": "a", "post_id": "1", "create_time": "12/31/2024 23:59", "like_count": "1"},
            {"user_id": "a", "post_id": "2", "create_time": "1/1/2025 0:00", "like_count": "2"},
            {
                "user_id": "a",
                "post_id": "3",
                "create_time": "2/28/2025 23:59",
                "like_count": "3",
            },  # last day counts whole
            {"user_id": "a", "post_id": "4", "create_time": "3/1/2025 0:00", "like_count": "4"},
        ]
    )
    posts, quality = clean_posts(raw, WINDOW, KEY)
    assert sorted(posts["likes"]) == [2, 3]
    assert quality["outside_window"] == 2
    assert quality["rows_kept"] == 2


def test_duplicate_posts_are_dropped_once(make_raw):
    row = {"user_id": "a", "post_id": "p1", "create_time": "1/5/2025 10:00", "title": "hi"}
    raw = make_raw([row, row, {**row, "post_id": "p2"}])
    posts, quality = clean_posts(raw, WINDOW, KEY)
    assert len(posts) == 2 and quality["duplicates"] == 1


def test_duplicates_without_post_id_are_found_by_user_time_and_text(make_raw):
    row = {"user_id": "a", "create_time": "1/5/2025 10:00", "title": "hi", "content": "there"}
    raw = make_raw([row, row, {**row, "content": "else"}])
    posts, quality = clean_posts(raw, WINDOW, KEY)
    assert len(posts) == 2 and quality["duplicates"] == 1


def test_counts_times_and_text_are_parsed(make_raw):
    raw = make_raw(
        [
            {
                "user_id": "a",
                "post_id": "1",
                "create_time": "1/14/2025 12:08",
                "like_count": "1.2万",
                "collect_count": "1千+",
                "comment_count": "10+",
                "share_count": "",
                "type": "video",
                "title": "Learning 中文",
                "content": "day 1 #tiktokrefugee[话题]# #学中文[话题]#",
                "label": "tiktokrefugee#LearnChinese",
            }
        ]
    )
    posts, _ = clean_posts(raw, WINDOW, KEY)
    row = posts.iloc[0]
    assert (row["likes"], row["collects"], row["comments"], row["shares"]) == (12000, 1000, 10, 0)
    assert row["created_at"] == pd.Timestamp("2025-01-14 12:08")
    assert bool(row["is_video"])
    assert "[话题]" not in row["text"] and "学中文" in row["text"] and "Learning 中文" in row["text"]
    assert list(row["tags"]) == ["learnchinese", "tiktokrefugee", "学中文"]


def test_unparseable_values_are_counted_per_column(make_raw):
    raw = make_raw(
        [
            {"user_id": "a", "post_id": "1", "create_time": "3天前", "like_count": "lots"},
            {"user_id": "b", "post_id": "2", "create_time": "1/3/2025 1:00", "share_count": "??"},
        ]
    )
    posts, quality = clean_posts(raw, WINDOW, KEY)
    assert quality["unparseable_times"] == 1
    assert quality["unparseable_counts"] == {"like_count": 1, "collect_count": 0, "comment_count": 0, "share_count": 1}
    assert len(posts) == 1


def test_no_personal_data_leaves_clean(make_raw):
    raw = make_raw(
        [
            {
                "user_id": "5f1e0c2b000000000101d2a3",
                "post_id": "678a",
                "create_time": "1/3/2025 1:00",
                "user_name": "Sarah in Ohio",
                "address": "https://www.xiaohongshu.com/user/profile/5f1e?xsec_token=ABC",
                "image": "https://sns-webpic-qc.xhscdn.com/x.jpg",
                "ip_localtion": "美国",
            }
        ]
    )
    posts, _ = clean_posts(raw, WINDOW, KEY)
    dumped = posts.astype(str).to_csv()
    for secret in SECRETS:
        assert secret not in dumped
    # the author key MediaCrawler derives (sha256, 16 hex digits), then HMAC-SHA256 under the key: by hand
    author = hashlib.sha256(b"5f1e0c2b000000000101d2a3").hexdigest()[:16]
    assert posts["user_id"].iloc[0] == hmac.new(KEY.encode(), author.encode(), hashlib.sha256).hexdigest()[:16]


SECRETS = ("5f1e0c2b000000000101d2a3", "678a00000000000000000001", "Sarah", "xsec_token", "xhscdn", "美国", "avatar")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_no_personal_data_leaves_clean_in_any_crawler_format(writer, make_raw, tmp_path):
    # each crawler adds its own: nickname, avatar, note URL with xsec_token, image and video URLs, IP location
    raw = make_raw(
        [
            {
                "user_id": "5f1e0c2b000000000101d2a3",
                "post_id": "678a00000000000000000001",
                "create_time": "1/3/2025 1:00",
                "title": "hello",
                "content": "学中文 #tiktokrefugee[话题]#",
                "label": "tiktokrefugee",
                "user_name": "Sarah in Ohio",
                "address": "https://www.xiaohongshu.com/user/profile/5f1e?xsec_token=ABC",
                "image": "https://sns-webpic-qc.xhscdn.com/x.jpg",
                "ip_localtion": "美国",
                "type": "video",
            }
        ]
    )
    name, write, _ = WRITERS[writer]
    write(raw, tmp_path / name)
    exported, read = read_export(tmp_path / name, 0.05)
    nickname = "S***o" if writer in HASHED else "Sarah in Ohio"  # today's MediaCrawler masks it
    assert nickname in (tmp_path / name).read_bytes().decode("utf-8", "ignore") or name.endswith(".xlsx")
    posts, _ = clean_posts(exported, WINDOW, KEY, name, 0.5, read.time_column)
    assert len(posts) == 1
    dumped = posts.astype(str).to_csv()
    # the creator_hash of the raw id links as well as the id: anyone holding the id computes it
    for secret in (*SECRETS, "S***o", hashlib.sha256(b"5f1e0c2b000000000101d2a3").hexdigest()[:16]):
        assert secret not in dumped, secret


def test_the_author_key_is_mediacrawlers_creator_hash():
    """Values computed with hashlib from MediaCrawler's tools/user_hash.py (sha256 of the stripped id, 16 hex
    digits): the key a raw id and today's hashed export share."""
    keys = creator_hash(pd.Series(["5f2a0c3e000000000101d1f0", " u123 ", "", None], dtype=object))
    assert keys.tolist() == ["adfdd34053d93b1c", "06c0a1fbb20ef076", "", ""]


def test_a_pseudonym_is_hmac_sha256_by_the_published_test_vector():
    """RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?") = 5bdcc146bf60754e6a04…"""
    vector = pseudonymize(pd.Series(["what do ya want for nothing?"]), "Jefe")
    assert vector.tolist() == ["5bdcc146bf60754e"]
    assert pseudonymize(pd.Series(["what do ya want for nothing?"]), "Jefe", length=32)[0] == (
        "5bdcc146bf60754e6a042426089575c7"
    )


def test_pseudonyms_are_stable_per_key_and_differ_across_keys():
    ids = pd.Series(["u1", "u2", "u1", "", None], dtype=object)
    first, again, other = pseudonymize(ids, "k1"), pseudonymize(ids, "k1"), pseudonymize(ids, "k2")
    assert first.tolist() == again.tolist()
    assert first[0] == first[2] != first[1]
    assert first[3] == first[4] == ""  # an empty or missing id stays empty: no pseudonym shared by the id-less
    assert pseudonymize(pd.Series(["u1", None], dtype=object), "k1").tolist() == [first[0], ""]  # with no empty one
    assert other[0] != first[0]


def test_more_unreadable_times_than_the_share_allowed_stop_clean_with_what_they_look_like(make_raw):
    times = ["1738341000000000", "1738341000000000", "3天前", "1/3/2025 1:00", "1/4/2025 1:00"]
    raw = make_raw([{"user_id": f"u{i}", "post_id": f"p{i}", "create_time": t} for i, t in enumerate(times)])
    with pytest.raises(UserError, match=r"3 of the 5 \(60%\) `time` values .*\(2 16-digit numbers, 1 like '3天前'\)"):
        clean_posts(raw, WINDOW, KEY, "export.csv", 0.5, "time")
    posts, quality = clean_posts(raw, WINDOW, KEY, "export.csv", 0.6, "time")
    assert len(posts) == 2 and quality["unparseable_times"] == 3


def test_an_export_of_which_no_post_survives_stops_clean(make_raw):
    raw = make_raw([{"user_id": "u1", "post_id": "p1", "create_time": "3/2/2025 1:00"}])
    with pytest.raises(UserError) as stopped:
        clean_posts(raw, WINDOW, KEY, "export.csv")
    assert str(stopped.value) == (
        "no post of export.csv survives cleaning: of its 1 rows 1 fall outside clean.window_start..window_end "
        "(2025-01-01..2025-02-28; the export's times run 2025-03-02..2025-03-02), 0 repeat a post and 0 lack a "
        "user_id; check clean.window_* against the crawl's dates, or point data.raw at the right export."
    )


def test_the_account_creation_day_is_read_before_the_id_is_hashed_and_unknown_ones_are_counted(make_raw):
    raw = make_raw(
        [
            {"user_id": "6784c212000000000801d9d3", "post_id": "1", "create_time": "1/20/2025 10:00"},
            {"user_id": "6784c212000000000801d9d3", "post_id": "2", "create_time": "1/21/2025 10:00"},
            {"user_id": "5f0a0b0c0000000001000000", "post_id": "3", "create_time": "1/22/2025 10:00"},
            {"user_id": "3f2a9c1d0b7e4a55", "post_id": "4", "create_time": "1/23/2025 10:00"},
        ]
    )
    posts, quality = clean_posts(raw, WINDOW, KEY)
    by_user = posts.groupby("user_id")["account_created"].first()
    refugee = by_user[user_pseudonyms(pd.Series(["6784c212000000000801d9d3"]), KEY)[0]]
    old = by_user[
        user_pseudonyms(pd.Series(["5f0a0b0c0000000001000000"]), KEY)[0]
    ]  # 2020-07-11 18:55 UTC: the 12th in Beijing
    assert refugee == pd.Timestamp("2025-01-13") and old == pd.Timestamp("2020-07-12")
    assert quality["account_created_unknown_users"] == 1
    assert (posts["account_created"].dropna() == posts["account_created"].dropna().dt.normalize()).all()
    assert "6784c212" not in "".join(posts.astype(str).to_numpy().ravel())  # no trace of the raw id


def test_a_wrong_export_timezone_moves_posts_across_the_first_of_february(make_raw):
    """A Spider_XHS export made on a machine in Berlin prints Berlin clock readings. 2025-01-31 18:30 in Berlin
    (UTC+1 in winter) is 2025-02-01 01:30 in Beijing (UTC+8): a February post. Read in the default zone it stays
    a January post, and the user who made it looks lost. An epoch time is an instant: no zone moves it."""
    raw = make_raw(
        [
            {"user_id": "a", "post_id": "1", "create_time": "2025-01-31 18:30:00"},
            {"user_id": "a", "post_id": "2", "create_time": "2025-01-31 16:59:00"},
            # 1738340400000 ms = 2025-01-31 16:20:00 UTC = 2025-02-01 00:20 in Beijing, whatever the export's zone
            {"user_id": "a", "post_id": "3", "create_time": "1738340400000"},
        ]
    )
    by_zone = {
        zone: clean_posts(raw, WINDOW, KEY, export_timezone=zone)
        for zone in ("Asia/Shanghai", "Europe/Berlin", "America/New_York")
    }
    shanghai, berlin = by_zone["Asia/Shanghai"][0], by_zone["Europe/Berlin"][0]
    assert sorted(shanghai["created_at"].dt.strftime("%m-%d %H:%M")) == ["01-31 16:59", "01-31 18:30", "02-01 00:20"]
    assert sorted(berlin["created_at"].dt.strftime("%m-%d %H:%M")) == ["01-31 23:59", "02-01 00:20", "02-01 01:30"]
    assert sorted(by_zone["America/New_York"][0]["created_at"].dt.strftime("%m-%d %H:%M")) == [
        "02-01 00:20",
        "02-01 05:59",
        "02-01 07:30",
    ]
    february = {zone: int((posts["created_at"] >= "2025-02-01").sum()) for zone, (posts, _) in by_zone.items()}
    assert february == {"Asia/Shanghai": 1, "Europe/Berlin": 2, "America/New_York": 3}
    assert all(quality["export_timezone"] == zone for zone, (_, quality) in by_zone.items())


def test_rows_parsed_a_slice_at_a_time_are_the_rows_of_the_whole_export():
    """What the Dask engine relies on: parse_rows looks at one row at a time, so slices of an export (here the sample,
    cut in three) give the whole export's rows and, summed, its counts."""
    from e2e import ROOT

    from rednote.ingest.cleaning import add_counts, parse_rows

    raw, _ = read_export(ROOT / "data" / "sample" / "tt_refugee_sample.csv", 0.05)
    whole, quality = parse_rows(raw, WINDOW)
    parts = [parse_rows(raw.iloc[a:b], WINDOW) for a, b in ((0, 1000), (1000, 1001), (1001, len(raw)))]
    pd.testing.assert_frame_equal(pd.concat([rows for rows, _ in parts]), whole)
    summed = add_counts(add_counts(parts[0][1], parts[1][1]), parts[2][1])
    assert summed == quality and summed["rows_in"] == len(raw) == 4117
    assert (
        summed["unparseable_counts"] == quality["unparseable_counts"] and summed["export_timezone"] == "Asia/Shanghai"
    )


def test_unreadable_times_are_described_by_kind_as_counted_by_hand():
    from rednote.ingest.cleaning import describe_unreadable

    printed = pd.Series(
        ["", " ", None, "1736900000000", "1736900000001", "123", "3天前", "01-14", "3天前", "昨天", "x"]
    )
    # empty: "", " " (stripped) and None; numbers by length: one of 3 digits, two of 13; five others, the first three
    # distinct quoted
    assert (
        describe_unreadable(printed) == "3 empty, 1 3-digit number, 2 13-digit numbers, 5 like '3天前', '01-14', '昨天'"
    )
    assert describe_unreadable(pd.Series(["7"])) == "1 1-digit number"


def test_quality_counts_of_slices_add_up_key_by_key():
    from rednote.ingest.cleaning import add_counts

    a = {"rows_in": 1, "unparseable_counts": {"like_count": 1}, "export_timezone": "Asia/Shanghai"}
    b = {
        "rows_in": 2,
        "unparseable_counts": {"like_count": 2, "share_count": 1},
        "duplicates": 3,
        "export_timezone": "x",
    }
    assert add_counts(a, b) == {
        "rows_in": 3,
        "unparseable_counts": {"like_count": 3, "share_count": 1},
        "export_timezone": "Asia/Shanghai",
        "duplicates": 3,
    }
    assert a["rows_in"] == 1  # the first is not changed


def test_every_data_quality_count_of_a_hand_made_export_counted_by_hand(make_raw):
    refugee, old, hashed = "6784c212000000000801d9d3", "5f0a0b0c0000000001000000", "3f2a9c1d0b7e4a55"
    first = {"user_id": refugee, "post_id": "a1", "create_time": "1/20/2025 10:00", "like_count": "1.2万",
             "collect_count": "-1", "comment_count": "x", "share_count": "", "type": "video", "title": "hi"}  # fmt: skip
    raw = make_raw(
        [
            first,
            first,  # a copy
            {"user_id": refugee, "post_id": "a2", "create_time": "3/2/2025 1:00"},  # after the window
            {"user_id": "", "post_id": "b1", "create_time": "1/22/2025 10:00"},  # no author
            {"user_id": hashed, "post_id": "c1", "create_time": ""},  # no time, and no note id to read one from
            {"user_id": old, "post_id": "d1", "create_time": "yesterday"},  # a time not read
            {"user_id": old, "post_id": "d2", "create_time": "1/25/2025 08:00"},
            {"user_id": hashed, "post_id": "c2", "create_time": "1/26/2025 09:00"},
        ]
    )
    posts, quality = clean_posts(raw, WINDOW, KEY, max_unreadable_time_share=0.5)
    counts = ("like_count", "collect_count", "comment_count", "share_count")
    assert quality == {
        "rows_in": 8,
        "unparseable_counts": dict(zip(counts, [0, 0, 2, 0])),  # "x" twice; "" is 0 and "-1" unknown, not unreadable
        "unknown_counts": dict(zip(counts, [0, 2, 0, 0])),
        "unparseable_times": 1,
        "missing_times": 1,
        "recovered_times": 0,
        "export_timezone": "Asia/Shanghai",
        "missing_user_id": 1,
        "duplicates": 1,
        "outside_window": 1,  # the March post; the two without a time are neither inside nor outside
        "rows_kept": 3,
        "account_created_unknown_users": 1,  # the author whose id gives no day
        "users_known_only_by_hash": 0,
        "users": 3,
    }
    assert posts["likes"].tolist() == [12000, 0, 0] and posts["is_video"].tolist() == [True, False, False]
    assert posts["created_at"].tolist() == [
        pd.Timestamp(t) for t in ("2025-01-20 10:00", "2025-01-25 08:00", "2025-01-26 09:00")
    ]
