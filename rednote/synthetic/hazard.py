"""An opt-in crawl with a planted *time to silence* (``python -m rednote.synthetic.sample --mechanism hazard``).

The bundled sample plants a yes/no retention; this one plants *when* users go quiet, to check the survival stage
and the landmark design against an answer nobody tuned to. The default sample's bytes do not change.

Users arrive over January in the shape of the real influx (75% around 13-16 January, the rest spread over the
month). Refugees (75%) open their account on arrival; established users (25%) have accounts from 2016-2024.
While active a user posts at a rate of their own (about one post every 3 days, lognormal spread; the first post is
on arrival), and they stop after an exponential time with hazard (per day)::

    HAZARD_BASE * exp(HAZARD_ENGAGEMENT * e + HAZARD_TOPIC[topic] + HAZARD_ESTABLISHED * established)

``e`` is the latent engagement behind every post's likes (as in the sample), the topic is the user's latent topic
behind their words. **The hazard does not depend on the arrival day**, nor on the posting rate. So a design that
watches everyone for the same days should find no arrival effect, and the calendar design (January features, a
February post) one that is pure exposure: a user who arrived on 30 January needs to stay one day to post in
February, one who arrived on the 2nd a month.

Posts after day 66 (early March) are not written; clean drops those after 28 February as outside the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.synthetic import sample as base

HAZARD_BASE = 1 / 8
HAZARD_ENGAGEMENT = -0.5
#: Log hazard ratio of each latent topic (order of :data:`rednote.synthetic.sample.TOPICS`).
HAZARD_TOPIC = np.array([-0.6, -0.5, 0.0, 0.0, -0.2, 0.6, 0.5, 0.2])
HAZARD_ESTABLISHED = -0.7
ESTABLISHED_SHARE = 0.25
POST_RATE = 1 / 3
INFLUX_SHARE, INFLUX_MEAN, INFLUX_SD = 0.75, 13.8, 1.1  # days since 1 January: most arrive on 13-16 January
LAST_DAY = 66


def _arrivals(rng: np.random.Generator, n: int) -> np.ndarray:
    """Arrival times in days since 1 January 00:00 (local), within January."""
    peak = INFLUX_MEAN + INFLUX_SD * rng.standard_normal(n)
    flat = rng.random(n) * 31
    day = np.where(rng.random(n) < INFLUX_SHARE, peak, flat)
    day = np.where((day < 0) | (day >= 31), flat, day)
    hour = rng.choice(24, size=n, p=base._HOUR_WEIGHTS / base._HOUR_WEIGHTS.sum()) + rng.random(n)
    return np.floor(day) + hour / 24


def generate_hazard_crawl_with_truth(n_posts: int = 4117, seed: int = 2025) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The crawl export (:data:`rednote.synthetic.sample.COLUMNS`, strings) and the per-user truth: ``user_id``,
    ``established``, ``topic``, ``engagement``, ``arrival_day``, ``hazard``, ``active_days`` (the planted time to
    stopping), ``n_posts``."""
    if n_posts < 1:
        raise ValueError("n_posts must be at least 1")
    rng = np.random.default_rng(seed)
    pool = n_posts  # every user has at least one post, so this many always fill the crawl
    established = rng.random(pool) < ESTABLISHED_SHARE
    topic = rng.choice(len(base.TOPICS), size=pool, p=base.TOPIC_SHARE)
    engagement = rng.standard_normal(pool)
    english = np.where(established, rng.random(pool) < 0.3, rng.random(pool) < 0.9)
    hazard = HAZARD_BASE * np.exp(
        HAZARD_ENGAGEMENT * engagement + HAZARD_TOPIC[topic] + HAZARD_ESTABLISHED * established
    )
    active = rng.exponential(1 / hazard)
    arrival = _arrivals(rng, pool)
    rate = POST_RATE * np.exp(0.4 * rng.standard_normal(pool))
    stop = np.minimum(arrival + active, LAST_DAY)
    later = rng.poisson(rate * np.maximum(stop - arrival, 0))
    counts = 1 + later
    n_users = int(np.searchsorted(np.cumsum(counts), n_posts)) + 1
    counts[n_users - 1] -= int(np.cumsum(counts)[n_users - 1] - n_posts)
    user = np.repeat(np.arange(n_users), counts[:n_users])
    first = np.r_[0, np.cumsum(counts[:n_users])[:-1]]
    is_first = np.zeros(len(user), dtype=bool)
    is_first[first] = True
    # later posts fall uniformly in each user's active span (a Poisson process given its count)
    when = arrival[user] + np.where(is_first, 0.0, rng.random(len(user)) * (stop[user] - arrival[user]))
    minutes = np.floor(when * base._DAY).astype(np.int64)
    month = np.minimum(minutes // base._DAY // 31, 2)  # January, February, March phrasing (roughly)
    post_topic = base._post_topics(rng, topic[user])
    log_likes = base._log_likes(rng, post_topic, engagement[user])
    likes = np.maximum(np.round(np.exp(log_likes)) - 1, 0).astype(np.int64)
    collects, comments, shares = base._other_counts(rng, likes)
    times, post_stamp = base._printed_times(rng, minutes)
    first_stamp = post_stamp[first]
    created = np.where(
        established[:n_users],
        rng.integers(1451606400, 1733011200, size=n_users),
        first_stamp - rng.integers(600, 3 * 86400, size=n_users),
    )
    user_ids = base._unique_ids(rng, created)
    names = np.array(base._user_names(rng, english[:n_users]), dtype=object)
    ip = np.where(
        english[:n_users],
        base._pick(rng, base.words.IP_EN, n_users, base.words.IP_EN_P),
        base._pick(rng, base.words.IP_ZH, n_users, base.words.IP_ZH_P),
    )
    posts = base.export_frame(
        rng, user, user_ids, names, ip, english[user], post_topic, month, minutes, times, post_stamp,
        (likes, collects, comments, shares),
    )  # fmt: skip
    truth = pd.DataFrame(
        {
            "user_id": user_ids,
            "established": established[:n_users],
            "topic": np.array(base.TOPICS, dtype=object)[topic[:n_users]],
            "engagement": engagement[:n_users],
            "arrival_day": arrival[:n_users],
            "hazard": hazard[:n_users],
            "active_days": active[:n_users],
            "n_posts": counts[:n_users],
        }
    )
    return base._in_crawl_order(rng, posts, 0), truth
