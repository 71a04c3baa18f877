"""Every figure of the pipeline (exploratory analysis, segments, communities, importance), drawn with matplotlib and a CJK font so Chinese shows as glyphs.

Matplotlib has no CJK font of its own; the PyPI package ``mplfonts`` ships Noto Sans CJK SC and
SimHei (the study's font). :func:`use_cjk_font` registers them; every figure function calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from rednote.core.io import atomic_path, level_text  # noqa: E402
from rednote.features.cohort import COUNT_FEATURES  # noqa: E402

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
        counts = pd.Series([w for words in users for w in words], dtype="object").value_counts()
        counts = counts.iloc[np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))].head(max_words)
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


def cluster_label(c: str, group: dict) -> str:
    return f"{c}: {group['name']} (n={group['n']})"


def pca_figure(
    X: np.ndarray, labels: np.ndarray, clusters: dict[str, dict], outliers: np.ndarray, seed: int
) -> plt.Figure:
    """Users on the first two principal components of the scaled features, coloured by cluster; outliers as black crosses."""
    use_cjk_font()
    pca = PCA(n_components=2, random_state=seed)
    xy = pca.fit_transform(X)
    fig, ax = plt.subplots(figsize=(8, 6))
    cmap = plt.get_cmap("tab10")
    for c, group in clusters.items():
        members = labels == int(c)
        ax.scatter(
            xy[members, 0], xy[members, 1], s=8, alpha=0.6, color=cmap(int(c) % 10), label=cluster_label(c, group)
        )
    if outliers.any():
        ax.scatter(
            xy[outliers, 0],
            xy[outliers, 1],
            s=30,
            marker="x",
            color="black",
            label=f"DBSCAN outliers (n={int(outliers.sum())})",
        )
    ratio = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC1 ({ratio[0]:.0%} of variance)")
    ax.set_ylabel(f"PC2 ({ratio[1]:.0%} of variance)")
    ax.set_title("User segments (K-Means on log-scaled behaviour features)")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def k_distance_figure(kdist: np.ndarray, eps: float, min_samples: int, n_outliers: int) -> plt.Figure:
    """The sorted k-distance curve with the chosen ``eps`` as a horizontal line.

    Users above the line are not core points; DBSCAN calls them noise (``n_outliers``) unless they lie
    within ``eps`` of a core point.
    """
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(7, 4))
    kdist = np.sort(kdist)
    ax.plot(np.arange(len(kdist)), kdist, color="#2e86c1")
    above = int((kdist > eps).sum())
    ax.axhline(
        eps,
        color="#c0392b",
        linestyle="--",
        label=f"eps = {eps:g}: {above} users above, {n_outliers} of them DBSCAN noise",
    )
    ax.set_xlabel("users, sorted")
    ax.set_ylabel(f"distance to {min_samples}-th nearest neighbour")
    ax.set_title("k-distance plot (choose eps near the bend)")
    ax.legend()
    fig.tight_layout()
    return fig


def topic_heatmap_figure(clusters: dict[str, dict], topic_words: list[list[str]], n_words: int = 3) -> plt.Figure:
    """Topics × segments: mean topic weight per cluster (left) and each cluster's topic mix, rows summing to 1 (right).

    The left panel also shows how much topical text a cluster has (multi-post users have more);
    the right one shows which topics a cluster leans to, whatever its amount of text.
    """
    use_cjk_font()
    means = np.array([group["topic_means"] for group in clusters.values()])
    totals = means.sum(axis=1, keepdims=True)
    mix = np.divide(means, totals, out=np.zeros_like(means), where=totals > 0)
    fig, axes = plt.subplots(1, 2, figsize=(2.8 * means.shape[1] + 4, 0.6 * means.shape[0] + 2.5))
    topics = [f"t{t}: {' '.join(w[:n_words])}" for t, w in enumerate(topic_words)]
    rows = [cluster_label(c, g) for c, g in clusters.items()]
    for ax, matrix, title, fmt in (
        (axes[0], means, "mean topic weight", "{:.3f}"),
        (axes[1], mix, "topic mix (rows sum to 1)", "{:.0%}"),
    ):
        image = ax.imshow(matrix, cmap="Blues", aspect="auto")
        ax.set_xticks(range(matrix.shape[1]), topics, rotation=30, ha="right")
        ax.set_yticks(range(matrix.shape[0]), rows if ax is axes[0] else [c for c in clusters])
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8)
        fig.colorbar(image, ax=ax)
        ax.set_title(title)
    fig.suptitle("Topics × segments (NMF weights of users' January text)")
    fig.tight_layout()
    return fig


def silhouette_figure(silhouettes: dict[int, float | None], chosen: int, study: dict | None) -> plt.Figure:
    """Silhouette per k tried (users, log-scaled), with the study's post-level raw-count silhouette for contrast."""
    use_cjk_font()
    scored = {k: s for k, s in silhouettes.items() if s is not None}
    ks = list(scored)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(ks, [scored[k] for k in ks], marker="o", label="users, log-scaled behaviour")
    ax.scatter(
        [chosen],
        [scored.get(chosen, np.nan)],
        s=120,
        facecolors="none",
        edgecolors="#c0392b",
        label=f"chosen k = {chosen}",
    )
    if study and study.get("silhouette") is not None:
        ax.scatter(
            [study["k"]],
            [study["silhouette"]],
            marker="s",
            color="#7f8c8d",
            label=f"study set-up: posts, raw counts (sizes {study['sizes']})",
        )
    ax.set_xlabel("k")
    ax.set_ylabel("silhouette")
    ax.set_ylim(min(0.0, *scored.values()) - 0.05, 1.05)
    ax.set_title("Silhouette by number of clusters")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def sizes_figure(table: pd.DataFrame, top: int, reason: str | None = None) -> plt.Figure:
    """Horizontal bars of the ``top`` largest communities' sizes, labelled with their top tags and retention rate."""
    use_cjk_font()
    part = table.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.4 * len(part) + 1.5)))
    if part.empty:
        ax.text(0.5, 0.5, f"no communities\n{reason or ''}", ha="center", va="center", wrap=True)
        ax.set_axis_off()
        return fig
    labels = [
        f"c{r.community}: " + ", ".join(t.rsplit(" (", 1)[0] for t in str(r.top_tags).split("; ")[:3])
        for r in part.itertuples()
    ]
    ax.barh(labels, part["size"], color="#2e86c1")
    for y, r in enumerate(part.itertuples()):
        rate = "n/a" if pd.isna(r.retention_rate) else f"{r.retention_rate:.0%}"
        ax.text(r.size, y, f"  retained {rate} of {r.retention_n}", va="center", fontsize=8)
    ax.set_xlabel("users")
    ax.set_xlim(0, part["size"].max() * 1.35)
    ax.set_title("Hashtag communities (Louvain), largest first")
    fig.tight_layout()
    return fig


def community_network(
    graph: nx.Graph,
    groups: list[list[int]],
    pagerank: dict[int, float],
    user_ids: Sequence[str],
    retained: np.ndarray,
    n_communities: int,
    max_nodes: int,
    n_labels: int,
    seed: int,
    note: str = "",
) -> plt.Figure:
    """The largest hashtag communities drawn as a network (the adaptation study's view of key users).

    Bounded so it stays legible and fast on any crawl: the ``n_communities`` largest communities, and
    within them at most ``max_nodes`` users, each community keeping its highest-PageRank users in
    proportion to its size. Node size ∝ PageRank, colour = community, a black ring = retained
    (``retained``: 0/1 per node, 0 where a label must not be shown); the ``n_labels`` most central
    drawn users are labelled with the first 8 characters of their pseudonymous id. Seeded layout.
    ``note``: a second title line (for example that the graph was built on a sample of users).
    """
    use_cjk_font()
    shown = groups[:n_communities]
    total = sum(len(g) for g in shown)
    if not shown or total == 0:
        return notice("Hashtag communities", "no communities to draw")
    nodes: list[int] = []
    for group in shown:
        quota = max(1, round(max_nodes * len(group) / total))
        nodes += sorted(group, key=lambda n: (-pagerank.get(n, 0.0), n))[:quota]
    sub = graph.subgraph(nodes)
    layout = nx.spring_layout(sub, seed=seed, weight="weight", iterations=60)
    community = {n: c for c, group in enumerate(shown) for n in group}
    order = sorted(sub.nodes)
    ranks = np.array([pagerank.get(n, 0.0) for n in order])
    sizes = 20 + 600 * ranks / ranks.max() if ranks.max() > 0 else np.full(len(order), 40.0)
    cmap = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(10, 8))
    nx.draw_networkx_edges(sub, layout, ax=ax, alpha=0.08, width=0.5)
    ax.scatter(
        [layout[n][0] for n in order],
        [layout[n][1] for n in order],
        s=sizes,
        c=[cmap(community[n] % 10) for n in order],
        edgecolors=["black" if retained[n] else "none" for n in order],
        linewidths=1.2,
        zorder=2,
    )
    for n in sorted(order, key=lambda n: (-pagerank.get(n, 0.0), n))[:n_labels]:
        ax.annotate(str(user_ids[n])[:8], layout[n], fontsize=7, xytext=(4, 4), textcoords="offset points")
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=cmap(c % 10), label=f"c{c} ({len(g)} users)")
        for c, g in enumerate(shown)
    ]
    handles.append(
        plt.Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black", label="retained")
    )
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(
        f"Hashtag communities: {len(order)} most central users of the {len(shown)} largest "
        "(size = PageRank, labels = most central)" + (f"\n{note}" if note else "")
    )
    ax.axis("off")
    fig.tight_layout()
    return fig


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


def notice(title: str, text: str) -> plt.Figure:
    """A figure that says why there is nothing to draw (a declared plot output is always written)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=9)
    return fig


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
