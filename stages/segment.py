"""segment: user segments (K-Means on log-scaled behaviour), DBSCAN outliers, hashtag communities, the study's post-level set-up."""

import json
import logging
import time
from pathlib import Path

from rednote.adaptation.communities import find_communities
from rednote.adaptation.segments import (
    segment_users,
    study_clusters,
)
from rednote.core import artifacts as out
from rednote.core.errors import UserError
from rednote.core.io import read_array, read_table, write_csv, write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.report import plots

log = logging.getLogger("rednote.segment")
TOPICS_JSON, OUT = Path(out.TOPICS), Path(out.SEGMENT_PLOTS)


def main() -> None:
    params = load_params()
    data, p = params.data, params.segment
    users, topics = read_table(data.users), read_array(data.topics)
    if not TOPICS_JSON.exists():
        raise UserError(f"{TOPICS_JSON} does not exist; run the topics stage first (`dvc repro topics`).")
    topic_words = [t["top_words"] for t in json.loads(TOPICS_JSON.read_text(encoding="utf-8"))["topics"]]
    # Labels only describe groups, never form them; like eda and topics, rates use the splits named here.
    counted = users["split"].isin(p.retention_splits).to_numpy()
    seg = segment_users(users, topics, topic_words, counted, p)
    com = find_communities(
        users["user_id"].tolist(),
        users["tags"].tolist(),
        users["retained"].to_numpy(),
        counted,
        p.communities,
        p.seed,
    )
    study = None
    if p.study_mode:
        posts = read_table(data.posts)
        study = study_clusters(posts, p.study_k, p.seed, p.n_init, p.silhouette_sample)
    write_json(
        {
            **seg.summary,
            "retention_on": p.retention_splits,
            "communities": com.summary,
            "study_mode": study or {"enabled": False},
        },
        out.SEGMENTS,
    )
    write_csv(seg.outlier_table, out.SEGMENT_OUTLIERS)
    write_csv(com.table, out.SEGMENT_COMMUNITIES)
    write_csv(com.central, out.SEGMENT_CENTRAL_USERS)
    plots.save(plots.pca_figure(seg.X, seg.choice.labels, seg.clusters, seg.outliers, p.seed), OUT / "pca_clusters.png")
    plots.save(
        plots.k_distance_figure(seg.kdist, p.dbscan.eps, p.dbscan.min_samples, int(seg.outliers.sum())),
        OUT / "k_distance.png",
    )
    plots.save(plots.topic_heatmap_figure(seg.clusters, topic_words), OUT / "topics_by_segment.png")
    plots.save(plots.silhouette_figure(seg.choice.silhouettes, seg.choice.k, study), OUT / "silhouette_by_k.png")
    plots.save(
        plots.sizes_figure(com.table, p.communities.plot_top, com.summary.get("reason")),
        OUT / "community_sizes.png",
    )
    shown = users["retained"].to_numpy() * counted  # retention is marked only where its label may be seen
    c = p.communities
    sampled = com.summary["users_sampled_for_pair_budget"]
    note = (
        f"graph on a seeded sample of {sampled:,} of {len(users):,} users (segment.communities.max_pairs)"
        if sampled
        else ""
    )
    drawing = time.perf_counter()
    network = plots.community_network(
        com.graph,
        com.groups,
        com.pagerank,
        users["user_id"].tolist(),
        shown,
        c.network_communities,
        c.network_nodes,
        c.network_labels,
        p.seed,
        note,
    )
    plots.save(network, OUT / "community_network.png")
    log.info("community network drawn in %.1f s", time.perf_counter() - drawing)
    log.info(
        "%d users: k=%d (silhouette %s), sizes %s; %d outliers; %s communities (modularity %s); study mode %s",
        len(users),
        seg.choice.k,
        seg.summary["silhouette"],
        seg.choice.sizes,
        int(seg.outliers.sum()),
        com.summary["count"],
        com.summary["modularity"],
        study and (study["silhouette"], study["sizes"]),
    )


if __name__ == "__main__":
    run(main)
