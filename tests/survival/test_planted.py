"""The planted time to silence (``rednote.synthetic.hazard``), found by the survival stage's own functions.

The crawl plants a hazard of going quiet that depends on engagement, topic and account type and **not** on the
arrival day. Checked here, on a crawl of 20,000 posts (about 4,100 users) with the defaults of ``params.yaml``:

* the Cox model recovers the signs of the planted ratios, and the planted account-type ratio lies in its interval;
* the arrival day's hazard ratio covers 1 in the Cox model, and its odds ratio covers 1 under the landmark design;
* the calendar design shows the spurious arrival effect: the latest-arriving quarter of users is retained far more
  often than the earliest (README, Designs, gives the size).
"""

import numpy as np
import pandas as pd
import pytest
from e2e import ROOT

from rednote.core.params import load_params
from rednote.core.window import Window
from rednote.features.cohort import label_users
from rednote.features.tokens import tokenize_all
from rednote.features.topics import fit_topics
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.privacy import user_pseudonyms
from rednote.modeling.design import baseline_design
from rednote.modeling.factors import factors_report
from rednote.survival.analysis import survival_analysis
from rednote.survival.durations import at_risk_after_landmark, time_to_silence
from rednote.synthetic import hazard
from rednote.synthetic.sample import TOPICS

pytestmark = pytest.mark.slow
KEY = "planted-crawl key"  # in-process: any key; nothing is written
START, END = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01")


@pytest.fixture(scope="module")
def params():
    return load_params(ROOT / "params.yaml")


@pytest.fixture(scope="module")
def crawl(params):
    raw, truth = hazard.generate_hazard_crawl_with_truth(20_000, 2025)
    c = params.clean
    posts = clean_posts(raw, Window.of(c.window_start, c.window_end), KEY)[0]
    truth["user_id"] = user_pseudonyms(truth["user_id"], KEY).to_numpy()
    return posts, truth.set_index("user_id")


def design(crawl, params, name):
    users, _ = label_users(crawl[0], params.label.model_copy(update={"design": name}), "the planted crawl")
    tokens = tokenize_all(users["text"]).tolist()
    t = params.topics
    model = fit_topics(tokens, t.n_topics, t.max_features, t.min_df, t.max_df, t.seed)
    return users, model.weights(tokens), model.top_words(t.n_top_words)


@pytest.fixture(scope="module")
def landmark(crawl, params):
    return design(crawl, params, "landmark")


@pytest.fixture(scope="module")
def survival(crawl, landmark, params):
    users, topics, words = landmark
    segments = pd.DataFrame({"user_id": users["user_id"], "segment_name": "one group"})
    return survival_analysis(
        crawl[0], users, topics, words, segments, (START, END), params.survival, params.evaluate.cv,
        params.evaluate.seed, params.train.log_counts, "landmark",
    ).summary  # fmt: skip


def factors(users, topics, params):
    base = baseline_design(users, topics, params.train)
    return factors_report(users, base.X.astype(float), base.names, params.explain)[0]


def test_the_cox_model_recovers_the_planted_signs(survival, crawl, landmark):
    ratios = survival["cox"]["hazard_ratio_per_sd"]
    assert survival["cox"]["degenerate"] is None
    assert ratios["established"]["hazard_ratio"] < 1  # planted exp(-0.7)
    assert ratios["likes_mean"]["hazard_ratio"] < 1 and ratios["likes_sum"]["hazard_ratio"] < 1  # engagement
    # each NMF topic against the planted topic effect of the users it dominates
    users, topics, _ = landmark
    planted = pd.Series(hazard.HAZARD_TOPIC, index=TOPICS)[crawl[1].loc[users["user_id"], "topic"]].to_numpy()
    dominant = topics.argmax(axis=1)
    for k in range(topics.shape[1]):
        effect = planted[(dominant == k) & (topics.sum(axis=1) > 0)].mean()
        ratio = ratios[f"topic_{k}"]["hazard_ratio"]
        if abs(effect) > 0.2:
            assert (ratio > 1) == (effect > 0), (k, effect, ratio)


def test_the_planted_account_ratio_lies_in_its_interval(survival, crawl, landmark):
    users = landmark[0]
    days = time_to_silence(crawl[0], users, 14, END)
    flag = users.loc[at_risk_after_landmark(days), "established"].to_numpy()
    sd = flag.std()
    row = survival["cox"]["hazard_ratio_per_sd"]["established"]
    per_unit = (row["ci_low"] ** (1 / sd), row["ci_high"] ** (1 / sd))
    assert per_unit[0] < np.exp(hazard.HAZARD_ESTABLISHED) < per_unit[1], per_unit


def test_the_arrival_day_has_no_effect_in_the_cox_model_nor_under_landmark(survival, landmark, params):
    first_day = survival["cox"]["hazard_ratio_per_sd"]["first_day"]
    assert first_day["ci_low"] < 1 < first_day["ci_high"]
    odds = factors(*landmark[:2], params)["odds_ratio_per_sd"]["first_day"]
    assert odds["ci_low"] < 1 < odds["ci_high"]
    quartiles = factors(*landmark[:2], params)["quartiles"]["first_day"]
    assert quartiles[0]["ci_high"] > quartiles[-1]["ci_low"]  # earliest and latest quarters overlap


def test_the_calendar_design_shows_a_spurious_arrival_effect(crawl, params):
    users, topics, _ = design(crawl, params, "calendar")
    quartiles = factors(users, topics, params)["quartiles"]["first_day"]
    earliest, latest = quartiles[0], quartiles[-1]
    assert latest["ci_low"] > earliest["ci_high"]  # later arrivals "retained" more: they needed fewer days
    assert latest["rate"] / earliest["rate"] > 1.5
