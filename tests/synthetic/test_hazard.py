"""The opt-in planted time to silence: deterministic, shaped like the real influx, and the default left alone."""

import numpy as np
import pandas as pd
from e2e import ROOT

from rednote.synthetic import hazard, sample


def test_the_same_seed_gives_the_same_crawl_and_the_columns_of_the_export():
    first, truth = hazard.generate_hazard_crawl_with_truth(1500, 7)
    again, _ = hazard.generate_hazard_crawl_with_truth(1500, 7)
    assert first.equals(again) and list(first.columns) == list(sample.COLUMNS) and len(first) == 1500
    assert truth["n_posts"].sum() == 1500


def test_most_arrive_mid_january_and_the_hazard_ignores_the_arrival_day():
    _, truth = hazard.generate_hazard_crawl_with_truth(8000, 3)
    day = np.floor(truth["arrival_day"])  # 0 is 1 January
    assert ((day >= 12) & (day <= 15)).mean() > 0.5 and day.between(0, 30).all()
    planted = np.log(truth["hazard"] / hazard.HAZARD_BASE)
    expected = (
        hazard.HAZARD_ENGAGEMENT * truth["engagement"]
        + pd.Series(hazard.HAZARD_TOPIC, index=sample.TOPICS)[truth["topic"]].to_numpy()
        + hazard.HAZARD_ESTABLISHED * truth["established"]
    )
    assert np.allclose(planted, expected)  # nothing of the arrival day in it
    assert abs(truth["established"].mean() - hazard.ESTABLISHED_SHARE) < 0.05


def test_new_accounts_are_opened_on_arrival_and_established_ones_years_before():
    posts, truth = hazard.generate_hazard_crawl_with_truth(3000, 5)
    created = truth["user_id"].str[:8].map(lambda h: int(h, 16))
    first = posts.groupby("user_id")["post_id"].min().str[:8].map(lambda h: int(h, 16))
    age_days = (first.loc[truth["user_id"]].to_numpy() - created.to_numpy()) / 86400
    new = ~truth["established"].to_numpy()
    assert (age_days[new] >= 0).all() and (age_days[new] <= 3).all()
    assert (age_days[~new] > 30).all()


def test_the_default_sample_is_unchanged_by_the_option(tmp_path):
    out = tmp_path / "sample.csv"
    sample.main(["--out", str(out)])
    assert out.read_bytes() == (ROOT / "data/sample/tt_refugee_sample.csv").read_bytes()
