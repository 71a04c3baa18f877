"""Time to silence: when a silence starts, who is censored, and who is still posting at the landmark."""

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rednote.survival.durations import at_risk_after_landmark, time_to_silence

END = pd.Timestamp("2025-03-01")  # the crawl watches up to 28 February


def run(rows, silence_days=14, landmark_days=7):
    posts = pd.DataFrame(rows, columns=["user_id", "created_at"])
    posts["created_at"] = pd.to_datetime(posts["created_at"], format="mixed")
    first = posts.groupby("user_id")["created_at"].min().dt.normalize()
    users = pd.DataFrame(
        {
            "user_id": first.index,
            "first_post": first.values,
            "watch_end": first.values + pd.Timedelta(days=landmark_days),
        }
    )
    return time_to_silence(posts, users, silence_days, END).set_index("user_id")


def test_a_single_post_long_before_the_end_is_a_silence_from_the_next_day():
    out = run([("a", "2025-01-10 23:59")])
    assert out.loc["a", ["duration", "event"]].tolist() == [1, 1]
    # whole days and a 0/1 event: what lifelines reads and the survival tables print (5, not 5.0)
    assert out.dtypes.astype(str).to_dict() == {"duration": "int64", "event": "int8", "landmark_day": "int64"}


def test_the_silence_starts_after_the_last_post_before_the_first_long_gap():
    # days 0, 2 (gap of 47 silent days), then day 50: the silence began on day 3, whatever came later
    out = run([("a", "2025-01-01"), ("a", "2025-01-03"), ("a", "2025-02-20")])
    assert out.loc["a", ["duration", "event"]].tolist() == [3, 1]


def test_a_gap_one_day_short_of_a_silence_is_not_one():
    # 13 silent days (2..14) then a post: no silence; then 45 silent days to the end
    out = run([("a", "2025-01-01"), ("a", "2025-01-15")])
    assert out.loc["a", ["duration", "event"]].tolist() == [15, 1]
    out = run([("a", "2025-01-01"), ("a", "2025-01-16")])  # 14 silent days: a silence from day 1
    assert out.loc["a", ["duration", "event"]].tolist() == [1, 1]


def test_users_not_seen_silent_by_the_last_visible_start_are_censored_there():
    # a silence starting after 15 February would end after the crawl: that day is where everyone else is censored
    out = run([("a", "2025-02-01"), ("a", "2025-02-10"), ("a", "2025-02-20"), ("b", "2025-02-14"), ("c", "2025-01-20")])
    assert out.loc["a", ["duration", "event"]].tolist() == [14, 0]  # 1 to 15 February: no silence seen to start
    assert out.loc["b", ["duration", "event"]].tolist() == [1, 1]  # 14 silent days, 15..28 February: seen
    assert out.loc["c", ["duration", "event"]].tolist() == [1, 1]


def test_a_user_who_went_quiet_a_week_before_the_end_is_not_counted_as_still_posting():
    out = run([("a", "2025-01-02"), *((("a", f"2025-02-{d:02d}")) for d in (1, 10, 21))])
    assert out.loc["a", "event"] == 1 and out.loc["a", "duration"] == 1  # the first long gap is in January
    out = run([*((("a", f"2025-01-{d:02d}")) for d in (20, 30)), *((("a", f"2025-02-{d:02d}")) for d in (8, 18, 21))])
    # quiet from 22 February: too close to the end to be seen, so censored on 15 February, not on the 28th
    assert out.loc["a", ["duration", "event"]].tolist() == [26, 0]


def test_a_silence_that_leaves_no_room_after_the_last_arrival_is_one_sentence():
    from rednote.core.errors import UserError
    from rednote.survival.durations import check_silence_days

    with pytest.raises(UserError, match="at most 28"):
        check_silence_days(pd.Series(pd.to_datetime(["2025-01-31"])), END, 40)
    with pytest.raises(UserError, match="at most 28"):  # a silence would start on 1 February: 28 days, not 29
        check_silence_days(pd.Series(pd.to_datetime(["2025-01-31"])), END, 29)
    check_silence_days(pd.Series(pd.to_datetime(["2025-01-31"])), END, 28)
    with pytest.raises(UserError) as stop:  # no day at all after the last arrival: the advice is still a valid value
        check_silence_days(pd.Series(pd.to_datetime(["2025-01-03", "2025-02-28"])), END, 3)
    assert str(stop.value) == (
        "survival.silence_days=3 needs that many days of the crawl after a silence starts, but the last user's first "
        "post (2025-02-28) is followed by 0 day(s) up to the crawl's end; set survival.silence_days to at most 1 or "
        "watch longer (label.target_end)."
    )


def test_posts_after_the_crawl_end_are_not_seen():
    out = run([("a", "2025-02-10"), ("a", "2025-03-02")])
    assert out.loc["a", ["duration", "event"]].tolist() == [1, 1]
    # posting on 20 February, the crawl cannot tell whether the next 14 days are silent: censored on the last day a
    # silence can be seen to start (15 February, day 5), whatever the user posted after the crawl ended
    out = run([("a", "2025-02-10"), ("a", "2025-02-20"), ("a", "2025-03-15")])
    assert out.loc["a", ["duration", "event"]].tolist() == [5, 0]


@pytest.mark.parametrize(("second", "at_risk"), [("2025-01-07", False), ("2025-01-08", True)])
def test_at_risk_at_the_landmark_means_not_yet_silent_when_the_watch_ends(second, at_risk):
    # a last post on day 6, the watch's last day, is a silence from the landmark on; one on day 7 is not
    out = run([("a", "2025-01-01"), ("a", second)], silence_days=7)
    assert at_risk_after_landmark(out.reset_index()).tolist() == [at_risk]


def day_by_day(post_days: set[int], watched: int, silence_days: int) -> tuple[int, int]:
    """(duration, event) read off a calendar: the first day ``t`` after a post day whose ``silence_days`` days from
    ``t`` on all lie in the crawl (days ``0 .. watched - 1``) and hold no post; censored on the last day a silence
    could start (``watched - silence_days``) when there is none."""
    for t in range(1, watched - silence_days + 1):
        if t - 1 in post_days and not post_days & set(range(t, t + silence_days)):
            return t, 1
    return max(watched - silence_days, 1), 0


@given(
    users=st.lists(st.tuples(st.integers(0, 40), st.lists(st.integers(0, 70), max_size=8)), min_size=1, max_size=6),
    silence_days=st.integers(1, 16),
    landmark_days=st.integers(1, 14),
)
def test_durations_are_those_read_off_a_calendar_day_by_day(users, silence_days, landmark_days):
    """Users whose first post is on day ``first`` of the crawl (1 January + first), with later posts some days after
    it (some after the crawl's end, 59 days on), against :func:`day_by_day`."""
    day0 = pd.Timestamp("2025-01-01")
    rows, expected = [], {}
    for i, (first, later) in enumerate(users):
        name = f"u{i}"
        rows += [(name, day0 + pd.Timedelta(days=first, hours=9))]
        rows += [(name, day0 + pd.Timedelta(days=first + d, hours=d % 24, minutes=7)) for d in later]
        watched = (END - day0).days - first
        seen = {0} | {d for d in later if d < watched}
        expected[name] = (*day_by_day(seen, watched, silence_days), landmark_days)
    assume(max(first for first, _ in users) < (END - day0).days - silence_days)  # check_silence_days's condition
    out = run(rows, silence_days=silence_days, landmark_days=landmark_days)
    got = {u: (int(r.duration), int(r.event), int(r.landmark_day)) for u, r in out.iterrows()}
    assert got == expected
