import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rednote.ingest.parsing import account_creation_days, parse_counts, parse_times


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("37", 37),
        ("0", 0),
        ("1.2万", 12_000),
        ("3万", 30_000),
        ("10万+", 100_000),
        ("1千+", 1_000),  # the study's parser read this as 1
        ("2.5千", 2_500),
        ("10+", 10),
        ("1,234", 1_234),
        (" 56 ", 56),
        ("", 0),
        ("赞", 0),  # the site prints the button label instead of a zero
        ("收藏", 0),
        ("1.5w", 15_000),
    ],
)
def test_counts_as_the_site_prints_them(printed, expected):
    counts, bad = parse_counts(pd.Series([printed]))
    assert counts.tolist() == [expected]
    assert bad.tolist() == [False]


def test_missing_values_are_zero_and_not_unparseable():
    counts, bad = parse_counts(pd.Series([None, float("nan")], dtype=object))
    assert counts.tolist() == [0, 0]
    assert not bad.any()


@pytest.mark.parametrize("printed", ["abc", "-5", "1e5", "万", "12万万", "1.2.3"])
def test_unreadable_counts_become_zero_and_are_flagged(printed):
    counts, bad = parse_counts(pd.Series([printed]))
    assert counts.tolist() == [0]
    assert bad.tolist() == [True]


@given(st.integers(min_value=0, max_value=10**12))
def test_plain_integers_round_trip(n):
    counts, bad = parse_counts(pd.Series([str(n)]))
    assert counts.iloc[0] == n and not bad.iloc[0]


@given(st.integers(min_value=0, max_value=99_999).map(lambda x: x / 10))
def test_wan_multiplies_by_ten_thousand(x):
    counts, _ = parse_counts(pd.Series([f"{x}万"]))
    assert counts.iloc[0] == round(x * 10_000)


@given(st.lists(st.text(max_size=12), max_size=30))
def test_count_parser_never_raises_and_keeps_length(values):
    counts, bad = parse_counts(pd.Series(values, dtype=object))
    assert len(counts) == len(values) == len(bad)
    assert (counts >= 0).all()
    assert str(counts.dtype) == "int64"


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("1/14/2025 12:08", "2025-01-14 12:08"),
        ("2/3/2025 9:05", "2025-02-03 09:05"),
        ("01/14/2025 12:08:33", "2025-01-14 12:08:33"),
        ("2025-01-14 12:08:33", "2025-01-14 12:08:33"),
        ("2025-01-14 12:08", "2025-01-14 12:08"),
        ("2025/1/14 12:08", "2025-01-14 12:08"),
        ("2025-01-14T12:08:33", "2025-01-14 12:08:33"),
        ("2025-02-28", "2025-02-28 00:00"),
    ],
)
def test_time_forms(printed, expected):
    times, bad = parse_times(pd.Series([printed]))
    assert times.iloc[0] == pd.Timestamp(expected)
    assert not bad.iloc[0]


@pytest.mark.parametrize(
    "printed", ["3天前", "昨天 18:20", "01-14", "not a date", "2/30/2025 1:00", "1/1/1900 0:00", "13/45/2025 99:99"]
)
def test_unreadable_times_are_nat_and_flagged(printed):
    times, bad = parse_times(pd.Series([printed]))
    assert pd.isna(times.iloc[0])
    assert bad.iloc[0]


def test_empty_time_is_missing_not_unparseable():
    times, bad = parse_times(pd.Series(["", None], dtype=object))
    assert times.isna().all() and not bad.any()


@given(
    st.datetimes(
        min_value=pd.Timestamp("2001-01-01").to_pydatetime(), max_value=pd.Timestamp("2099-12-31").to_pydatetime()
    )
)
def test_export_form_round_trips(moment):
    printed = f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment.minute:02d}"
    times, bad = parse_times(pd.Series([printed]))
    assert times.iloc[0] == pd.Timestamp(moment).floor("min") and not bad.iloc[0]


@given(st.lists(st.text(max_size=20), max_size=30))
def test_time_parser_never_raises(values):
    times, bad = parse_times(pd.Series(values, dtype=object))
    assert len(times) == len(values) == len(bad)


def test_an_accounts_creation_day_is_the_beijing_day_of_its_ids_first_eight_hex_digits():
    # 0x6784c212 = 1736753682 s = 2025-01-13 07:34:42 UTC = 15:34:42 in Beijing (a user of the adaptation crawl)
    # 0x67840000 = 1736704000 s = 2025-01-12 17:46:40 UTC = 2025-01-13 01:46:40 in Beijing: the next day there
    ids = pd.Series(["6784c212000000000801d9d3", "67840000aaaaaaaaaaaaaaaa", "6784C212000000000801D9D3"])
    first_post = pd.Series(pd.to_datetime(["2025-01-20 10:00"] * 3))
    days = account_creation_days(ids, first_post)
    assert list(days) == [pd.Timestamp("2025-01-13")] * 3


def test_hashed_numeric_and_implausible_ids_give_an_unknown_day():
    ids = pd.Series(
        [
            "3f2a9c1d0b7e4a55",  # MediaCrawler's creator_hash: 16 hex digits of a sha256
            "5791234567",  # a numeric id
            "000000010000000000000000",  # 1970: before the site existed
            "6784c212000000000801d9d3",  # made after the account's first post here
            "",
        ]
    )
    first_post = pd.Series(pd.to_datetime(["2025-01-20"] * 3 + ["2025-01-10", "2025-01-20"]))
    assert account_creation_days(ids, first_post).isna().all()


def test_the_edges_of_plausible_times_epochs_and_account_days():
    from rednote.ingest.parsing import times_from_note_ids

    # 1000000000 s is 2001-09-09 01:46:40 UTC, 09:46:40 in Beijing; printed readings at the edges of 2000..2099
    times, bad = parse_times(
        pd.Series(
            [
                "1999-12-31 23:59",
                "2000-01-01 00:00",
                "2099-12-31 23:59",
                "2100-01-01 00:00",
                "1000000000",
                "1000000000000",
                "1000000000.0",
                "1736753682",
            ]
        )  # fmt: skip
    )
    assert times.tolist()[:4] == [pd.NaT, pd.Timestamp("2000-01-01"), pd.Timestamp("2099-12-31 23:59"), pd.NaT]
    assert times.tolist()[4:] == [pd.Timestamp("2001-09-09 09:46:40")] * 3 + [pd.Timestamp("2025-01-13 15:34:42")]
    assert bad.tolist() == [True, False, False, True, False, False, False, False]
    notes = times_from_note_ids(pd.Series(["6784c212000000000801d9d3", "6784c21200000000801d9d3", "", None]))
    assert notes.tolist() == [pd.Timestamp("2025-01-13 15:34:42"), pd.NaT, pd.NaT, pd.NaT]  # 23 digits: no layout
    # 0x50e1b680 = 2013-01-01 00:00 Beijing (the site's first day: plausible); a second earlier is not
    ids = pd.Series(["50e1b680" + "0" * 16, "50e1b67f" + "0" * 16, "6784c212" + "0" * 16, "6784c212" + "0" * 16])
    first_post = pd.Series(
        pd.to_datetime(["2025-01-20 00:00", "2025-01-20 00:00", "2025-01-13 00:00", "2025-01-12 23:59"])
    )
    assert account_creation_days(ids, first_post).tolist() == [
        pd.Timestamp("2013-01-01"), pd.NaT, pd.Timestamp("2025-01-13"), pd.NaT  # made the day it first posted: fine
    ]  # fmt: skip


def test_a_printed_time_in_another_zone_is_moved_to_beijing_and_a_skipped_one_is_unreadable():
    times, bad = parse_times(pd.Series(["2025-01-31 18:30", "2025-03-30 02:30", "1736753682"]), zone="Europe/Berlin")
    # 18:30 in Berlin (UTC+1) is 01:30 the next day in Beijing; 02:30 on 30 March does not exist in Berlin; an
    # epoch is an instant whatever the zone
    assert times.tolist() == [pd.Timestamp("2025-02-01 01:30"), pd.NaT, pd.Timestamp("2025-01-13 15:34:42")]
    assert bad.tolist() == [False, True, False]


def test_a_printed_time_its_zone_shows_twice_is_unreadable():
    """Berlin's clocks went from 03:00 back to 02:00 on 27 October 2024: 02:30 that night was read twice."""
    times, bad = parse_times(pd.Series(["2024-10-27 02:30", "2024-10-27 03:30", ""]), zone="Europe/Berlin")
    # 03:30 on that day is winter time (UTC+1): 10:30 in Beijing; an empty cell is neither a time nor unreadable
    assert times.tolist() == [pd.NaT, pd.Timestamp("2024-10-27 10:30"), pd.NaT]
    assert bad.tolist() == [True, False, False]


def test_a_count_of_2_to_the_62_or_more_is_unreadable_and_the_mask_is_boolean():
    counts, bad = parse_counts(
        pd.Series(["4000000000000000000", "4611686018427387904", "5000000000000000000", "100000000000000000000", ""])
    )
    assert counts.tolist() == [4 * 10**18, 0, 0, 0, 0] and counts.dtype == "int64"  # 2**62 = 4,611,686,018,427,387,904
    assert bad.tolist() == [False, True, True, True, False] and bad.dtype == bool
