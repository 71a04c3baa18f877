import numpy as np
import pandas as pd
import pytest

from rednote.core.errors import UserError
from rednote.core.window import Window
from rednote.features.cohort import BEHAVIOUR_FEATURES, assign_split, build_users, label_users, select_cohort

JAN = Window.of("2025-01-01", "2025-01-31")
FEB = Window.of("2025-02-01", "2025-02-28")


def posts(rows):
    frame = pd.DataFrame(
        rows, columns=["user_id", "created_at", "likes", "collects", "comments", "shares", "is_video", "text"]
    )
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    frame["tags"] = [["t"]] * len(frame)
    return frame


def cohort(rows):
    """The January cohort of hand-written posts, labelled by February."""
    return build_users(posts(rows), JAN, FEB)


def test_cohort_is_january_posters_and_retained_means_a_february_post():
    users = cohort(
        [
            ("a", "2025-01-05 10:00", 1, 0, 0, 0, False, "jan a"),
            ("a", "2025-02-02 10:00", 999, 0, 0, 0, False, "feb a"),
            ("b", "2025-01-31 23:59", 2, 0, 0, 0, True, "jan b"),
            ("c", "2025-02-10 10:00", 5, 0, 0, 0, False, "feb only"),
            ("d", "2025-01-20 10:00", 3, 0, 0, 0, False, "jan d"),
            ("d", "2025-03-01 10:00", 3, 0, 0, 0, False, "march d"),
        ]
    )
    assert users["user_id"].tolist() == ["a", "b", "d"]
    assert users["retained"].tolist() == [1, 0, 0]  # d posted in March, not February


def test_features_use_january_posts_only():
    users = cohort(
        [
            ("a", "2025-01-05 10:00", 10, 4, 2, 1, False, "one"),
            ("a", "2025-01-05 22:00", 30, 0, 0, 0, True, "two"),
            ("a", "2025-01-09 03:00", 20, 2, 1, 0, False, "one"),
            ("a", "2025-02-02 10:00", 10**6, 10**6, 10**6, 10**6, True, "FEBRUARY TEXT"),
        ]
    )
    row = users.iloc[0]
    assert row["likes_sum"] == 60 and row["likes_mean"] == 20
    assert row["collects_sum"] == 6 and row["shares_sum"] == 1
    assert row["n_posts"] == 3 and row["active_days"] == 2
    assert row["first_day"] == 4 and row["last_day"] == 8
    assert row["video_share"] == pytest.approx(1 / 3)
    assert row["night_share"] == pytest.approx(1 / 3)
    assert row["text"] == "one\ntwo"  # distinct January texts, in time order
    assert "FEBRUARY" not in row["text"]
    assert row["retained"] == 1
    assert list(users.columns[1 : 1 + len(BEHAVIOUR_FEATURES)]) == list(BEHAVIOUR_FEATURES)


def test_mean_posting_hour_lies_on_the_clock_circle():
    users = build_users(
        posts([("a", "2025-01-05 23:00", 0, 0, 0, 0, False, "x"), ("a", "2025-01-06 01:00", 0, 0, 0, 0, False, "y")]),
        JAN,
        FEB,
    )
    # 23:00 and 01:00 average to midnight, not noon
    assert users["hour_cos"].iloc[0] > 0.9 and abs(users["hour_sin"].iloc[0]) < 1e-9


def test_split_is_stratified_seeded_and_complete():
    labels = pd.Series([1] * 50 + [0] * 950)
    split = assign_split(labels, 0.2, 0.2, seed=7)
    assert split.value_counts().to_dict() == {"train": 600, "val": 200, "test": 200}
    for name in ("train", "val", "test"):
        assert labels[split == name].mean() == pytest.approx(0.05)
    assert split.tolist() == assign_split(labels, 0.2, 0.2, seed=7).tolist()
    assert split.tolist() != assign_split(labels, 0.2, 0.2, seed=8).tolist()


def test_split_without_enough_positives_is_random_but_still_complete(caplog):
    labels = pd.Series([1] + [0] * 99)
    with caplog.at_level("WARNING", logger="rednote"):
        split = assign_split(labels, 0.2, 0.2, seed=1)
    assert set(split) == {"train", "val", "test"} and len(split) == 100
    assert [r.getMessage() for r in caplog.records] == [
        "split: a class has fewer than 3 users, so the split is not stratified"
    ]
    caplog.clear()
    with caplog.at_level("WARNING", logger="rednote"):
        assign_split(pd.Series([1] * 20 + [0] * 80), 0.2, 0.2, seed=1)  # stratified: nothing to say
    assert caplog.records == []


def test_train_and_validation_are_stratified_down_to_two_of_a_class_and_said_when_not(caplog):
    from sklearn.model_selection import train_test_split

    labels = pd.Series([1] * 3 + [0] * 37)
    with caplog.at_level("WARNING", logger="rednote"):
        # the test cut of 8 takes one of the 3; the two left are stratified between train and validation
        split = assign_split(labels, 0.2, 0.2, seed=0)
        assert caplog.records == []
        rest, _ = train_test_split(np.arange(40), test_size=0.2, random_state=0, stratify=labels)
        _, val = train_test_split(rest, test_size=0.25, random_state=0, stratify=labels[rest])
        assert sorted(np.flatnonzero(split == "val")) == sorted(val)
        # a test cut of 24 takes two of the 3: one is left, so train against validation is a random cut
        split = assign_split(labels, 0.2, 0.6, seed=0)
    assert labels[split == "test"].sum() == 2
    assert [r.getMessage() for r in caplog.records] == [
        "split: too few users to stratify train against validation, so that cut is random"
    ]


@pytest.mark.parametrize(("val", "test"), [(0.15, 0.2), (0.5, 0.25), (0.3, 0.6), (0.05, 0.05)])
def test_the_part_sizes_are_those_scikit_learn_cuts(val, test):
    """_sizes (which decides whether a cohort is too small and whether a cut can be stratified) against the parts
    train_test_split makes, for every cohort of 1 to 60 users; where scikit-learn leaves no one to train on, the
    sizes say so."""
    from sklearn.model_selection import train_test_split

    from rednote.features.cohort import _sizes

    for n in range(1, 61):
        n_train, n_val, n_test = _sizes(n, val, test)
        try:
            rest, test_part = train_test_split(np.arange(n), test_size=test, random_state=0)
            train, val_part = train_test_split(rest, test_size=val / (1 - test), random_state=0)
        except ValueError:  # scikit-learn: the training part would be empty
            assert n_train < 1, n
            continue
        assert (n_train, n_val, n_test) == (len(train), len(val_part), len(test_part)), n


def test_one_class_is_not_stratified_and_parts_as_small_as_the_classes_are():
    from sklearn.model_selection import train_test_split

    index = np.arange(40)
    one_class = assign_split(pd.Series(np.zeros(40)), 0.2, 0.2, seed=5)
    rest, test = train_test_split(index, test_size=0.2, random_state=5)
    assert sorted(np.flatnonzero(one_class == "test")) == sorted(test)
    # ten users, five of each class: the test part of two holds exactly one of each (stratified), as scikit-learn
    # cuts it with stratify; a random cut with this seed would not
    labels = pd.Series([0, 1] * 5)
    split = assign_split(labels, 0.2, 0.2, seed=0)
    _, test = train_test_split(np.arange(10), test_size=0.2, random_state=0, stratify=labels.to_numpy())
    assert sorted(np.flatnonzero(split == "test")) == sorted(test) and labels[split == "test"].sum() == 1
    _, unstratified = train_test_split(np.arange(10), test_size=0.2, random_state=0)
    assert labels[unstratified].sum() != 1


def dated(rows, created):
    """Posts whose authors' accounts were created on ``created[user]`` (None: unknown)."""
    frame = posts(rows)
    frame["account_created"] = pd.to_datetime(frame["user_id"].map(created))
    return frame


ROWS = [
    ("new", "2025-01-15 10:00", 1, 0, 0, 0, False, "hi"),
    ("new", "2025-01-20 10:00", 1, 0, 0, 0, False, "again"),
    ("old", "2025-01-14 09:00", 5, 0, 0, 0, False, "hello"),
    ("undated", "2025-01-16 09:00", 0, 0, 0, 0, False, "x"),
    ("feb", "2025-01-30 09:00", 0, 0, 0, 0, False, "y"),
]
CREATED = {"new": "2025-01-13", "old": "2019-06-01", "undated": None, "feb": "2025-02-01"}


def test_established_accounts_carry_their_age_and_new_or_undated_ones_the_established_median():
    rows = [*ROWS[:4], ("older", "2025-01-20 09:00", 1, 0, 0, 0, False, "z")]
    users = build_users(dated(rows, CREATED | {"older": "2015-01-20"}), JAN, FEB).set_index("user_id")
    old_age = (pd.Timestamp("2025-01-14") - pd.Timestamp("2019-06-01")).days
    older_age = (pd.Timestamp("2025-01-20") - pd.Timestamp("2015-01-20")).days
    assert users.loc["old", "account_age_days"] == old_age and users.loc["older", "account_age_days"] == older_age
    assert users.loc["new", "established"] == 0 and users.loc["old", "established"] == 1
    # a new account (two days old) and an undated one: the median of the established ages, not established, so
    # that the age column varies among established accounts only and does not duplicate the flag
    for name in ("new", "undated"):
        assert users.loc[name, "account_age_days"] == (old_age + older_age) / 2 and users.loc[name, "established"] == 0
    assert pd.isna(users.loc["undated", "account_created"])
    assert abs(np.corrcoef(users["account_age_days"], users["established"])[0, 1]) < 0.5


def test_joiners_are_the_accounts_created_in_the_joined_window_and_the_rest_is_counted():
    users = build_users(dated(ROWS[:3] + ROWS[3:5], CREATED), JAN, FEB)
    joiners, info = select_cohort(users, "joiners", JAN)
    assert list(joiners["user_id"]) == ["new"]
    assert joiners.columns.equals(users.columns) and joiners.index.equals(pd.RangeIndex(1))  # the table, renumbered
    assert info == {"cohort": "joiners", "posters": 4, "account_created_unknown": 1, "joined": "2025-01-01..2025-01-31",
                    "left_out_joined_outside": 2}  # fmt: skip
    posters, info = select_cohort(users, "posters", JAN)
    assert len(posters) == 4 and info == {"cohort": "posters", "posters": 4, "account_created_unknown": 1}
    # label_users chooses the same joiners, by label.joined_*
    p = label_params(design="calendar", cohort="joiners", joined_start="2025-01-01", joined_end="2025-01-31")
    labelled, chosen = label_users(dated(ROWS[:3] + ROWS[3:5], CREATED), p, "posts.parquet")
    assert list(labelled["user_id"]) == ["new"] and chosen["left_out_joined_outside"] == 2
    with pytest.raises(UserError, match=r"^posts.parquet has no posts, so none falls in"):  # the table's name
        label_users(posts([]), p, "posts.parquet")


def test_joiners_from_an_export_that_cannot_date_accounts_stop_with_one_sentence():
    users = build_users(posts(ROWS), JAN, FEB)  # no account_created column at all: every day unknown
    assert users["account_created"].isna().all() and (users["account_age_days"] == 0).all()
    with pytest.raises(UserError) as stop:
        select_cohort(users, "joiners", JAN)
    assert str(stop.value) == (
        "label.cohort=joiners needs each account's creation day, but none of the 4 users' ids gives one (an export "
        "with hashed or numeric user ids); use label.cohort=posters for this crawl."
    )


LANDMARK_ROWS = [
    ("early", "2025-01-02 10:00", 1, 0, 0, 0, False, "day 0"),
    ("early", "2025-01-08 10:00", 2, 0, 0, 0, False, "day 6: watched"),
    ("early", "2025-01-09 10:00", 50, 0, 0, 0, False, "day 7: the horizon's first day"),
    ("late", "2025-01-30 10:00", 3, 0, 0, 0, False, "day 0"),
    ("late", "2025-02-10 10:00", 4, 0, 0, 0, False, "past the 7 watched days, inside the horizon"),
    ("gone", "2025-01-20 10:00", 5, 0, 0, 0, False, "day 0"),
    ("gone", "2025-02-20 10:00", 6, 0, 0, 0, False, "past the horizon: not retained"),
    ("edge", "2025-02-01 00:00", 7, 0, 0, 0, False, "first post in February: not a January arrival"),
]


def test_landmark_watches_everyone_from_their_first_post_for_the_same_days():
    from rednote.features.cohort import Landmark, watch_windows

    frame = posts(LANDMARK_ROWS)
    windows = watch_windows(frame, JAN, FEB, Landmark(7, 14))
    assert windows.index.tolist() == ["early", "gone", "late"]
    assert (windows["watch_end"] - windows["watch_start"]).dt.days.tolist() == [7, 7, 7]
    users = build_users(frame, JAN, FEB, windows).set_index("user_id")
    assert users.loc["early", "n_posts"] == 2 and users.loc["early", "likes_sum"] == 3  # day 7 is the label's
    assert users.loc["early", "retained"] == 1
    assert users.loc["late", "n_posts"] == 1 and users.loc["late", "retained"] == 1
    assert users.loc["gone", "retained"] == 0
    assert users.loc["late", "first_day"] == 29 and users.loc["late", "last_day"] == 0  # from their own first day
    assert users.loc["early", "first_day"] == 1 and users.loc["early", "last_day"] == 6
    assert "watched" in users.loc["early", "text"] and "horizon" not in users.loc["early", "text"]


def test_landmark_does_not_score_users_whose_horizon_runs_past_the_crawl():
    from rednote.features.cohort import Landmark, watch_windows

    windows = watch_windows(posts(LANDMARK_ROWS), JAN, FEB, Landmark(14, 21))
    # 35 days from the first post must end by 28 February: 2 and 20 January fit (6 and 24 February), the 30th not
    assert windows["scored"].to_dict() == {"early": True, "gone": True, "late": False}


def test_calendar_watches_january_and_labels_february_as_the_study_did():
    from rednote.features.cohort import watch_windows

    windows = watch_windows(posts(LANDMARK_ROWS), JAN, FEB, None)
    assert windows.index.tolist() == ["early", "gone", "late"]
    assert set(windows["watch_start"]) == {JAN.start} and set(windows["label_end"]) == {pd.Timestamp("2025-03-01")}
    users = build_users(posts(LANDMARK_ROWS), JAN, FEB).set_index("user_id")
    assert users["retained"].to_dict() == {"early": 0, "gone": 1, "late": 1}
    assert users.loc["early", "n_posts"] == 3


def label_params(**changes):
    from e2e import ROOT

    from rednote.core.params import load_params

    return load_params(ROOT / "params.yaml").label.model_copy(update=changes)


def test_the_windows_checks_stop_with_their_whole_sentences():
    from rednote.features.cohort import Landmark, check_windows, watch_windows

    p = label_params(design="landmark", landmark_days=7, horizon_days=14, target_end="2025-02-28")
    empty = posts([])
    with pytest.raises(UserError) as none:
        check_windows(watch_windows(empty, JAN, FEB, Landmark(7, 14)), empty, p, "posts.parquet")
    assert str(none.value) == (
        "posts.parquet has no posts, so none falls in the observation window 2025-01-01..2025-01-31: clean kept no "
        "raw row (metrics/data_quality.json counts those outside clean.window_*, duplicated or without user_id); "
        "check data.raw and clean.window_* against the crawl's dates."
    )
    february = posts([("a", "2025-02-03 10:00", 0, 0, 0, 0, False, "x"), ("b", "2025-02-05 08:00", 0, 0, 0, 0, 0, "y")])
    for design, first, landmark in (("landmark", "first ", Landmark(7, 14)), ("calendar", "", None)):
        with pytest.raises(UserError) as outside:
            check_windows(
                watch_windows(february, JAN, FEB, landmark), february, p.model_copy(update={"design": design}), "w"
            )
        assert str(outside.value) == (
            f"no user's {first}post in w falls in the observation window 2025-01-01..2025-01-31 (its 2 posts run "
            "2025-02-03..2025-02-05); check label.observe_* and clean.window_* against the crawl's dates."
        )
    late = posts([("a", "2025-01-30 10:00", 0, 0, 0, 0, False, "x")])
    with pytest.raises(UserError) as unscored:
        longer = p.model_copy(update={"landmark_days": 14, "horizon_days": 21})
        check_windows(watch_windows(late, JAN, FEB, Landmark(14, 21)), late, longer, "w")  # 30 Jan + 35 days: 6 Mar
    assert str(unscored.value) == (
        "every one of the 1 users' label windows (label.landmark_days=14 plus label.horizon_days=21 from the first "
        "post) runs past label.target_end=2025-02-28; shorten them, or use label.design=calendar."
    )
    check_windows(watch_windows(posts(LANDMARK_ROWS), JAN, FEB, Landmark(7, 14)), posts(LANDMARK_ROWS), p, "w")


def test_landmark_windows_are_whole_days_from_the_first_post_and_scored_up_to_the_crawls_last_day():
    from rednote.features.cohort import Landmark, watch_windows

    frame = posts(
        [
            ("a", "2025-01-10 23:59", 0, 0, 0, 0, False, "x"),  # 10 Jan + 7 + 14 days = 31 Jan: ends inside the crawl
            ("b", "2025-01-18 00:01", 0, 0, 0, 0, False, "y"),  # 18 Jan + 21 = 8 Feb
            ("c", "2025-01-29 12:00", 0, 0, 0, 0, False, "z"),  # 29 Jan + 21 = 19 Feb
        ]
    )
    windows = watch_windows(frame, JAN, Window.of("2025-02-01", "2025-02-18"), Landmark(7, 14))
    day = pd.Timestamp
    assert windows.to_dict("index") == {
        "a": {"first_post": day("2025-01-10"), "watch_start": day("2025-01-10"), "watch_end": day("2025-01-17"),
              "label_start": day("2025-01-17"), "label_end": day("2025-01-31"), "scored": True},
        "b": {"first_post": day("2025-01-18"), "watch_start": day("2025-01-18"), "watch_end": day("2025-01-25"),
              "label_start": day("2025-01-25"), "label_end": day("2025-02-08"), "scored": True},
        "c": {"first_post": day("2025-01-29"), "watch_start": day("2025-01-29"), "watch_end": day("2025-02-05"),
              "label_start": day("2025-02-05"), "label_end": day("2025-02-19"), "scored": True},  # ends the day after the 18th
    }  # fmt: skip
    shorter = watch_windows(frame, JAN, Window.of("2025-02-01", "2025-02-17"), Landmark(7, 14))
    assert shorter["scored"].tolist() == [True, True, False]
    calendar = watch_windows(frame, JAN, FEB, None)
    assert calendar.loc["a"].to_dict() == {"first_post": day("2025-01-10"), "watch_start": day("2025-01-01"),
                                           "watch_end": day("2025-02-01"), "label_start": day("2025-02-01"),
                                           "label_end": day("2025-03-01"), "scored": True}  # fmt: skip


def test_account_features_by_hand_an_account_made_on_the_first_day_is_new():
    from rednote.features.cohort import account_features

    created = pd.to_datetime(pd.Series(["2024-12-31", "2025-01-01", None, "2020-01-10"]))
    first = pd.to_datetime(pd.Series(["2025-01-05 10:00", "2025-01-02 09:00", "2025-01-03 00:00", "2025-01-10 23:00"]))
    table = account_features(created, first, JAN)
    # established: made before 1 January (the 31st is, the 1st is not); ages 5 and 1827 days, median 916
    assert table["established"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert table["account_age_days"].tolist() == [5.0, 916.0, 916.0, 1827.0]
    nobody = account_features(created.iloc[1:3], first.iloc[1:3], JAN)
    assert nobody.to_dict("list") == {"account_age_days": [0.0, 0.0], "established": [0.0, 0.0]}


@pytest.mark.parametrize("n", [5, 7, 10, 33, 100, 1001])
def test_split_sizes_are_scikit_learns(n):
    from sklearn.model_selection import train_test_split

    labels = pd.Series(np.arange(n) % 2)
    split = assign_split(labels, 0.15, 0.2, seed=3)
    rest, test = train_test_split(np.arange(n), test_size=0.2, random_state=3)
    train, val = train_test_split(rest, test_size=0.15 / 0.8, random_state=3)
    assert split.value_counts().reindex(["train", "val", "test"]).tolist() == [len(train), len(val), len(test)]
    assert split.name == "split" and split.index.equals(labels.index)


def test_a_split_stratifies_each_cut_only_where_it_can():
    # 3 retained of 40: each class has 3 or more users, so the test cut is stratified
    labels = pd.Series([1] * 3 + [0] * 37, index=[f"u{i}" for i in range(40)])
    split = assign_split(labels, 0.2, 0.2, seed=0)
    assert labels[split == "test"].sum() == 1  # a stratified test cut of 8 holds one of the 3
    assert list(split.index) == list(labels.index)
    with pytest.raises(UserError, match=r"^the cohort has 2 user\(s\), too few for a train/validation/test split"):
        assign_split(pd.Series([0, 1]), 0.2, 0.2, seed=0)


def test_a_users_whole_row_by_hand():
    import math

    times = ["2025-01-05 10:30", "2025-01-05 22:00", "2025-01-09 03:00", "2025-01-31 23:59", "2025-02-01 00:00"]
    counts = [
        (10, 4, 2, 1),
        (30, 0, 0, 0),
        (20, 2, 1, 0),
        (0, 0, 3, 2),
        (5, 5, 5, 5),
    ]  # likes, collects, comments, shares
    videos, texts = [False, True, False, False, True], ["one", "", "one", "three", "february: the label only"]
    frame = posts([("a", t, *c, v, x) for t, c, v, x in zip(times, counts, videos, texts, strict=True)])
    frame["tags"] = [["b", "a"], [], ["a"], ["c"], ["z"]]
    row = build_users(frame, JAN, FEB).iloc[0]
    hours = [10.5, 22.0, 3.0, 23 + 59 / 60]
    expected = {
        "likes_sum": 60, "collects_sum": 6, "comments_sum": 6, "shares_sum": 3,
        "likes_mean": 15, "collects_mean": 1.5, "comments_mean": 1.5, "shares_mean": 0.75,
        "n_posts": 4, "active_days": 3, "first_day": 4, "last_day": 30,
        "hour_sin": sum(math.sin(2 * math.pi * h / 24) for h in hours) / 4,
        "hour_cos": sum(math.cos(2 * math.pi * h / 24) for h in hours) / 4,
        "night_share": 0.25, "video_share": 0.25,
    }  # fmt: skip
    assert {name: row[name] for name in BEHAVIOUR_FEATURES} == pytest.approx(expected, abs=1e-12)
    assert row["text"] == "one\nthree" and row["tags"] == ["a", "b", "c"] and row["retained"] == 1
    assert (row["first_post"], row["watch_start"], row["watch_end"]) == (
        pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")
    )  # fmt: skip
    assert build_users(frame, JAN, FEB).columns.tolist() == [
        "user_id", *BEHAVIOUR_FEATURES, "account_age_days", "established", "account_created", "first_post",
        "watch_start", "watch_end", "label_start", "label_end", "text", "tags", "retained",
    ]  # fmt: skip


def test_a_comment_in_the_label_window_retains_a_user_only_when_comments_are_counted():
    frame = posts(
        [("a", "2025-01-05 10:00", 0, 0, 0, 0, False, "x"), ("b", "2025-01-06 10:00", 0, 0, 0, 0, False, "y")]
    )
    comments = pd.DataFrame({"user_id": ["a", "b"], "created_at": pd.to_datetime(["2025-02-03", "2025-01-20"])})
    assert build_users(frame, JAN, FEB)["retained"].tolist() == [0, 0]
    assert build_users(frame, JAN, FEB, comments=comments)["retained"].tolist() == [1, 0]  # b's is in January
