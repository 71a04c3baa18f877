"""key: the pseudonym key's fingerprint, so that DVC reruns `clean` when the key changes (always run: the key lives
outside git, in REDNOTE_PSEUDONYM_KEY or the untracked .pseudonym.key; see rednote/ingest/keys.py). Writes the
fingerprint and where the key came from, never the key; stops on a real crawl with the sample's public key."""

import logging

from rednote.core.artifacts import KEY_FINGERPRINT
from rednote.core.io import write_json
from rednote.core.params import load_params
from rednote.core.stage import run
from rednote.ingest.keys import KEY_FILE, pseudonym_key

log = logging.getLogger("rednote.key")


def main() -> None:
    raw = load_params().data.raw
    key = pseudonym_key(raw)
    write_json({"fingerprint": key.fingerprint(), "origin": key.origin}, KEY_FINGERPRINT)
    if key.created:
        log.warning("wrote a new random pseudonym key to %s: keep it, the same key gives the same pseudonyms", KEY_FILE)
    log.info("pseudonym key from %s, fingerprint %s", key.origin, key.fingerprint())


if __name__ == "__main__":
    run(main)
