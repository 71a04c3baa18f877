import subprocess
import sys

import numpy as np

from rednote.embed.memo import ENV, FOLDER, MAX_SHARDS, cached_transform, compact, config_key, load, memo_root


class CountingEncoder:
    """A stand-in encoder: the vector of a text is its length and its first character code; counts calls."""

    def __init__(self):
        self.embedded = 0

    def __call__(self, texts):
        self.embedded += len(texts)
        return np.array([[len(t), ord(t[0]) if t else 0] for t in texts], dtype=np.float32)


def test_growing_by_one_percent_embeds_only_the_new_texts(tmp_path):
    texts = [f"user {i} post about 学中文 number {i}" for i in range(1000)]
    encoder = CountingEncoder()
    first, n_first = cached_transform(encoder, texts, tmp_path / "cache")
    assert n_first == 1000 and encoder.embedded == 1000
    grown = texts + [f"new user {i}" for i in range(10)]
    again, n_again = cached_transform(encoder, grown, tmp_path / "cache")
    assert n_again == 10 and encoder.embedded == 1010
    assert np.array_equal(again[:1000], first)
    assert np.array_equal(again, encoder(grown))


def test_rows_follow_the_input_order_and_duplicates_embed_once(tmp_path):
    encoder = CountingEncoder()
    vectors, n = cached_transform(encoder, ["bb", "a", "bb", "ccc"], tmp_path / "cache")
    assert n == 3
    assert vectors[:, 0].tolist() == [2, 1, 2, 3]
    shuffled, n = cached_transform(encoder, ["ccc", "bb"], tmp_path / "cache")
    assert n == 0 and shuffled[:, 0].tolist() == [3, 2]


def test_cache_is_written_sorted_so_bytes_do_not_depend_on_arrival_order(tmp_path):
    cached_transform(CountingEncoder(), ["x", "y", "z"], tmp_path / "a")
    cached_transform(CountingEncoder(), ["z", "x", "y"], tmp_path / "b")
    (shard_a,), (shard_b,) = list((tmp_path / "a").iterdir()), list((tmp_path / "b").iterdir())
    assert shard_a.name == shard_b.name and shard_a.read_bytes() == shard_b.read_bytes()
    keys, vectors = load(tmp_path / "a")
    assert len(keys) == 3 and vectors.shape == (3, 2)


def test_two_runs_writing_at_once_both_keep_their_vectors(tmp_path):
    """Run A reads the memo, and while it embeds, run B adds its own texts: neither overwrites the other."""
    memo, other = tmp_path / "memo", CountingEncoder()

    def slow_encoder(texts):
        cached_transform(other, ["b1", "b2"], memo)  # B finishes while A is still embedding
        return CountingEncoder()(texts)

    vectors, n = cached_transform(slow_encoder, ["a1", "a2", "a3"], memo)
    assert n == 3 and vectors[:, 1].tolist() == [ord("a")] * 3
    encoder = CountingEncoder()
    both, n = cached_transform(encoder, ["a2", "b1", "a1", "b2", "a3"], memo)
    assert n == 0 and encoder.embedded == 0
    assert np.array_equal(both, CountingEncoder()(["a2", "b1", "a1", "b2", "a3"]))


def test_unreadable_and_half_written_files_are_ignored(tmp_path):
    memo = tmp_path / "memo"
    cached_transform(CountingEncoder(), ["x", "y"], memo)
    (memo / "garbage.npy").write_bytes(b"not numpy")
    (memo / ".abc.npy.123.tmp").write_bytes(b"\x93NUMPY half")  # what an interrupted write leaves
    keys, vectors = load(memo)
    assert len(keys) == 2 and vectors.shape == (2, 2)


def test_many_shards_are_merged_into_one_without_losing_a_vector(tmp_path):
    memo = tmp_path / "memo"
    texts = [f"text {i}" for i in range(MAX_SHARDS + 3)]
    for text in texts:  # one run per new text: one shard each, merged once they pile up
        cached_transform(CountingEncoder(), [text], memo)
    assert len(list(memo.glob("*.npy"))) <= MAX_SHARDS
    compact(memo)
    assert len(list(memo.glob("*.npy"))) == 1
    encoder = CountingEncoder()
    vectors, n = cached_transform(encoder, texts, memo)
    assert n == 0 and np.array_equal(vectors, CountingEncoder()(texts))


def test_the_memo_lives_in_the_dvc_cache_unless_the_variable_says_otherwise(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=repo, check=True)
    assert memo_root({}, repo) == repo / ".dvc" / "cache" / FOLDER
    # what `dvc exp run --temp`/--queue writes into a temporary workspace: the main repository's cache
    (repo / ".dvc" / "config.local").write_text(f"[cache]\n    dir = {tmp_path / 'main-cache'}\n")
    assert memo_root({}, repo) == tmp_path / "main-cache" / FOLDER
    assert memo_root({ENV: str(tmp_path / "mine")}, repo) == tmp_path / "mine"
    outside = tmp_path / "no-repo"
    outside.mkdir()
    assert memo_root({"XDG_CACHE_HOME": str(tmp_path / "xdg")}, outside) == tmp_path / "xdg" / "rednote" / "embeddings"


def test_config_key_changes_with_the_model():
    assert config_key({"encoder": "use"}) == config_key({"encoder": "use"})
    assert config_key({"encoder": "transformer", "model": "a"}) != config_key({"encoder": "transformer", "model": "b"})
