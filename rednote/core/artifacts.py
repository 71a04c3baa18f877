"""Where the pipeline's files live when no param says: every path that a stage writes and another stage, the
report or the review reads, named once. Paths a user may move (the data tables) are params (``data.*``).

``tests/pipeline/test_dvc_yaml.py`` checks that each path here is declared in ``dvc.yaml`` (as an output,
metric or plot of the stage that writes it, or inside a declared folder).
"""

from __future__ import annotations

# the pseudonym key's fingerprint (key, for clean): which key, never the key (rednote/ingest/keys.py)
KEY_FINGERPRINT = "data/interim/key_fingerprint.json"

# metrics/: small human-facing JSON and CSV, kept in git
DATA_QUALITY = "metrics/data_quality.json"
COHORT = "metrics/cohort.json"
TOPICS = "metrics/topics.json"
METRICS = "metrics/metrics.json"
IMPORTANCE = "metrics/importance.json"
FACTORS = "metrics/factors.json"
SEGMENTS = "metrics/segments.json"
SEGMENT_OUTLIERS = "metrics/segment_outliers.csv"
SEGMENT_COMMUNITIES = "metrics/segment_communities.csv"
SEGMENT_CENTRAL_USERS = "metrics/segment_central_users.csv"
SURVIVAL = "metrics/survival.json"

# models/: train's fitted models and its run record (the contract with evaluate and explain)
FITS = "models/fits"
RUN_RECORD = "models/run.json"
DVCLIVE = "dvclive"  # the folder DVCLive writes into; dvc.yaml declares what it writes there:
DVCLIVE_METRICS = "dvclive/metrics.json"
DVCLIVE_PLOTS = "dvclive/plots/metrics"
VALIDATION_LOSS = "dvclive/plots/metrics/eval/loss.tsv"

# plots/: figures and the data behind them, one folder per stage
EDA_PLOTS = "plots/eda"
DAILY_ACTIVE_USERS_FIGURE = "plots/eda/daily_active_users.png"
WORD_CLOUDS_FIGURE = "plots/eda/word_clouds.png"
CONFUSION = "plots/evaluate/confusion.csv"
IMPORTANCE_TABLE = "plots/explain/importance.csv"
IMPORTANCE_FIGURE = "plots/explain/importance.png"
FACTORS_FIGURE = "plots/explain/factors.png"
SEGMENT_PLOTS = "plots/segment"
CLUSTERS_FIGURE = "plots/segment/pca_clusters.png"
NETWORK_FIGURE = "plots/segment/community_network.png"
SURVIVAL_PLOTS = "plots/survival"
SURVIVAL_CURVE = "plots/survival/km_all.csv"
SURVIVAL_GROUP_CURVES = "plots/survival/km_groups.csv"
HAZARD_TABLE = "plots/survival/hazard_ratios.csv"
HAZARD_FIGURE = "plots/survival/hazard_ratios.png"

# reports/: the findings, in git
FINDINGS_MARKDOWN = "reports/findings.md"
FINDINGS_HTML = "reports/findings.html"
FINDINGS_ROC_FIGURE = "reports/figures/roc.png"

#: What evaluate scores: the model and the logistic baseline, by the name their curves' files carry.
SCORED = ("model", "baseline")


def roc_curve(name: str) -> str:
    """The ROC curve data of ``name`` (one of :data:`SCORED`)."""
    return f"plots/evaluate/roc_{name}.csv"


def pr_curve(name: str) -> str:
    """The precision-recall curve data of ``name`` (one of :data:`SCORED`)."""
    return f"plots/evaluate/pr_{name}.csv"


def survival_figure(grouping: str) -> str:
    """The Kaplan-Meier figure of one grouping (``all`` or one of :data:`rednote.survival.analysis.GROUPINGS`)."""
    return f"plots/survival/km_{grouping}.png"


def declared_paths() -> list[str]:
    """Every path above, for the check against dvc.yaml."""
    fixed = [v for k, v in globals().items() if k.isupper() and isinstance(v, str) and v != DVCLIVE]
    curves = [survival_figure(g) for g in ("all", "arrival_week", "account", "segment", "topic")]
    return fixed + [f(name) for name in SCORED for f in (roc_curve, pr_curve)] + curves
