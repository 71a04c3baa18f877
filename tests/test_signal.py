"""On the bundled sample, the pipeline's own functions find the planted signal, and find none when labels are shuffled.

The shuffled control is the leakage check: if any feature carried the label (a February post
count, February text), the model would still score well with the label permuted across users.
Runs in-process with the light TF-IDF encoder so it stays within a minute.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rednote.cleaning import clean_posts
from rednote.cohort import assign_split, build_users
from rednote.encoders import make_encoder
from rednote.metrics import evaluate_model
from rednote.models import build_design, fit_logreg, fit_mlp, seed_tensorflow
from rednote.params import Params, load_params
from rednote.schema import read_raw
from rednote.text import tokenize_all
from rednote.topics import fit_topics
from rednote.window import Window

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def params():
    return load_params(ROOT / "params.yaml")


@pytest.fixture(scope="module")
def users(params):
    raw, _ = read_raw(ROOT / params.data.raw, 0.05)
    c, lab = params.clean, params.label
    posts, _ = clean_posts(raw, Window.of(c.window_start, c.window_end), c.pseudonym_key)
    users = build_users(
        posts, Window.of(lab.observe_start, lab.observe_end), Window.of(lab.target_start, lab.target_end)
    )
    users["tokens"] = tokenize_all(users["text"])
    return users


def held_out_auc(users: pd.DataFrame, labels: np.ndarray, params: Params) -> dict:
    """Split, fit encoder/topics/models on train, return test ROC-AUC of the MLP and the baseline."""
    s, e, t, tr = params.split, params.embed.model_copy(update={"encoder": "tfidf"}), params.topics, params.train
    split = assign_split(pd.Series(labels), s.val_share, s.test_share, s.seed).to_numpy()
    train, val, test = split == "train", split == "val", split == "test"
    tokens = users["tokens"].tolist()
    encoder = make_encoder(e).fit([x for x, k in zip(tokens, train) if k])
    topic_model = fit_topics(
        [x for x, k in zip(tokens, train) if k], t.n_topics, t.max_features, t.min_df, t.max_df, t.seed
    )
    design = build_design(
        users, topic_model.weights(tokens), encoder.transform(tokens), train, tr.features, tr.log_counts
    )
    y = labels.astype("float32")
    seed_tensorflow(tr.seed, tr.threads)
    mlp, _ = fit_mlp(design.X, y, train, val, tr)
    p_mlp = mlp.predict(design.X, verbose=0).ravel()
    p_base = fit_logreg(design.X, y, train, tr).predict_proba(design.X)[:, 1]
    return {
        name: evaluate_model(y[val], p[val], y[test], p[test], 0, 0.95, 0)
        for name, p in (("mlp", p_mlp), ("baseline", p_base))
    }


def test_sample_has_a_learnable_signal(users, params):
    result = held_out_auc(users, users["retained"].to_numpy(), params)
    assert result["mlp"]["roc_auc"] >= 0.75
    assert result["mlp"]["f1"] > 0
    assert result["baseline"]["roc_auc"] >= 0.75


def test_shuffled_labels_leave_nothing_to_learn(users, params):
    shuffled = np.random.default_rng(12345).permutation(users["retained"].to_numpy())
    result = held_out_auc(users, shuffled, params)
    assert abs(result["mlp"]["roc_auc"] - 0.5) <= 0.1
    assert abs(result["baseline"]["roc_auc"] - 0.5) <= 0.1
