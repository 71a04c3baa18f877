"""Hashtag communities: the sparse tag graph, dropping generic tags, Louvain, retention per community, PageRank."""

import numpy as np
import pytest
from e2e import outputs_under_hash_seeds

from rednote.adaptation.communities import (
    find_communities,
    retention,
    tag_graph,
    tag_matrix,
    tag_pairs,
    users_within_budget,
)
from rednote.core.params import CommunityParams
from rednote.report.figures.segment import sizes_figure

PARAMS = CommunityParams.model_validate(
    {
        "max_tag_share": 0.6,
        "max_pairs": 100_000,
        "min_shared_tags": 1,
        "resolution": 1.0,
        "n_top_tags": 3,
        "top_central": 3,
        "plot_top": 10,
        "network_communities": 4,
        "network_nodes": 50,
        "network_labels": 3,
    }
)


def two_groups():
    """Twelve users: six share the tags a1–a3 (pairwise), six share b1–b3; everyone also has the generic tag."""
    pairs = [("1", "2"), ("2", "3"), ("1", "3"), ("1", "2"), ("2", "3"), ("1", "3")]
    tags = [[f"a{x}", f"a{y}", "tiktokrefugee"] for x, y in pairs] + [
        [f"b{x}", f"b{y}", "tiktokrefugee"] for x, y in pairs
    ]
    return [f"u{i:02d}" for i in range(12)], tags


def test_edges_are_weighted_by_the_number_of_shared_tags():
    tm = tag_matrix([["a", "b"], ["b", "a", "a"], ["b", "c"]], max_tag_share=1.0)
    assert tm.tags == ["a", "b"]  # c is on one user only: it links no one
    graph = tag_graph(tm.matrix, min_shared_tags=1)
    assert sorted(graph.edges(data="weight")) == [(0, 1, 2.0), (0, 2, 1.0), (1, 2, 1.0)]
    assert sorted(tag_graph(tm.matrix, min_shared_tags=2).edges()) == [(0, 1)]


def test_tags_on_too_many_users_are_dropped_and_reported():
    tags = [["common", f"t{i % 4}"] for i in range(10)]
    tm = tag_matrix(tags, max_tag_share=0.5)
    assert tm.too_common == {"common": 10} and tm.tags == ["t0", "t1", "t2", "t3"]


def test_over_the_pair_budget_the_graph_is_built_on_a_seeded_sample_of_users_and_keeps_every_tag():
    tags = [["common", f"t{i % 4}"] for i in range(10)]  # common: 45 pairs; t0, t1: 3 users; t2, t3: 2 → 53
    tm = tag_matrix(tags, max_tag_share=1.0)
    assert tag_pairs(tm.matrix) == 53
    assert list(users_within_budget(tm.matrix, 53, seed=0)) == list(range(10))  # fits: everyone
    sample = users_within_budget(tm.matrix, 10, seed=0)
    assert 0 < len(sample) < 10 and list(sample) == sorted(sample)
    assert tag_pairs(tm.matrix[sample]) <= 10
    assert list(users_within_budget(tm.matrix, 10, seed=0)) == list(sample)  # seeded
    graph = tag_graph(tm.matrix, min_shared_tags=1, rows=sample)
    assert set(graph.nodes) <= set(sample.tolist())  # nodes keep their row index
    assert graph.number_of_edges() <= 10 and graph.has_edge(int(sample[0]), int(sample[1]))  # "common" still links


def test_dropping_the_generic_tag_separates_the_two_groups():
    ids, tags = two_groups()
    retained, counted = np.zeros(12, dtype=int), np.ones(12, dtype=bool)
    filtered = find_communities(ids, tags, retained, counted, PARAMS, seed=1)
    assert filtered.summary["count"] == 2
    assert (
        filtered.summary["tags_dropped_as_too_common"] == {"tiktokrefugee": 12}
        and filtered.summary["users_sampled_for_pair_budget"] is None
    )
    assert filtered.summary["modularity"] == pytest.approx(0.5)  # two disconnected, equal halves
    assert set(filtered.table["top_tags"].str[:1]) == {"a", "b"}  # one community per group
    glued = find_communities(ids, tags, retained, counted, PARAMS.model_copy(update={"max_tag_share": 1.0}), seed=1)
    assert glued.summary["edges"] == 66 > filtered.summary["edges"]  # every pair of the 12 users is now linked
    # Louvain still finds the groups here, but the generic tag's edges between them cut modularity from 0.5 to 0.15.
    assert glued.summary["modularity"] == pytest.approx(0.1471, abs=1e-4)


def test_community_retention_counts_only_the_labels_that_count():
    retained = np.array([1, 0, 1, 1, 0, 0])
    counted = np.array([True, True, True, False, True, False])
    assert retention(retained, counted, [0, 1, 2, 3]) == {
        "retention_n": 3,
        "retained": 2,
        "retention_rate": pytest.approx(2 / 3),
    }
    assert retention(retained, counted, [5]) == {"retention_n": 0, "retained": 0, "retention_rate": None}


def test_community_table_has_each_groups_retention_rate():
    ids, tags = two_groups()
    retained = np.array([1, 1, 1, 0, 0, 0] + [1, 0, 0, 0, 0, 0])
    counted = np.array([True] * 5 + [False] + [True] * 6)
    table = find_communities(ids, tags, retained, counted, PARAMS, seed=1).table
    by_group = {
        row.top_tags[0]: row for row in table.itertuples()
    }  # a community's top tags start with its group's letter
    a, b = by_group["a"], by_group["b"]
    assert (a.size, a.retention_n, a.retained, a.retention_rate) == (6, 5, 3, pytest.approx(0.6))
    assert (b.size, b.retention_n, b.retained, b.retention_rate) == (6, 6, 1, pytest.approx(1 / 6))


def test_the_hub_user_is_the_most_central():
    tags = [[f"t{i}" for i in range(6)]] + [[f"t{i}", f"x{i}"] for i in range(6)] + [[f"x{i}"] for i in range(6)]
    ids = [f"u{i:02d}" for i in range(len(tags))]
    result = find_communities(ids, tags, np.zeros(len(ids), dtype=int), np.ones(len(ids), dtype=bool), PARAMS, seed=0)
    assert result.central["user_id"].iloc[0] == "u00"
    assert result.central["rank"].tolist() == [1, 2, 3] and result.central["degree"].iloc[0] == 6


def test_a_graph_without_edges_reports_zero_communities_and_why():
    ids, tags = ["a", "b", "c"], [["x"], ["y"], ["z", "common"]]
    result = find_communities(ids, tags, np.array([1, 0, 1]), np.ones(3, dtype=bool), PARAMS, seed=0)
    assert result.summary["count"] == 0 and result.summary["modularity"] is None and result.summary["edges"] == 0
    assert "no two users share a hashtag" in result.summary["reason"]
    assert result.table.empty and result.central.empty
    figure = sizes_figure(result.table, 10, result.summary["reason"])
    shown = " ".join(text.get_text() for ax in figure.axes for text in ax.texts)
    assert "no communities" in shown and "no two users share a hashtag" in shown


RUN_ONCE = """
import json, sys
import numpy as np
from test_communities import PARAMS, two_groups
from rednote.adaptation.communities import find_communities
ids, tags = two_groups()
tags = [list(reversed(t)) for t in tags]
r = find_communities(ids, tags, np.zeros(12, dtype=int), np.ones(12, dtype=bool), PARAMS, seed=3)
print(json.dumps([r.summary, r.table.to_dict("records"), r.central.to_dict("records")], default=str, sort_keys=True))
"""


def test_the_result_does_not_depend_on_the_process():
    """Separate interpreters with different string-hash seeds (set and dict order differ) give the same result."""
    outputs = [out.decode() for out in outputs_under_hash_seeds(RUN_ONCE, __file__)]
    assert outputs[0] == outputs[1] and '"count": 2' in outputs[0]


def test_the_pair_budget_bounds_the_tag_graph_of_twenty_thousand_users_with_few_popular_tags():
    rng = np.random.default_rng(0)
    popularity = 1 / np.arange(1, 41)  # forty tags, all popular: dropping the most used would leave none
    tags = [
        list(rng.choice(40, size=3, replace=False, p=popularity / popularity.sum()).astype(str)) for _ in range(20_000)
    ]
    tm = tag_matrix(tags, max_tag_share=0.6)
    assert len(tm.tags) == 40 and tag_pairs(tm.matrix) > 10 * 200_000
    retained, counted = np.zeros(20_000, dtype=int), np.ones(20_000, dtype=bool)
    params = PARAMS.model_copy(update={"max_pairs": 200_000, "max_tag_share": 0.6})
    found = find_communities([str(i) for i in range(20_000)], tags, retained, counted, params, seed=0)
    assert 0 < found.summary["edges"] <= 200_000 and found.summary["count"] >= 2
    assert found.summary["users_sampled_for_pair_budget"] < 20_000 and found.summary["tags_kept"] == 40
