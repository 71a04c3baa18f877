"""The segment stage's figures: user segments in PCA, silhouette by k, k-distance, topics by segment, community
sizes and the community network."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from rednote.adaptation.communities import Communities
from rednote.adaptation.segments import Segmentation
from rednote.core import artifacts as out
from rednote.core.params import SegmentParams
from rednote.report.figures.common import notice, plt, use_cjk_font


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


def segment_figures(
    seg: Segmentation,
    com: Communities,
    users: pd.DataFrame,
    counted: np.ndarray,
    study: dict | None,
    topic_words: list[list[str]],
    p: SegmentParams,
) -> dict[str, plt.Figure]:
    """Every figure of the segment stage by the path it is saved to; retention is marked only on ``counted`` users."""
    c = p.communities
    sampled = com.summary["users_sampled_for_pair_budget"]
    note = (
        f"graph on a seeded sample of {sampled:,} of {len(users):,} users (segment.communities.max_pairs)"
        if sampled
        else ""
    )
    shown = users["retained"].to_numpy() * counted
    network = community_network(com.graph, com.groups, com.pagerank, users["user_id"].tolist(), shown,
                                c.network_communities, c.network_nodes, c.network_labels, p.seed, note)  # fmt: skip
    return {
        out.CLUSTERS_FIGURE: pca_figure(seg.X, seg.choice.labels, seg.clusters, seg.outliers, p.seed),
        f"{out.SEGMENT_PLOTS}/k_distance.png": k_distance_figure(
            seg.kdist, p.dbscan.eps, p.dbscan.min_samples, int(seg.outliers.sum())
        ),
        f"{out.SEGMENT_PLOTS}/topics_by_segment.png": topic_heatmap_figure(seg.clusters, topic_words),
        f"{out.SEGMENT_PLOTS}/silhouette_by_k.png": silhouette_figure(seg.choice.silhouettes, seg.choice.k, study),
        f"{out.SEGMENT_PLOTS}/community_sizes.png": sizes_figure(com.table, c.plot_top, com.summary.get("reason")),
        out.NETWORK_FIGURE: network,
    }
