"""What every figure shares: matplotlib without a screen, a CJK font so Chinese shows as glyphs, an atomic PNG save,
a notice figure for a stage that has nothing to draw, and the forest plot of ratios (odds and hazard) two stages draw.

Matplotlib has no CJK font of its own; the PyPI package ``mplfonts`` ships Noto Sans CJK SC and
SimHei (the study's font). :func:`use_cjk_font` registers them; every figure function calls it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from rednote.core.io import atomic_path  # noqa: E402

CJK_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")


def cjk_font_paths() -> list[Path]:
    """The CJK font files shipped by ``mplfonts`` (Noto Sans CJK SC, then the study's SimHei) that exist."""
    import mplfonts

    folder = Path(mplfonts.__file__).parent / "fonts"
    paths = [folder / file for file in CJK_FONT_FILES if (folder / file).exists()]
    if not paths:
        raise RuntimeError(f"no CJK font found in {folder}; reinstall mplfonts (requirements.txt)")
    return paths


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the CJK fonts shipped by ``mplfonts`` and make the first one matplotlib's sans-serif; return its name."""
    names = []
    for path in cjk_font_paths():
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
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


def notice(title: str, text: str) -> plt.Figure:
    """A figure that says why there is nothing to draw (a declared plot output is always written)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=9)
    return fig


def forest(table: pd.DataFrame, title: str, xlabel: str) -> plt.Figure:
    """Forest plot of ratios per SD (``feature``, ``ratio``, ``ci_low``, ``ci_high``) on a log axis, 1 marked; the rows
    whose interval excludes 1 in red. Shared with the survival stage's hazard ratios."""
    use_cjk_font()
    table = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, max(3, 0.3 * len(table))))
    ratio = table["ratio"].to_numpy(dtype=float)
    low = table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float)
    rows = np.arange(len(table))
    clear = (low > 1) | (high < 1)
    ax.errorbar(ratio, rows, xerr=[ratio - low, high - ratio], fmt="none", ecolor="#7f8c8d", elinewidth=1.2, capsize=2)
    ax.scatter(ratio, rows, c=np.where(clear, "#c0392b", "#2e86c1"), zorder=3, s=18)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(rows, table["feature"])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig
