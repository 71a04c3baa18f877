"""The synthetic crawl export: shape, string forms, determinism and the planted retention signal."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from e2e import ROOT
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from rednote.synthetic.sample import COLUMNS, TOPICS, generate_crawl, generate_crawl_with_truth

COUNTS = ["like_count", "collect_count", "comment_count", "share_count"]
COUNT_FORM = re.compile(r"^(?:\d+|[1-9]\d?(?:\.\d)?万|10万\+|1千\+|10\+|)$")
HEX24 = re.compile(r"^[0-9a-f]{24}$")


@pytest.fixture(scope="module")
def crawl() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_crawl_with_truth(4117, 2025)


@pytest.fixture(scope="module")
def posts(crawl) -> pd.DataFrame:
    return crawl[0]


def _parse_count(series: pd.Series) -> pd.Series:
    text = series.astype(str)
    number = pd.to_numeric(text.str.replace(r"[+万千]", "", regex=True), errors="coerce")
    scale = np.where(text.str.contains("万"), 10_000, np.where(text.str.contains("千"), 1_000, 1))
    return (number * scale).fillna(0)


def _months(posts: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(posts["create_time"], format="%m/%d/%Y %H:%M", errors="coerce").dt.month


def _retained_share(posts: pd.DataFrame) -> float:
    month = _months(posts)
    january = pd.Index(posts.loc[month == 1, "user_id"].unique())
    february = pd.Index(posts.loc[month == 2, "user_id"].unique())
    return len(january.intersection(february)) / len(january)


def test_columns_in_order_and_all_strings(posts):
    assert list(posts.columns) == list(COLUMNS)
    assert len(COLUMNS) == 15
    assert len(posts) == 4117
    assert all(pd.api.types.is_object_dtype(dtype) for dtype in posts.dtypes)
    assert posts.map(lambda v: isinstance(v, str)).all().all()


def test_generate_crawl_is_deterministic_and_matches_truth_variant(posts):
    again = generate_crawl(4117, 2025)
    pd.testing.assert_frame_equal(posts, again)
    other = generate_crawl(4117, 2026)
    assert not other["post_id"].equals(posts["post_id"])


def test_cli_writes_identical_bytes(tmp_path):
    outs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outs:
        subprocess.run(
            [sys.executable, "-m", "rednote.synthetic.sample", "--posts", "600", "--seed", "7", "--out", str(out)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    first, second = (p.read_bytes() for p in outs)
    assert first == second
    back = pd.read_csv(outs[0], dtype=str, keep_default_na=False)
    assert list(back.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(back, generate_crawl(600, 7), check_dtype=False)


def test_ids_are_24_hex_and_unique(crawl):
    posts, users = crawl
    assert posts["user_id"].str.match(HEX24).all()
    assert posts["post_id"].str.match(HEX24).all()
    assert posts["post_id"].str[0].isin(["5", "6"]).all()
    deduped = posts.drop_duplicates()
    assert deduped["post_id"].is_unique
    assert users["user_id"].is_unique
    # one user_id per user, one name per user_id
    assert (posts.groupby("user_id")["user_name"].nunique() == 1).all()


def test_count_strings_take_the_site_forms(posts):
    cells = pd.concat([posts[c] for c in COUNTS], ignore_index=True)
    assert cells.str.match(COUNT_FORM).all(), cells[~cells.str.match(COUNT_FORM)].unique()[:10]
    assert cells.str.contains(r"^\d+(?:\.\d)?万$", regex=True).any()
    assert (cells == "10万+").any()
    assert (cells == "1千+").any()
    assert (cells == "10+").any()
    assert 0.003 < (cells == "").mean() < 0.02
    assert not cells.str.contains(r"\.0万").any()


def test_counts_are_heavy_tailed_and_correlated(posts):
    numbers = pd.DataFrame({c: _parse_count(posts[c]) for c in COUNTS})
    likes = numbers["like_count"]
    assert likes.max() >= 100 * likes.median()
    corr = np.log1p(numbers).corr()
    for column in COUNTS[1:]:
        assert 0.45 < corr.loc["like_count", column] < 0.9


def test_empty_shares_and_duplicates(posts):
    assert 0.13 < (posts["title"] == "").mean() < 0.21
    assert 0.01 < (posts["content"] == "").mean() < 0.035
    assert 0.06 < (posts["label"] == "").mean() < 0.12
    duplicated = posts.duplicated().sum()
    assert 5 <= duplicated <= 40


def test_addresses_images_and_types(posts):
    address = posts["address"]
    assert address.str.startswith("https://www.xiaohongshu.com/user/profile/").all()
    assert address.str.contains("?xsec_token=", regex=False).all()
    assert address.str.endswith("=&xsec_source=pc_note").all()
    assert (address.str.slice(41, 65) == posts["user_id"]).all()
    assert posts.drop_duplicates()["address"].is_unique  # a fresh token per fetched row
    image = re.compile(r"^https://sns-webpic-qc\.xhscdn\.com/2025\d{8}/[0-9a-f]{32}/.+!nd_dft_wlteh_webp_3$")
    assert posts["image"].str.match(image).all()
    assert set(posts["type"].unique()) == {"normal", "video"}
    assert 0.62 < (posts["type"] == "normal").mean() < 0.78
    assert {"美国", "加拿大", "广东"} <= set(posts["ip_localtion"].unique())
    assert (posts["ip_localtion"] == "").any()


def test_texts_are_bilingual_tagged_and_varied(posts):
    content = posts["content"]
    text = posts["title"] + " " + content
    assert 120 < text.str.len().mean() < 260
    assert content.str.contains("\n", regex=False).mean() > 0.5
    assert content.str.contains(r"#[^#\[\]]+\[话题\]#", regex=True).mean() > 0.8
    assert text.str.contains(r"[\u4e00-\u9fff]", regex=True).mean() > 0.5
    assert text.str.contains(r"[A-Za-z]{4,}", regex=True).mean() > 0.7
    assert text.str.contains("😂|🙏|❤️|🇺🇸|🇨🇳", regex=True).mean() > 0.2
    assert content[content != ""].nunique() > 0.9 * (content != "").sum()
    refugee = posts["label"].str.contains("tiktokrefugee|TikTokRefugee|tiktok refugee|tiktok难民", regex=True)
    labelled = posts["label"] != ""
    assert refugee[labelled].mean() > 0.9
    assert not posts["label"].str.contains(r"# | #|\[话题\]", regex=True).any()


def test_times_span_january_to_early_march(posts):
    parsed = pd.to_datetime(posts["create_time"], format="%m/%d/%Y %H:%M", errors="coerce")
    assert 0.005 < parsed.isna().mean() < 0.03
    assert parsed.min() >= pd.Timestamp("2025-01-01")
    assert parsed.max() < pd.Timestamp("2025-03-09")
    assert set(parsed.dt.month.dropna().astype(int).unique()) == {1, 2, 3}
    wave = parsed.between("2025-01-10", "2025-01-26")
    assert wave[parsed.notna()].mean() > 0.6
    other = posts.loc[parsed.isna(), "create_time"]
    assert other.str.match(r"^2025-\d\d-\d\d \d\d:\d\d:\d\d$").any()
    assert other.str.match(r"^2025/\d{1,2}/\d{1,2} \d\d:\d\d$").any()
    assert (other == "").any()


def test_users_and_retained_share(crawl):
    posts, users = crawl
    month = _months(posts)
    n_users = posts["user_id"].nunique()
    january = posts.loc[month == 1, "user_id"].nunique()
    assert 3000 < n_users < 3600
    assert 2950 < january < 3500
    per_user = posts.drop_duplicates()["user_id"].value_counts()
    assert (per_user == 1).mean() > 0.75
    assert per_user.max() >= 8
    assert 0.03 <= _retained_share(posts) <= 0.10
    feb_only = users["kind"].eq("feb_only").mean()
    assert 0.01 < feb_only < 0.03
    assert set(users["topic"]) == set(TOPICS)


def test_retained_share_stays_in_range_at_larger_size():
    posts = generate_crawl(20_000, 11)
    assert len(posts) == 20_000
    assert 0.03 <= _retained_share(posts) <= 0.10
    assert 0.7 < posts["user_id"].nunique() / len(posts) < 0.88


def test_oracle_recovers_the_planted_signal(crawl):
    posts, users = crawl
    month = _months(posts)
    january = posts[month == 1]
    february_users = pd.Index(posts.loc[month == 2, "user_id"].unique())
    logs = pd.DataFrame({c: np.log1p(_parse_count(january[c])) for c in COUNTS})
    logs["user_id"] = january["user_id"].to_numpy()
    logs["posts"] = 1
    features = logs.groupby("user_id").sum()
    topic = users.set_index("user_id")["topic"].reindex(features.index)
    design = pd.concat([features, pd.get_dummies(topic).astype(float)], axis=1).to_numpy()
    retained = features.index.isin(february_users).astype(int)
    model = LogisticRegression(max_iter=2000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_predict(model, design, retained, cv=folds, method="predict_proba")[:, 1]
    assert roc_auc_score(retained, scores) >= 0.8
    # Direction of the planted effects, per latent topic.
    share = users[users["kind"] == "cohort"].groupby("topic")["retained"].mean()
    assert share["learn_chinese"] > share["food"] > share["tiktok_ban"]
    assert share["daily_life"] > share["memes"]


def test_default_cli_reproduces_the_bundled_sample_bytes(tmp_path):
    out = tmp_path / "sample.csv"
    subprocess.run(
        [sys.executable, "-m", "rednote.synthetic.sample", "--out", str(out)], cwd=ROOT, check=True, capture_output=True
    )
    assert out.read_bytes() == (ROOT / "data/sample/tt_refugee_sample.csv").read_bytes()


def test_retained_share_knob_makes_crawls_like_the_real_one():
    shares, oracle = [], []
    for seed in (1, 2, 3):
        posts, users = generate_crawl_with_truth(4117, seed, retained_share=0.006)
        cohort = users[users["kind"] == "cohort"]
        shares.append(cohort["retained"].mean())
        oracle.append(roc_auc_score(cohort["retained"], cohort["retention_prob"]))
        assert 0.003 <= _retained_share(posts) <= 0.012
        assert 15 <= cohort["retained"].sum() <= 35
    assert 0.004 <= np.mean(shares) <= 0.009
    assert min(oracle) > 0.8  # the planted signal is as strong as in the sample; only the intercept moved


def test_retained_share_is_checked():
    with pytest.raises(ValueError, match="retained_share"):
        generate_crawl_with_truth(200, 1, retained_share=1.5)
    done = subprocess.run(
        [sys.executable, "-m", "rednote.synthetic.sample", "--retained-share", "0", "--out", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--retained-share" in done.stderr
