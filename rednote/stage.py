"""What every stage script shares: the parameter loader, logging, and the one way a stage fails."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from rednote.errors import UserError

PARAMS_FILE = "params.yaml"
log = logging.getLogger("rednote")


def load_params(path: str | Path = PARAMS_FILE) -> dict[str, Any]:
    """Read ``params.yaml`` (the only place a number a user may change lives) as a nested dict."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} was not found; run the stage from the repository root, where params.yaml lives.")
    with path.open(encoding="utf-8") as handle:
        params = yaml.safe_load(handle)
    if not isinstance(params, dict):
        raise UserError(f"{path} does not hold a mapping of sections; restore it from git (`git checkout {path}`).")
    return params


def section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of the params, with a clear error when it is missing."""
    if name not in params or not isinstance(params[name], dict):
        raise UserError(f"params.yaml has no `{name}:` section; restore it from git or add it (see README).")
    return params[name]


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
