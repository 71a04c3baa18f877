"""evaluate: probabilities → metrics with intervals, ROC/PR/confusion plot data (rednote.modeling.scoring).

`cv` (default): every cohort user's out-of-fold probability (averaged over repeats), intervals from a
class-stratified bootstrap over users, the spread over repeats, and a permutation p-value for the
baseline (refitted under permuted labels on the same folds). `holdout`: threshold on validation, test users only.
"""

import logging

from rednote.core.artifacts import CONFUSION, METRICS, RUN_RECORD, pr_curve, roc_curve
from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.modeling.run_record import read_run_record
from rednote.modeling.scoring import baseline_permutation_test, score

log = logging.getLogger("rednote.evaluate")


def main() -> None:
    params = load_params()
    data, p = params.data, params.evaluate
    predictions = read_table(data.predictions)
    record = read_run_record(RUN_RECORD)
    scores = score(predictions, record, p)
    users = read_table(data.users)
    baseline_permutation_test(scores.report, predictions, users, read_array(data.topics), p, params.train)
    for name, (roc, pr) in scores.curves.items():
        write_csv(roc, roc_curve(name))
        write_csv(pr, pr_curve(name))
    write_csv(scores.confusion, CONFUSION)
    write_json(scores.report, METRICS)
    test, base = scores.report["test"], scores.report["baseline"]
    log.info(
        "%s: ROC-AUC %s [%s, %s] (%d retained users), F1 %s; baseline ROC-AUC %s, permutation p %s",
        record.scheme, test["roc_auc"], test["roc_auc_ci_low"], test["roc_auc_ci_high"],
        scores.report["data"]["effective_n"], test["f1"], base["roc_auc"], base["permutation_p"],
    )  # fmt: skip


if __name__ == "__main__":
    run(main)
