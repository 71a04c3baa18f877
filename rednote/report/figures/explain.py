"""The explain stage's figures: permutation importance and the forest plot of odds ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.core.io import level_text
from rednote.report.figures.common import plt, use_cjk_font


def importance(table: pd.DataFrame, model: str, where: str, level: float) -> plt.Figure:
    """Horizontal bars of permutation importance (mean AUC drop) with ``level`` intervals; ``where`` the users scored."""
    use_cjk_font()
    table = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(table))))
    low = (table["importance_mean"] - table["ci_low"]).clip(lower=0)
    high = (table["ci_high"] - table["importance_mean"]).clip(lower=0)
    ax.barh(table["feature"], table["importance_mean"], xerr=[low, high], color="#2e86c1")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"drop in ROC-AUC when shuffled ({level_text(level)} interval)")
    ax.set_title(f"Permutation importance ({model}, {where})")
    fig.tight_layout()
    return fig


def forest(table: pd.DataFrame, title: str, level: float) -> plt.Figure:
    """Forest plot of odds ratios per SD (``feature``, ``odds_ratio``, ``ci_low``, ``ci_high``) on a log axis, 1 marked."""
    use_cjk_font()
    table = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(table))))
    ratio = table["odds_ratio"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    rows = np.arange(len(table))
    clear = (low > 1) | (high < 1)
    ax.errorbar(ratio, rows, xerr=[ratio - low, high - ratio], fmt="none", ecolor="#7f8c8d", elinewidth=1.2, capsize=2)
    ax.scatter(ratio, rows, c=np.where(clear, "#c0392b", "#2e86c1"), zorder=3, s=18)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(rows, table["feature"])
    ax.set_xlabel(f"retention odds ratio per SD ({level_text(level)} bootstrap interval over users; red: excludes 1)")
    ax.set_title(title)
    fig.tight_layout()
    return fig
