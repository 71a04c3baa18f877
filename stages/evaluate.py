"""evaluate: probabilities → held-out test metrics (threshold from validation), ROC/PR/confusion plot data."""

import logging

import pandas as pd

from rednote.io import read_table, write_csv, write_json
from rednote.metrics import curves, evaluate_model, null_scores
from rednote.params import load_params
from rednote.stage import run

log = logging.getLogger("rednote.evaluate")
MODELS = {"test": ("p_model", "model"), "baseline": ("p_baseline", "baseline")}


def main() -> None:
    params = load_params()
    data, p = params.data, params.evaluate
    predictions = read_table(data.predictions)
    val = predictions[predictions["split"] == "val"]
    test = predictions[predictions["split"] == "test"]
    y_val, y_test = val["retained"].to_numpy(), test["retained"].to_numpy()
    report = {
        "data": {
            "n_users": int(len(predictions)),
            "n_retained": int(predictions["retained"].sum()),
            "n_train": int((predictions["split"] == "train").sum()),
            "n_val": int(len(val)),
            "n_test": int(len(test)),
        },
        "degenerate": predictions.attrs.get("degenerate"),
    }
    threshold = None
    for key, (column, name) in MODELS.items():
        if report["degenerate"]:
            report[key] = null_scores(y_test)
            roc, pr = curves(y_test, None)
        else:
            report[key] = evaluate_model(
                y_val,
                val[column].to_numpy(),
                y_test,
                test[column].to_numpy(),
                p.bootstrap,
                p.ci_level,
                p.seed,
            )
            roc, pr = curves(y_test, test[column].to_numpy())
            threshold = report["test"]["threshold"]
        write_csv(roc, f"plots/evaluate/roc_{name}.csv")
        write_csv(pr, f"plots/evaluate/pr_{name}.csv")
    predicted = (test["p_model"].to_numpy() >= threshold).astype(int) if threshold is not None else []
    confusion = pd.DataFrame({"actual": y_test if threshold is not None else [], "predicted": predicted})
    write_csv(confusion, "plots/evaluate/confusion.csv")
    write_json(report, "metrics/metrics.json")
    log.info(
        "test ROC-AUC %s, F1 %s; baseline ROC-AUC %s",
        report["test"]["roc_auc"],
        report["test"]["f1"],
        report["baseline"]["roc_auc"],
    )


if __name__ == "__main__":
    run(main)
