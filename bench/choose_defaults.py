"""Benchmark (not a test): the CV comparison behind the default model and text width (README, "Choosing the default model").

    python bench/choose_defaults.py [--seeds 1 2 3] [--share 0.006] [--encoder tfidf] [--repeats 3]
                                    [--grid logreg:0.01:0 logreg:0.01:16 mlp:0.01:16 ...]

Crawls: the bundled sample and one generator crawl per seed at ``--share`` retained. For each, the
pipeline's own functions build the cohort, the topic weights and the text vectors (label-free,
fitted on all users), then each grid entry ``model:C:text_components`` is cross-validated (5
stratified folds x ``--repeats``) and printed as the ROC-AUC of the mean out-of-fold probability
with its 95% class-stratified bootstrap interval. ``mlp`` and ``gbt`` ignore C.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rednote.core.params import Params, load_params
from rednote.core.window import Window
from rednote.embed.encoders import make_encoder
from rednote.features.cohort import label_users
from rednote.features.tokens import tokenize_all
from rednote.features.topics import fit_topics
from rednote.ingest.cleaning import clean_posts
from rednote.ingest.csvfile import read_raw
from rednote.ingest.keys import SAMPLE_KEY
from rednote.modeling.design import build_design, reduce_text
from rednote.modeling.evaluation import RANKING, cross_validate, mean_oof, repeated_folds, stratified_bootstrap
from rednote.modeling.models import fold_fit, seed_tensorflow
from rednote.synthetic.sample import generate_crawl

ROOT = Path(__file__).resolve().parents[1]
GRID = ("logreg:0.01:0", "logreg:0.003:0", "logreg:0.1:0", "logreg:0.01:8", "logreg:0.01:16", "logreg:0.01:32")


def cohort(raw_csv: Path, params: Params, encoder: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Users, topic weights and text vectors of a crawl, every transform fitted on all users (no label)."""
    raw, _ = read_raw(raw_csv, params.clean.max_malformed_share)
    c, lab, t = params.clean, params.label, params.topics
    posts, _ = clean_posts(raw, Window.of(c.window_start, c.window_end), SAMPLE_KEY)  # in-process: nothing is written
    users, _ = label_users(posts, lab, str(raw_csv))
    users["tokens"] = tokenize_all(users["text"])
    tokens = users["tokens"].tolist()
    topics = fit_topics(tokens, t.n_topics, t.max_features, t.min_df, t.max_df, t.seed).weights(tokens)
    enc = make_encoder(params.embed.model_copy(update={"encoder": encoder}))
    texts = users[enc.column].fillna("").tolist()
    return users, topics, enc.fit(texts).transform(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--share", type=float, default=0.006)
    parser.add_argument("--encoder", default="tfidf", choices=["tfidf", "use"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--grid", nargs="+", default=list(GRID))
    args = parser.parse_args()
    params = load_params(ROOT / "params.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        crawls = {"sample": ROOT / params.data.raw}
        for seed in args.seeds:
            crawls[f"share{args.share}_seed{seed}"] = path = Path(tmp) / f"seed{seed}.csv"
            generate_crawl(4117, seed, retained_share=args.share).to_csv(path, index=False, lineterminator="\n")
        for name, path in crawls.items():
            users, topics, text = cohort(path, params, args.encoder)
            y = users["retained"].to_numpy().astype(int)
            folds = repeated_folds(y, params.evaluate.cv.folds, args.repeats, params.evaluate.seed)
            for entry in args.grid:
                model, c, k = entry.split(":")
                if model == "mlp":
                    seed_tensorflow(params.train.seed, params.train.threads)
                train = params.train.model_copy(update={"logreg_c": float(c)})
                blocks = ["behaviour", "topics", "text"] if int(k) else ["behaviour", "topics"]
                reduced = reduce_text(text, int(k), train.seed)
                X = build_design(users, topics, reduced, np.ones(len(y), bool), blocks, train.log_counts).X
                started = time.perf_counter()
                p = mean_oof(cross_validate(fold_fit(model, train), X, y, folds, train.seed).proba)
                low, high = stratified_bootstrap(y, p, RANKING["roc_auc"], 1000, 0.95, params.evaluate.seed)
                print(
                    f"{name:<20} {entry:<16} retained={int(y.sum()):>3} ROC-AUC={roc_auc_score(y, p):.3f} "
                    f"[{low:.3f}, {high:.3f}] {time.perf_counter() - started:.0f}s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
