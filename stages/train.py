"""train: users + topic weights + text vectors → the study's MLP and a logistic baseline; probabilities for every user."""

import logging
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rednote.io import atomic_path, read_array, read_table, write_csv, write_table  # noqa: E402
from rednote.models import build_design, fit_logreg, fit_mlp, require_trainable, seed_tensorflow  # noqa: E402
from rednote.stage import load_params, run, section  # noqa: E402

log = logging.getLogger("rednote.train")


def main() -> None:
    params = load_params()
    data, p = section(params, "data"), section(params, "train")
    users = read_table(data["users"])
    y = users["retained"].to_numpy().astype("float32")
    split = users["split"].to_numpy()
    require_trainable(y, split, int(p["min_positives"]))
    seed_tensorflow(int(p["seed"]), int(p["threads"]))
    train, val = split == "train", split == "val"
    design = build_design(
        users, read_array(data["topics"]), read_array(data["embeddings"]), train, list(p["features"]), bool(p["log_counts"])
    )
    mlp, history = fit_mlp(design.X, y, train, val, p)
    baseline = fit_logreg(design.X, y, train, p)
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions["p_mlp"] = mlp.predict(design.X, verbose=0).ravel().astype("float64")
    predictions["p_baseline"] = baseline.predict_proba(design.X)[:, 1]
    write_table(predictions, data["predictions"])
    write_csv(history, "plots/train/history.csv")
    Path("models").mkdir(exist_ok=True)
    mlp.save_weights("models/mlp.weights.h5")
    with atomic_path("models/baseline.pkl") as tmp:
        tmp.write_bytes(pickle.dumps({"model": baseline, "scaler": design.scaler, "features": design.names}))
    log.info("trained on %d users (%d retained), %d features, %d epochs", int(train.sum()), int(y[train].sum()), design.X.shape[1], len(history))


if __name__ == "__main__":
    run(main)
