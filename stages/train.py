"""train: users + topic weights + text vectors → the chosen model (`train.model`) and a logistic baseline; P(retained) per user."""

import logging
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rednote.io import atomic_path, read_array, read_table, write_table  # noqa: E402
from rednote.models import build_design, fit_logreg, fit_named, log_fit, require_trainable, seed_tensorflow  # noqa: E402
from rednote.stage import load_params, run, section  # noqa: E402

log = logging.getLogger("rednote.train")
MODELS = Path("models")


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
    from dvclive import Live
    from dvclive.keras import DVCLiveCallback

    # DVCLive logs each epoch to dvclive/ (declared in dvc.yaml), so `dvc exp show` / `dvc plots diff` see it.
    with Live(dir="dvclive", dvcyaml=None, save_dvc_exp=False) as live:
        callbacks = [DVCLiveCallback(live=live)] if p["model"] == "mlp" else []
        model = fit_named(str(p["model"]), design.X, y, train, val, p, callbacks)
        log_fit(live, model, design.X, y, train, val)
    baseline = fit_logreg(design.X, y, train, p)
    predictions = users[["user_id", "split", "retained"]].copy()
    predictions["p_model"] = model.predict(design.X)
    predictions["p_baseline"] = baseline.predict_proba(design.X)[:, 1]
    write_table(predictions, data["predictions"])
    for stale in MODELS.glob("model.*"):
        stale.unlink()
    model.save(MODELS)
    with atomic_path(MODELS / "design.pkl") as tmp:
        tmp.write_bytes(pickle.dumps({"baseline": baseline, "scaler": design.scaler, "features": design.names}))
    log.info("%s trained on %d users (%d retained), %d features", p["model"], int(train.sum()), int(y[train].sum()), design.X.shape[1])


if __name__ == "__main__":
    run(main)
