"""The Dask engine changes no output: `dvc repro` of the stages it runs gives the dvc.lock hashes of the pandas
engine's, the same thread count per computation (one) in both: on the bundled sample up to `embed` (the USE
encoder), and on a 40,000-post crawl through `label`."""

import shutil

import pytest
import yaml
from e2e import commit, copy_repo, generate_crawl, sh_together, write_params

from rednote.core.params import load_params
from rednote.embed import workers

pytestmark = pytest.mark.slow

#: Per crawl: posts to generate (None: the bundled sample) and the last stage run (every stage the engine reaches;
#: on the 40,000-post crawl the USE encoder would take minutes).
CRAWLS = {"sample": (None, "embed"), "crawl-40k": (40_000, "label")}


def output_hashes(repo, last: str) -> dict[str, str]:
    """Each output path of the stages up to ``last`` in ``repo``'s dvc.lock, with its md5."""
    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    stages = ("key", "clean", "label", "embed")
    return {out["path"]: out["md5"] for stage in stages[: stages.index(last) + 1] for out in lock[stage]["outs"]}


@pytest.fixture(scope="module", params=list(CRAWLS))
def engines(request, tmp_path_factory, dask_scheduler):
    """Two copies of the repository on a crawl, each after `dvc repro <last stage>`: one with the pandas engine on
    one thread, one on the session's Dask cluster (two single-threaded workers), run at once."""
    posts, last = CRAWLS[request.param]
    settings = {
        "pandas": {"REDNOTE_THREADS": "1"},
        "dask": {"REDNOTE_ENGINE": "dask", "DASK_SCHEDULER_ADDRESS": dask_scheduler},
    }
    repos, changes = {}, {"embed.encoder": "use"}
    if posts:  # one crawl, copied into both
        crawl = tmp_path_factory.mktemp(request.param) / "crawl.csv"
        generate_crawl(crawl, posts, 3)
        changes["data.raw"] = "data/sample/crawl.csv"
    for name in settings:
        repos[name] = copy_repo(tmp_path_factory.mktemp(f"{request.param}-{name}") / "repo")
        if posts:
            shutil.copy(crawl, repos[name] / "data" / "sample" / "crawl.csv")
        write_params(repos[name], changes)
        commit(repos[name], "code")
    logs = sh_together([(repos[name], ("dvc", "repro", last), extra) for name, extra in settings.items()])
    return request.param, last, repos, dict(zip(settings, logs))


def test_the_dask_engine_writes_the_pandas_engines_bytes(engines):
    crawl, last, repos, _ = engines
    pandas, dask = (output_hashes(repo, last) for repo in repos.values())
    assert {"data/interim/posts.parquet", "data/interim/users.parquet", "data/features/sequences.parquet"} <= set(
        pandas
    )
    assert dask == pandas, crawl


def test_the_dask_run_used_the_cluster_and_the_pandas_run_none(engines, dask_scheduler):
    crawl, last, repos, logs = engines
    attached = f"Dask: attached to {dask_scheduler}"
    assert logs["dask"].count(attached) == (3 if last == "embed" else 2), crawl  # clean, label, and embed if run
    assert "Dask:" not in logs["pandas"]
    if last == "embed":  # the workers loaded the encoder and keep it
        from distributed import Client

        config = load_params(repos["dask"] / "params.yaml").embed.model_dump_json()
        with Client(dask_scheduler) as client:
            assert any(client.run(lambda: config in workers._LOADED).values())
