"""User segments: log vs. raw scaling, choosing k, profiles and names, DBSCAN reasons, the study's post-level set-up, the stage."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from e2e import ROOT, write_params
from sklearn.cluster import DBSCAN
from sklearn.metrics import euclidean_distances, silhouette_score

from rednote.adaptation import segments
from rednote.adaptation.segments import (
    candidate_ks,
    choose_k,
    dbscan_noise,
    describe,
    fit_kmeans,
    k_distances,
    neighbours,
    outlier_reasons,
    outlier_table,
    profile,
    scale_features,
    segment_users,
    silhouette,
    silhouettes,
    study_clusters,
)
from rednote.core.errors import UserError
from rednote.core.params import SegmentParams
from rednote.features.cohort import BEHAVIOUR_FEATURES, SKEWED_FEATURES

COUNTS = ["likes_sum", "collects_sum", "comments_sum", "shares_sum"]
#: A fast ``segment`` params section for tests (the repository's own lives in params.yaml).
PARAMS = {
    "seed": 7,
    "k": "auto",
    "k_range": [2, 5],
    "n_init": 4,
    "silhouette_sample": 5000,
    "retention_splits": ["train"],
    "n_top_topics": 2,
    "n_top_words": 3,
    "naming": {"engagement_ratio": 2.0, "share_margin": 0.15, "day_margin": 5},
    "dbscan": {"eps": 3.5, "min_samples": 8},
    "anomaly": {
        "influencer_likes_ratio": 10,
        "influencer_max_posts": 2,
        "many_posts": 5,
        "silent_engagement_ratio": 0.1,
        "n_distinctive": 3,
    },
    "communities": {
        "max_tag_share": 0.3,
        "max_pairs": 1_000_000,
        "min_shared_tags": 1,
        "resolution": 1.0,
        "n_top_tags": 3,
        "top_central": 5,
        "plot_top": 10,
        "network_communities": 4,
        "network_nodes": 50,
        "network_labels": 3,
    },
    "study_mode": True,
    "study_k": 3,
}
TYPED = SegmentParams.model_validate(PARAMS)


def heavy_tailed(n=300, seed=0):
    """Per-user count sums: lognormal popularity (sigma 2) times per-count rates, plus three users with 100k/50k/33k likes."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(3, 2, n)
    frame = pd.DataFrame(
        {c: np.round(popularity * rate * rng.lognormal(0, 0.5, n)) for c, rate in zip(COUNTS, (1, 0.3, 0.1, 0.1))}
    )
    frame.iloc[:3] = np.array([[1, 0.3, 0.1, 0.1]]) * np.array([[1e5], [5e4], [3.3e4]])
    return frame


def make_users(n=240, seed=0, tags=None):
    """A users table as the label stage writes it: behaviour features, tags, retained, split; plausible, heavy-tailed."""
    rng = np.random.default_rng(seed)
    posts = 1 + rng.poisson(0.4, n).astype(float)
    users = pd.DataFrame({"user_id": [f"{i:016x}" for i in range(n)]})
    popularity = rng.lognormal(3, 1.5, n)
    for c, rate in zip(("likes", "collects", "comments", "shares"), (1, 0.3, 0.1, 0.1)):
        users[f"{c}_sum"] = np.round(popularity * rate * posts * rng.lognormal(0, 0.3, n))
        users[f"{c}_mean"] = users[f"{c}_sum"] / posts
    users["n_posts"] = posts
    users["active_days"] = np.minimum(posts, 1 + rng.poisson(0.3, n))
    users["first_day"] = rng.integers(0, 20, n).astype(float)
    users["last_day"] = users["first_day"] + users["active_days"] - 1
    angle = rng.uniform(0, 2 * np.pi, n)
    users["hour_sin"], users["hour_cos"] = np.sin(angle), np.cos(angle)
    users["night_share"] = (rng.random(n) < 0.15).astype(float)
    users["video_share"] = (rng.random(n) < 0.3).astype(float)
    users["text"] = "text"
    users["tokens"] = "word"
    users["tags"] = tags if tags is not None else [[f"g{i % 3}", f"h{i % 5}"] for i in range(n)]
    users["retained"] = (rng.random(n) < 0.3).astype("int8")
    users["split"] = np.array(["train", "val", "test"])[np.arange(n) % 3]
    return users


def test_raw_counts_collapse_into_one_giant_cluster_but_log_scaled_counts_do_not():
    frame = heavy_tailed()
    raw = np.bincount(fit_kmeans(scale_features(frame, COUNTS), 3, seed=0, n_init=10), minlength=3)
    logged = np.bincount(
        fit_kmeans(scale_features(frame, COUNTS, log_columns=COUNTS), 3, seed=0, n_init=10), minlength=3
    )
    assert raw.max() >= 0.95 * len(frame)  # the study's picture: one group plus the extremes
    assert logged.max() < 0.8 * len(frame)
    assert logged.min() >= 0.05 * len(frame)


def test_clusters_are_numbered_by_size_and_refitting_gives_the_same_labels():
    frame = heavy_tailed(seed=3)
    X = scale_features(frame, COUNTS, log_columns=COUNTS)
    first, second = fit_kmeans(X, 4, seed=1, n_init=3), fit_kmeans(X, 4, seed=1, n_init=3)
    assert np.array_equal(first, second)
    sizes = np.bincount(first)
    assert list(sizes) == sorted(sizes, reverse=True)


def blobs(centres, per=50, spread=0.3, seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(c, spread, size=(per, len(c))) for c in centres])


def test_auto_k_picks_the_number_of_planted_groups():
    X = blobs([(0, 0, 0), (6, 0, 0), (0, 6, 0), (0, 0, 6)])
    choice = choose_k(X, candidate_ks("auto", [2, 7]), seed=0, n_init=5, sample_size=10_000)
    assert choice.k == 4
    assert sorted(choice.silhouettes) == [2, 3, 4, 5, 6, 7]
    assert choice.silhouettes[4] == max(choice.silhouettes.values()) > 0.8
    assert choice.sizes == [50, 50, 50, 50]


def test_a_fixed_k_is_used_as_given():
    X = blobs([(0, 0), (6, 0), (0, 6)])
    choice = choose_k(X, candidate_ks(2, [2, 8]), seed=0, n_init=3, sample_size=10_000)
    assert choice.k == 2 and list(choice.silhouettes) == [2]


@pytest.mark.parametrize(
    "k, k_range", [("four", [2, 8]), (1, [2, 8]), (2.5, [2, 8]), ("auto", [1, 4]), ("auto", [5, 3]), ("auto", [3])]
)
def test_bad_k_params_stop_with_a_user_error(k, k_range):
    with pytest.raises(UserError, match="segment.k"):
        candidate_ks(k, k_range)


def test_fewer_users_than_the_largest_k_stop_with_a_user_error():
    X = blobs([(0, 0), (5, 5)], per=3)
    with pytest.raises(UserError, match="6 users, too few for up to 8 clusters"):
        choose_k(X, candidate_ks("auto", [2, 8]), seed=0, n_init=2, sample_size=100)


def test_identical_features_stop_with_a_user_error():
    frame = pd.DataFrame({c: [5.0] * 20 for c in COUNTS})
    with pytest.raises(UserError, match="identical"):
        scale_features(frame, COUNTS, COUNTS)


def test_silhouette_equals_scikit_learn_and_its_sampled_estimate_is_close():
    X = blobs([(0, 0), (2, 0), (0, 2)], per=200, spread=0.8, seed=2)
    labels = fit_kmeans(X, 3, seed=0, n_init=3)
    exact = silhouette(X, labels, sample_size=10_000, seed=0)
    assert exact == pytest.approx(silhouette_score(X, labels), abs=1e-9)
    assert silhouette(X, labels, sample_size=150, seed=0) == pytest.approx(exact, abs=0.05)
    assert silhouette(X, np.zeros(len(X), dtype=int), sample_size=100, seed=0) is None  # one cluster: undefined


def test_silhouettes_of_several_labellings_in_one_pass_are_each_labellings_own():
    X = blobs([(0, 0), (2, 0), (0, 2)], per=120, spread=0.8, seed=3)
    labelings = {k: fit_kmeans(X, k, seed=0, n_init=2) for k in (2, 3, 4)} | {1: np.zeros(len(X), dtype=int)}
    together = silhouettes(X, labelings, sample_size=10_000, seed=0)
    assert list(together) == [2, 3, 4, 1] and together[1] is None
    for k in (2, 3, 4):
        assert together[k] == pytest.approx(silhouette_score(X, labelings[k]), abs=1e-9)
    sampled = silhouettes(X, labelings, sample_size=50, seed=4)  # the same sample of rows for every labelling
    alone = {k: silhouette(X, labels, sample_size=50, seed=4) for k, labels in labelings.items()}
    assert sampled == pytest.approx(alone, abs=1e-12) and sampled[1] is None
    assert silhouettes(X, {1: labelings[1]}, sample_size=50, seed=0) == {1: None}


def test_silhouettes_computed_in_small_blocks_of_rows_and_columns_are_the_same(monkeypatch):
    X = blobs([(0, 0), (2, 0), (0, 2)], per=100, spread=0.8, seed=5)
    labelings = {k: fit_kmeans(X, k, seed=0, n_init=2) for k in (2, 3)}
    whole = silhouettes(X, labelings, sample_size=10_000, seed=0)
    monkeypatch.setattr(segments, "ROW_BLOCK", 7)  # 300 rows in blocks of 7, each against columns of 70 / 7 = 10
    monkeypatch.setattr(segments, "DISTANCE_BLOCK", 70)
    blocked = silhouettes(X, labelings, sample_size=10_000, seed=0)
    for k in (2, 3):
        assert blocked[k] == pytest.approx(whole[k], abs=1e-12)
        assert blocked[k] == pytest.approx(silhouette_score(X, labelings[k]), abs=1e-9)
    sampled = silhouettes(X, labelings, sample_size=40, seed=1)
    monkeypatch.undo()
    assert sampled == pytest.approx(silhouettes(X, labelings, sample_size=40, seed=1), abs=1e-12)


def test_sampled_silhouette_still_sees_a_tiny_cluster():
    X = np.vstack([np.random.default_rng(0).normal(0, 1, size=(2000, 2)), [[50, 50], [51, 50]]])
    labels = np.r_[np.zeros(2000, dtype=int), [1, 1]]
    sampled = silhouette(X, labels, sample_size=100, seed=0)  # the sample almost surely misses the pair...
    assert sampled == pytest.approx(
        silhouette_score(X, labels), abs=0.02
    )  # ...but every sampled point is scored against it


def test_profile_takes_medians_post_weighted_shares_counted_labels_and_top_topics():
    users = pd.DataFrame(
        {
            "likes_sum": [10.0, 20, 30],
            "collects_sum": [1.0, 2, 3],
            "comments_sum": [0.0, 0, 0],
            "shares_sum": [0.0, 0, 9],
            "n_posts": [1.0, 1, 2],
            "active_days": [1.0, 1, 2],
            "first_day": [3.0, 4, 5],
            "video_share": [1.0, 0, 0.5],
            "night_share": [0.0, 0, 0],
            "retained": [1, 0, 1],
        }
    )
    topics = np.array([[0.1, 0.0, 0.4], [0.3, 0.0, 0.2], [0.2, 0.0, 0.0]])
    words = [["a1", "a2"], ["b1", "b2"], ["c1", "c2"]]
    counted = np.array([True, True, False])
    got = profile(users, topics, words, counted, n_top_topics=2, n_top_words=1)
    assert got["n"] == 3
    assert got["median"]["likes_sum"] == 20 and got["median"]["engagement_sum"] == 22 and got["median"]["n_posts"] == 1
    assert got["video_share"] == pytest.approx((1 + 0 + 0.5 * 2) / 4)  # a share of posts, not of users
    assert (
        got["retention_n"] == 2 and got["retained"] == 1 and got["retention_rate"] == 0.5
    )  # the third user's label is not counted
    assert [t["topic"] for t in got["topics"]] == [0, 2] and got["topics"][0]["top_words"] == ["a1"]


def named(engagement, posts, video, night=0.1, first=10.0):
    return {
        "median": {"engagement_sum": engagement, "n_posts": posts, "first_day": first},
        "video_share": video,
        "night_share": night,
    }


@pytest.mark.parametrize(
    "group, name",
    [
        (named(100, 1, 0.3), "typical"),
        (named(250, 1, 0.3), "high-engagement"),
        (named(40, 1, 0.3), "low-engagement"),
        (named(100, 3, 0.6), "multi-post, video-heavy"),
        (named(100, 1, 0.1, night=0.4, first=2), "video-light, night-posting, early arrivals"),
        (named(300, 2, 0.3, first=18), "high-engagement, multi-post, late arrivals"),
    ],
)
def test_cluster_names_come_from_the_profile_against_all_users(group, name):
    assert describe(group, named(100, 1, 0.3), engagement_ratio=2.0, share_margin=0.15, day_margin=5) == name


def test_outlier_reasons_follow_the_rules():
    users = make_users(40, seed=1)
    users.loc[0, ["likes_sum", "n_posts"]] = [1e6, 1]  # huge likes from one post
    users.loc[1, ["n_posts", "likes_sum", "collects_sum", "comments_sum", "shares_sum"]] = [
        30,
        0,
        0,
        0,
        0,
    ]  # many posts, no engagement
    users.loc[2, ["n_posts", "likes_sum"]] = [30, 1e4]  # many posts, engaged
    reasons = outlier_reasons(users, TYPED.anomaly)
    assert reasons.iloc[:3].tolist() == ["influencer-like", "bot-like or silent", "prolific poster"]
    assert reasons.iloc[3] == "unusual mix"


def test_dbscan_flags_a_planted_influencer_and_a_silent_poster_with_their_reasons():
    users = make_users(300, seed=2)
    users.loc[0, ["likes_sum", "likes_mean", "collects_sum", "collects_mean", "n_posts", "active_days"]] = [
        5e5,
        5e5,
        1e5,
        1e5,
        1,
        1,
    ]
    users.loc[1, ["n_posts", "active_days", "last_day"]] = [40, 20, 30]
    users.loc[1, [f"{c}_{s}" for c in ("likes", "collects", "comments", "shares") for s in ("sum", "mean")]] = 0
    X = scale_features(users, BEHAVIOUR_FEATURES, SKEWED_FEATURES)
    mask = dbscan_noise(X, k_distances(X, 8), eps=3.5)
    table = outlier_table(users, X, list(BEHAVIOUR_FEATURES), mask, TYPED.anomaly).set_index("user_id")
    assert table.loc[users.loc[0, "user_id"], "reason"] == "influencer-like"
    assert table.loc[users.loc[1, "user_id"], "reason"] == "bot-like or silent"
    assert "n_posts +" in table.loc[users.loc[1, "user_id"], "distinctive"]
    assert mask.sum() < 0.05 * len(users)  # a handful, not a cluster


def test_k_distances_are_distances_to_the_kth_neighbour_counting_the_point_itself():
    X = np.array([[10.0], [0.0], [1.0], [3.0]])
    assert k_distances(X, 2).tolist() == [7.0, 1.0, 1.0, 2.0]
    with pytest.raises(UserError, match="min_samples"):
        k_distances(X, 5)


def test_neighbours_come_from_a_tree_on_16_columns_and_match_every_pairwise_distance():
    X = np.random.default_rng(6).normal(size=(300, 16))  # from 16 columns scikit-learn's default is brute force
    tree = neighbours(X, 4)
    assert tree._fit_method == "kd_tree"  # brute force takes hours at 1.5 million users (README, Scaling)
    distances = np.sort(euclidean_distances(X, X), axis=1)[:, 3]
    assert k_distances(X, 4) == pytest.approx(distances, abs=1e-9)


@pytest.mark.parametrize("seed, eps, min_samples", [(0, 0.5, 5), (1, 0.8, 10), (2, 0.3, 3), (3, 5.0, 4)])
def test_dbscan_noise_is_exactly_scikit_learns_dbscan_noise(seed, eps, min_samples):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal(0, 1, (150, 3)), rng.normal(4, 0.3, (40, 3)), rng.uniform(-6, 10, (20, 3)), np.zeros((5, 3))]
    )
    expected = DBSCAN(eps=eps, min_samples=min_samples).fit(X).labels_ == -1
    assert np.array_equal(dbscan_noise(X, k_distances(X, min_samples), eps), expected)


def test_study_mode_reports_a_high_silhouette_next_to_its_lopsided_sizes():
    rng = np.random.default_rng(0)
    posts = pd.DataFrame({c: np.round(rng.lognormal(2, 1.2, 600)) for c in ("likes", "collects", "comments", "shares")})
    posts.loc[:2, ["likes", "collects", "comments", "shares"]] = [
        [90000, 20000, 5000, 8000],
        [60000, 9000, 3000, 2000],
        [5000, 40000, 900, 100],
    ]
    got = study_clusters(posts, k=3, seed=0, n_init=10, sample_size=10_000)
    assert got["k"] == 3 and got["posts"] == 600 and sum(got["sizes"]) == 600
    assert got["sizes"] == sorted(got["sizes"], reverse=True) and got["sizes"][0] >= 595
    assert got["silhouette"] > 0.8 and got["largest_share"] >= 0.99


def test_segment_users_reports_every_k_and_profiles_each_cluster():
    users = make_users(240)
    topics = np.random.default_rng(0).random((240, 3)).astype(np.float32)
    counted = (users["split"] == "train").to_numpy()
    seg = segment_users(users, topics, [["x"], ["y"], ["z"]], counted, TYPED)
    s = seg.summary
    assert list(s["k"]["silhouette"]) == ["2", "3", "4", "5"] and s["k"]["chosen"] == seg.choice.k
    assert sum(s["sizes"].values()) == 240 == sum(c["n"] for c in s["clusters"].values())
    assert sum(c["retention_n"] for c in s["clusters"].values()) == counted.sum()
    assert s["anomalies"]["outliers"] == len(seg.outlier_table) == seg.outliers.sum()
    with pytest.raises(UserError, match="rerun `dvc repro topics`"):
        segment_users(users, topics[:10], [["x"], ["y"], ["z"]], counted, PARAMS)


def write_inputs(folder: Path, users: pd.DataFrame, n_topics: int = 3) -> None:
    """The segment stage's inputs in ``folder``: params.yaml, users, topic weights and table, posts."""
    rng = np.random.default_rng(0)
    (folder / "data").mkdir()
    (folder / "metrics").mkdir()
    users.to_parquet(folder / "data" / "users.parquet", index=False)
    np.save(folder / "data" / "topics.npy", rng.random((len(users), n_topics)).astype(np.float32))
    topics_json = {"topics": [{"topic": t, "top_words": [f"w{t}{i}" for i in range(5)]} for t in range(n_topics)]}
    (folder / "metrics" / "topics.json").write_text(json.dumps(topics_json), encoding="utf-8")
    posts = pd.DataFrame(
        {c: np.round(rng.lognormal(2, 1.5, 400)).astype("int64") for c in ("likes", "collects", "comments", "shares")}
    )
    posts.to_parquet(folder / "data" / "posts.parquet", index=False)
    data = {"data.users": "data/users.parquet", "data.topics": "data/topics.npy", "data.posts": "data/posts.parquet"}
    write_params(folder, {**data, "segment": PARAMS})


OUTPUTS = [
    "metrics/segments.json",
    "metrics/segment_outliers.csv",
    "metrics/segment_communities.csv",
    "metrics/segment_central_users.csv",
    "plots/segment/pca_clusters.png",
    "plots/segment/k_distance.png",
    "plots/segment/topics_by_segment.png",
    "plots/segment/silhouette_by_k.png",
    "plots/segment/community_sizes.png",
]


def run_stage(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "stages" / "segment.py")], cwd=folder, capture_output=True, text=True
    )


def test_the_stage_writes_every_output_and_a_rerun_gives_the_same_bytes(tmp_path):
    write_inputs(tmp_path, make_users(240))
    done = run_stage(tmp_path)
    assert done.returncode == 0, done.stderr
    first = {name: (tmp_path / name).read_bytes() for name in OUTPUTS}
    assert all(len(b) > 0 for b in first.values())
    report = json.loads(first["metrics/segments.json"])
    assert report["k"]["chosen"] in (2, 3, 4, 5) and report["retention_on"] == ["train"]
    assert report["communities"]["count"] >= 2 and report["communities"]["modularity"] > 0
    assert report["study_mode"]["k"] == 3 and sum(report["study_mode"]["sizes"]) == 400
    assert run_stage(tmp_path).returncode == 0
    assert {name: (tmp_path / name).read_bytes() for name in OUTPUTS} == first


def test_the_stage_reports_zero_communities_when_no_tag_is_shared(tmp_path):
    users = make_users(120, tags=[[f"only{i}"] for i in range(120)])
    write_inputs(tmp_path, users)
    done = run_stage(tmp_path)
    assert done.returncode == 0, done.stderr
    communities = json.loads((tmp_path / "metrics" / "segments.json").read_text())["communities"]
    assert (
        communities["count"] == 0
        and communities["modularity"] is None
        and "no two users share" in communities["reason"]
    )
    assert (tmp_path / "plots" / "segment" / "community_sizes.png").stat().st_size > 0


def test_too_few_users_stop_the_stage_with_one_sentence(tmp_path):
    write_inputs(tmp_path, make_users(5))
    done = run_stage(tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: there are 5 users, too few")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "metrics" / "segments.json").exists()


@pytest.mark.slow
def test_the_adaptation_study_schema_runs_from_raw_csv_to_segments(tmp_path):
    """A crawl whose image/type columns are named post_image/post_type goes through clean, label, topics and segment."""
    from e2e import copy_repo, sh

    repo = copy_repo(tmp_path / "repo")
    crawl = repo / "data" / "sample" / "study.csv"
    sh(repo, sys.executable, "-m", "rednote.synthetic.sample", "--posts", "700", "--seed", "11", "--out", str(crawl))
    raw = pd.read_csv(crawl, dtype=str, keep_default_na=False).rename(
        columns={"image": "post_image", "type": "post_type"}
    )
    raw.to_csv(crawl, index=False)
    write_params(repo, {"data.raw": "data/sample/study.csv", "segment": PARAMS})
    for stage in ("key", "clean", "label", "topics", "segment"):
        sh(repo, sys.executable, f"stages/{stage}.py")
    for name in OUTPUTS:
        assert (repo / name).stat().st_size > 0, name
    report = json.loads((repo / "metrics" / "segments.json").read_text())
    posts = pd.read_parquet(repo / "data" / "interim" / "posts.parquet")
    assert report["study_mode"]["posts"] == len(posts) and report["users"] > 50
    assert posts["is_video"].sum() > 0  # post_type was read as the type column
