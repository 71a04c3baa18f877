import numpy as np
import pandas as pd

from rednote.features.cohort import BEHAVIOUR_FEATURES
from rednote.modeling.design import build_design
from rednote.modeling.importance import permutation_importance


def test_each_behaviour_feature_and_topic_is_a_group_and_the_text_block_is_one():
    users = pd.DataFrame(np.arange(4 * len(BEHAVIOUR_FEATURES)).reshape(4, -1), columns=list(BEHAVIOUR_FEATURES))
    design = build_design(
        users, np.ones((4, 2)), np.ones((4, 3)), np.ones(4, bool), ["behaviour", "topics", "text"], False
    )
    groups = design.groups()
    n = len(BEHAVIOUR_FEATURES)
    assert list(groups) == [*BEHAVIOUR_FEATURES, "topic_0", "topic_1", "text"]
    assert groups["topic_1"] == [n + 1] and groups["text"] == [n + 2, n + 3, n + 4]
    assert list(design.baseline_columns) == list(range(n + 2))


def test_a_feature_the_model_uses_matters_and_noise_does_not():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)

    def predict(data):  # a "model" that looks only at column 0
        return 1 / (1 + np.exp(-data[:, 0]))

    groups = {"signal": [0], "noise": [1], "also_noise": [2]}
    table = permutation_importance(predict, X, y, groups, repeats=10, seed=1, level=0.95)
    row = table.set_index("feature")
    assert table["feature"].iloc[0] == "signal"
    assert row.loc["signal", "importance_mean"] > 0.3
    assert row.loc["noise", "importance_mean"] == 0 and row.loc["noise", "importance_std"] == 0
    assert row.loc["signal", "ci_low"] <= row.loc["signal", "importance_mean"] <= row.loc["signal", "ci_high"]


def test_the_interval_has_the_level_asked_for():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)

    def predict(data):
        return data[:, 0]

    wide = permutation_importance(predict, X, y, {"signal": [0]}, repeats=40, seed=3, level=0.95).iloc[0]
    narrow = permutation_importance(predict, X, y, {"signal": [0]}, repeats=40, seed=3, level=0.5).iloc[0]
    assert wide["importance_mean"] == narrow["importance_mean"]  # the same shuffles
    assert wide["ci_low"] < narrow["ci_low"] < narrow["ci_high"] < wide["ci_high"]
