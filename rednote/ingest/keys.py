"""The pseudonym key: from outside git, never printed or written, declared to DVC only by its fingerprint.

A key in the committed ``params.yaml`` protects nothing: the Kaggle crawl's raw ids are public, so anyone holding
both could recompute every pseudonym and link the outputs (the most central users, their account-creation days)
back to real accounts. So the key comes, in this order, from

1. the environment variable :data:`KEY_VARIABLE`;
2. the untracked key file :data:`KEY_FILE` at the repository root (``.gitignore`` covers it); in a temporary
   DVC experiment workspace (``.dvc/tmp/exps/…``), the key file of the repository it was made from;
3. else a new key file, which the first run writes with 32 random bytes (hex; readable by its owner only).

The bundled synthetic sample has no people in it, so it always uses the public :data:`SAMPLE_KEY`: everyone's run of
it gives the committed outputs. Any other crawl refuses that key. DVC reruns ``clean`` when the key changes because
the ``key`` stage (always run) writes the key's :func:`fingerprint`, which ``clean`` depends on.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rednote.core.errors import UserError

#: The public key of the bundled synthetic sample (the value the committed params.yaml held before issue 22).
SAMPLE_KEY = "rednote-retention-v1"
KEY_VARIABLE = "REDNOTE_PSEUDONYM_KEY"
KEY_FILE = ".pseudonym.key"
#: The SHA-256 of the bundled sample's bytes (:data:`rednote.core.params.BUNDLED_SAMPLE`).
SAMPLE_SHA256 = "c9f2feefcdc3c14fe4823d038f8cc3ec2ad9168dbfa22487fbbf24d774efb6f6"
#: A DVC temporary experiment workspace sits in the repository at this path.
_TEMP_WORKSPACES = (".dvc", "tmp", "exps")


@dataclass(frozen=True)
class Key:
    """A pseudonym key and where it came from (``origin`` names a variable or file, never the key; the same for the
    same key on every run, since the key stage writes it); ``created``: the key file was written just now."""

    secret: str = field(repr=False)
    origin: str
    created: bool = False

    def fingerprint(self) -> str:
        """16 hex digits of PBKDF2-HMAC-SHA256 (200,000 rounds) of the key: tells keys apart, and makes guessing a
        weak key from it slow. Not a pseudonym and not the key."""
        digest = hashlib.pbkdf2_hmac("sha256", self.secret.encode("utf-8"), b"rednote pseudonym key", 200_000)
        return digest.hex()[:16]


def is_bundled_sample(raw: str | Path, root: Path = Path()) -> bool:
    """Whether ``raw`` (relative to ``root``) is the bundled synthetic sample, byte for byte."""
    path = root / raw
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SAMPLE_SHA256


def _origin_root(root: Path) -> Path | None:
    """The repository a temporary DVC experiment workspace at ``root`` was made from, else None."""
    parts = root.resolve().parts
    for i in range(len(parts) - len(_TEMP_WORKSPACES)):
        if parts[i : i + len(_TEMP_WORKSPACES)] == _TEMP_WORKSPACES:
            return Path(*parts[:i])
    return None


def pseudonym_key(raw: str | Path, root: Path = Path(), environ: Mapping[str, str] = os.environ) -> Key:
    """The key for crawl ``raw`` (see the module's docstring); creates ``root``/:data:`KEY_FILE` when none is set.

    Raises UserError (one sentence, without the key) when a crawl other than the bundled sample would be
    pseudonymized with :data:`SAMPLE_KEY`, or when the key file is empty.
    """
    if is_bundled_sample(raw, root):
        return Key(SAMPLE_KEY, "the bundled sample's public key")
    key = _configured(root, environ)
    if key.secret == SAMPLE_KEY:
        raise UserError(
            f"{raw} is not the bundled sample, but its pseudonym key ({key.origin}) is the sample's public one, with "
            f"which anyone holding the crawl's raw ids can undo the pseudonyms; set your own in {KEY_VARIABLE}, or "
            f"delete {KEY_FILE} and the next run writes a random one."
        )
    return key


def _configured(root: Path, environ: Mapping[str, str]) -> Key:
    if environ.get(KEY_VARIABLE, "").strip():
        return Key(environ[KEY_VARIABLE].strip(), f"the environment variable {KEY_VARIABLE}")
    origin = _origin_root(root)
    for path in (root / KEY_FILE, *([origin / KEY_FILE] if origin else [])):
        if path.is_file():
            secret = path.read_text(encoding="utf-8").strip()
            if not secret:
                raise UserError(f"the key file {path} is empty; delete it and the next run writes a random key.")
            return Key(secret, f"the key file {path.name}")
    secret = secrets.token_hex(32)
    handle = os.open(root / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # its owner's alone from the start
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(secret + "\n")
    return Key(secret, f"the key file {KEY_FILE}", created=True)
