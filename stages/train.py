"""train: users + topic weights + text vectors → the chosen model (`train.model`) and a logistic baseline, P(retained)
per user, the fitted models and the run record (models/run.json) that evaluate and explain read."""

import logging
import shutil
from pathlib import Path

from tqdm import tqdm

from rednote.core.artifacts import DVCLIVE, FITS, RUN_RECORD
from rednote.core.io import read_array, read_table, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.modeling.design import model_design
from rednote.modeling.models import KERAS_MODELS, seed_tensorflow
from rednote.modeling.run_record import write_run_record
from rednote.modeling.training import check_baseline, degenerate_run, train_cv, train_holdout, untrainable

log = logging.getLogger("rednote.train")


def main() -> None:
    params = load_params()
    data, p, e = params.data, params.train, params.evaluate
    users = read_table(data.users)
    scheme = e.chosen(int(users["retained"].sum()))
    problem = untrainable(users, scheme, p, e)
    from dvclive import Live

    shutil.rmtree(FITS, ignore_errors=True)
    with Live(dir=DVCLIVE, dvcyaml=None, save_dvc_exp=False) as live:
        if problem:
            log.warning("no model trained: %s", problem)
            trained = degenerate_run(users, scheme, p, problem, live)
        else:
            if p.model in KERAS_MODELS:  # TensorFlow only for the Keras models (its import alone costs seconds)
                seed_tensorflow(p.seed, p.threads)
            sequences = read_table(data.sequences) if p.model == "hybrid" else None
            design = model_design(users, read_array(data.topics), read_array(data.embeddings), sequences, scheme, p)
            check_baseline(design, p.features)
            if scheme == "cv":
                with tqdm(total=2 * e.cv.repeats * e.cv.folds, desc="cv fits", unit="fit", disable=None) as bar:
                    trained = train_cv(users, design, p, e, live, lambda done, total: bar.update(1))
            else:
                trained = train_holdout(users, design, p, live)
            log.info("%s (%s) on %d users (%d retained), %d features", p.model, scheme, len(users),
                     int(users["retained"].sum()), design.X.shape[1])  # fmt: skip
    Path(FITS).mkdir(parents=True, exist_ok=True)
    for folder, fitted in trained.fitted.items():
        fitted.save(Path(FITS) / folder)
    write_table(trained.predictions, data.predictions)
    write_run_record(trained.record, RUN_RECORD)


if __name__ == "__main__":
    run(main)
