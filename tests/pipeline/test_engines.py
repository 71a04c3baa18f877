"""The Dask engine changes no output: `dvc repro` of the stages it runs gives the dvc.lock hashes of the pandas
engine's, the same thread count per computation (one) in both."""

import pytest
import yaml
from e2e import commit, copy_repo, sh_together, write_params

from rednote.core.params import load_params
from rednote.embed import workers

pytestmark = pytest.mark.slow

#: The stages the engine switch reaches, and those before them.
STAGES = ("key", "clean", "label", "embed")


def output_hashes(repo) -> dict[str, str]:
    """Each output path of :data:`STAGES` in ``repo``'s dvc.lock, with its md5."""
    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    return {out["path"]: out["md5"] for stage in STAGES for out in lock[stage]["outs"]}


@pytest.fixture(scope="module")
def engines(tmp_path_factory, dask_scheduler):
    """Two copies of the repository on the bundled sample with the USE encoder, each after `dvc repro embed`: one with
    the pandas engine on one thread, one on the session's Dask cluster (two single-threaded workers), run at once."""
    settings = {
        "pandas": {"REDNOTE_THREADS": "1"},
        "dask": {"REDNOTE_ENGINE": "dask", "DASK_SCHEDULER_ADDRESS": dask_scheduler},
    }
    repos = {}
    for name in settings:
        repos[name] = copy_repo(tmp_path_factory.mktemp(name) / "repo")
        write_params(repos[name], {"embed.encoder": "use"})
        commit(repos[name], "code")
    sh_together([(repos[name], ("dvc", "repro", "embed"), extra) for name, extra in settings.items()])
    return repos


def test_the_dask_engine_writes_the_pandas_engines_bytes_on_the_sample(engines):
    pandas, dask = (output_hashes(repo) for repo in engines.values())
    assert set(pandas) >= {"data/interim/posts.parquet", "data/interim/users.parquet", "data/features/embeddings.npy"}
    assert dask == pandas


def test_the_dask_runs_embedding_was_done_by_the_clusters_workers(engines, dask_scheduler):
    from distributed import Client

    config = load_params(engines["dask"] / "params.yaml").embed.model_dump_json()
    with Client(dask_scheduler) as client:
        loaded = client.run(lambda: config in workers._LOADED)
    assert any(loaded.values())
