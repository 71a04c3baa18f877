"""rednote.embed.transformer: the fast encoder gives the study's DistilBERT vectors, offline.

A tiny DistilBERT (2 layers, dim 64, random seeded weights) and a WordPiece vocabulary from the
bilingual sentences below are written with ``save_pretrained`` into a temporary folder, then
loaded back through the module, exactly as a real local model would be.
"""

import re

import numpy as np
import pytest

from rednote.core.errors import UserError
from rednote.embed import transformer as tr


@pytest.fixture(autouse=True, scope="module")
def quiet():
    """TensorFlow's start-up lines off for this module (the hub is offline for every test: tests/conftest.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
        yield


SENTENCES = [
    "Hello from Ohio, I am a TikTok refugee!",
    "大家好，我是从TikTok来的难民。",
    "I love Chinese food, especially 饺子 and 火锅.",
    "美国网友太好笑了，主动交猫税。",
    "Here is my cat tax for the RedNote family.",
    "今天学了一句中文：你好，很高兴认识你。",
    "Can someone teach me how to say thank you in Chinese?",
    "谢谢你们的欢迎，小红书真好玩。",
    "We came because TikTok was banned in the United States.",
    "封禁TikTok以后，很多人来到小红书。",
    "My first post here, please be nice to me.",
    "欢迎来到小红书，这里有很多美食和旅行分享。",
    "Learning Mandarin is hard but the community is so kind.",
    "我在纽约，我的猫叫小白。",
    "Does anyone else feel like this app is more friendly?",
    "中国的朋友们，你们好！我来自加州。",
    "Posting my dog and my garden, hope you like them.",
    "今天的天气很好，我们去公园散步。",
    "Will I stay after February? Maybe, this is fun.",
    "二月以后还会继续发帖吗？也许会的。",
    "Music, dance and cooking videos every week.",
    "音乐，舞蹈和做饭的视频每周更新。",
    "Thank you RedNote for the warm welcome 2025.",
    "一月份来了很多美国用户，二月还在吗？",
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PIECE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+|[^\sA-Za-z0-9\u4e00-\u9fff]")


def vocabulary() -> list[str]:
    """Special tokens, then every word, Chinese character and punctuation mark of the sentences."""
    words = dict.fromkeys(token for s in SENTENCES for token in PIECE.findall(s))
    return SPECIAL + [w for w in words if w not in SPECIAL] + ["##s", "##ing", "##ed"]


def texts_of_many_lengths(n: int = 40) -> list[str]:
    """Texts from 1 to ~12 sentences (some far past 32 and 128 tokens), plus an empty and an unknown-word one."""
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(SENTENCES, size=int(k))) for k in rng.integers(1, 13, size=n - 2)]
    return texts + ["", "zzzz qqqq 🙂 ünknown words"]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    import tensorflow as tf
    from transformers import DistilBertConfig, DistilBertTokenizerFast, TFDistilBertModel

    folder = tmp_path_factory.mktemp("tiny-distilbert")
    vocab_file = folder / "vocab.txt"
    vocab_file.write_text("\n".join(vocabulary()) + "\n", encoding="utf-8")
    tokenizer = DistilBertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=False)
    tf.keras.utils.set_random_seed(2025)
    config = DistilBertConfig(
        vocab_size=len(vocabulary()),
        dim=64,
        n_layers=2,
        n_heads=2,
        hidden_dim=128,
        max_position_embeddings=160,
        initializer_range=0.2,  # wide weights: texts get clearly different vectors
    )
    model = TFDistilBertModel(config)
    model(model.dummy_inputs)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def loaded(model_dir):
    return tr.load_transformer(str(model_dir))


@pytest.fixture(scope="session")
def texts():
    return texts_of_many_lengths()


def token_counts(tokenizer, texts):
    return np.array([len(ids) for ids in tokenizer(texts, truncation=False)["input_ids"]])


def assert_distinct(vectors: np.ndarray, texts: list[str]) -> None:
    """Different texts must get clearly different vectors, or equality checks would prove nothing."""
    keep = [texts.index(t) for t in dict.fromkeys(texts)]
    rows = vectors[keep]
    gaps = np.abs(rows[:, None, :] - rows[None, :, :]).max(axis=2)
    assert gaps[np.triu_indices(len(keep), 1)].min() > 1e-2


def test_matches_study_way_with_short_max_length(model_dir, loaded, texts):
    tokenizer, model = loaded
    counts = token_counts(tokenizer, texts)
    assert counts.min() <= 5 and counts.max() > 128 and (counts > 32).sum() >= 10  # really varied lengths
    fast = tr.TransformerEncoder(str(model_dir), max_length=32, batch_size=8, progress=False).transform(texts)
    study = tr.embed_study_way(texts, tokenizer, model, max_length=32)
    assert fast.shape == study.shape == (len(texts), 64) and fast.dtype == np.float32
    assert np.abs(fast - study).max() <= 1e-4
    assert_distinct(study[: len(texts) - 2], texts[: len(texts) - 2])


def test_matches_study_way_at_the_study_length(model_dir, loaded, texts):
    tokenizer, model = loaded
    encoder = tr.TransformerEncoder(str(model_dir), progress=False)  # cls, 128, batches of 32
    assert encoder.fit(texts) is encoder
    fast = encoder.transform(texts)
    study = tr.embed_study_way(texts, tokenizer, model)
    assert np.abs(fast - study).max() <= 1e-4


def test_generic_path_matches_study_way(model_dir, loaded, texts, monkeypatch):
    """Models other than DistilBERT run whole; force that path on the same model and compare."""
    tokenizer, model = loaded
    monkeypatch.setattr(tr, "_distilbert_blocks", lambda model: None)
    generic = {
        pooling: tr.TransformerEncoder(
            str(model_dir), pooling=pooling, max_length=32, batch_size=16, progress=False
        ).transform(texts)
        for pooling in ("cls", "mean")
    }
    monkeypatch.undo()
    packed_mean = tr.TransformerEncoder(
        str(model_dir), pooling="mean", max_length=32, batch_size=16, progress=False
    ).transform(texts)
    assert np.abs(generic["cls"] - tr.embed_study_way(texts, tokenizer, model, max_length=32)).max() <= 1e-4
    assert np.abs(generic["mean"] - packed_mean).max() <= 1e-4
    assert np.abs(generic["mean"] - generic["cls"]).max() > 1e-2


def test_batches_are_length_sorted_and_padded_only_as_far_as_needed(model_dir, texts):
    encoder = tr.TransformerEncoder(str(model_dir), max_length=128, batch_size=8, progress=False)
    encoder._load()
    shapes, forward = [], encoder._forward

    def spy(input_ids, attention_mask):
        shapes.append((input_ids.shape, attention_mask.sum(axis=1)))
        return forward(input_ids, attention_mask)

    encoder._forward = spy
    encoder.transform(texts)
    assert len(shapes) == -(-len(texts) // 8)
    widths = [shape[1] for shape, _ in shapes]
    assert widths == sorted(widths) and widths[0] < 128 and widths[-1] == 128  # short batches stay short
    for (_rows, width), lengths in shapes:
        assert width == min(128, -(-int(lengths.max()) // tr.PAD_MULTIPLE) * tr.PAD_MULTIPLE)


def test_rows_keep_input_order(model_dir, texts):
    encoder = tr.TransformerEncoder(str(model_dir), max_length=64, batch_size=8, progress=False)
    whole = encoder.transform(texts)
    permutation = np.random.default_rng(1).permutation(len(texts))
    permuted = encoder.transform([texts[i] for i in permutation])
    assert np.abs(permuted - whole[permutation]).max() <= 1e-5
    for i in (0, 17, len(texts) - 1):
        alone = encoder.transform([texts[i]])
        assert alone.shape == (1, 64)
        assert np.abs(alone[0] - whole[i]).max() <= 1e-4
    repeated = encoder.transform([texts[3], texts[5], texts[3]])
    assert np.array_equal(repeated[0], repeated[2]) and np.abs(repeated[1] - whole[5]).max() <= 1e-4
    assert encoder.transform([]).shape == (0, 64)


def test_mean_pooling_is_the_masked_mean(model_dir, loaded, texts):
    tokenizer, model = loaded
    some = [texts[0], texts[1], texts[-1], "你好"]
    mean = tr.TransformerEncoder(str(model_dir), pooling="mean", max_length=32, progress=False).transform(some)
    cls = tr.TransformerEncoder(str(model_dir), pooling="cls", max_length=32, progress=False).transform(some)
    assert np.abs(mean - cls).max() > 1e-2
    for row, text in enumerate(some):
        encoded = tokenizer(text, return_tensors="tf", max_length=32, truncation=True, padding="max_length")
        hidden = model(**encoded, training=False).last_hidden_state[0].numpy()
        mask = encoded["attention_mask"][0].numpy().astype(np.float32)
        by_hand = (hidden * mask[:, None]).sum(axis=0) / mask.sum()
        assert np.abs(mean[row] - by_hand).max() <= 1e-4
        assert np.abs(by_hand - hidden[0]).max() > 1e-2


def test_missing_directory_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(UserError) as caught:
        tr.load_transformer(str(missing))
    message = str(caught.value)
    assert str(missing) in message and "embed.encoder" in message and "\n" not in message
    with pytest.raises(UserError, match="no-such-model"):
        tr.TransformerEncoder(str(missing), progress=False).transform(["hello"])


def test_uncached_hub_model_offline_is_a_clear_error():
    with pytest.raises(UserError) as caught:
        tr.load_transformer("rednote-tests/no-such-model")
    message = str(caught.value)
    assert "rednote-tests/no-such-model" in message and "HF_HOME" in message and "embed.model=" in message
    assert "embed.encoder=use" in message and "\n" not in message


def test_pytorch_only_directory_says_torch_is_needed(tmp_path, model_dir):
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        pytest.skip("torch is installed here, so PyTorch weights can be converted")
    folder = tmp_path / "pt-only"
    folder.mkdir()
    (folder / "config.json").write_text((model_dir / "config.json").read_text())
    (folder / "pytorch_model.bin").write_bytes(b"not really weights")
    with pytest.raises(UserError, match="torch") as caught:
        tr.load_transformer(str(folder))
    assert str(folder) in str(caught.value)


def test_directory_without_weights_is_a_clear_error(tmp_path):
    folder = tmp_path / "empty-model"
    folder.mkdir()
    with pytest.raises(UserError) as caught:
        tr.load_transformer(str(folder))
    assert str(folder) in str(caught.value) and "embed.encoder" in str(caught.value)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"pooling": "max"}, "embed.pooling"),
        ({"pooling": "CLS"}, "embed.pooling"),
        ({"max_length": 1}, "embed.max_length"),
        ({"batch_size": 0}, "embed.batch_size"),
        ({"max_length": 12.5}, "embed.max_length"),
    ],
)
def test_bad_settings_are_user_errors(kwargs, word):
    with pytest.raises(UserError, match=word):
        tr.TransformerEncoder("/nowhere", **kwargs)


def test_max_length_beyond_the_model_positions(model_dir):
    with pytest.raises(UserError, match="160 positions"):
        tr.TransformerEncoder(str(model_dir), max_length=200, progress=False).transform(["hello"])
