"""Figures of the exploratory analysis, drawn with matplotlib and a CJK font so Chinese shows as glyphs.

Matplotlib has no CJK font of its own; the PyPI package ``mplfonts`` ships Noto Sans CJK SC and
SimHei (the study's font). :func:`use_cjk_font` registers them; every figure function calls it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from rednote.cohort import COUNT_FEATURES  # noqa: E402
from rednote.io import atomic_path  # noqa: E402

CJK_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the CJK fonts shipped by ``mplfonts`` and make the first one matplotlib's sans-serif; return its name."""
    import mplfonts

    folder = Path(mplfonts.__file__).parent / "fonts"
    names = []
    for file in CJK_FONT_FILES:
        path = folder / file
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            names.append(font_manager.FontProperties(fname=str(path)).get_name())
    if not names:
        raise RuntimeError(f"no CJK font found in {folder}; reinstall mplfonts (requirements.txt)")
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [*names, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = "rednote"
    return names[0]


def save(fig: plt.Figure, path: str | Path) -> None:
    """Save a figure as PNG atomically, without time stamps in its metadata, and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def count_distributions(users: pd.DataFrame) -> plt.Figure:
    """Histograms of each user's January sum of likes, collects, comments, shares (log1p x-axis)."""
    use_cjk_font()
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, name in zip(axes.ravel(), COUNT_FEATURES):
        ax.hist(np.log1p(users[f"{name}_sum"]), bins=30, color="#c0392b")
        ax.set_title(f"{name} per user, January (log1p)")
        ax.set_xlabel(f"log1p({name})")
        ax.set_ylabel("users")
    fig.tight_layout()
    return fig


def counts_by_retention(users: pd.DataFrame) -> plt.Figure:
    """Box plots of each log1p count sum, retained vs. lost users."""
    use_cjk_font()
    fig, axes = plt.subplots(1, 4, figsize=(14, 4))
    for ax, name in zip(axes, COUNT_FEATURES):
        groups = [np.log1p(users.loc[users["retained"] == r, f"{name}_sum"]) for r in (0, 1)]
        ax.boxplot(groups, showfliers=False)
        ax.set_xticks([1, 2], ["lost (0)", "retained (1)"])
        ax.set_title(f"log1p({name})")
    fig.suptitle("January engagement by February retention")
    fig.tight_layout()
    return fig


def correlation(users: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Spearman correlation of the four count sums and ``retained``: the heatmap and its matrix."""
    use_cjk_font()
    columns = [f"{n}_sum" for n in COUNT_FEATURES] + ["retained"]
    matrix = users[columns].corr(method="spearman")
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(matrix.to_numpy(), vmin=-1, vmax=1, cmap="coolwarm")
    ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right")
    ax.set_yticks(range(len(columns)), columns)
    for (i, j), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
    fig.colorbar(image)
    ax.set_title("Spearman correlation")
    fig.tight_layout()
    return fig, matrix


def daily_active(posts: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Distinct posting users per day over the study window: the line plot and its table (date, users)."""
    use_cjk_font()
    table = posts.groupby(posts["created_at"].dt.date)["user_id"].nunique().rename("users").reset_index()
    table = table.rename(columns={"created_at": "date"})
    table["date"] = table["date"].astype(str)
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot(pd.to_datetime(table["date"]), table["users"], marker="o", markersize=3)
    ax.set_title("Daily active users (distinct posters per day)")
    ax.set_ylabel("users")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig, table


def top_words(tokens: pd.Series, retained: pd.Series, n: int) -> tuple[plt.Figure, pd.DataFrame]:
    """The ``n`` most frequent tokens among retained and among lost users, side by side (bar charts)."""
    use_cjk_font()
    rows = []
    for flag, name in ((1, "retained"), (0, "lost")):
        words = tokens[retained == flag].str.split().explode().dropna()
        share = words.value_counts().head(n) / max(1, (retained == flag).sum())
        rows += [{"group": name, "word": w, "per_user": float(v)} for w, v in share.items()]
    table = pd.DataFrame(rows, columns=["group", "word", "per_user"])
    fig, axes = plt.subplots(1, 2, figsize=(12, max(4, n * 0.3)))
    for ax, name in zip(axes, ("retained", "lost")):
        part = table[table["group"] == name].iloc[::-1]
        ax.barh(part["word"], part["per_user"], color="#2e86c1" if name == "retained" else "#7f8c8d")
        ax.set_title(f"Top words of {name} users (uses per user)")
    fig.tight_layout()
    return fig, table


def notice(title: str, text: str) -> plt.Figure:
    """A figure that says why there is nothing to draw (a declared plot output is always written)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=9)
    return fig


def importance(table: pd.DataFrame, model: str) -> plt.Figure:
    """Horizontal bars of permutation importance (mean AUC drop) with 95% repeat intervals."""
    use_cjk_font()
    table = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(table))))
    low = (table["importance_mean"] - table["ci_low"]).clip(lower=0)
    high = (table["ci_high"] - table["importance_mean"]).clip(lower=0)
    ax.barh(table["feature"], table["importance_mean"], xerr=[low, high], color="#2e86c1")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("drop in test ROC-AUC when shuffled")
    ax.set_title(f"Permutation importance ({model}, test users)")
    fig.tight_layout()
    return fig
