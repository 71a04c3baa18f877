"""What every stage script shares: logging, and the one way a stage fails (the params loader is rednote.params)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from rednote.errors import UserError

log = logging.getLogger("rednote")


def run(main: Callable[[], None]) -> None:
    """Run a stage's ``main``: log its duration; turn a UserError into one sentence and exit status 1."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    try:
        main()
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    log.info("done in %.1f s", time.perf_counter() - started)
