"""The eda stage's figures: the study's exploratory plots of counts, daily activity, words and word clouds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rednote.features.cohort import COUNT_FEATURES
from rednote.report.figures.common import cjk_font_paths, plt, use_cjk_font


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


def most_frequent(words: pd.Series, n: int) -> pd.Series:
    """The ``n`` most frequent of ``words`` with their counts, ties in the words' order (``value_counts`` alone keeps
    ties in the order of first use, so which tied word makes the cut would depend on the order of the users)."""
    counts = words.value_counts()
    return counts.iloc[np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))].head(n)


def top_words(tokens: pd.Series, retained: pd.Series, n: int) -> tuple[plt.Figure, pd.DataFrame]:
    """The ``n`` most frequent tokens among retained and among lost users, side by side (bar charts)."""
    use_cjk_font()
    rows = []
    for flag, name in ((1, "retained"), (0, "lost")):
        words = tokens[retained == flag].str.split().explode().dropna()
        share = most_frequent(words, n) / max(1, (retained == flag).sum())
        rows += [{"group": name, "word": w, "per_user": float(v)} for w, v in share.items()]
    table = pd.DataFrame(rows, columns=["group", "word", "per_user"])
    fig, axes = plt.subplots(1, 2, figsize=(12, max(4, n * 0.3)))
    for ax, name in zip(axes, ("retained", "lost")):
        part = table[table["group"] == name].iloc[::-1]
        ax.barh(part["word"], part["per_user"], color="#2e86c1" if name == "retained" else "#7f8c8d")
        ax.set_title(f"Top words of {name} users (uses per user)")
    fig.tight_layout()
    return fig, table


def word_clouds(tokens: pd.Series, retained: pd.Series, max_words: int, seed: int) -> tuple[plt.Figure, pd.DataFrame]:
    """Word clouds of retained and of lost users' January words, side by side (the retention study's figure).

    ``tokens``: one space-joined, stop-word-free token string per user; ``retained``: 0/1, same index.
    A word's size is the number of users who used it (not raw counts, so one prolific poster cannot
    fill a cloud). Drawn with the CJK font from ``mplfonts`` so Chinese shows as glyphs; seeded
    layout. Returns the figure and the words drawn (group, word, users).
    """
    from wordcloud import WordCloud

    use_cjk_font()
    font = str(cjk_font_paths()[0])
    rows, clouds = [], {}
    for flag, name in ((1, "retained"), (0, "lost")):
        users = tokens[retained == flag].fillna("").str.split().map(set)
        counts = most_frequent(pd.Series([w for words in users for w in words], dtype="object"), max_words)
        rows += [{"group": name, "word": w, "users": int(n)} for w, n in counts.items()]
        if len(counts):
            cloud = WordCloud(
                font_path=font,
                width=800,
                height=500,
                background_color="white",
                max_words=max_words,
                random_state=seed,
                collocations=False,
                colormap="viridis" if name == "retained" else "plasma",
            )
            clouds[name] = (cloud.generate_from_frequencies(counts.to_dict()).to_array(), int(len(users)))
    fig, axes = plt.subplots(1, 2, figsize=(14, 5))
    for ax, name in zip(axes, ("retained", "lost")):
        ax.axis("off")
        if name in clouds:
            image, n_users = clouds[name]
            ax.imshow(image, interpolation="bilinear")
            ax.set_title(f"Words of {name} users (size: users who used it; n = {n_users})")
        else:
            ax.set_title(f"Words of {name} users")
            ax.text(0.5, 0.5, f"no {name} users with text", ha="center", va="center")
    fig.tight_layout()
    return fig, pd.DataFrame(rows, columns=["group", "word", "users"])


# Segment and community figures (the segment stage)
