"""segment: user segments (K-Means on log-scaled behaviour), DBSCAN outliers, hashtag communities, the study's post-level set-up."""

import logging

from rednote.adaptation.communities import find_communities
from rednote.adaptation.segments import segment_users, study_clusters
from rednote.core import artifacts as out
from rednote.core.io import read_array, read_table, write_csv, write_json, write_table
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.features.topics import read_topic_words
from rednote.report.figures.common import save
from rednote.report.figures.segment import segment_figures

log = logging.getLogger("rednote.segment")


def main() -> None:
    params = load_params()
    data, p = params.data, params.segment
    users, topics = read_table(data.users), read_array(data.topics)
    topic_words = read_topic_words(out.TOPICS)
    # Labels only describe groups, never form them; like eda and topics, rates use the splits named here.
    counted = users["split"].isin(p.retention_splits).to_numpy()
    seg = segment_users(users, topics, topic_words, counted, p)
    ids, tags, retained = users["user_id"].tolist(), users["tags"].tolist(), users["retained"].to_numpy()
    com = find_communities(ids, tags, retained, counted, p.communities, p.seed)
    study = (
        study_clusters(read_table(data.posts), p.study_k, p.seed, p.n_init, p.silhouette_sample)
        if p.study_mode
        else None
    )
    summary = {**seg.summary, "retention_on": p.retention_splits, "communities": com.summary}
    write_json({**summary, "study_mode": study or {"enabled": False}}, out.SEGMENTS)
    write_table(seg.assignments(users), data.segments)
    write_csv(seg.outlier_table, out.SEGMENT_OUTLIERS)
    write_csv(com.table, out.SEGMENT_COMMUNITIES)
    write_csv(com.central, out.SEGMENT_CENTRAL_USERS)
    for path, figure in segment_figures(seg, com, users, counted, study, topic_words, p).items():
        save(figure, path)
    log.info(
        "%d users: k=%d (silhouette %s), sizes %s; %d outliers; %s communities (modularity %s); study mode %s",
        len(users), seg.choice.k, seg.summary["silhouette"], seg.choice.sizes, int(seg.outliers.sum()),
        com.summary["count"], com.summary["modularity"], study and (study["silhouette"], study["sizes"]),
    )  # fmt: skip


if __name__ == "__main__":
    run(main)
