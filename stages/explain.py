"""explain: the trained model's permutation importance on the test split (behaviour features, topics, text as one group)."""

import logging
from pathlib import Path

import pandas as pd

from rednote import plots
from rednote.importance import IMPORTANCE_COLUMNS, feature_groups, permutation_importance
from rednote.io import read_array, read_table, write_csv, write_json
from rednote.models import build_design, load_fitted, seed_tensorflow
from rednote.params import load_params
from rednote.stage import run

log = logging.getLogger("rednote.explain")
MODELS = Path("models")


def main() -> None:
    params = load_params()
    data, t, p = params.data, params.train, params.explain
    users = read_table(data.users)
    if (MODELS / "NOT_TRAINED.txt").exists():  # a degenerate cohort: say why, write every declared output
        reason = (MODELS / "NOT_TRAINED.txt").read_text(encoding="utf-8").strip()
        log.warning("nothing to explain: %s", reason)
        write_csv(pd.DataFrame(columns=list(IMPORTANCE_COLUMNS)), "plots/explain/importance.csv")
        plots.save(plots.notice("Permutation importance: no model", reason), "plots/explain/importance.png")
        write_json({"model": t.model, "degenerate": reason, "importance": {}}, "metrics/importance.json")
        return
    seed_tensorflow(t.seed, t.threads)
    split = users["split"].to_numpy()
    design = build_design(
        users,
        read_array(data.topics),
        read_array(data.embeddings),
        split == "train",
        t.features,
        t.log_counts,
    )
    model = load_fitted(t.model, MODELS, design.X.shape[1], t)
    test = split == "test"
    table = permutation_importance(
        model.predict,
        design.X[test],
        users["retained"].to_numpy()[test],
        feature_groups(design.names),
        p.repeats,
        p.seed,
    )
    write_csv(table, "plots/explain/importance.csv")
    plots.save(plots.importance(table, t.model), "plots/explain/importance.png")
    # Keyed by feature (not a list) so that `dvc metrics diff` shows each feature's change.
    features = {row.pop("feature"): row for row in table.to_dict("records")}
    write_json({"model": t.model, "scoring": "test ROC-AUC drop", "importance": features}, "metrics/importance.json")
    log.info("top features: %s", ", ".join(table["feature"].head(5)))


if __name__ == "__main__":
    run(main)
