"""A deterministic, synthetic stand-in for the Kaggle crawl export ``tt_refugee.csv``.

The real export (4,117 Xiaohongshu/RedNote posts by "TikTok refugees", January 2025) cannot be shipped,
so :func:`generate_crawl` writes a fake one with the same 15 columns, the same messy string forms
(``1.2万``, ``10万+``, ``1/14/2025 12:08``, empty cells, duplicate rows) and a planted, documented
answer to the study's question, so that the pipeline has something real to find.

Everything is drawn from one ``numpy.random.default_rng(seed)``; no sets, ``hash()`` or clock are used,
so the same ``(n_posts, seed)`` always gives the same frame and the CLI the same bytes::

    python -m rednote.synthetic.sample --posts 4117 --seed 2025 --out data/sample/tt_refugee_sample.csv

Users
-----
A pool of users is drawn i.i.d. and users are taken in pool order until their posts fill ``n_posts``
(minus the duplicates), so users grow in proportion to posts (about 0.8 users per post). The last user
taken may lose posts from the end of their timeline (March, then February, then January) to hit the
size exactly. Each user has

* a kind: ``cohort`` (97.5%; posts in January), ``feb_only`` (2%; first posts in February) or
  ``march_only`` (0.5%; one post in early March);
* a latent primary topic, one of :data:`TOPICS` (shares :data:`TOPIC_SHARE`); each post follows it
  with probability 0.8, otherwise it is about a topic drawn uniformly;
* a latent engagement level ``e ~ N(0, 1)`` that scales all of the user's counts;
* a writing language (English 78%, Chinese 22%) that drives their name, IP region and the language
  of most of their sentences.

January post counts are 1 for 93.5% of cohort users and ``1 + floor(U ** (-1/1.8))`` (a Pareto tail,
capped at 200) for the rest, so most users post once and the heaviest poster grows with the sample.
Likes are lognormal, ``log(likes + 1) ~ 3.9 + topic shift + 1.1 e + 1.5 N(0,1)``, plus an exponential
boost (mean 2.5) for 2% "viral" posts; collects, comments and shares are noisy power laws of likes
(log-correlations about 0.6-0.8).

Planted retention signal
------------------------
A cohort user is *retained* (gets 1-3 posts dated in February 2025) with probability
``sigmoid(logit)``::

    logit = RETENTION_INTERCEPT                      (-4.0)
            + TOPIC_RETENTION[topic]                 learn_chinese +2.0, daily_life +1.6, pets +0.4,
                                                     travel +0.2, food 0.0, ecommerce -0.5,
                                                     memes -1.6, tiktok_ban -1.9
            + RETENTION_ENGAGEMENT * z               (1.2) z = (mean January log(likes + 1) - 3.9) / 1.9
            + RETENTION_POSTS * log(n January posts) (0.8)

so retention is learnable from January behaviour and January text only: the topic shows in the words
and hashtags, engagement in the counts. About 6-7% of January users are retained, whatever the size
(measured on the data: users with a ``M/D/YYYY`` January post who also have one in February). An
oracle logistic regression on the user's January log-count sums, January post count and true topic
reaches a cross-validated ROC-AUC of about 0.85; since 20% of posts are off the user's topic and
single posts are short, a text model sees the topic less clearly.

Retained users' February posts are new posts (new text, times, counts and ids, with February phrasing
such as "still here", Lantern Festival), and 15% of them also post in early March. A few non-retained
cohort users (0.4%) and the ``march_only`` users post in March; ``feb_only`` users post only in
February. :func:`generate_crawl_with_truth` also returns the per-user truth (topic, engagement,
probability, retained flag) for tests and oracle checks; the pipeline must never read it.

Post-level noise
----------------
About 1% of times are in other formats (``2025-01-14 12:08:33``, ``2025/1/14 12:08``, ``01-14``),
0.3% are broken (``昨天 18:20``, ``3天前``, empty, ``not a date``); 1% of count cells are empty and a
few are censored (``10+``, ``1千+``; ``10万+`` is how the site prints 100,000 or more); 17% of titles,
2% of contents and 9% of labels are empty; 0.5% of rows are exact duplicates (the crawler fetching a
post twice). Rows are in random (crawl) order. All names, ids, tokens and URLs are random; none belongs to a real person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rednote.ingest.schema import KAGGLE_COLUMNS
from rednote.synthetic import words

COLUMNS = KAGGLE_COLUMNS

TOPICS = (
    "learn_chinese",
    "daily_life",
    "food",
    "travel",
    "pets",
    "tiktok_ban",
    "memes",
    "ecommerce",
)
TOPIC_SHARE = np.array([0.13, 0.16, 0.10, 0.09, 0.10, 0.17, 0.19, 0.06])
#: Additive effect of the user's latent topic on the retention logit.
TOPIC_RETENTION = np.array([2.0, 1.6, 0.0, 0.2, 0.4, -1.9, -1.6, -0.5])
#: Shift of log(likes + 1) by the post's topic (memes and pets travel further).
TOPIC_LIKES = np.array([-0.1, 0.0, 0.1, 0.0, 0.3, 0.2, 0.4, -0.5])
RETENTION_INTERCEPT = -4.0
RETENTION_ENGAGEMENT = 1.2
RETENTION_POSTS = 0.8
LIKE_MU = 3.9
LIKE_SD = 1.9
#: Share of posts that go viral, and the mean of their exponential boost to log(likes + 1).
VIRAL_SHARE = 0.02
VIRAL_BOOST = 2.5

KIND_NAMES = ("cohort", "feb_only", "march_only")
KIND_SHARE = np.array([0.975, 0.02, 0.005])
ON_TOPIC = 0.8
MULTI_POSTER_SHARE = 0.065
TAIL_ALPHA = 1.8
DUPLICATE_SHARE = 0.005

# Local (Beijing) wall-clock minutes are counted from 2025-01-01 00:00; ids use the UTC epoch.
_EPOCH_2025_BEIJING = 1735689600 - 8 * 3600
_DAY = 1440
_DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(80)]
_MONTH_OF = np.array([d.month for d in _DAYS])
_DOM_OF = np.array([d.day for d in _DAYS])
#: Relative posting activity by local hour (late evening in China, and Chinese morning = US evening).
_HOUR_WEIGHTS = np.array([5, 4, 3, 2, 1, 1, 1, 2, 4, 6, 7, 7, 8, 7, 6, 6, 6, 7, 8, 9, 10, 11, 10, 8], dtype=float)

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX = "0123456789abcdef"
_BASE32 = "0123456789abcdefghijklmnopqrstuv"

# --------------------------------------------------------------------------------------------
# Small vectorised helpers.
# --------------------------------------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _random_strings(rng: np.random.Generator, n: int, length: int, alphabet: str) -> np.ndarray:
    """``n`` random strings of ``length`` characters of an ASCII ``alphabet`` (numpy unicode array)."""
    codes = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    picked = codes[rng.integers(0, len(codes), size=(n, length))]
    return np.ascontiguousarray(picked).view(f"S{length}").ravel().astype(f"U{length}")


def _pick(rng: np.random.Generator, pool: Sequence[str], n: int, p: np.ndarray | None = None) -> np.ndarray:
    arr = np.array(pool, dtype=object)
    if p is None:
        return arr[rng.integers(0, len(arr), size=n)]
    return arr[rng.choice(len(arr), size=n, p=p / p.sum())]


def _minutes_to_parts(minutes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Local minutes since 2025-01-01 00:00 -> (month, day, hour, minute)."""
    day = minutes // _DAY
    rest = minutes % _DAY
    return _MONTH_OF[day], _DOM_OF[day], rest // 60, rest % 60


def _format_counts(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Print counts the way the site does: ``37``, ``1.2万``, ``3万``, ``10万+``, sometimes ``10+``/``1千+``/""."""
    n = len(values)
    out = values.astype(str).astype(object)
    wan = (values >= 10_000) & (values < 100_000)
    tenths = (values[wan] + 500) // 1000  # tenths of 万
    out[wan] = [f"{t // 10}万" if t % 10 == 0 else f"{t // 10}.{t % 10}万" for t in tenths.tolist()]
    out[values >= 100_000] = "10万+"
    u = rng.random(n)
    out[(values >= 1000) & (values < 10_000) & (u < 0.04)] = "1千+"
    out[(values >= 10) & (values < 100) & (u < 0.012)] = "10+"
    out[rng.random(n) < 0.01] = ""
    return out


def _name_fields(a: int, b: int, c: int, d: int, hex6: str) -> dict[str, object]:
    """The pieces the name forms of :mod:`rednote.synthetic.words` are filled with, from four random ints."""
    first, last = words.EN_FIRST[a % len(words.EN_FIRST)], words.EN_LAST[b % len(words.EN_LAST)]

    def at(pool: Sequence[str], k: int) -> str:
        return pool[k % len(pool)]

    return {
        "first": first,
        "last": last,
        "first_lower": first.lower(),
        "last_lower": last.lower(),
        "place": at(words.EN_PLACE, c),
        "abbr": at(words.EN_ABBR, c),
        "adj": at(words.EN_ADJ, b),
        "noun": at(words.EN_NOUN, c),
        "flag": at(words.FLAGS, c),
        "food_a": at(words.ZH_FOOD, a),
        "animal_a": at(words.ZH_ANIMAL, a),
        "animal_b": at(words.ZH_ANIMAL, b),
        "zh_adj_a": at(words.ZH_ADJ, a),
        "zh_adj_b": at(words.ZH_ADJ, b),
        "zh_noun_a": at(words.ZH_NOUN, a),
        "zh_noun_b": at(words.ZH_NOUN, b),
        "city_a": at(words.ZH_CITY, a),
        "d100": d % 100,
        "d1000": d % 1000,
        "d10000": d % 10000,
        "d1000_if_even": "" if d % 2 else d % 1000,
        "hex6": hex6,
    }


def _user_names(rng: np.random.Generator, lang_en: np.ndarray) -> list[str]:
    """One display name per user, in one of eight forms of the user's language (:data:`words.EN_NAME_FORMS`)."""
    n = len(lang_en)
    pattern = rng.integers(0, 8, size=n)
    r = rng.integers(0, 1 << 30, size=(n, 4)).tolist()
    hex6 = _random_strings(rng, n, 6, "0123456789ABCDEF").tolist()
    names = []
    for i, (a, b, c, d) in enumerate(r):
        forms = words.EN_NAME_FORMS if lang_en[i] else words.ZH_NAME_FORMS
        names.append(forms[pattern[i]].format(**_name_fields(a, b, c, d, hex6[i])))
    return names


def _unique_ids(rng: np.random.Generator, stamps: np.ndarray) -> np.ndarray:
    """24-hex ObjectId-like ids: 8 hex of a unix timestamp, 16 random hex; redrawn until unique."""
    n = len(stamps)
    tails = _random_strings(rng, n, 16, _HEX).astype(object)
    heads = np.array([f"{s:08x}" for s in stamps.tolist()], dtype=object)
    ids = heads + tails
    while True:
        dup = pd.Series(ids).duplicated().to_numpy()
        if not dup.any():
            return ids
        ids[dup] = heads[dup] + _random_strings(rng, int(dup.sum()), 16, _HEX).astype(object)


class _Slots:
    """A mapping for ``str.format_map`` that reads slot ``key`` of the current row ``i``.

    ``{emo}``/``{emo2}`` shift with the line number so that one post does not repeat one emoji.
    """

    __slots__ = ("cols", "emo", "i", "line")

    def __init__(self, cols: dict[str, list[str]], emo: list[int]) -> None:
        self.cols = cols
        self.emo = emo
        self.i = 0
        self.line = 0

    def __getitem__(self, key: str) -> str:
        if key == "emo":
            return words.EMOJI[(self.emo[self.i] + 5 * self.line) % len(words.EMOJI)]
        if key == "emo2":
            return words.EMOJI[(self.emo[self.i] + 5 * self.line + 2) % len(words.EMOJI)]
        return self.cols[key][self.i]


def _texts(
    rng: np.random.Generator, topic: np.ndarray, english: np.ndarray, month: np.ndarray
) -> tuple[list[str], list[str], list[str]]:
    """Titles, contents and labels for posts with the given topic index, language flag and month (0-2)."""
    n = len(topic)
    cols: dict[str, list[str]] = {}
    for keys, pool in words.SLOT_GROUPS:
        idx = rng.integers(0, len(pool), size=n)
        if len(keys) == 1:
            cols[keys[0]] = np.array(pool, dtype=object)[idx].tolist()
        else:
            for j, key in enumerate(keys):
                cols[key] = np.array([t[j] for t in pool], dtype=object)[idx].tolist()
    slots = _Slots(cols, rng.integers(0, len(words.EMOJI), size=n).tolist())

    # Per-post language: mostly the user's, sometimes the other one.
    en = np.where(english, rng.random(n) < 0.85, rng.random(n) < 0.2)
    pick = rng.integers(0, 1 << 30, size=(n, 6)).tolist()
    u = rng.random((n, 6))
    has_title = u[:, 0] >= 0.17
    generic_title = u[:, 1] < 0.1
    has_opener = u[:, 2] < 0.4
    has_second = u[:, 3] < 0.45
    has_closer = u[:, 4] < 0.55
    has_content = u[:, 5] >= 0.02
    tags_in_content = rng.random(n) < 0.9
    has_label = rng.random(n) >= 0.09

    # Hashtags: generic refugee tag (95%), 1-3 distinct topic tags, sometimes an extra generic one.
    refugee = np.where(rng.random(n) < 0.95, rng.choice(len(words.REFUGEE_TAGS), size=n, p=words.REFUGEE_TAG_P), -1)
    n_topic_tags = rng.choice([1, 2, 3], size=n, p=[0.45, 0.4, 0.15])
    tag_order = np.argsort(rng.random((n, 8)), axis=1).tolist()
    extra = np.where(rng.random(n) < 0.3, rng.integers(0, len(words.EXTRA_TAGS), size=n), -1)
    refugee_first = rng.random(n) < 0.7

    topic_l = topic.tolist()
    en_l = en.tolist()
    month_l = month.tolist()
    refugee_l = refugee.tolist()
    extra_l = extra.tolist()
    ntt_l = n_topic_tags.tolist()
    titles: list[str] = []
    contents: list[str] = []
    labels: list[str] = []
    for i in range(n):
        slots.i = i
        t = TOPICS[topic_l[i]]
        lang = 0 if en_l[i] else 1
        p = pick[i]
        if has_title[i]:
            pool = words.GENERIC_TITLES[lang] if generic_title[i] else words.TITLES[t][lang]
            titles.append(pool[p[0] % len(pool)].format_map(slots))
        else:
            titles.append("")

        pool_tags = words.TOPIC_TAGS[t]
        tags = [pool_tags[k] for k in tag_order[i][: ntt_l[i]]]
        if refugee_l[i] >= 0:
            tag = words.REFUGEE_TAGS[refugee_l[i]]
            tags = [tag, *tags] if refugee_first[i] else [*tags, tag]
        if extra_l[i] >= 0:
            tags.append(words.EXTRA_TAGS[extra_l[i]])
        labels.append("#".join(tags) if has_label[i] else "")

        if not has_content[i]:
            contents.append("")
            continue
        lines = []
        if has_opener[i]:
            pool = words.OPENERS[month_l[i]][lang]
            lines.append(pool[p[1] % len(pool)])
        bodies = words.BODIES[t][lang]
        first = p[2] % len(bodies)
        lines.append(bodies[first])
        if has_second[i]:
            second = (first + 1 + p[3] % (len(bodies) - 1)) % len(bodies)
            lines.append(bodies[second])
        if has_closer[i]:
            pool = words.CLOSERS[lang]
            lines.append(pool[p[4] % len(pool)])
        for j, line in enumerate(lines):
            slots.line = j + 1
            lines[j] = line.format_map(slots)
        slots.line = 0
        text = "\n".join(lines)
        if tags_in_content[i]:
            text += "\n" + " ".join(f"#{tag}[话题]#" for tag in tags)
        contents.append(text)
    return titles, contents, labels


# --------------------------------------------------------------------------------------------
# The generator.
# --------------------------------------------------------------------------------------------


def _log_likes(rng: np.random.Generator, post_topic: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    n = len(post_topic)
    viral = np.where(rng.random(n) < VIRAL_SHARE, rng.exponential(VIRAL_BOOST, size=n), 0.0)
    return LIKE_MU + TOPIC_LIKES[post_topic] + 1.1 * engagement + 1.5 * rng.standard_normal(n) + viral


def _post_topics(rng: np.random.Generator, user_topic: np.ndarray) -> np.ndarray:
    n = len(user_topic)
    return np.where(rng.random(n) < ON_TOPIC, user_topic, rng.integers(0, len(TOPICS), size=n))


def intercept_for_share(logit_rest: np.ndarray, share: float) -> float:
    """The intercept ``b`` with ``mean(sigmoid(b + logit_rest)) == share`` (bisection; ``0 < share < 1``).

    ``logit_rest``: every cohort user's retention logit without the intercept. The expected share of
    retained users is increasing in ``b``, so the root is unique.
    """
    if not 0 < share < 1:
        raise ValueError(f"retained_share={share} must lie strictly between 0 and 1")
    if len(logit_rest) == 0:
        return RETENTION_INTERCEPT
    low, high = -40.0, 40.0
    for _ in range(100):
        mid = (low + high) / 2
        if _sigmoid(mid + logit_rest).mean() < share:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def generate_crawl_with_truth(
    n_posts: int = 4117, seed: int = 2025, retained_share: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fake crawl export and the per-user latent truth behind it.

    ``retained_share``: None keeps :data:`RETENTION_INTERCEPT` (about 6-7% of January users retained,
    the bundled sample); a share such as 0.006 (the real crawl: about 20 of 3,249) replaces the
    intercept by the one whose expected retained share over the candidate cohort users is that share
    (:func:`intercept_for_share`), leaving every other coefficient and random draw as they are.

    Returns ``(posts, users)``: ``posts`` has :data:`COLUMNS` as strings (empty cells ""), one row per
    post (plus ~0.5% exact duplicate rows) in random order; ``users`` has one row per user who has at
    least one post, with ``user_id, kind, topic, english, engagement, retention_prob, retained,
    n_jan_posts, n_feb_posts, n_mar_posts`` (``retention_prob``/``retained`` are NaN/False outside the
    January cohort; ``retained`` is the planted draw, while the counts are of the generated posts, whatever
    format their dates were printed in, so the one user trimmed to hit ``n_posts`` may be retained with no
    February post).
    """
    if n_posts < 1:
        raise ValueError("n_posts must be at least 1")
    # One generator, drawn from in a fixed order by the steps below: reordering them changes every byte.
    rng = np.random.default_rng(seed)
    n_dup = int(round(n_posts * DUPLICATE_SHARE)) if n_posts >= 100 else 0
    n_base = n_posts - n_dup
    pool = _draw_pool(rng, n_base)  # each candidate has >= 1 post, so n_base users always suffice
    _plant_retention(rng, pool, retained_share)
    users, jan = _fill_to_size(pool, n_base)
    user, month, post_topic, likes = _all_posts(rng, users, jan)
    times, minutes, post_stamp = _post_times(rng, month)
    collects, comments, shares = _other_counts(rng, likes)
    user_ids, names, ip = _identities(rng, users.english, user, post_stamp)
    counts = (likes, collects, comments, shares)
    posts = export_frame(
        rng, user, user_ids, names, ip, users.english[user], post_topic, month, minutes, times, post_stamp, counts
    )
    return _in_crawl_order(rng, posts, n_dup), _truth_table(users, user_ids)


def export_frame(
    rng: np.random.Generator,
    user: np.ndarray,
    user_ids: np.ndarray,
    names: np.ndarray,
    ip: np.ndarray,
    english: np.ndarray,
    post_topic: np.ndarray,
    month: np.ndarray,
    minutes: np.ndarray,
    times: list[str],
    post_stamp: np.ndarray,
    counts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The export's rows, one per post (``user``: each post's user index; ``english``, ``post_topic``, ``month``,
    ``minutes``, ``times``, ``post_stamp`` per post; ``counts``: likes, collects, comments, shares): texts, links,
    printed counts, note ids and types drawn here, in this order (the default sample's bytes depend on it)."""
    titles, contents, labels = _texts(rng, post_topic, english, month)
    address, image, ip_post = _links(rng, user_ids[user], minutes, ip[user])
    likes, collects, comments, shares = counts
    return pd.DataFrame(
        {
            "title": titles,
            "content": contents,
            "address": address,
            "label": labels,
            "user_name": names[user],
            "user_id": user_ids[user],
            "like_count": _format_counts(likes, rng),
            "collect_count": _format_counts(collects, rng),
            "comment_count": _format_counts(comments, rng),
            "share_count": _format_counts(shares, rng),
            "create_time": times,
            "post_id": _unique_ids(rng, post_stamp),
            "ip_localtion": ip_post,
            "image": image,
            "type": np.where(rng.random(len(user)) < 0.7, "normal", "video").astype(object),
        },
        columns=list(COLUMNS),
    )


@dataclass
class _Users:
    """Per-user arrays of the generator (one entry per candidate, later per user kept)."""

    kind: np.ndarray
    topic: np.ndarray
    engagement: np.ndarray
    english: np.ndarray
    k_jan: np.ndarray
    prob: np.ndarray = field(default_factory=lambda: np.zeros(0))
    retained: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    k_feb: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    k_mar: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class _JanuaryPosts:
    """January posts of the pool, users in pool order: ``user`` (index), ``topic``, ``likes``."""

    user: np.ndarray
    topic: np.ndarray
    likes: np.ndarray


def _draw_pool(rng: np.random.Generator, pool: int) -> tuple[_Users, _JanuaryPosts]:
    """A pool of candidate users (kind, topic, engagement, language, January post count) and their January posts."""
    kind = rng.choice(len(KIND_NAMES), size=pool, p=KIND_SHARE)
    topic = rng.choice(len(TOPICS), size=pool, p=TOPIC_SHARE)
    engagement = rng.standard_normal(pool)
    english = rng.random(pool) < 0.78
    cohort = kind == 0
    # January posts: one for most users; a Pareto tail (2, 3, ... up to 200) for a few heavy posters.
    tail = 1 + np.minimum(np.floor(rng.random(pool) ** (-1 / TAIL_ALPHA)), 199).astype(np.int64)
    k_jan = np.where(cohort, np.where(rng.random(pool) < MULTI_POSTER_SHARE, tail, 1), 0)
    jan_user = np.repeat(np.arange(pool), k_jan)
    jan_topic = _post_topics(rng, topic[jan_user])
    jan_loglike = _log_likes(rng, jan_topic, engagement[jan_user])
    jan_likes = np.maximum(np.round(np.exp(jan_loglike)) - 1, 0).astype(np.int64)
    return _Users(kind, topic, engagement, english, k_jan), _JanuaryPosts(jan_user, jan_topic, jan_likes)


def _plant_retention(
    rng: np.random.Generator, drawn: tuple[_Users, _JanuaryPosts], retained_share: float | None
) -> None:
    """The planted retention model (module docstring): fills ``prob``, ``retained``, ``k_feb``, ``k_mar``."""
    users, jan = drawn
    pool, cohort, k_jan, topic = len(users.kind), users.kind == 0, users.k_jan, users.topic
    mean_log = np.zeros(pool)
    np.add.at(mean_log, jan.user, np.log1p(jan.likes))
    mean_log = np.divide(mean_log, k_jan, out=np.zeros(pool), where=k_jan > 0)
    z = (mean_log - LIKE_MU) / LIKE_SD
    log_posts = np.log(np.maximum(k_jan, 1))
    intercept = RETENTION_INTERCEPT
    if retained_share is not None:
        rest = TOPIC_RETENTION[topic] + RETENTION_ENGAGEMENT * z + RETENTION_POSTS * log_posts
        intercept = intercept_for_share(rest[cohort], retained_share)
    # Summed in this order so that the default reproduces the bundled sample's bytes.
    logit = intercept + TOPIC_RETENTION[topic] + RETENTION_ENGAGEMENT * z + RETENTION_POSTS * log_posts
    users.prob = np.where(cohort, _sigmoid(logit), np.nan)
    users.retained = cohort & (rng.random(pool) < np.nan_to_num(users.prob))
    k_feb = np.where(users.retained, rng.choice([1, 2, 3], size=pool, p=[0.55, 0.3, 0.15]), 0)
    users.k_feb = np.where(users.kind == 1, 1 + (rng.random(pool) < 0.2), k_feb)
    k_mar = np.where(users.retained, rng.random(pool) < 0.15, 0).astype(np.int64)
    k_mar = np.where(cohort & ~users.retained, rng.random(pool) < 0.004, k_mar).astype(np.int64)
    users.k_mar = np.where(users.kind == 2, 1, k_mar)


def _fill_to_size(drawn: tuple[_Users, _JanuaryPosts], n_base: int) -> tuple[_Users, _JanuaryPosts]:
    """Take users in pool order until their posts fill ``n_base``; trim the last one from the end (March first)."""
    pool, jan = drawn
    cum = np.cumsum(pool.k_jan + pool.k_feb + pool.k_mar)
    last = int(np.searchsorted(cum, n_base))
    n_users = last + 1
    excess = int(cum[last] - n_base)
    k_jan, k_feb, k_mar = pool.k_jan[:n_users].copy(), pool.k_feb[:n_users].copy(), pool.k_mar[:n_users].copy()
    for arr in (k_mar, k_feb, k_jan):
        cut = min(excess, int(arr[last]))
        arr[last] -= cut
        excess -= cut
    kept = _Users(
        pool.kind[:n_users],
        pool.topic[:n_users],
        pool.engagement[:n_users],
        pool.english[:n_users],
        k_jan,
        pool.prob[:n_users],
        pool.retained[:n_users],
        k_feb,
        k_mar,
    )
    # January posts kept: within-user rank below the (possibly trimmed) count.
    keep = jan.user < n_users
    user, topic, likes = jan.user[keep], jan.topic[keep], jan.likes[keep]
    starts = np.concatenate([[0], np.cumsum(pool.k_jan[:n_users])[:-1]])
    rank = np.arange(len(user)) - starts[user]
    keep = rank < k_jan[user]
    return kept, _JanuaryPosts(user[keep], topic[keep], likes[keep])


def _all_posts(
    rng: np.random.Generator, users: _Users, jan: _JanuaryPosts
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every post: the kept January posts, then February and March ones with their topics and likes.

    Returns ``(user, month, topic, likes)`` per post; month 0 = January, 1 = February, 2 = March.
    """
    n_users = len(users.kind)
    later_user = np.concatenate(
        [np.repeat(np.arange(n_users), users.k_feb), np.repeat(np.arange(n_users), users.k_mar)]
    )
    later_month = np.concatenate([np.ones(int(users.k_feb.sum()), dtype=np.int64), np.full(int(users.k_mar.sum()), 2)])
    later_topic = _post_topics(rng, users.topic[later_user])
    later_likes = np.maximum(np.round(np.exp(_log_likes(rng, later_topic, users.engagement[later_user]))) - 1, 0)
    user = np.concatenate([jan.user, later_user])
    month = np.concatenate([np.zeros(len(jan.user), dtype=np.int64), later_month])
    topic = np.concatenate([jan.topic, later_topic])
    likes = np.concatenate([jan.likes, later_likes.astype(np.int64)])
    return user, month, topic, likes


def _post_times(rng: np.random.Generator, month: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Posting times: printed strings (mostly ``M/D/YYYY H:MM``, some other forms, a few broken), local
    Beijing minutes since 2025-01-01 00:00, and the unix second of each post (for its id)."""
    n = len(month)
    day = np.empty(n, dtype=np.int64)
    jan = month == 0
    peak = 15.5 + 3.2 * rng.standard_normal(n)
    flat = rng.random(n) * 31
    jan_day = np.where(rng.random(n) < 0.75, peak, flat)
    jan_day = np.where((jan_day < 0) | (jan_day >= 31), flat, jan_day)
    day[jan] = np.floor(jan_day[jan]).astype(np.int64)
    feb = month == 1
    day[feb] = 31 + (np.floor(rng.exponential(9.0, size=n)) % 28).astype(np.int64)[feb]
    mar = month == 2
    day[mar] = 59 + rng.integers(0, 8, size=n)[mar]
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    minutes = day * _DAY + hour * 60 + rng.integers(0, 60, size=n)
    times, stamps = _printed_times(rng, minutes)
    return times, minutes, stamps


def _printed_times(rng: np.random.Generator, minutes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """How the export prints local ``minutes`` (mostly ``M/D/YYYY H:MM``, 1% other forms, 0.3% broken), and each
    post's unix second (for its id)."""
    n = len(minutes)
    seconds = rng.integers(0, 60, size=n)
    mo, dom, hh, mi = _minutes_to_parts(minutes)
    form = rng.random(n)
    alt = rng.integers(0, 3, size=n)
    broken = rng.integers(0, 4, size=n)
    days_ago = rng.integers(2, 8, size=n)
    parts = (mo, dom, hh, mi, seconds, form, alt, broken, days_ago)
    times = [_printed_time(*values) for values in zip(*(x.tolist() for x in parts))]
    return times, _EPOCH_2025_BEIJING + minutes * 60 + seconds


def _printed_time(m_: int, d_: int, h_: int, i_: int, s_: int, f_: float, a_: int, b_: int, g_: int) -> str:
    """One time as the export prints it: the usual form, 1% in another form, 0.3% broken."""
    if f_ >= 0.013:
        return f"{m_}/{d_}/2025 {h_}:{i_:02d}"
    if f_ >= 0.003:
        return (
            f"2025-{m_:02d}-{d_:02d} {h_:02d}:{i_:02d}:{s_:02d}",
            f"2025/{m_}/{d_} {h_:02d}:{i_:02d}",
            f"{m_:02d}-{d_:02d}",
        )[a_]
    return (f"昨天 {h_}:{i_:02d}", f"{g_}天前", "", "not a date")[b_]


def _other_counts(rng: np.random.Generator, likes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collects, comments and shares: noisy power laws of likes."""
    n, log_l = len(likes), np.log1p(likes)
    collects = np.maximum(np.round(np.exp(-1.0 + 0.95 * log_l + 1.1 * rng.standard_normal(n))) - 1, 0).astype(np.int64)
    comments = np.maximum(np.round(np.exp(-1.6 + 0.85 * log_l + 1.2 * rng.standard_normal(n))) - 1, 0).astype(np.int64)
    shares = np.maximum(np.round(np.exp(-2.0 + 0.9 * log_l + 1.3 * rng.standard_normal(n))) - 1, 0).astype(np.int64)
    return collects, comments, shares


def _identities(
    rng: np.random.Generator, english: np.ndarray, user: np.ndarray, post_stamp: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per user: an id whose first 8 hex digits are the account's creation second, a name, an IP region."""
    n_users = len(english)
    first_stamp = np.full(n_users, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_stamp, user, post_stamp)
    new_account = np.where(english, rng.random(n_users) < 0.9, rng.random(n_users) < 0.15)
    created = np.where(
        new_account,
        first_stamp - rng.integers(600, 3 * 86400, size=n_users),
        rng.integers(1451606400, 1733011200, size=n_users),
    )
    user_ids = _unique_ids(rng, created)
    names = np.array(_user_names(rng, english), dtype=object)
    ip = np.where(
        english, _pick(rng, words.IP_EN, n_users, words.IP_EN_P), _pick(rng, words.IP_ZH, n_users, words.IP_ZH_P)
    )
    return user_ids, names, ip


def _links(
    rng: np.random.Generator, uid: np.ndarray, minutes: np.ndarray, ip: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per post: the profile URL with its xsec token, the image URL (stamped when fetched), the IP region (1% empty)."""
    n = len(uid)
    tokens = _random_strings(rng, n, 40, _B64URL).astype(object)
    address = "https://www.xiaohongshu.com/user/profile/" + uid + "?xsec_token=AB" + tokens + "=&xsec_source=pc_note"
    fetched = np.minimum(minutes + rng.integers(30, 2 * _DAY, size=n), 79 * _DAY)
    f_mo, f_dom, f_hh, f_mi = _minutes_to_parts(fetched)
    stamps = np.array(
        [f"2025{a:02d}{b:02d}{c:02d}{d:02d}" for a, b, c, d in zip(*(x.tolist() for x in (f_mo, f_dom, f_hh, f_mi)))],
        dtype=object,
    )
    hex32 = _random_strings(rng, n, 32, _HEX).astype(object)
    paths = _random_strings(rng, n, 35, _BASE32).astype(object)
    spectrum = np.where(rng.random(n) < 0.2, "spectrum/1040g", "1040g").astype(object)
    image = "https://sns-webpic-qc.xhscdn.com/" + stamps + "/" + hex32 + "/" + spectrum + paths + "!nd_dft_wlteh_webp_3"
    ip_post = ip.copy()
    ip_post[rng.random(n) < 0.01] = ""
    return address, image, ip_post


def _in_crawl_order(rng: np.random.Generator, posts: pd.DataFrame, n_dup: int) -> pd.DataFrame:
    """Add ``n_dup`` exact duplicate rows (a post fetched twice) and shuffle into crawl order; all cells object."""
    if n_dup:
        posts = pd.concat([posts, posts.iloc[rng.choice(len(posts), size=n_dup, replace=False)]], ignore_index=True)
    return posts.iloc[rng.permutation(len(posts))].reset_index(drop=True).astype(object)


def _truth_table(users: _Users, user_ids: np.ndarray) -> pd.DataFrame:
    """The per-user latent truth behind the crawl, for users with at least one post."""
    table = pd.DataFrame(
        {
            "user_id": user_ids,
            "kind": np.array(KIND_NAMES, dtype=object)[users.kind],
            "topic": np.array(TOPICS, dtype=object)[users.topic],
            "english": users.english,
            "engagement": users.engagement,
            "retention_prob": users.prob,
            "retained": users.retained,
            "n_jan_posts": users.k_jan,
            "n_feb_posts": users.k_feb,
            "n_mar_posts": users.k_mar,
        }
    )
    return table[(users.k_jan + users.k_feb + users.k_mar) > 0].reset_index(drop=True)


def generate_crawl(n_posts: int = 4117, seed: int = 2025, retained_share: float | None = None) -> pd.DataFrame:
    """The fake crawl export only: :data:`COLUMNS`, all strings, empty cells as ""."""
    return generate_crawl_with_truth(n_posts=n_posts, seed=seed, retained_share=retained_share)[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rednote.synthetic.sample",
        description="Write a deterministic synthetic RedNote crawl export (same columns as tt_refugee.csv).",
    )
    parser.add_argument("--posts", type=int, default=4117, help="number of rows (default 4117)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument(
        "--retained-share",
        type=float,
        default=None,
        help="expected share of January users retained, e.g. 0.006 like the real crawl (default: the sample's ~6.7%%)",
    )
    parser.add_argument(
        "--mechanism",
        choices=("retention", "hazard"),
        default="retention",
        help="retention: the bundled sample's planted February retention (default); hazard: a planted time to "
        "silence that does not depend on the arrival day (rednote.synthetic.hazard)",
    )
    parser.add_argument("--out", type=Path, default=Path("data/sample/tt_refugee_sample.csv"), help="CSV to write")
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    if args.retained_share is not None and not 0 < args.retained_share < 1:
        parser.error("--retained-share must lie strictly between 0 and 1")
    if args.mechanism == "hazard":
        if args.retained_share is not None:
            parser.error("--retained-share sets the retention mechanism's share; the hazard mechanism has none")
        from rednote.synthetic.hazard import generate_hazard_crawl_with_truth

        frame = generate_hazard_crawl_with_truth(n_posts=args.posts, seed=args.seed)[0]
    else:
        frame = generate_crawl(n_posts=args.posts, seed=args.seed, retained_share=args.retained_share)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {len(frame)} posts to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
