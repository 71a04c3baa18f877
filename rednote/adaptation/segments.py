"""User segments of the adaptation study: K-Means on log-scaled behaviour, cluster profiles, DBSCAN outliers.

The study clustered *posts* on standardized *raw* counts and read a silhouette of 0.96 as three
adaptation strategies; on heavy-tailed counts that number measures one giant cluster against a few
extreme posts. Here users are clustered on their January behaviour features with the skewed ones
log1p-transformed, every k in a range is reported with its silhouette, and each cluster is described
by its medians, video share, topics and retention. :func:`study_clusters` reruns the study's
post-level set-up so the two can be read side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import euclidean_distances
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler
from sklearn.utils.extmath import row_norms

from rednote.core.errors import UserError
from rednote.core.params import AnomalyParams, SegmentParams
from rednote.core.threads import thread_count
from rednote.features.cohort import BEHAVIOUR_FEATURES, COUNT_FEATURES, SKEWED_FEATURES

#: Why an outlier is unusual, in the order the rules are tried (see :func:`outlier_reasons`).
REASONS = ("influencer-like", "bot-like or silent", "prolific poster", "unusual mix")
#: Cells of the pairwise-distance block computed at once by :func:`silhouettes` (bounds its memory).
DISTANCE_BLOCK = 4_000_000
#: Sampled rows scored together by :func:`silhouettes`: each pass over all rows (their cluster memberships included)
#: serves this many, so the memberships are read once per block of rows, not once per row (at 1.5M users a block of
#: 2 rows made each pass stream 500 MB of memberships for 2 rows).
ROW_BLOCK = 1_000


# --------------------------------------------------------------------------------------------
# Scaling and K-Means


def scale_features(
    frame: pd.DataFrame, columns: Sequence[str], log_columns: Sequence[str] = (), what: str = "users"
) -> np.ndarray:
    """``frame[columns]`` as (n, len(columns)) float64: log1p on ``log_columns`` (clipped at 0), then z-scored.

    With ``log_columns=()`` this is the study's scaling (standardized raw counts). A constant column
    becomes all zeros. Raises UserError when the values are not finite or every column is constant
    (nothing to cluster); ``what`` names the rows in that message.
    """
    values = frame[list(columns)].astype("float64")
    logged = [c for c in columns if c in set(log_columns)]
    if logged:
        values = values.copy()
        values[logged] = np.log1p(values[logged].clip(lower=0))
    X = values.to_numpy()
    if len(X) == 0:
        raise UserError(f"there are no {what} to cluster; check that the earlier stages kept any rows (`dvc repro`).")
    if not np.isfinite(X).all():
        raise UserError(
            f"the {what}' features {list(columns)} hold missing or infinite values; rerun `dvc repro` from `clean`."
        )
    if not (X.std(axis=0) > 0).any():
        raise UserError(
            f"all {len(X)} {what} have identical {', '.join(columns)}, so there is nothing to cluster; use a larger or more varied crawl."
        )
    return StandardScaler().fit_transform(X)


def fit_kmeans(X: np.ndarray, k: int, seed: int, n_init: int) -> np.ndarray:
    """K-Means labels (n,) int64 for ``k`` clusters, renumbered by size: cluster 0 is the largest.

    Ties in size keep K-Means' own order, so the labels are a deterministic function of ``X``, ``k``,
    ``seed`` and ``n_init``.
    """
    raw = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)
    order = np.argsort(-np.bincount(raw, minlength=k), kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[raw]


def silhouette(X: np.ndarray, labels: np.ndarray, sample_size: int, seed: int) -> float | None:
    """Mean silhouette coefficient (Euclidean); None where it is undefined (fewer than 2 or more than n−1 clusters).

    Up to ``sample_size`` rows it is exact (equal to ``sklearn.metrics.silhouette_score``). Above it,
    it averages the exact silhouettes of a seeded sample of ``sample_size`` rows, each measured
    against *all* rows; unlike silhouettes of a sub-sample clustering, a tiny cluster missing from
    the sample still counts as a neighbour. Memory stays bounded (blocks of :data:`DISTANCE_BLOCK`).
    """
    return silhouettes(X, {0: labels}, sample_size, seed)[0]


def silhouettes(
    X: np.ndarray, labelings: Mapping[int, np.ndarray], sample_size: int, seed: int
) -> dict[int, float | None]:
    """:func:`silhouette` of each labelling of the same rows ``X`` (e.g. each k tried), from one pass over the
    distances: each block of sampled rows' distances to all rows is computed once, for every labelling, with the
    rows' squared norms computed once (scikit-learn's own, so the distances are those it computes itself)."""
    n = len(X)
    clusterings = {}  # each defined labelling: (labels numbered 0..k-1, cluster sizes, its columns of ``one_hot``)
    columns = 0
    for key, labels in labelings.items():
        present, numbered = np.unique(np.asarray(labels), return_inverse=True)
        if 2 <= len(present) <= n - 1:
            clusterings[key] = (numbered, np.bincount(numbered).astype(float), slice(columns, columns + len(present)))
            columns += len(present)
    # every labelling's cluster memberships side by side (n, all their clusters): one product per block of distances
    one_hot = np.zeros((n, columns))
    for numbered, _, cut in clusterings.values():
        one_hot[np.arange(n), cut.start + numbered] = 1.0
    rows = (
        np.arange(n) if n <= sample_size else np.sort(np.random.default_rng(seed).choice(n, sample_size, replace=False))
    )
    norms = row_norms(X, squared=True)[np.newaxis, :]
    step = min(ROW_BLOCK, max(1, len(rows)))
    width = max(1, DISTANCE_BLOCK // step)  # the columns (rows of X) of a block of distances
    scores: dict[int, list[np.ndarray]] = {key: [] for key in clusterings}
    for start in range(0, len(rows) if clusterings else 0, step):
        block = rows[start : start + step]
        # each row's summed distance to each cluster of every labelling, a slice of X's rows at a time
        summed = np.zeros((len(block), columns))
        sampled, sampled_norms = X[block], norms[0, block][:, np.newaxis]
        for first in range(0, n, width):
            cut = slice(first, first + width)
            distances = euclidean_distances(sampled, X[cut], X_norm_squared=sampled_norms, Y_norm_squared=norms[:, cut])
            summed += distances @ one_hot[cut]
        for key, (labels, sizes, mine) in clusterings.items():
            sums = summed[:, mine]  # (block, k)
            own = labels[block]
            own_size = sizes[own]
            a = sums[np.arange(len(block)), own] / np.maximum(own_size - 1, 1)
            means = sums / sizes
            means[np.arange(len(block)), own] = np.inf
            b = means.min(axis=1)
            s = (b - a) / np.maximum(np.maximum(a, b), np.finfo(float).tiny)
            # a point alone in its cluster scores 0, as in scikit-learn
            scores[key].append(np.where(own_size > 1, s, 0.0))
    return {key: float(np.concatenate(scores[key]).mean()) if key in scores else None for key in labelings}


@dataclass
class KChoice:
    """The chosen ``k``, the silhouette of every k tried (None where undefined), and the chosen labels (n,)."""

    k: int
    silhouettes: dict[int, float | None]
    labels: np.ndarray
    sizes: list[int] = field(default_factory=list)


def candidate_ks(k: Any, k_range: Sequence[int]) -> list[int]:
    """The k values to try: ``k_range`` (both ends included) when ``k`` is ``"auto"``, else ``[k]``."""
    if str(k).strip().lower() == "auto":
        if len(k_range) != 2 or int(k_range[0]) < 2 or int(k_range[1]) < int(k_range[0]):
            raise UserError(
                f"segment.k_range={list(k_range)} must be [low, high] with 2 <= low <= high; fix params.yaml."
            )
        return list(range(int(k_range[0]), int(k_range[1]) + 1))
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise UserError(
            f"segment.k={k!r} must be `auto` or a whole number of clusters of at least 2; fix params.yaml."
        ) from None
    if value < 2 or value != float(k):
        raise UserError(f"segment.k={k!r} must be `auto` or a whole number of clusters of at least 2; fix params.yaml.")
    return [value]


def choose_k(X: np.ndarray, ks: Sequence[int], seed: int, n_init: int, sample_size: int) -> KChoice:
    """Fit K-Means for every k in ``ks``; keep the k with the highest silhouette (the smaller k on a tie).

    Raises UserError when there are no more users than the largest k (a silhouette needs it) or no
    k yields a defined silhouette (the users collapse onto fewer distinct points than k).
    """
    n = len(X)
    if n <= max(ks):
        raise UserError(
            f"there are {n} users, too few for up to {max(ks)} clusters (a silhouette needs more users than clusters); "
            "lower segment.k / segment.k_range or use a larger crawl."
        )
    fitted = {k: fit_kmeans(X, k, seed, n_init) for k in ks}
    scores = silhouettes(X, fitted, sample_size, seed)
    scored = {k: s for k, s in scores.items() if s is not None}
    if not scored:
        raise UserError(
            f"no k in {list(ks)} gives a defined silhouette: the {n} users sit on too few distinct points; use a larger crawl or lower segment.k_range."
        )
    best = max(scored, key=lambda k: (scored[k], -k))
    sizes = np.bincount(fitted[best], minlength=best).tolist()
    return KChoice(best, scores, fitted[best], sizes)


# --------------------------------------------------------------------------------------------
# Profiles and descriptive names


def _engagement(users: pd.DataFrame) -> pd.Series:
    return users[[f"{c}_sum" for c in COUNT_FEATURES]].sum(axis=1)


def profile(
    users: pd.DataFrame,
    topics: np.ndarray,
    topic_words: list[list[str]],
    counted: np.ndarray,
    n_top_topics: int,
    n_top_words: int,
) -> dict:
    """One group of users described: size, median counts and posts, video and night share, topics, retention.

    ``users``: rows of the users table (behaviour features and ``retained``); ``topics``: their
    (n, n_topics) weights; ``counted``: bool (n,), whose labels enter the retention rate. Medians are
    of per-user January sums; ``video_share``/``night_share`` are shares of the group's *posts*.
    ``topics`` lists the ``n_top_topics`` highest mean topic weights with each topic's top words.
    """
    posts = users["n_posts"].to_numpy()
    total_posts = posts.sum()
    means = topics.mean(axis=0) if len(topics) else np.zeros(topics.shape[1])
    top = np.argsort(-means, kind="stable")[:n_top_topics]
    retained = users["retained"].to_numpy()[counted]
    return {
        "n": int(len(users)),
        "median": {
            **{f"{c}_sum": float(users[f"{c}_sum"].median()) for c in COUNT_FEATURES},
            "engagement_sum": float(_engagement(users).median()),
            "n_posts": float(users["n_posts"].median()),
            "active_days": float(users["active_days"].median()),
            "first_day": float(users["first_day"].median()),
        },
        "video_share": float((users["video_share"].to_numpy() * posts).sum() / total_posts) if total_posts else None,
        "night_share": float((users["night_share"].to_numpy() * posts).sum() / total_posts) if total_posts else None,
        "topic_means": [round(float(m), 6) for m in means],
        "topics": [
            {"topic": int(t), "mean_weight": round(float(means[t]), 6), "top_words": topic_words[t][:n_top_words]}
            for t in top
        ],
        "retention_n": int(len(retained)),
        "retained": int(retained.sum()),
        "retention_rate": float(retained.mean()) if len(retained) else None,
    }


def describe(group: dict, overall: dict, engagement_ratio: float, share_margin: float, day_margin: float) -> str:
    """A descriptive name for a cluster from its profile against all users' profile (both from :func:`profile`).

    Rules, each adding a word: median engagement (likes+collects+comments+shares) at least
    ``engagement_ratio`` × the overall median → "high-engagement", at most 1/ratio × → "low-engagement";
    median posts above the overall median → "multi-post"; share of video posts ``share_margin``
    above/below the overall share → "video-heavy"/"video-light"; night share ``share_margin`` above →
    "night-posting"; median first posting day ``day_margin`` days before/after → "early"/"late arrivals".
    None applies → "typical".
    """
    words = []
    mine, all_ = group["median"]["engagement_sum"], overall["median"]["engagement_sum"]
    if mine > 0 and mine >= engagement_ratio * all_:
        words.append("high-engagement")
    elif mine <= all_ / engagement_ratio and mine < all_:
        words.append("low-engagement")
    if group["median"]["n_posts"] > overall["median"]["n_posts"]:
        words.append("multi-post")
    for key, high, low in (("video_share", "video-heavy", "video-light"), ("night_share", "night-posting", None)):
        if group[key] is None or overall[key] is None:
            continue
        if group[key] >= overall[key] + share_margin:
            words.append(high)
        elif low and group[key] <= overall[key] - share_margin:
            words.append(low)
    shift = group["median"]["first_day"] - overall["median"]["first_day"]
    if shift <= -day_margin:
        words.append("early arrivals")
    elif shift >= day_margin:
        words.append("late arrivals")
    return ", ".join(words) or "typical"


def cluster_profiles(
    users: pd.DataFrame,
    labels: np.ndarray,
    topics: np.ndarray,
    topic_words: list[list[str]],
    counted: np.ndarray,
    p: SegmentParams,
) -> tuple[dict, dict[str, dict]]:
    """The overall profile and each cluster's (keyed "0", "1", …), each cluster with its descriptive ``name``."""
    n_top_topics, n_top_words = p.n_top_topics, p.n_top_words
    overall = profile(users, topics, topic_words, counted, n_top_topics, n_top_words)
    naming = p.naming
    clusters = {}
    for c in range(int(labels.max()) + 1):
        members = labels == c
        group = profile(users[members], topics[members], topic_words, counted[members], n_top_topics, n_top_words)
        group["share"] = group["n"] / len(users)
        group["name"] = describe(
            group,
            overall,
            naming.engagement_ratio,
            naming.share_margin,
            naming.day_margin,
        )
        clusters[str(c)] = group
    return overall, clusters


# --------------------------------------------------------------------------------------------
# DBSCAN outliers


def k_distances(X: np.ndarray, min_samples: int) -> np.ndarray:
    """Each row's distance to its ``min_samples``-th nearest neighbour, counting itself (DBSCAN's convention), in row order.

    Sorted and plotted, the curve bends where points stop being in dense regions; a value of ``eps``
    near the bend makes the rows above it candidates for DBSCAN noise.
    """
    if min_samples < 1:
        raise UserError(f"segment.dbscan.min_samples={min_samples} must be at least 1; fix params.yaml.")
    if len(X) < min_samples:
        raise UserError(
            f"there are {len(X)} users, fewer than segment.dbscan.min_samples={min_samples}; lower it or use a larger crawl."
        )
    distances, _ = neighbours(X, min_samples).kneighbors(X)
    return distances[:, -1]


def neighbours(X: np.ndarray, n_neighbors: int) -> NearestNeighbors:
    """A k-d tree of ``X``'s rows, queried on every core (:func:`rednote.core.threads.thread_count`).

    scikit-learn's default from 16 columns up compares every row with every other (brute force): quadratic, so hours
    at 1.5 million users where the tree takes minutes (measured on the 1,574,279 users of a 2,000,000-post crawl: 10
    neighbours of 100,000 of them in 16 s brute and 24 s by the tree, of 400,000 in 87 s by the tree on 2 cores, of
    all of them in about 12 minutes). Both find the exact neighbours; their distances differ by float rounding."""
    return NearestNeighbors(n_neighbors=n_neighbors, algorithm="kd_tree", n_jobs=thread_count()).fit(X)


def dbscan_noise(X: np.ndarray, kdist: np.ndarray, eps: float) -> np.ndarray:
    """DBSCAN's noise points as a bool mask (n,), from the k-distances of :func:`k_distances`.

    A point is a core point when at least ``min_samples`` points (itself included) lie within
    ``eps``, i.e. its k-distance is at most ``eps``; it is noise when it is not a core point and no
    core point lies within ``eps`` of it. That is exactly ``DBSCAN(eps, min_samples).labels_ == -1``,
    but in O(n·min_samples) memory: scikit-learn's DBSCAN stores every eps-neighbourhood, which at a
    useful eps on 100k users no longer fits in memory.
    """
    if eps <= 0:
        raise UserError(f"segment.dbscan.eps={eps} must be above 0; fix params.yaml.")
    core = kdist <= eps
    noise = ~core
    if core.any() and noise.any():
        nearest_core, _ = neighbours(X[core], 1).kneighbors(X[noise])
        noise[np.flatnonzero(noise)[nearest_core[:, 0] <= eps]] = False
    return noise


def outlier_reasons(users: pd.DataFrame, rules: AnomalyParams) -> pd.Series:
    """Why each user would be unusual, one of :data:`REASONS`, judged against all users' medians.

    "influencer-like": likes at least ``influencer_likes_ratio`` × the median likes (per user, January
    sum) from at most ``influencer_max_posts`` posts; "bot-like or silent": at least ``many_posts``
    posts whose engagement per post is at most ``silent_engagement_ratio`` × the median engagement per
    post; "prolific poster": at least ``many_posts`` posts with more engagement than that; else
    "unusual mix". Meant for DBSCAN's outliers; the medians come from ``users`` as given.
    """
    likes, posts = users["likes_sum"], users["n_posts"]
    per_post = _engagement(users) / posts.clip(lower=1)
    influencer = (likes >= rules.influencer_likes_ratio * max(likes.median(), 1.0)) & (
        posts <= rules.influencer_max_posts
    )
    many = posts >= rules.many_posts
    silent = many & (per_post <= rules.silent_engagement_ratio * per_post.median())
    return pd.Series(np.select([influencer, silent, many], REASONS[:3], REASONS[3]), index=users.index, name="reason")


def outlier_table(
    users: pd.DataFrame, X: np.ndarray, names: Sequence[str], mask: np.ndarray, rules: AnomalyParams
) -> pd.DataFrame:
    """The outliers in ``mask`` with their reason, key counts and their most distinctive features.

    Columns: ``user_id`` (pseudonymous), ``reason``, ``n_posts``, ``likes_sum``,
    ``engagement_per_post``, ``distinctive`` (the ``n_distinctive`` features furthest from the mean, as
    "name ±z" in the scaled space). Sorted by reason (in :data:`REASONS` order), then user id.
    """
    reasons = outlier_reasons(users, rules)
    n_top = rules.n_distinctive
    rows = []
    for i in np.flatnonzero(mask):
        z = X[i]
        top = np.argsort(-np.abs(z), kind="stable")[:n_top]
        row = users.iloc[i]
        rows.append(
            {
                "user_id": row["user_id"],
                "reason": reasons.iloc[i],
                "n_posts": int(row["n_posts"]),
                "likes_sum": float(row["likes_sum"]),
                "engagement_per_post": float(sum(row[f"{c}_sum"] for c in COUNT_FEATURES) / max(row["n_posts"], 1)),
                "distinctive": "; ".join(f"{names[j]} {z[j]:+.1f}" for j in top),
            }
        )
    columns = ["user_id", "reason", "n_posts", "likes_sum", "engagement_per_post", "distinctive"]
    table = pd.DataFrame(rows, columns=columns)
    order = table["reason"].map({r: i for i, r in enumerate(REASONS)})
    return (
        table.assign(_order=order)
        .sort_values(["_order", "user_id"], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# The whole user-level analysis and the study's post-level set-up


@dataclass
class Segmentation:
    """Everything the segment stage reports about users: scaled features, K-Means choice, profiles, outliers."""

    X: np.ndarray
    choice: KChoice
    overall: dict
    clusters: dict[str, dict]
    outliers: np.ndarray
    outlier_table: pd.DataFrame
    kdist: np.ndarray  # per user, row order
    summary: dict

    def assignments(self, users: pd.DataFrame) -> pd.DataFrame:
        """Each user's group: ``user_id``, ``segment`` (its number) and ``segment_name`` (``group 0 (low-engagement)``),
        the table the survival stage draws its curves by."""
        names = {int(c): f"group {c} ({group['name']})" for c, group in self.clusters.items()}
        labels = self.choice.labels
        return pd.DataFrame(
            {"user_id": users["user_id"].to_numpy(), "segment": labels, "segment_name": [names[int(c)] for c in labels]}
        )


def segment_users(
    users: pd.DataFrame, topics: np.ndarray, topic_words: list[list[str]], counted: np.ndarray, p: SegmentParams
) -> Segmentation:
    """Cluster users on log-scaled, standardized behaviour features; profile the clusters; flag DBSCAN outliers.

    ``users``: the users table; ``topics``: (n, n_topics) weights aligned with it; ``topic_words``:
    top words per topic; ``counted``: bool (n,), whose labels enter retention rates; ``p``: the
    ``segment`` params. ``summary`` is the JSON-ready part of the result.
    """
    if len(topics) != len(users):
        raise UserError(
            f"the topic weights have {len(topics)} rows but the users table {len(users)}; rerun `dvc repro topics`."
        )
    features = list(BEHAVIOUR_FEATURES)
    X = scale_features(users, features, SKEWED_FEATURES)
    seed, sample = p.seed, p.silhouette_sample
    choice = choose_k(X, candidate_ks(p.k, p.k_range), seed, p.n_init, sample)
    overall, clusters = cluster_profiles(users, choice.labels, topics, topic_words, counted, p)
    eps, min_samples = p.dbscan.eps, p.dbscan.min_samples
    kdist = k_distances(X, min_samples)
    outliers = dbscan_noise(X, kdist, eps)
    table = outlier_table(users, X, features, outliers, p.anomaly)
    summary = {
        "users": len(users),
        "features": features,
        "scaling": f"log1p on {', '.join(SKEWED_FEATURES)}; then every feature standardized over all users",
        "k": {
            "mode": p.k,
            "chosen": choice.k,
            "silhouette": {str(k): _round(s) for k, s in choice.silhouettes.items()},
        },
        "silhouette": _round(choice.silhouettes[choice.k]),
        "sizes": {str(c): n for c, n in enumerate(choice.sizes)},
        "overall": overall,
        "clusters": clusters,
        "anomalies": {
            "method": "DBSCAN noise on the same scaled features",
            "eps": eps,
            "min_samples": min_samples,
            "outliers": int(outliers.sum()),
            "share": float(outliers.mean()),
            "by_reason": {r: int((table["reason"] == r).sum()) for r in REASONS},
            "k_distance_quantiles": {str(q): _round(float(np.quantile(kdist, q))) for q in (0.5, 0.9, 0.95, 0.99)},
        },
    }
    return Segmentation(X, choice, overall, clusters, outliers, table, kdist, summary)


def study_clusters(posts: pd.DataFrame, k: int, seed: int, n_init: int, sample_size: int) -> dict:
    """The study's set-up: K-Means with ``k`` clusters on *posts*, raw counts standardized (no log).

    ``posts``: the cleaned posts table (``likes``, ``collects``, ``comments``, ``shares``). Returns the
    silhouette, the cluster sizes (largest first) and the largest cluster's share, so a reader sees
    e.g. 0.99 next to sizes [4007, 2, 1].
    """
    columns = list(COUNT_FEATURES)
    if len(posts) <= k:
        raise UserError(
            f"there are {len(posts)} posts, too few for segment.study_k={k} clusters; lower it or use a larger crawl."
        )
    X = scale_features(posts, columns, what="posts")
    labels = fit_kmeans(X, k, seed, n_init)
    sizes = np.bincount(labels, minlength=k).tolist()
    return {
        "level": "post",
        "features": columns,
        "scaling": "raw counts standardized (the study's)",
        "k": k,
        "posts": len(posts),
        "silhouette": _round(silhouette(X, labels, sample_size, seed)),
        "sizes": sizes,
        "largest_share": sizes[0] / len(posts),
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
