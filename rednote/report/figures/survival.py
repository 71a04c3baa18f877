"""The survival stage's figures: Kaplan-Meier curves with at-risk counts, and the forest plot of hazard ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines.plotting import add_at_risk_counts

from rednote.core import artifacts as out
from rednote.core.io import level_text
from rednote.report.figures.common import forest, notice, plt, use_cjk_font
from rednote.survival.analysis import SurvivalResult
from rednote.survival.curves import Curve

TITLES = {
    "all": "Still posting",
    "arrival_week": "By arrival week",
    "account": "By account",
    "segment": "By adaptation group",
    "topic": "By dominant topic",
}


def survival_figures(result: SurvivalResult, level: float, silence_days: int) -> dict[str, plt.Figure]:
    """Every figure of the stage by path: the overall curve, one per grouping, and the hazard ratios."""
    figures = {out.survival_figure("all"): km_figure([result.overall], TITLES["all"], level, silence_days)}
    for comparison in result.comparisons:
        curves = comparison.curves or [result.overall]
        figures[out.survival_figure(comparison.grouping)] = km_figure(
            curves, TITLES[comparison.grouping], level, silence_days
        )
    cox = result.summary["cox"]
    if result.hazards is None:
        figures[out.HAZARD_FIGURE] = notice("Hazard ratios: no Cox model", cox["degenerate"])
    else:
        figures[out.HAZARD_FIGURE] = hazard_forest(result.hazards, cox["users"], level)
    return figures


def km_figure(curves: list[Curve], title: str, level: float, silence_days: int) -> plt.Figure:
    """Each group's Kaplan-Meier curve with its ``level`` band, and the users at risk under the axis."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 4.8 + 0.25 * len(curves)))
    for curve in curves:
        curve.fitter.plot_survival_function(ax=ax, ci_show=True, ci_alpha=0.15)
    add_at_risk_counts(*(c.fitter for c in curves), ax=ax, rows_to_show=["At risk"])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days since the first post")
    ax.set_ylabel(f"share not yet silent ({silence_days}+ days without a post)")
    ax.set_title(f"{title} ({level_text(level)} intervals)")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def hazard_forest(table: pd.DataFrame, users: int, level: float) -> plt.Figure:
    """Hazard ratios of falling silent per SD (the Cox model's), features named for readers, strongest first."""
    order = table.assign(strength=np.abs(np.log(table["hazard_ratio"])))
    order = order.sort_values("strength", ascending=False, kind="mergesort")
    shown = order.assign(feature=order["label"], ratio=order["hazard_ratio"])
    title = f"Hazard of falling silent per SD ({users} users still posting at their landmark)"
    xlabel = f"hazard ratio per SD (Cox, {level_text(level)} interval; < 1: kept posting longer; red: excludes 1)"
    return forest(shown, title, xlabel)
