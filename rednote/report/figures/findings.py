"""The findings stage's figure: the ROC curves of the model and the baseline."""

from __future__ import annotations

import pandas as pd

from rednote.report.figures.common import plt


def roc_curves(model: pd.DataFrame, baseline: pd.DataFrame, title: str) -> plt.Figure:
    """ROC curves (``fpr``, ``tpr`` columns, as plots/evaluate writes them) of the model and the baseline, with chance."""
    fig, ax = plt.subplots(figsize=(5, 5))
    for frame, label, color in ((model, "model", "#2e86c1"), (baseline, "baseline (behaviour + topics)", "#7f8c8d")):
        if len(frame):
            ax.plot(frame["fpr"], frame["tpr"], label=label, color=color)
    ax.plot([0, 1], [0, 1], linestyle=":", color="black", label="chance")
    ax.set_xlabel("false positive rate (lost users flagged)")
    ax.set_ylabel("true positive rate (retained users found)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
