"""train: users + topic weights + text vectors → the chosen model (`train.model`) and a logistic baseline; P(retained) per user."""

import logging
import pickle
from pathlib import Path

import numpy as np

from rednote.errors import UserError
from rednote.io import atomic_path, read_array, read_table, write_table
from rednote.models import (
    build_design,
    fit_logreg,
    fit_named,
    live_callback,
    log_fit,
    seed_tensorflow,
    trainability_problem,
)
from rednote.params import load_params
from rednote.stage import run

log = logging.getLogger("rednote.train")
MODELS = Path("models")


def main() -> None:
    params = load_params()
    data, p = params.data, params.train
    users = read_table(data.users)
    y = users["retained"].to_numpy().astype("float32")
    split = users["split"].to_numpy()
    predictions = users[["user_id", "split", "retained"]].copy()
    for stale in MODELS.glob("*"):
        stale.unlink()
    MODELS.mkdir(exist_ok=True)
    problem = trainability_problem(y, split, p.min_positives)
    if problem and not p.allow_degenerate:
        raise UserError(f"{problem} (or set train.allow_degenerate=true to write null metrics instead).")
    from dvclive import Live

    # DVCLive logs each epoch to dvclive/ (declared in dvc.yaml), so `dvc exp show` / `dvc plots diff` see it.
    with Live(dir="dvclive", dvcyaml=None, save_dvc_exp=False) as live:
        if problem:
            log.warning("no model trained: %s", problem)
            predictions["p_model"] = predictions["p_baseline"] = np.nan
            predictions.attrs["degenerate"] = problem
            (MODELS / "NOT_TRAINED.txt").write_text(problem + "\n", encoding="utf-8")
            for name in ("train/loss", "eval/loss", "train/auc", "eval/auc"):
                live.log_metric(name, float("nan"))
            live.next_step()
        else:
            seed_tensorflow(p.seed, p.threads)
            train, val = split == "train", split == "val"
            design = build_design(
                users,
                read_array(data.topics),
                read_array(data.embeddings),
                train,
                p.features,
                p.log_counts,
            )
            callbacks = [live_callback(live)] if p.model == "mlp" else []
            model = fit_named(p.model, design.X, y, train, val, p, callbacks)
            log_fit(live, model, design.X, y, train, val)
            baseline = fit_logreg(design.X, y, train, p)
            predictions["p_model"] = model.predict(design.X)
            predictions["p_baseline"] = baseline.predict_proba(design.X)[:, 1]
            model.save(MODELS)
            with atomic_path(MODELS / "design.pkl") as tmp:
                tmp.write_bytes(pickle.dumps({"baseline": baseline, "scaler": design.scaler, "features": design.names}))
            log.info(
                "%s trained on %d users (%d retained), %d features",
                p.model,
                int(train.sum()),
                int(y[train].sum()),
                design.X.shape[1],
            )
    write_table(predictions, data.predictions)


if __name__ == "__main__":
    run(main)
