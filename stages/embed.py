"""embed: users → one text vector per user (encoder fitted, where it learns, on training users only)."""

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rednote.encoders import make_encoder  # noqa: E402
from rednote.io import read_table, write_array  # noqa: E402
from rednote.stage import load_params, run, section  # noqa: E402

log = logging.getLogger("rednote.embed")


def main() -> None:
    params = load_params()
    data, p = section(params, "data"), section(params, "embed")
    users = read_table(data["users"])
    encoder = make_encoder(p)
    texts = users[encoder.column].fillna("").tolist()
    train = (users["split"] == "train").to_numpy()
    encoder.fit([t for t, keep in zip(texts, train) if keep])
    vectors = encoder.transform(texts)
    write_array(vectors, data["embeddings"])
    log.info("wrote %s vectors (%s) to %s", vectors.shape, p["encoder"], data["embeddings"])


if __name__ == "__main__":
    run(main)
