import numpy as np

from rednote.embed_cache import cached_transform, config_key, load


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
    for name in ("keys.npy", "vectors.npy"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    keys, vectors = load(tmp_path / "a")
    assert len(keys) == 3 and vectors.shape == (3, 2)


def test_config_key_changes_with_the_model():
    assert config_key({"encoder": "use"}) == config_key({"encoder": "use"})
    assert config_key({"encoder": "transformer", "model": "a"}) != config_key({"encoder": "transformer", "model": "b"})
