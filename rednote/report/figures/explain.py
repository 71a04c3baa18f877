"""The explain stage's figures: permutation importance and the forest plot of odds ratios."""

from __future__ import annotations

import pandas as pd

from rednote.core.io import level_text
from rednote.features.topics import readable
from rednote.report.figures.common import forest, plt, use_cjk_font


def importance(table: pd.DataFrame, model: str, where: str, level: float, topic_words: list[list[str]]) -> plt.Figure:
    """Horizontal bars of permutation importance (mean AUC drop) with ``level`` intervals; ``where`` the users scored;
    topics named by their words."""
    use_cjk_font()
    table = table.iloc[::-1].assign(feature=[readable(f, topic_words) for f in table["feature"].iloc[::-1]])
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(table))))
    low = (table["importance_mean"] - table["ci_low"]).clip(lower=0)
    high = (table["ci_high"] - table["importance_mean"]).clip(lower=0)
    ax.barh(table["feature"], table["importance_mean"], xerr=[low, high], color="#2e86c1")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"drop in ROC-AUC when shuffled ({level_text(level)} interval)")
    ax.set_title(f"Permutation importance ({model}, {where})")
    fig.tight_layout()
    return fig


def odds_forest(odds: pd.DataFrame, topic_words: list[list[str]], retained: pd.Series, level: float) -> plt.Figure:
    """The factors' forest plot: retention odds ratios per SD (``metrics/factors.json``), topics named by their words."""
    shown = odds.assign(feature=[readable(f, topic_words) for f in odds["feature"]], ratio=odds["odds_ratio"])
    title = f"Retention odds ratio per SD ({int(retained.sum())} retained of {len(retained)} users)"
    xlabel = f"retention odds ratio per SD ({level_text(level)} bootstrap interval over users; red: excludes 1)"
    return forest(shown, title, xlabel)
