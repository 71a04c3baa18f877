"""label_users against a loop over each user's posts written from the README's definitions of the two designs (no
code of rednote.features.cohort): who is in the cohort, each watched post's share of every feature, the label."""

import math
from statistics import median

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rednote.core.errors import UserError
from rednote.core.params import LabelParams
from rednote.features.cohort import ACCOUNT_FEATURES, BEHAVIOUR_FEATURES, label_users

JAN1, FEB1, MAR1 = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"), pd.Timestamp("2025-03-01")
DAY = pd.Timedelta(days=1)
CREATED = [None, "2023-05-17", "2024-12-31", "2025-01-01", "2025-01-20"]  # undated, established twice, new twice


def params(design: str, landmark_days: int, horizon_days: int) -> LabelParams:
    return LabelParams(
        observe_start="2025-01-01", observe_end="2025-01-31", target_start="2025-02-01", target_end="2025-02-28",
        activity="posts", cohort="posters", design=design, landmark_days=landmark_days, horizon_days=horizon_days,
        joined_start="2025-01-01", joined_end="2025-01-31", extra_stop_words=[],
    )  # fmt: skip


post = st.tuples(
    st.integers(0, 5),  # user
    st.integers(-4 * 24 * 60, 63 * 24 * 60),  # minutes from 1 January (28 December to 4 March)
    st.integers(0, 50),  # likes
    st.integers(0, 3),  # collects, comments, shares
    st.booleans(),  # video
    st.sampled_from(["", "a", "b", "c"]),  # text
    st.lists(st.sampled_from(["x", "y", "z"]), max_size=2),  # tags
)


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "user_id": [f"u{r[0]}" for r in rows],
            "created_at": [JAN1 + pd.Timedelta(minutes=r[1]) for r in rows],
            "likes": [r[2] for r in rows],
            "collects": [r[3] for r in rows],
            "comments": [(r[3] + 1) % 4 for r in rows],
            "shares": [(r[3] * 2) % 3 for r in rows],
            "is_video": [r[4] for r in rows],
            "text": [r[5] for r in rows],
            "tags": [r[6] for r in rows],
            "post_id": [f"p{i:03d}" for i in range(len(rows))],
        }
    )
    frame["account_created"] = pd.to_datetime(frame["user_id"].map(lambda u: CREATED[int(u[1:]) % len(CREATED)]))
    return frame.sort_values(["created_at", "post_id"]).reset_index(drop=True)


EDGES = [  # 5:59 is night and 6:00 is not; posts at both ends of 1 January; a post 40 days on
    (0, 9 * 1440 + 359, 1, 0, False, "a", []), (0, 9 * 1440 + 360, 2, 1, True, "b", ["x"]),
    (1, 0, 3, 2, False, "", []), (1, 1439, 0, 0, False, "c", ["y"]), (1, 40 * 1440, 0, 0, False, "", []),
]  # fmt: skip


def by_loop(frame: pd.DataFrame, design: str, landmark_days: int, horizon_days: int) -> dict[str, dict]:
    rows = {}
    for user, mine in frame.groupby("user_id"):
        mine = mine.sort_values(["created_at", "post_id"])
        when = list(mine["created_at"])
        if design == "calendar":
            if not any(JAN1 <= t < FEB1 for t in when):
                continue
            watch, label = (JAN1, FEB1), (FEB1, MAR1)
        else:
            if not JAN1 <= when[0] < FEB1:  # arrived before January or after it
                continue
            day0 = when[0].normalize()
            watch = (day0, day0 + landmark_days * DAY)
            label = (watch[1], watch[1] + horizon_days * DAY)
            if label[1] > MAR1:  # its label would need days the crawl does not watch
                continue
        seen = mine.loc[[watch[0] <= t < watch[1] for t in when]]
        hours = [t.hour + t.minute / 60 for t in seen["created_at"]]
        days = [(t - JAN1).days for t in seen["created_at"]]
        n = len(seen)
        row = {f"{c}_sum": float(seen[c].sum()) for c in ("likes", "collects", "comments", "shares")}
        row |= {f"{c}_mean": float(seen[c].sum()) / n for c in ("likes", "collects", "comments", "shares")}
        row |= {
            "n_posts": n,
            "active_days": len(set(days)),
            "first_day": min(days),
            "last_day": max(days) - (watch[0] - JAN1).days,
            "hour_sin": sum(math.sin(2 * math.pi * h / 24) for h in hours) / n,
            "hour_cos": sum(math.cos(2 * math.pi * h / 24) for h in hours) / n,
            "night_share": sum(h < 6 for h in hours) / n,
            "video_share": float(seen["is_video"].mean()),
            "text": "\n".join(dict.fromkeys(t for t in seen["text"] if t)),
            "tags": sorted({tag for tags in seen["tags"] for tag in tags}),
            "retained": int(any(label[0] <= t < label[1] for t in when)),
            "created": mine["account_created"].iloc[0],
            "first_watched": seen["created_at"].min(),
        }
        rows[user] = row
    ages = {u: (r["first_watched"].normalize() - r["created"]).days for u, r in rows.items() if r["created"] < JAN1}
    fill = median(ages.values()) if ages else 0.0
    for user, row in rows.items():
        row["established"] = float(user in ages)
        row["account_age_days"] = float(ages.get(user, fill))
        del row["created"], row["first_watched"]
    return rows


@settings(max_examples=150)
@example(rows=EDGES, design="calendar", landmark_days=7, horizon_days=14)
@example(rows=EDGES, design="landmark", landmark_days=7, horizon_days=14)
@given(
    rows=st.lists(post, min_size=1, max_size=25),
    design=st.sampled_from(["calendar", "landmark"]),
    landmark_days=st.integers(1, 10),
    horizon_days=st.integers(1, 30),
)
def test_label_users_gives_the_rows_a_loop_over_each_users_posts_gives(rows, design, landmark_days, horizon_days):
    frame = frame_of(rows)
    expected = by_loop(frame, design, landmark_days, horizon_days)
    p = params(design, landmark_days, horizon_days)
    if not expected:
        with pytest.raises(UserError):
            label_users(frame, p, "posts")
        return
    users, info = label_users(frame, p, "posts")
    assert users["user_id"].tolist() == sorted(expected)
    columns = [*BEHAVIOUR_FEATURES, *ACCOUNT_FEATURES, "text", "tags", "retained"]
    got = {r["user_id"]: {c: r[c] for c in columns} for r in users.to_dict("records")}
    for user, row in expected.items():
        assert got[user] == pytest.approx(row, abs=1e-12), user
    assert info["posters"] == len(expected) and info["design"] == design
