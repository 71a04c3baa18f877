"""Benchmark (not a test): the study's one-text-at-a-time DistilBERT against ``TransformerEncoder``.

    python bench/embed_speed.py [--n 200] [--layers 6] [--threads 2] [--batch-size 32] [--repeats 3]

Builds a DistilBERT-base-sized model (``--layers`` layers, dim 768, 12 heads, FFN 3072: the
compute of ``distilbert-base-multilingual-cased``) with random seeded weights and a WordPiece
vocabulary trained on the texts, saves it with ``save_pretrained`` into a temporary folder and
loads it through :class:`rednote.embed.transformer.TransformerEncoder`. Nothing is downloaded.

Texts: one per user (that user's titles and contents joined) for ``--n`` users drawn with a fixed
seed from ``data/sample/tt_refugee_sample.csv``, or synthetic bilingual posts (about 46 tokens
each, some users with several) when that file is missing; the source is printed.

Both methods embed the same texts after a short warm-up (the fast one's warm-up is its
``tf.function`` trace, printed separately). The study's way embeds every text once (it is the
slow one: ~30-40 s at ``--n 200``), split into ``--repeats - 1`` parts interleaved with the fast
way's ``--repeats`` full passes (fast, study part, fast, ..., fast), so that load from other
processes falls on both alike; the fast way's median pass counts.

FLOPs (multiply-adds count 2, only matrix products are counted; embeddings, LayerNorm, softmax
and GELU are left out). For a text of ``n`` real tokens, hidden size ``d`` and FFN size ``f``,
one full layer costs ``2·n·(4·d² + 2·d·f)`` for the q/k/v/output projections and the FFN, plus
``4·n²·d`` for the attention scores and the weighted sum. The fast way with ``cls`` pooling
runs its last layer for the first token only and projects no key or value per token (see
``cls_block`` in ``rednote/embed/transformer.py``): ``2·(4·d² + 2·d·f)`` (query, key-weights times
query, value weights, output projection, FFN, each for one row) ``+ 4·n·d·h`` (scores and the
weighted token states, ``h`` heads). Achieved
GFLOP/s is what the fast way did (real tokens only, nothing for padding) divided by its time;
``peak_frac`` divides that by the float32 peak measured here: the best of 5 timed
``tf.linalg.matmul`` products of two 3072×3072 matrices, before and after the timings. The study's way pads every text to 128
tokens and runs all layers in full; its GFLOP/s is printed too.

The last line is ``ratio=<fast texts/s ÷ study texts/s> maxdiff=<max |fast − study|> peak_frac=<…>``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "tt_refugee_sample.csv"

EN = [
    "hello",
    "from",
    "ohio",
    "i",
    "am",
    "a",
    "tiktok",
    "refugee",
    "love",
    "chinese",
    "food",
    "cat",
    "tax",
    "please",
    "teach",
    "me",
    "how",
    "to",
    "say",
    "thank",
    "you",
    "this",
    "app",
    "is",
    "so",
    "friendly",
    "we",
    "came",
    "because",
    "the",
    "ban",
    "my",
    "first",
    "post",
    "here",
    "learning",
    "mandarin",
    "is",
    "hard",
    "but",
    "the",
    "community",
    "is",
    "kind",
    "music",
    "dance",
    "cooking",
    "videos",
    "every",
    "week",
    "will",
    "i",
    "stay",
    "after",
    "february",
    "maybe",
    "it",
    "is",
    "fun",
    "my",
    "dog",
    "garden",
    "travel",
    "new",
    "york",
    "california",
    "texas",
    "welcome",
    "friends",
    "beautiful",
    "today",
    "weather",
    "park",
    "walk",
]
ZH = "大家好我是从来的难民美国网友太好笑了主动交猫税今天学一句中文你很高兴认识谢们欢迎小红书真玩封禁以后多人到这里有美食和旅行分享在纽约的叫白朋友加州天气公园散步二月还会继续发帖吗也许音乐舞蹈做饭视频每周更新份用户"


def user_texts_from_sample(path: Path, n: int, seed: int) -> list[str]:
    import pandas as pd

    posts = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["title", "content", "user_id"])
    posts["text"] = (posts["title"] + " " + posts["content"]).str.strip()
    texts = posts.groupby("user_id", sort=False)["text"].agg(" ".join).tolist()
    pick = np.random.default_rng(seed).permutation(len(texts))[:n]
    return [texts[i] for i in pick]


def synthetic_user_texts(n: int, seed: int) -> list[str]:
    """Bilingual posts of ~46 tokens on average (Chinese characters are one token each); 1-4 posts a user."""
    rng = np.random.default_rng(seed)

    def post() -> str:
        parts = []
        for _ in range(max(4, int(rng.normal(48, 16)))):
            parts.append(str(rng.choice(EN)) + " " if rng.random() < 0.45 else str(rng.choice(list(ZH))))
        return "".join(parts).strip()

    return [" ".join(post() for _ in range(min(4, int(rng.geometric(0.6))))) for _ in range(n)]


def build_model(texts: list[str], layers: int, folder: Path, seed: int) -> None:
    import tensorflow as tf
    from tokenizers import BertWordPieceTokenizer
    from transformers import DistilBertConfig, DistilBertTokenizerFast, TFDistilBertModel

    wordpiece = BertWordPieceTokenizer(lowercase=False, strip_accents=False)  # cased, as the multilingual model
    wordpiece.train_from_iterator(
        texts,
        vocab_size=30000,
        min_frequency=1,
        show_progress=False,
        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
    )
    wordpiece.save_model(str(folder))
    tokenizer = DistilBertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False)
    tf.keras.utils.set_random_seed(seed)
    config = DistilBertConfig(vocab_size=len(tokenizer), dim=768, n_layers=layers, n_heads=12, hidden_dim=3072)
    model = TFDistilBertModel(config)
    model(model.dummy_inputs)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def layer_flops(n: np.ndarray, d: int, f: int) -> np.ndarray:
    return 2.0 * n * (4 * d * d + 2 * d * f) + 4.0 * n * n * d


def cls_last_layer_flops(n: np.ndarray, d: int, f: int, heads: int) -> np.ndarray:
    return 2.0 * (4 * d * d + 2 * d * f) + 4.0 * n * d * heads


def matmul_peak(size: int = 3072, tries: int = 5) -> float:
    """Best float32 GFLOP/s of a size×size matrix product through TensorFlow on this machine."""
    import tensorflow as tf

    a = tf.random.normal((size, size), seed=1)
    b = tf.random.normal((size, size), seed=2)
    product = tf.function(lambda x, y: tf.reduce_sum(tf.linalg.matmul(x, y)[:1]))
    product(a, b).numpy()
    best = np.inf
    for _ in range(tries):
        started = time.perf_counter()
        product(a, b).numpy()
        best = min(best, time.perf_counter() - started)
    return 2.0 * size**3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="user texts to embed both ways")
    parser.add_argument("--layers", type=int, default=6, help="transformer layers (the real model has 6)")
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow intra- and inter-op threads")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per batch for the fast way")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed passes of the fast way (median counts), at least 2"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)  # before TensorFlow runs any op
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    from rednote.embed.transformer import TransformerEncoder, embed_study_way

    if SAMPLE.exists():
        texts = user_texts_from_sample(SAMPLE, args.n, args.seed)
        print(f"texts: {len(texts)} users drawn from {SAMPLE.relative_to(ROOT)} (titles + contents per user)")
    else:
        texts = synthetic_user_texts(args.n, args.seed)
        print(f"texts: {len(texts)} synthetic bilingual users ({SAMPLE.relative_to(ROOT)} not found)")
    print(
        f"machine: {os.cpu_count()} cores, TensorFlow {tf.__version__}, threads intra={args.threads} inter={args.threads}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    peak_before = matmul_peak()
    with tempfile.TemporaryDirectory(prefix="embed-speed-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        build_model(texts, args.layers, folder, args.seed)
        encoder = TransformerEncoder(
            str(folder), pooling="cls", max_length=128, batch_size=args.batch_size, progress=False
        )
        tokenizer, model = encoder.tokenizer, encoder.tf_model
        d, f = int(model.config.dim), int(model.config.hidden_dim)
        print(
            f"model: DistilBERT {args.layers} layers, dim {d}, {model.config.n_heads} heads, FFN {f}, vocab {len(tokenizer)} "
            f"(random weights), built and loaded in {time.perf_counter() - started:.1f} s"
        )

        lengths = np.array(
            [len(ids) for ids in tokenizer(texts, truncation=True, max_length=128)["input_ids"]], dtype=np.float64
        )
        full = np.array([len(ids) for ids in tokenizer(texts, truncation=False)["input_ids"]])
        print(
            f"tokens per text: mean {lengths.mean():.1f} (median {np.median(lengths):.0f}, max 128; "
            f"{(full > 128).mean():.0%} of texts cut at 128, mean {full.mean():.1f} before cutting)"
        )

        embed_study_way(texts[:2], tokenizer, model)  # warm-up: eager graph of one 128-token row
        started = time.perf_counter()
        encoder.transform(texts[:8])
        print(f"fast way warm-up (tf.function trace): {time.perf_counter() - started:.1f} s")

        # interleaved, so that load from other processes falls on both ways alike:
        # fast, study part 1, fast, study part 2, ..., fast
        repeats = max(2, args.repeats)
        parts = np.array_split(np.arange(len(texts)), repeats - 1)
        runs, study_parts, study_s, study_cpu, fast = [], [], 0.0, 0.0, None
        for i in range(repeats):
            started, cpu = time.perf_counter(), time.process_time()
            fast = encoder.transform(texts)
            runs.append((time.perf_counter() - started, time.process_time() - cpu))
            if i < repeats - 1:
                started, cpu = time.perf_counter(), time.process_time()
                study_parts.append(embed_study_way([texts[j] for j in parts[i]], tokenizer, model))
                study_s, study_cpu = study_s + time.perf_counter() - started, study_cpu + time.process_time() - cpu
        study = np.concatenate(study_parts)
        fast_s = float(np.median([wall for wall, _ in runs]))
        fast_cpu = float(np.median([c for _, c in runs]))

    peak = max(peak_before, matmul_peak())
    layers = args.layers
    study_flops = len(texts) * layers * float(layer_flops(np.array(128.0), d, f))
    fast_flops = float(
        (
            (layers - 1) * layer_flops(lengths, d, f) + cls_last_layer_flops(lengths, d, f, int(model.config.n_heads))
        ).sum()
    )
    whole_flops = float((layers * layer_flops(lengths, d, f)).sum())  # a full forward over the real tokens
    study_rate, fast_rate = len(texts) / study_s, len(texts) / fast_s
    maxdiff = float(np.abs(fast - study).max())
    spread = float(np.abs(study - study.mean(axis=0)).mean())
    ratio = fast_rate / study_rate
    peak_frac = fast_flops / fast_s / 1e9 / peak

    print(
        f"study way (one text at a time, padded to 128): {study_rate:.2f} texts/s ({study_s:.1f} s wall, {study_cpu:.1f} s CPU), "
        f"{study_flops / study_s / 1e9:.0f} GFLOP/s = {study_flops / study_s / 1e9 / peak:.0%} of peak"
    )
    print(
        f"fast way (TransformerEncoder, batch {args.batch_size}): {fast_rate:.2f} texts/s (median of "
        f"{', '.join(f'{w:.2f}' for w, _ in runs)} s wall; {fast_cpu:.1f} s CPU)"
    )
    print(f"ratio: {ratio:.2f}x texts/s ({study_cpu / fast_cpu:.2f}x in CPU time)")
    print(f"max abs difference: {maxdiff:.2e} (vectors differ from their mean by {spread:.3f} on average)")
    print(f"float32 matmul peak here: {peak:.0f} GFLOP/s (tf.linalg.matmul 3072x3072, best of 5 before and 5 after)")
    print(
        f"fast way achieved: {fast_flops / fast_s / 1e9:.0f} GFLOP/s of work done ({fast_flops / 1e12:.2f} TFLOP) = "
        f"{peak_frac:.0%} of peak; counting a full forward over the real tokens ({whole_flops / 1e12:.2f} TFLOP): "
        f"{whole_flops / fast_s / 1e9:.0f} GFLOP/s"
    )
    ceiling = (len(texts) / (fast_flops / (peak * 1e9))) / study_rate
    print(f"ceiling: at 100% of peak the fast way's work would allow ratio {ceiling:.1f}x on these texts")
    print(f"load average now {os.getloadavg()[0]:.2f} (other processes on the machine make both timings noisy)")
    print(f"ratio={ratio:.2f} maxdiff={maxdiff:.2e} peak_frac={peak_frac:.2f}")


if __name__ == "__main__":
    main()
