"""explain: the trained model's permutation importance on the test split (behaviour features, topics, text as one group)."""

import logging
from pathlib import Path

from rednote import plots
from rednote.errors import UserError
from rednote.importance import feature_groups, permutation_importance
from rednote.io import read_array, read_table, write_csv, write_json
from rednote.models import build_design, load_fitted, seed_tensorflow
from rednote.stage import load_params, run, section

log = logging.getLogger("rednote.explain")
MODELS = Path("models")


def main() -> None:
    params = load_params()
    data, t, p = section(params, "data"), section(params, "train"), section(params, "explain")
    users = read_table(data["users"])
    if (MODELS / "NOT_TRAINED.txt").exists():
        raise UserError(
            f"no model was trained ({(MODELS / 'NOT_TRAINED.txt').read_text().strip()}); nothing to explain."
        )
    seed_tensorflow(int(t["seed"]), int(t["threads"]))
    split = users["split"].to_numpy()
    design = build_design(
        users,
        read_array(data["topics"]),
        read_array(data["embeddings"]),
        split == "train",
        list(t["features"]),
        bool(t["log_counts"]),
    )
    model = load_fitted(str(t["model"]), MODELS, design.X.shape[1], t)
    test = split == "test"
    table = permutation_importance(
        model.predict,
        design.X[test],
        users["retained"].to_numpy()[test],
        feature_groups(design.names),
        int(p["repeats"]),
        int(p["seed"]),
    )
    write_csv(table, "plots/explain/importance.csv")
    plots.save(plots.importance(table, str(t["model"])), "plots/explain/importance.png")
    # Keyed by feature (not a list) so that `dvc metrics diff` shows each feature's change.
    features = {row.pop("feature"): row for row in table.to_dict("records")}
    write_json({"model": t["model"], "scoring": "test ROC-AUC drop", "importance": features}, "metrics/importance.json")
    log.info("top features: %s", ", ".join(table["feature"].head(5)))


if __name__ == "__main__":
    run(main)
