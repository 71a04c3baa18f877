"""What every stage script shares: logging, thread limits, and the one way a stage fails (the params loader is rednote.core.params)."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

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
        sys.exit(1)
    log.info("done in %.1f s", time.perf_counter() - started)
