"""What a test can ask of the session's Dask cluster (tests/conftest.py's ``dask_scheduler``)."""

import time

import pandas as pd
from distributed import Client


def rows_held_by_workers(client: Client, wait: float = 10.0) -> int:
    """How many rows of frames the cluster's workers hold as results (in memory or spilled to disk), once results
    nobody holds are released (asked again for up to ``wait`` seconds: a client's release reaches the workers later)."""

    def rows(dask_worker) -> int:
        return sum(len(value) for value in dask_worker.data.values() if isinstance(value, pd.DataFrame))

    end = time.monotonic() + wait
    while (held := sum(client.run(rows).values())) and time.monotonic() < end:
        time.sleep(0.2)
    return held
