"""The contract between ``train`` and the stages that read its models: ``models/run.json``.

``train`` writes it; ``evaluate`` and ``explain`` read it and fail with one sentence when it is missing. It says
which model was fitted under which scheme, or why none was (``degenerate``), and where each fitted model lies
(folders under ``models/fits/``): one under ``holdout``, one per repeat × fold under ``cv``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from rednote.core.errors import UserError
from rednote.core.io import atomic_path


@dataclass(frozen=True)
class RunRecord:
    """What ``train`` did: ``model`` (``train.model``), ``scheme`` (``cv`` or ``holdout``), ``degenerate`` (the
    sentence saying why nothing was fitted, or None) and ``fits`` (folders of fitted models under
    ``models/fits/``: ``fits[r][k]`` under cv, ``[["holdout"]]`` under holdout, ``[]`` when degenerate)."""

    model: str
    scheme: Literal["cv", "holdout"]
    degenerate: str | None = None
    fits: list[list[str]] = field(default_factory=list)

    @property
    def repeats(self) -> int:
        return len(self.fits)

    @property
    def folds(self) -> int:
        return len(self.fits[0]) if self.fits else 0


def fold_folder(repeat: int, fold: int) -> str:
    """Where the model of one repeat's fold is saved, under ``models/fits/``."""
    return f"cv/r{repeat}_k{fold}"


HOLDOUT_FOLDER = "holdout"


def write_run_record(record: RunRecord, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_run_record(path: str | Path) -> RunRecord:
    """The record ``train`` wrote; one sentence when it is missing or not a record."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; run `dvc repro train` (train writes it with the models).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunRecord(data["model"], data["scheme"], data.get("degenerate"), data.get("fits", []))
    except (ValueError, KeyError, TypeError) as err:
        raise UserError(f"{path} is not a run record written by train ({err}); rerun `dvc repro train`.") from None
