import numpy as np
import pandas as pd
import pytest
from e2e import ROOT

from rednote.core.errors import UserError
from rednote.embed.encoders import TfidfSvdEncoder, UseEncoder
from rednote.features.cohort import BEHAVIOUR_FEATURES
from rednote.features.topics import fit_topics, topic_table
from rednote.modeling.design import build_design
from rednote.modeling.models import class_weights, trainability_problem


def users_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: rng.exponential(10, n) for c in BEHAVIOUR_FEATURES})
    frame.insert(0, "user_id", [f"u{i}" for i in range(n)])
    return frame


def test_scaler_is_fitted_on_training_rows_only():
    users = users_frame(100)
    train = np.zeros(100, bool)
    train[:50] = True
    users.loc[~train, "likes_sum"] = 1e9  # wild values outside train must not move the scaler
    design = build_design(
        users, np.zeros((100, 3)), np.ones((100, 4)), train, ["behaviour", "topics", "text"], log_counts=True
    )
    likes = design.names.index("likes_sum")
    assert abs(design.X[train, likes].mean()) < 1e-5
    assert abs(design.X[train, likes].std() - 1) < 1e-3
    assert design.X.shape == (100, len(BEHAVIOUR_FEATURES) + 3 + 4)
    assert design.names[-1] == "text_3"


def test_feature_blocks_can_be_left_out():
    users = users_frame(20)
    design = build_design(users, np.zeros((20, 3)), np.ones((20, 4)), np.ones(20, bool), ["text"], log_counts=False)
    assert design.X.shape == (20, 4)
    with pytest.raises(UserError, match="train.features"):
        build_design(users, np.zeros((20, 3)), np.ones((20, 4)), np.ones(20, bool), ["words"], log_counts=False)


def test_misaligned_inputs_are_a_user_error():
    with pytest.raises(UserError, match="dvc repro"):
        build_design(users_frame(10), np.zeros((9, 3)), np.ones((10, 4)), np.ones(10, bool), ["behaviour"], True)


def test_balanced_class_weights():
    weights = class_weights(np.array([0] * 90 + [1] * 10), enabled=True)
    assert weights == {0: pytest.approx(100 / 180), 1: pytest.approx(5.0)}
    assert class_weights(np.array([0, 1]), enabled=False) is None


def test_the_mlp_is_the_studys_architecture_with_its_auc_logged_as_auc():
    """Dense 128 ReLU, BatchNorm, Dropout, Dense 64 ReLU, BatchNorm, Dropout, Dense 1 sigmoid; Adam at the given rate,
    binary cross-entropy; Keras' AUC named ``auc`` (DVCLive's per-epoch keys ``auc`` and ``val_auc``)."""
    from rednote.modeling.models import build_mlp

    model = build_mlp(7, 0.3, 0.002)
    layers = [(type(layer).__name__, layer.get_config()) for layer in model.layers]
    assert [name for name, _ in layers] == ["Dense", "BatchNormalization", "Dropout"] * 2 + ["Dense"]
    dense = [(config["units"], config["activation"]) for name, config in layers if name == "Dense"]
    assert dense == [(128, "relu"), (64, "relu"), (1, "sigmoid")]
    assert [config["rate"] for name, config in layers if name == "Dropout"] == [0.3, 0.3]
    assert model.input_shape == (None, 7) and model.loss == "binary_crossentropy"
    assert type(model.optimizer).__name__ == "Adam" and float(model.optimizer.learning_rate) == pytest.approx(0.002)
    metrics = model.get_compile_config()["metrics"]
    assert [(metric["class_name"], metric["config"]["name"]) for metric in metrics] == [("AUC", "auc")]


def test_too_few_retained_users_are_named_in_one_sentence():
    y = np.array([0] * 20 + [1] * 2)
    split = np.array(["train"] * 10 + ["val"] * 5 + ["test"] * 5 + ["train", "test"])
    problem = trainability_problem(y, split, minimum=1)
    assert problem == (
        "the val split has 0 retained user(s) of 5 (train.min_positives=1); the cohort has 2 retained in all, too few "
        "to train and score a model: use a larger crawl, a longer label.horizon_days (label.target_* under "
        "label.design=calendar), or lower train.min_positives"
    )
    assert trainability_problem(y, split, minimum=0) is None
    assert "the train split has 1" in trainability_problem(y, split, minimum=2)


def test_tfidf_encoder_learns_vocabulary_from_training_texts_only():
    train = ["learn chinese pinyin", "learn chinese tones", "cat tax meme", "cat meme funny"] * 3
    encoder = TfidfSvdEncoder(n_components=2, max_features=100, min_df=1, seed=0).fit(train)
    unseen = encoder.transform(["zzz qqq"])
    assert unseen.shape == (1, 2) and np.allclose(unseen, 0)
    vectors = encoder.transform(["learn chinese", "cat meme"])
    assert not np.allclose(vectors[0], vectors[1])


def test_use_encoder_embeds_chinese_and_english_by_meaning():
    vectors = UseEncoder(progress=False).transform(
        ["我在学习中文", "I am learning Chinese", "The Supreme Court upheld the TikTok ban"]
    )
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_topics_fit_and_table():
    tokens = ["学 中文 pinyin tones"] * 6 + ["ban supreme court congress"] * 6 + ["hotpot 美食 noodles"] * 6
    model = fit_topics(tokens, n_topics=3, max_features=100, min_df=1, max_df=0.9, seed=0)
    weights = model.weights(tokens)
    dominant = weights.argmax(axis=1)
    assert len(set(dominant[:6])) == 1 and len(set(dominant)) == 3
    retained = pd.Series([1] * 6 + [0] * 12)
    table = topic_table(weights, retained, model.top_words(3))
    rates = {row["topic"]: row["retention_rate"] for row in table}
    assert rates[dominant[0]] == 1.0 and rates[dominant[6]] == 0.0
    assert "pinyin" in table[dominant[0]]["top_words"]


def hybrid_data(n: int = 240, seed: int = 0):
    """Design columns of noise plus January days where retained users post in the last week: only the LSTM can tell."""
    from rednote.modeling.design import Design, with_sequences

    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype("float32")
    days = np.zeros((n, 31, 5), dtype=np.float32)
    days[np.arange(n), rng.integers(0, 20, n), 0] = 1  # everyone posts once in the first 20 days
    late = np.flatnonzero(y == 1)
    days[late, rng.integers(24, 31, len(late)), 0] = 1  # the retained also in the last week
    design = Design(
        rng.standard_normal((n, 6)).astype(np.float32), [f"topic_{k}" for k in range(6)], None, {"topics": slice(0, 6)}
    )
    return with_sequences(design, days), y


def test_the_hybrid_model_reads_the_days_through_its_lstm_branch_and_reloads_identically(tmp_path):
    from sklearn.metrics import roc_auc_score

    from rednote.core.params import load_params
    from rednote.modeling.models import fit_named, load_fitted, seed_tensorflow

    seed_tensorflow(1, 1)
    design, y = hybrid_data()
    assert design.X.shape == (240, 6 + 31 * 5) and design.names[6] == "activity_0"
    p = load_params().train.model_copy(update={"epochs": 40, "patience": 40, "learning_rate": 0.01})
    index = np.arange(len(y))
    train, val = index % 4 != 0, index % 4 == 0
    fitted = fit_named("hybrid", design.X, y, train, val, p, n_static=6)
    scores = fitted.predict(design.X)
    assert scores.shape == (240,) and roc_auc_score(y[val], scores[val]) > 0.8
    fitted.save(tmp_path)
    again = load_fitted("hybrid", tmp_path, design.X.shape[1], p, n_static=6)
    assert np.allclose(again.predict(design.X), scores)
    layers = {type(layer).__name__ for layer in fitted.model.layers}
    assert {"LSTM", "Concatenate", "BatchNormalization", "Dropout"} <= layers


def test_importance_groups_the_days_as_one_activity_feature():
    design, _ = hybrid_data(20)
    groups = design.groups()
    assert len(groups["activity"]) == 155 and set(groups) == {*(f"topic_{k}" for k in range(6)), "activity"}


def test_the_baseline_sees_behaviour_and_topics_only_and_the_days_follow_the_static_columns():
    design, _ = hybrid_data(10)
    assert list(design.baseline_columns) == list(range(6)) and design.n_static == 6


def test_the_params_schema_allows_exactly_the_registrys_models():
    from typing import get_args

    from rednote.core.params import TrainParams
    from rednote.modeling.models import REGISTRY

    assert set(get_args(TrainParams.model_fields["model"].annotation)) == set(REGISTRY)


def test_every_registered_model_fits_predicts_saves_and_loads_the_same(tmp_path):
    from rednote.core.params import load_params
    from rednote.modeling.models import REGISTRY, fit_named, load_fitted, seed_tensorflow

    p = load_params(ROOT / "params.yaml").train.model_copy(update={"epochs": 2})
    seed_tensorflow(p.seed, p.threads)
    design, y = hybrid_data(120)
    split = np.array(["train", "val"] * 60)
    train, val = split == "train", split == "val"
    for name in REGISTRY:
        fitted = fit_named(name, design.X, y, train, val, p, n_static=6)
        scores = fitted.predict(design.X)
        assert scores.shape == (120,) and np.all((scores >= 0) & (scores <= 1)), name
        fitted.save(tmp_path / name)
        again = load_fitted(name, tmp_path / name, design.X.shape[1], p, n_static=6)
        np.testing.assert_allclose(again.predict(design.X), scores, rtol=1e-6, atol=1e-7, err_msg=name)


def test_an_unknown_model_is_one_sentence():
    from rednote.modeling.models import spec_of

    with pytest.raises(
        UserError, match=r"^train.model='svm' is not a model here; use one of logreg, gbt, mlp, hybrid\."
    ):
        spec_of("svm")


def test_the_shared_logistic_regression_is_configured_as_documented():
    from rednote.modeling.linear import l2_logistic

    model = l2_logistic(0.3, True, 7)
    assert (model.C, model.class_weight, model.solver, model.max_iter, model.random_state, model.penalty) == (
        0.3, "balanced", "newton-cholesky", 200, 7, "l2"
    )  # fmt: skip
    plain = l2_logistic(2.0, False, 1, max_iter=50)
    assert (plain.C, plain.class_weight, plain.max_iter, plain.random_state) == (2.0, None, 50, 1)
