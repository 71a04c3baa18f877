"""The study's word clouds and the community network: what they count, what they draw, and that they stay bounded."""

import networkx as nx
import numpy as np
import pandas as pd

from rednote.report.figures.eda import top_words, word_clouds
from rednote.report.figures.segment import community_network


def test_word_clouds_size_words_by_users_not_by_repeats():
    tokens = pd.Series(["学中文 学中文 学中文 cat", "cat dog", "dog", "ban ban", "ban 美食"])
    retained = pd.Series([1, 1, 1, 0, 0])
    fig, table = word_clouds(tokens, retained, max_words=10, seed=1)
    rows = {(r.group, r.word): r.users for r in table.itertuples()}
    assert rows[("retained", "cat")] == 2 and rows[("retained", "dog")] == 2 and rows[("retained", "学中文")] == 1
    assert rows[("lost", "ban")] == 2 and rows[("lost", "美食")] == 1 and ("lost", "cat") not in rows
    assert [len(ax.images) for ax in fig.axes] == [1, 1]
    assert "n = 3" in fig.axes[0].get_title() and "n = 2" in fig.axes[1].get_title()


def test_word_clouds_are_the_same_image_for_the_same_seed():
    tokens, retained = pd.Series(["a b c 你好", "b c d 谢谢"] * 5), pd.Series([1, 0] * 5)
    first = word_clouds(tokens, retained, 20, seed=3)[0].axes[0].images[0].get_array()
    second = word_clouds(tokens, retained, 20, seed=3)[0].axes[0].images[0].get_array()
    assert np.array_equal(first, second)


def test_a_group_without_users_says_so_instead_of_failing():
    fig, table = word_clouds(pd.Series(["a b", "c"]), pd.Series([0, 0]), 10, seed=0)
    assert set(table["group"]) == {"lost"} and "no retained users" in fig.axes[0].texts[0].get_text()


def two_community_graph(size: int):
    graph = nx.Graph()
    for offset in (0, size):
        graph.add_edges_from(((offset + i, offset + j) for i in range(size) for j in range(i + 1, size)), weight=1.0)
    graph.add_edge(0, size, weight=1.0)
    groups = [list(range(size)), list(range(size, 2 * size))]
    return graph, groups, nx.pagerank(graph)


def test_the_network_draws_at_most_the_node_budget_and_labels_the_most_central():
    graph, groups, rank = two_community_graph(60)
    ids = [f"user{n:04d}xxxx" for n in range(120)]
    retained = np.zeros(120, dtype=int)
    retained[[0, 61]] = 1
    fig = community_network(graph, groups, rank, ids, retained, n_communities=2, max_nodes=40, n_labels=3, seed=0)
    ax = fig.axes[0]
    nodes = ax.collections[-1]  # the scatter of users, drawn over the edges
    assert len(nodes.get_offsets()) == 40
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 3 and {"user0000", "user0060"} <= set(labels)  # the bridge ends are the most central
    rings = nodes.get_edgecolors()
    assert int((rings[:, 3] > 0).sum()) == 2  # the two retained users are ringed, nobody else


def test_a_crawl_without_communities_gets_a_notice():
    fig = community_network(nx.Graph(), [], {}, [], np.array([]), 8, 300, 10, seed=0)
    assert "no communities" in fig.axes[0].texts[0].get_text()


def test_top_words_break_ties_by_the_word_not_by_the_order_of_use():
    """Three words used twice each by the two retained users and a cut at two: the table keeps the first two in the
    words' order, not the first two used."""
    tokens = pd.Series(["spy 中国 nice", "nice spy 中国", "lost words"])
    retained = pd.Series([1, 1, 0])
    _, table = top_words(tokens, retained, 2)
    assert table.values.tolist() == [
        ["retained", "nice", 1.0],
        ["retained", "spy", 1.0],
        ["lost", "lost", 1.0],
        ["lost", "words", 1.0],
    ]
