"""Where the heavy stages compute: in the stage's own process (pandas, the default) or on a Dask cluster.

``REDNOTE_ENGINE=dask`` moves the work that grows with the crawl onto Dask workers: a :class:`LocalCluster` of one
single-threaded worker process per core this process may use (:func:`rednote.core.threads.thread_count`), or the
cluster whose scheduler ``DASK_SCHEDULER_ADDRESS`` names (Dask's own variable: a Slurm or Kubernetes cluster, README
*Past one machine*). Nothing a stage writes depends on the engine, only on the thread count each computation runs
with, as without Dask (README *Reproducibility*), so the engine is an environment setting and not a param: switching
it reruns no stage.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rednote.core.errors import UserError
from rednote.core.scratch import scratch_folder
from rednote.core.threads import thread_count

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger("rednote.engine")

ENV = "REDNOTE_ENGINE"
ENGINES = ("pandas", "dask")
#: Dask's variable for the scheduler of a running cluster (``dask.config``'s ``scheduler-address``).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: Seconds to wait for a named scheduler before saying that none answers.
CONNECT_TIMEOUT = 30
#: The variable for each local worker's memory limit, and its default (README *Past one machine*).
MEMORY_ENV = "REDNOTE_WORKER_MEMORY"
WORKER_MEMORY = "auto"
#: A local worker near its limit writes what it holds to disk (Dask's default thresholds: from 60% of the limit by
#: its own count, 70% by the process's) but never pauses nor is killed: memory a worker cannot write out (a loaded
#: encoder, a task's working set) would otherwise stall or restart it.
LOCAL_MEMORY = {"distributed.worker.memory.pause": False, "distributed.worker.memory.terminate": False}
#: Rows per partition where a stage cuts a table into partitions itself (`clean`'s blocks of the export, `label`'s
#: ranges of users by their posts): a worker holds a partition's rows at every step, so this bounds its memory. At
#: 2,000,000 posts, partitions of 50,000 rows took `clean` to 203 s and 2.3 GB and `label` to 348 s and 2.7 GB,
#: against 246 s and 3.3 GB, 400 s and 3.4 GB with 100,000 (the same bytes written).
ROWS_PER_PARTITION = 50_000
#: Dask settings for the stages' graphs: partitions stay the pandas frames the stages' functions made (no conversion
#: to Arrow strings: what makes the engines' bytes equal), and shuffles are Dask's peer-to-peer ones, which keep what
#: they move on the workers' disks rather than in their memory (a task-based shuffle holds every partition).
DASK_CONFIG = {"dataframe.convert-string": False, "dataframe.shuffle.method": "p2p"}


def engine(environ: Mapping[str, str] = os.environ) -> str:
    """The engine ``REDNOTE_ENGINE`` names (``pandas`` when unset or empty); a UserError for any other value."""
    name = environ.get(ENV, "").strip().lower() or "pandas"
    if name not in ENGINES:
        raise UserError(
            f"{ENV}={environ[ENV]!r} is not an engine here; use one of {', '.join(ENGINES)} (or leave it unset)."
        )
    return name


def worker_memory(environ: Mapping[str, str] = os.environ) -> int | str:
    """Each local worker's memory limit: ``REDNOTE_WORKER_MEMORY`` in bytes or with a unit (``3GiB``, ``800MB``), or
    ``auto`` (:data:`WORKER_MEMORY`, the default: Dask's own split of the machine's memory among the workers). Near
    it a worker writes what it holds to disk (:data:`LOCAL_MEMORY`)."""
    value = environ.get(MEMORY_ENV, "").strip() or WORKER_MEMORY
    if value.lower() == "auto":
        return "auto"
    from dask.utils import parse_bytes

    try:
        limit = parse_bytes(value)
    except ValueError:
        limit = 0
    if limit < 2**28:
        raise UserError(
            f"{MEMORY_ENV}={value!r} is not a memory limit a worker can run in; give bytes with a unit of at least "
            f"256MiB (e.g. 3GiB), or auto for Dask's split of the machine's memory."
        )
    return limit


@contextmanager
def dask_client(environ: Mapping[str, str] = os.environ) -> Iterator[Client]:
    """A Dask client for the stage: attached to ``DASK_SCHEDULER_ADDRESS`` when set, else to a LocalCluster of
    :func:`thread_count` worker processes with one thread each, closed when the stage is done."""
    import dask
    from distributed import Client, LocalCluster

    address = environ.get(SCHEDULER_ENV, "").strip()
    if address:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as err:
            raise UserError(
                f"no Dask scheduler answers at {address} ({SCHEDULER_ENV}; {err}); start the cluster first, or unset "
                f"{SCHEDULER_ENV} to run on a local one."
            ) from None
        with client:
            log.info("Dask: attached to %s (%d workers)", address, len(client.scheduler_info()["workers"]))
            yield client
        return
    workers, memory = thread_count(), worker_memory(environ)
    with (
        dask.config.set(LOCAL_MEMORY),  # the nannies hand the workers this configuration
        LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit=memory, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        log.info("Dask: a local cluster of %d single-threaded workers, memory limit %s each", workers, memory)
        yield client


@contextmanager
def engine_scratch(beside: str | Path, environ: Mapping[str, str] = os.environ) -> Iterator[Path | None]:
    """For a stage writing ``beside``: under the Dask engine, a scratch folder for its partitions
    (:func:`rednote.core.scratch.scratch_folder`), removed when the stage is done; under the pandas engine, None.

    The stage's cluster (:func:`dask_client`) is opened inside it and closed before the stage writes its tables from
    the folder's files: the workers' memory is then free while the stage's holds the tables."""
    if engine(environ) != "dask":
        yield None
        return
    with scratch_folder(beside, environ) as folder:
        yield folder
