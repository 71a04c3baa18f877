"""What every stage script shares: logging, thread limits, and the one way a stage fails (the params loader is rednote.core.params)."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rednote.core.errors import UserError
from rednote.core.threads import ENV, limit_threads, thread_count

log = logging.getLogger("rednote")


def run(main: Callable[[], None]) -> None:
    """Run a stage's ``main``: threads limited to the machine's cores (:mod:`rednote.core.threads`); log its duration;
    turn a UserError into one sentence and exit status 1."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    try:
        threads = thread_count()
        limit_threads(threads)
        log.info("%d threads (%s)", threads, f"from {ENV}" if os.environ.get(ENV) else "the cores this process may use")
        main()
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        finish(main, 1)
    log.info("done in %.1f s", time.perf_counter() - started)
    finish(main, 0)


def finish(main: Callable[[], None], status: int) -> None:
    """End the stage with ``status``. When the stage is the program (``python stages/x.py``), leave at once after
    flushing: native thread pools can abort the interpreter's teardown after a stage has written everything
    (Arrow's, right after a Parquet read: "terminate called without an active exception", exit -6, seen here under
    load; apache/arrow#34314). Run in-process (tests use ``runpy``), exit the usual way."""
    # sys.orig_argv, not sys.argv: runpy sets argv[0] to the script it runs inside another program
    command = sys.orig_argv[1:2]
    is_program = bool(command) and Path(command[0]).resolve() == Path(main.__code__.co_filename).resolve()
    if not is_program:
        if status:
            sys.exit(status)
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
