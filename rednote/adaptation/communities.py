"""Hashtag communities: a user–user graph weighted by shared hashtags, Louvain communities, PageRank-central users.

The graph is built as ``B Bᵀ`` from a sparse user × tag matrix ``B``, never by comparing users in
Python loops. A tag used by m users adds up to m(m−1)/2 edges, so the graph is kept meaningful and bounded in
two steps: tags on more than ``max_tag_share`` of users are dropped (the generic ``tiktokrefugee``
variants, which would glue everyone into one community); then, if the kept tags' m(m−1)/2 still add
up to more than ``max_pairs`` (an upper bound on the edges; networkx needs about 0.4 KB per edge),
the graph is built on a seeded random sample of users just small enough to fit. Sampling users
keeps every tag and so the shape of the communities (a user sample scales each tag's pairs by
about the sampled share squared), where dropping the most used tags would remove exactly the tags
communities form around: on a crawl with a few dozen popular tags and 150,000 users, all of them.
Both steps are reported. Tags on a single user add no edge and are left out too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from rednote.core.params import CommunityParams


@dataclass
class TagMatrix:
    """``matrix``: (n_users, len(tags)) CSR of 0/1 int32, one column per kept tag; dropped tags → their user counts, most used first."""

    matrix: sp.csr_matrix
    tags: list[str]
    too_common: dict[str, int]


def tag_matrix(tags: Sequence[Sequence[str]], max_tag_share: float) -> TagMatrix:
    """The user × tag incidence matrix of the tags kept for the graph.

    ``tags``: one sequence of tag strings per user (duplicates within a user count once). Kept: tags
    on at least 2 users and at most ``max_tag_share`` × n users, sorted, so columns do not depend
    on the order users come in.
    """
    n = len(tags)
    users_per_tag = Counter(t for user in tags for t in set(user))
    by_use = sorted(users_per_tag.items(), key=lambda item: (-item[1], item[0]))
    too_common = {t: m for t, m in by_use if m > max_tag_share * n}
    kept = sorted(t for t, m in by_use if 2 <= m <= max_tag_share * n)
    column = {t: j for j, t in enumerate(kept)}
    rows, cols = [], []
    for i, user in enumerate(tags):
        for j in sorted({column[t] for t in user if t in column}):
            rows.append(i)
            cols.append(j)
    data = np.ones(len(rows), dtype=np.int32)
    matrix = sp.csr_matrix(
        (data, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))), shape=(n, len(kept))
    )
    return TagMatrix(matrix, kept, too_common)


def tag_pairs(matrix: sp.csr_matrix) -> int:
    """Σ m(m−1)/2 over the columns (tags) of ``matrix``: the most edges the tag graph can have."""
    m = np.asarray(matrix.sum(axis=0), dtype=np.int64).ravel()
    return int((m * (m - 1) // 2).sum())


def users_within_budget(matrix: sp.csr_matrix, max_pairs: int, seed: int) -> np.ndarray:
    """Sorted row indices of the users the graph is built on: all of them when the tag pairs fit ``max_pairs``;
    otherwise a seeded uniform sample, sized by √(max_pairs / pairs) and shrunk by 5% until its pairs fit."""
    n = matrix.shape[0]
    pairs = tag_pairs(matrix)
    if pairs <= max_pairs:
        return np.arange(n)
    order = np.random.default_rng(seed).permutation(n)  # one order: each smaller sample is a prefix of the larger
    size = int(n * (max_pairs / pairs) ** 0.5)
    while size > 0 and tag_pairs(matrix[order[:size]]) > max_pairs:
        size = int(size * 0.95)
    return np.sort(order[:size])


def tag_graph(matrix: sp.csr_matrix, min_shared_tags: int, rows: np.ndarray | None = None) -> nx.Graph:
    """Users (row indices) linked when they share at least ``min_shared_tags`` kept tags; edge ``weight`` = shared tags.

    ``rows``: build the graph on these rows only (sorted; nodes keep their row index in ``matrix``).
    Users without any edge are not in the graph. Nodes and edges are added in index order, so the
    graph (and everything seeded on it) is the same on every run.
    """
    index = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
    part = matrix[index]
    shared = sp.triu(part @ part.T, k=1).tocoo()
    keep = shared.data >= max(1, min_shared_tags)
    first, second, weights = index[shared.row[keep]], index[shared.col[keep]], shared.data[keep]
    order = np.lexsort((second, first))
    first, second, weights = first[order], second[order], weights[order]
    graph = nx.Graph()
    graph.add_nodes_from(np.unique(np.concatenate([first, second])).tolist())
    graph.add_weighted_edges_from(zip(first.tolist(), second.tolist(), weights.astype(float).tolist()))
    return graph


def louvain(graph: nx.Graph, resolution: float, seed: int) -> list[list[int]]:
    """Louvain communities (weighted), each a sorted list of nodes, largest first (ties: smallest node first)."""
    found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def retention(retained: np.ndarray, counted: np.ndarray, members: Sequence[int]) -> dict:
    """Retention among ``members`` whose labels count (``counted`` bool (n,)): ``retention_n``, ``retained``, ``retention_rate`` (None if no one counts)."""
    rows = np.asarray(members, dtype=np.int64)
    labels = retained[rows][counted[rows]]
    return {
        "retention_n": int(len(labels)),
        "retained": int(labels.sum()),
        "retention_rate": float(labels.mean()) if len(labels) else None,
    }


def top_tags(tm: TagMatrix, members: Sequence[int], n: int) -> list[tuple[str, int]]:
    """The ``n`` kept tags most used among ``members`` as (tag, users), most used first (ties: by tag)."""
    counts = np.asarray(tm.matrix[np.asarray(members, dtype=np.int64)].sum(axis=0)).ravel()
    order = sorted(np.flatnonzero(counts), key=lambda j: (-counts[j], tm.tags[j]))[:n]
    return [(tm.tags[j], int(counts[j])) for j in order]


@dataclass
class Communities:
    """``summary`` (JSON-ready), ``table`` (one row per community) and ``central`` (the top PageRank users);
    for drawing: the ``graph`` (nodes are row positions), its communities as node lists (largest first)
    and each node's PageRank."""

    summary: dict
    table: pd.DataFrame
    central: pd.DataFrame
    graph: nx.Graph = field(default_factory=nx.Graph)
    groups: list[list[int]] = field(default_factory=list)
    pagerank: dict[int, float] = field(default_factory=dict)


TABLE_COLUMNS = ["community", "size", "top_tags", "retention_n", "retained", "retention_rate"]
CENTRAL_COLUMNS = ["rank", "user_id", "pagerank", "community", "degree"]


def _no_edges_reason(p: CommunityParams, sample_size: int | None) -> str:
    where = (
        f" (in a sample of {sample_size} users that fits segment.communities.max_pairs={p.max_pairs})"
        if sample_size
        else ""
    )
    return (
        f"no two users share a hashtag kept after dropping tags on more than {p.max_tag_share} of users{where}"
        "; raise segment.communities.max_tag_share if the crawl has few distinct tags"
    )


def _community_rows(tm: TagMatrix, groups: list, retained: np.ndarray, counted: np.ndarray, n_tags: int) -> list[dict]:
    """One row per community: its size, most used tags and retention rate on ``counted`` users."""
    rows = []
    for c, group in enumerate(groups):
        tags_here = top_tags(tm, group, n_tags)
        top = "; ".join(f"{t} ({m})" for t, m in tags_here)
        rows.append({"community": c, "size": len(group), "top_tags": top, **retention(retained, counted, group)})
    return rows


def _central_users(graph: nx.Graph, groups: list, rank: dict, user_ids: Sequence[str], top_n: int) -> pd.DataFrame:
    """The ``top_n`` users by PageRank, with their community and degree."""
    membership = {node: c for c, group in enumerate(groups) for node in group}
    top = sorted(rank, key=lambda node: (-rank[node], node))[:top_n]
    rows = [
        {
            "rank": i + 1,
            "user_id": user_ids[node],
            "pagerank": rank[node],
            "community": membership[node],
            "degree": graph.degree[node],
        }  # fmt: skip
        for i, node in enumerate(top)
    ]
    return pd.DataFrame(rows, columns=CENTRAL_COLUMNS)


def find_communities(
    user_ids: Sequence[str],
    tags: Sequence[Sequence[str]],
    retained: np.ndarray,
    counted: np.ndarray,
    p: CommunityParams,
    seed: int,
) -> Communities:
    """Build the shared-hashtag graph, find Louvain communities, describe them, rank users by PageRank.

    ``user_ids``/``tags``/``retained`` (0/1) per user; ``counted``: bool (n,), whose labels enter
    retention rates; ``p``: the ``segment.communities`` params. A graph without edges is not an
    error: the summary then says why, with zero communities and a null modularity.
    """
    retained, counted = np.asarray(retained), np.asarray(counted, dtype=bool)
    tm = tag_matrix(tags, p.max_tag_share)
    sample = users_within_budget(tm.matrix, p.max_pairs, seed)
    sample_size = len(sample) if len(sample) < len(user_ids) else None
    graph = tag_graph(tm.matrix, p.min_shared_tags, sample)
    summary = {
        "graph": "users linked by shared hashtags, weight = number of shared tags",
        "max_tag_share": p.max_tag_share,
        "max_pairs": p.max_pairs,
        "tags_kept": len(tm.tags),
        "tags_dropped_as_too_common": dict(list(tm.too_common.items())[: p.n_top_tags * 4]),
        "n_tags_dropped_as_too_common": len(tm.too_common),
        "tag_pairs": tag_pairs(tm.matrix),
        "users_sampled_for_pair_budget": sample_size,
        "users_in_graph": graph.number_of_nodes(),
        "users_without_shared_tag": len(sample) - graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }
    if graph.number_of_edges() == 0:
        summary.update(count=0, modularity=None, reason=_no_edges_reason(p, sample_size))
        return Communities(summary, pd.DataFrame(columns=TABLE_COLUMNS), pd.DataFrame(columns=CENTRAL_COLUMNS), graph)
    groups = louvain(graph, p.resolution, seed)
    rows = _community_rows(tm, groups, retained, counted, p.n_top_tags)
    rank = nx.pagerank(graph, weight="weight")
    modularity = nx.community.modularity(graph, groups, weight="weight", resolution=p.resolution)
    summary.update(
        count=len(groups),
        modularity=round(float(modularity), 4),
        resolution=p.resolution,
        sizes_top=[len(g) for g in groups[: p.plot_top]],
        central_users="PageRank on the shared-hashtag graph: users whose tags tie them to many others (not follower reach)",
        top={
            str(r["community"]): {"size": r["size"], "top_tags": r["top_tags"], "retention_rate": r["retention_rate"]}
            for r in rows[: p.plot_top]
        },
    )
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    central = _central_users(graph, groups, rank, user_ids, p.top_central)
    return Communities(summary, table, central, graph, groups, rank)
