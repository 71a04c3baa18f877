import os
from pathlib import Path

# The Hugging Face libraries read these when first imported, which may be in a session fixture before any
# module's own settings apply: without them a hub id not in the cache is retried against the network (~45 s).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# Crawls the tests build are not the bundled sample: they need a pseudonym key from outside git. This one is the
# tests' own (tests/ingest/test_keys.py unsets it where the point is its absence); no stage run by a test writes a
# key file into the repository.
os.environ["REDNOTE_PSEUDONYM_KEY"] = "tests-only pseudonym key, not a secret"

import pandas as pd  # noqa: E402
import pytest
from hypothesis import settings  # noqa: E402

# No time limit per generated example: a deadline is a timing assertion, and on a loaded machine (make mutate
# beside other work) a property test failed on one that took 497 ms against hypothesis' default of 200 ms.
settings.register_profile("repository", deadline=None)
settings.load_profile("repository")

from mutation_state import quickest_first, recorded_durations  # noqa: E402

from rednote.ingest.schema import KAGGLE_COLUMNS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def raw_rows(rows: list[dict]) -> pd.DataFrame:
    """A raw crawl frame (all strings) from a few hand-written rows; unspecified columns are empty."""
    columns = list(KAGGLE_COLUMNS)
    return pd.DataFrame([{c: str(r.get(c, "")) for c in columns} for r in rows], columns=columns)


@pytest.fixture
def make_raw():
    return raw_rows


@pytest.fixture(scope="session")
def dask_scheduler():
    """The address of one Dask cluster for the whole test session (two single-threaded worker processes on this
    machine), started by the first test that asks for it; stages reach it through ``DASK_SCHEDULER_ADDRESS``."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


#: The session fixture that costs a pipeline run: the tests using it run on one xdist worker, first (the longest
#: group), in their collected order (they share its repository). A Dask cluster is cheap to start: one per worker.
SHARED_RUN = "first_run"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test that uses the session's Dask cluster ``dask`` (`make mutate` leaves them out), and give each
    test one ``xdist_group`` for ``--dist loadgroup``: its file (so a module-scoped fixture is built once), or one
    group for every test that uses the shared pipeline run, scheduled first."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "dask_scheduler" in names:
            item.add_marker(pytest.mark.dask)
        item.add_marker(pytest.mark.xdist_group(SHARED_RUN if SHARED_RUN in names else item.nodeid.split("::")[0]))
    items.sort(key=lambda item: SHARED_RUN not in getattr(item, "fixturenames", ()))  # stable: order kept within
    if os.environ.get("MUTANT_UNDER_TEST"):  # a mutant's tests under `make mutate`: the quickest first (-x)
        order = quickest_first([item.nodeid for item in items], recorded_durations(ROOT))
        rank = {nodeid: i for i, nodeid in enumerate(order)}
        items.sort(key=lambda item: rank[item.nodeid])
