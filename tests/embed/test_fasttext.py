"""FastText trained here: subword vectors for unseen words, IDF-weighted user means, the same bytes in every process."""

import numpy as np
import pytest
from e2e import outputs_under_hash_seeds

from rednote.core.errors import UserError
from rednote.embed.fasttext import FastTextEncoder

CORPUS = [
    "学中文 你好 谢谢 pinyin tones",
    "学中文 拼音 pinyin tiktokrefugee",
    "hotpot 美食 noodles tiktokrefugee",
    "美食 火锅 hotpot spicy",
    "cat tax 猫 meme tiktokrefugee",
    "cat 猫 dog pets tiktokrefugee",
] * 5


def encoder(**kw) -> FastTextEncoder:
    args = {"dim": 16, "window": 3, "min_count": 2, "epochs": 5, "min_n": 2, "max_n": 4, "seed": 7} | kw
    return FastTextEncoder(**args).fit(CORPUS)


def test_a_word_unseen_in_training_gets_a_vector_from_its_subwords():
    fitted = encoder()
    assert "pinyinnn" not in fitted._model.wv.key_to_index
    unseen = fitted.token_vector("pinyinnn")
    assert unseen.shape == (16,) and np.abs(unseen).sum() > 0
    users = fitted.transform(["pinyinnn", ""])
    assert np.abs(users[0]).sum() > 0 and not users[1].any()


def test_a_user_vector_is_the_idf_weighted_mean_of_its_distinct_tokens():
    fitted = encoder()
    common, rare = fitted._idf["tiktokrefugee"], fitted._idf["拼音"]
    assert common < rare  # on 4 of 6 users vs 1 of 6
    expected = (common * fitted.token_vector("tiktokrefugee") + rare * fitted.token_vector("拼音")) / (common + rare)
    got = fitted.transform(["拼音 tiktokrefugee tiktokrefugee"])[0]
    assert got == pytest.approx(expected, abs=1e-6)


RUN = """
import sys
from test_fasttext import encoder
sys.stdout.buffer.write(encoder().transform(["学中文 猫 unseenword", "hotpot 美食"]).tobytes())
"""


def test_two_processes_with_different_hash_seeds_give_the_same_bytes():
    outputs = outputs_under_hash_seeds(RUN, __file__)
    assert len(outputs[0]) == 2 * 16 * 4 and outputs[0] == outputs[1]


def test_a_vocabulary_below_min_count_is_one_sentence():
    with pytest.raises(UserError, match="embed.fasttext.min_count=100"):
        FastTextEncoder(16, 3, 100, 1, 2, 4, 0).fit(CORPUS)
