import numpy as np

from rednote.importance import feature_groups, permutation_importance


def test_text_columns_form_one_group():
    groups = feature_groups(["likes_sum", "topic_0", "text_0", "text_1", "text_2"])
    assert groups == {"likes_sum": [0], "topic_0": [1], "text": [2, 3, 4]}


def test_a_feature_the_model_uses_matters_and_noise_does_not():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)

    def predict(data):  # a "model" that looks only at column 0
        return 1 / (1 + np.exp(-data[:, 0]))

    table = permutation_importance(predict, X, y, {"signal": [0], "noise": [1], "also_noise": [2]}, repeats=10, seed=1)
    row = table.set_index("feature")
    assert table["feature"].iloc[0] == "signal"
    assert row.loc["signal", "importance_mean"] > 0.3
    assert row.loc["noise", "importance_mean"] == 0 and row.loc["noise", "importance_std"] == 0
    assert row.loc["signal", "ci_low"] <= row.loc["signal", "importance_mean"] <= row.loc["signal", "ci_high"]
