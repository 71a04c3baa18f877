"""The study's transformer text vectors (multilingual DistilBERT, CLS token), computed fast.

:class:`TransformerEncoder` gives the vectors of the study's one-text-at-a-time, padded-to-128 loop (max abs
difference ≤ 1e-4, float rounding only) several times faster: texts tokenized once and batched by length, padding
only to a batch's longest text, a traced ``tf.function`` forward that, for DistilBERT, runs the dense layers on
real tokens only and the last block for the CLS row only. How and why, with the measurements behind each choice,
is in ``docs/transformer.md``. ``embed_study_way`` keeps the study's method as the reference for tests and
``bench/embed_speed.py``.
"""

from __future__ import annotations

import os

# transformers' TF classes need Keras 2 (tf-keras); this must be set before TensorFlow or
# transformers is imported anywhere. Both are imported lazily below so importing this is cheap.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import importlib.util  # noqa: E402
import itertools  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any

import numpy as np  # noqa: E402

from rednote.core.errors import UserError  # noqa: E402

POOLINGS = ("cls", "mean")
PAD_MULTIPLE = 32  # batch widths are multiples of this (up to max_length): 32, 64, 96, 128
_TOKENIZE_CHUNK = 4096  # texts per tokenizer call; bounds the Python lists alive at once
_OFFLINE_HINT = "use the offline default embed.encoder=use (or tfidf), which needs no model"


def _transformers():
    """The transformers module, imported on first use; a UserError if its TF classes can't work."""
    try:
        import transformers
        from transformers import TFAutoModel  # noqa: F401  (fails here when Keras 3 is active)
    except (ImportError, ValueError, RuntimeError) as err:
        raise UserError(
            "transformers' TensorFlow models could not be imported "
            f"({type(err).__name__}: {_first_line(err)}); install requirements.txt (tensorflow-cpu, tf-keras, "
            "transformers<5) and set TF_USE_LEGACY_KERAS=1 before anything imports TensorFlow, "
            f"or {_OFFLINE_HINT}."
        ) from None
    return transformers


def _first_line(err: BaseException, limit: int = 160) -> str:
    text = str(err).strip().splitlines()
    line = text[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _looks_like_path(name: str) -> bool:
    """A local path rather than a hub id (``name`` or ``org/name``)."""
    return (
        name.startswith(("/", ".", "~", "\\"))
        or name.count("/") > 1
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
    )


def _has(folder: Path, *names: str) -> bool:
    return any((folder / name).is_file() for name in names)


def load_transformer(model: str) -> tuple[Any, Any]:
    """``(tokenizer, TF model)`` for a hub id or a local ``save_pretrained`` directory.

    A hub id is looked up in the local Hugging Face cache first (no network), then on the hub
    (without network, and without ``HF_HUB_OFFLINE=1``, huggingface_hub retries for ~45 s). Anything that keeps the model from loading becomes a one-sentence :class:`UserError` that
    says how to provide it.
    """
    name = str(model).strip()
    if not name:
        raise UserError(f"embed.model is empty; give a hub id or a local model directory, or {_OFFLINE_HINT}.")
    path = Path(name).expanduser()
    local = path.exists() or _looks_like_path(name)
    if local and not path.is_dir():
        raise UserError(
            f"the transformer model directory {name} does not exist; pass a folder written by save_pretrained "
            f"(config, tokenizer, TF or safetensors weights) as embed.model=/path, or {_OFFLINE_HINT}."
        )
    if local and not _has(path, "config.json"):
        raise UserError(
            f"the transformer model directory {name} has no config.json, so save_pretrained did not write it; pass a "
            f"folder written by save_pretrained (config, tokenizer, weights) as embed.model=/path, or {_OFFLINE_HINT}."
        )
    if (
        local
        and _has(path, "pytorch_model.bin", "pytorch_model.bin.index.json")
        and not _has(path, "tf_model.h5", "tf_model.h5.index.json", "model.safetensors", "model.safetensors.index.json")
        and importlib.util.find_spec("torch") is None
    ):
        raise UserError(
            f"the transformer model directory {name} has only PyTorch weights (pytorch_model.bin), which TensorFlow "
            "cannot read without torch; on a machine with torch re-save it with save_pretrained(..., "
            f"safe_serialization=True) or from TFAutoModel, install torch here, or {_OFFLINE_HINT}."
        )
    transformers = _transformers()
    source = str(path) if local else name
    from huggingface_hub.utils import logging as hub_logging

    verbosity, hub_verbosity = transformers.logging.get_verbosity(), hub_logging.get_verbosity()
    transformers.logging.set_verbosity_error()  # no "all layers were initialized" chatter
    hub_logging.set_verbosity_error()  # nor a "Retrying in 8s" line per failed request when offline
    try:
        return _from_pretrained(transformers, source, local)
    except (OSError, ValueError, KeyError, ImportError, AttributeError, TypeError) as err:  # from transformers' loaders
        if local:
            raise UserError(
                f"the transformer model directory {name} could not be loaded ({type(err).__name__}: {_first_line(err)}); "
                "pass a folder written by save_pretrained (config, tokenizer, TF or safetensors weights) as "
                f"embed.model=/path, or {_OFFLINE_HINT}."
            ) from None
        raise UserError(
            f"the transformer model {name} could not be loaded ({type(err).__name__}: {_first_line(err)}); pass a local "
            "directory written by save_pretrained as embed.model=/path, or pre-populate the Hugging Face cache (HF_HOME) "
            f"on a machine with network, or {_OFFLINE_HINT}."
        ) from None
    finally:
        transformers.logging.set_verbosity(verbosity)
        hub_logging.set_verbosity(hub_verbosity)


def _from_pretrained(transformers: Any, source: str, local: bool) -> tuple[Any, Any]:
    def both(**kwargs: Any) -> tuple[Any, Any]:
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, **kwargs)
        try:
            tf_model = transformers.TFAutoModel.from_pretrained(source, **kwargs)
        except OSError:
            folder = Path(source)
            if (
                local
                and _has(folder, "pytorch_model.bin", "pytorch_model.bin.index.json")
                and importlib.util.find_spec("torch")
            ):
                tf_model = transformers.TFAutoModel.from_pretrained(source, from_pt=True, **kwargs)
            else:
                raise
        return tokenizer, tf_model

    if local:
        return both()
    try:  # cached hub model: no network round trip
        return both(local_files_only=True)
    except (OSError, ValueError):
        return both()


def embed_study_way(texts: Sequence[str], tokenizer: Any, model: Any, max_length: int = 128) -> np.ndarray:
    """The study's method, kept as the reference: each text alone, padded to ``max_length``, CLS row.

    Slow on purpose (one model call per text); only tests and the benchmark use it.
    """
    rows = []
    for text in texts:
        encoded = tokenizer(text, return_tensors="tf", max_length=max_length, truncation=True, padding="max_length")
        hidden = model(**encoded, training=False).last_hidden_state  # (1, max_length, dim)
        rows.append(hidden[0, 0, :].numpy())
    if not rows:
        return np.zeros((0, int(model.config.hidden_size)), np.float32)
    return np.stack(rows).astype(np.float32, copy=False)


def _distilbert_blocks(model: Any) -> tuple[Any, list[Any]] | None:
    """(embeddings layer, transformer blocks) when ``model`` is a TF DistilBERT whose layers we know."""
    main = getattr(model, "distilbert", None)
    if getattr(model.config, "model_type", None) != "distilbert" or main is None:
        return None
    embeddings, stack = getattr(main, "embeddings", None), getattr(main, "transformer", None)
    blocks = list(getattr(stack, "layer", []) or [])
    needed = ("attention", "sa_layer_norm", "ffn", "output_layer_norm")
    if embeddings is None or not blocks or not all(hasattr(b, n) for b in blocks for n in needed):
        return None
    return embeddings, blocks


def _generic_forward(model: Any, pooling: str) -> Callable:
    """The model called as is on a padded batch, then pooled."""
    import tensorflow as tf

    def forward(input_ids, attention_mask):
        hidden = model(input_ids=input_ids, attention_mask=attention_mask, training=False).last_hidden_state
        if pooling == "cls":
            return hidden[:, 0, :]
        weights = tf.cast(attention_mask, hidden.dtype)[:, :, None]
        return tf.reduce_sum(hidden * weights, axis=1) / tf.maximum(tf.reduce_sum(weights, axis=1), 1.0)

    return forward


def _distilbert_forward(embeddings: Any, blocks: list[Any], pooling: str) -> Callable:
    """DistilBERT's forward pass from the model's own layers, on packed real tokens (see the module doc).

    Same arithmetic as ``TFDistilBertModel`` in inference: embeddings + LayerNorm; per block,
    q/k/v projections, q scaled by 1/sqrt(head dim), scores minus 1e30 where masked, softmax,
    context, output projection, residual + LayerNorm, FFN (lin1, activation, lin2), residual +
    LayerNorm. Dropout is the identity when not training.
    """
    import tensorflow as tf
    from transformers.tf_utils import stable_softmax

    heads = int(blocks[0].attention.n_heads)
    dim = int(blocks[0].attention.dim)
    per_head = dim // heads
    factor = 1.0 / float(np.sqrt(per_head))  # 0.125 for DistilBERT's 64-wide heads: scaling by it is exact

    def fused_qkv(att: Any) -> tuple[Any, Any]:
        """One (dim, 3·dim) kernel and bias for the query (pre-scaled), key and value projections:
        one matrix product per block instead of three, and no separate pass to scale the queries."""
        kernels = [att.q_lin.kernel.numpy() * factor, att.k_lin.kernel.numpy(), att.v_lin.kernel.numpy()]
        biases = [att.q_lin.bias.numpy() * factor, att.k_lin.bias.numpy(), att.v_lin.bias.numpy()]
        return tf.constant(np.concatenate(kernels, axis=1)), tf.constant(np.concatenate(biases))

    qkv = [fused_qkv(block.attention) for block in blocks]

    def forward(input_ids, attention_mask):
        batch, width = tf.shape(input_ids)[0], tf.shape(input_ids)[1]
        real = attention_mask > 0
        where = tf.where(real)  # (tokens, 2), row-major: each text's tokens are contiguous
        lengths = tf.reduce_sum(tf.cast(real, tf.int32), axis=1)
        starts = tf.cumsum(lengths, exclusive=True)  # packed row of each text's first (CLS) token
        # packed row of each padded slot; padding points at row 0 (its scores are masked to -1e30)
        slots = tf.where(real, starts[:, None] + tf.range(width)[None, :], 0)
        penalty = (1e30 * (1.0 - tf.cast(attention_mask, tf.float32)))[:, None, None, :]  # (batch, 1, 1, width)
        scale = tf.math.rsqrt(tf.cast(per_head, tf.float32))

        def norm(layer, x):  # the model's LayerNorms were built for (batch, length, dim)
            return tf.reshape(layer(x[None]), tf.shape(x))

        def attend(q, k, v):  # q (already scaled): (batch, heads, queries, per_head)
            scores = tf.matmul(q, k, transpose_b=True) - penalty
            return tf.matmul(stable_softmax(scores, axis=-1), v)

        def feed_forward(block, sa):
            ffn = block.ffn
            return norm(block.output_layer_norm, ffn.lin2(ffn.activation(ffn.lin1(sa))) + sa)

        def full_block(block, weights, h):  # h: (tokens, dim) -> (tokens, dim)
            att = block.attention
            packed = tf.nn.bias_add(tf.matmul(h, weights[0]), weights[1])  # (tokens, 3·dim): q·scale | k | v
            padded = tf.reshape(tf.gather(packed, slots), (batch, width, 3, heads, per_head))
            q, k, v = tf.unstack(tf.transpose(padded, (2, 0, 3, 1, 4)))  # each (batch, heads, width, per_head)
            context = attend(q, k, v)
            context = tf.reshape(tf.transpose(context, (0, 2, 1, 3)), (batch, width, dim))
            sa = norm(block.sa_layer_norm, att.out_lin(tf.gather_nd(context, where)) + h)
            return feed_forward(block, sa)

        def cls_block(block, h):  # the block's output for each text's first token only: (batch, dim)
            # With one query per text, keys and values need not be projected for every token:
            # q·(x Wk + bk) = x·(Wk q) + q·bk, and Σ w (x Wv + bv) = (Σ w x) Wv + bv as Σ w = 1.
            # Same products, summed in another order: float rounding only.
            att = block.attention
            first = tf.gather(h, starts)  # (batch, dim)
            q = tf.reshape(att.q_lin(first) * scale, (batch, heads, per_head))
            key_kernel = tf.reshape(att.k_lin.kernel, (dim, heads, per_head))
            value_kernel = tf.reshape(att.v_lin.kernel, (dim, heads, per_head))
            queries = tf.einsum("dhe,bhe->bhd", key_kernel, q)  # Wk q per head: (batch, heads, dim)
            offsets = tf.einsum("bhe,he->bh", q, tf.reshape(att.k_lin.bias, (heads, per_head)))
            tokens = tf.reshape(tf.gather(h, slots), (batch, width, dim))
            scores = tf.einsum("bwd,bhd->bhw", tokens, queries) + offsets[:, :, None] - penalty[:, 0]
            mixed = tf.einsum("bhw,bwd->bhd", stable_softmax(scores, axis=-1), tokens)  # (batch, heads, dim)
            context = tf.einsum("bhd,dhe->bhe", mixed, value_kernel) + tf.reshape(att.v_lin.bias, (heads, per_head))
            sa = norm(block.sa_layer_norm, att.out_lin(tf.reshape(context, (batch, dim))) + first)
            return feed_forward(block, sa)

        # embeddings of the real tokens only: word + position (its column in the padded batch), LayerNorm
        packed = embeddings(
            input_ids=tf.gather_nd(input_ids, where)[None], position_ids=where[:, 1][None], training=False
        )
        h = tf.reshape(packed, (-1, dim))
        if pooling == "cls":
            for block, weights in zip(blocks[:-1], qkv[:-1]):
                h = full_block(block, weights, h)
            return cls_block(blocks[-1], h)
        for block, weights in zip(blocks, qkv):
            h = full_block(block, weights, h)
        return tf.math.unsorted_segment_mean(h, where[:, 0], num_segments=tf.cast(batch, tf.int64))

    return forward


def _pad_width(longest: int, max_length: int) -> int:
    return min(max_length, -(-longest // PAD_MULTIPLE) * PAD_MULTIPLE)


class TransformerEncoder:
    """The study's DistilBERT vectors (``cls``) or masked-mean vectors (``mean``), batched and length-sorted.

    ``model`` is a hub id or a local ``save_pretrained`` directory; it is loaded on the first
    :meth:`transform`. Nothing is fitted. Rows come back in input order, float32.
    """

    column = "text"

    def __init__(
        self, model: str, pooling: str = "cls", max_length: int = 128, batch_size: int = 32, progress: bool = True
    ):
        if pooling not in POOLINGS:
            raise UserError(
                f"embed.pooling={pooling!r} is not a pooling here; use cls (the study's CLS token) or mean."
            )
        if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 2:
            raise UserError(
                f"embed.max_length={max_length!r} must be a whole number of tokens, at least 2 (the study used 128)."
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise UserError(f"embed.batch_size={batch_size!r} must be a whole number of texts, at least 1.")
        self.model = model
        self.pooling = pooling
        self.max_length = int(max_length)
        self.batch_size = int(batch_size)
        self.progress = progress
        self._tokenizer: Any = None
        self._model: Any = None
        self._forward: Any = None

    def fit(self, texts: list[str]) -> TransformerEncoder:
        return self  # pretrained: nothing to fit

    def _load(self) -> None:
        if self._forward is not None:
            return
        tokenizer, model = load_transformer(self.model)
        positions = getattr(model.config, "max_position_embeddings", None)
        if positions is not None and self.max_length > int(positions):
            raise UserError(
                f"embed.max_length={self.max_length} exceeds the {positions} positions of {self.model}; lower it."
            )
        import tensorflow as tf

        # the packed forward needs a first token in every text; DistilBERT's tokenizer always adds [CLS] and [SEP]
        parts = _distilbert_blocks(model) if len(tokenizer("")["input_ids"]) > 0 else None
        body = _distilbert_forward(*parts, self.pooling) if parts is not None else _generic_forward(model, self.pooling)
        signature = [
            tf.TensorSpec([None, None], tf.int32, name="input_ids"),
            tf.TensorSpec([None, None], tf.int32, name="attention_mask"),
        ]
        self._tokenizer, self._model = tokenizer, model
        self._forward = tf.function(body, input_signature=signature)

    @property
    def tokenizer(self) -> Any:
        """The loaded tokenizer (loads the model on first use)."""
        self._load()
        return self._tokenizer

    @property
    def tf_model(self) -> Any:
        """The loaded ``TFAutoModel`` (loads it on first use)."""
        self._load()
        return self._model

    def _tokenize(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All token ids in one flat int32 array, with each text's start offset and length."""
        flat_parts, length_parts = [], []
        for begin in range(0, len(texts), _TOKENIZE_CHUNK):
            ids = self._tokenizer(
                texts[begin : begin + _TOKENIZE_CHUNK],
                truncation=True,
                max_length=self.max_length,
                padding=False,
                return_attention_mask=False,
                return_token_type_ids=False,
            )["input_ids"]
            lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
            flat_parts.append(np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int32, count=int(lengths.sum())))
            length_parts.append(lengths)
        lengths = np.concatenate(length_parts)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        return np.concatenate(flat_parts), starts, lengths

    def transform(self, texts: list[str]) -> np.ndarray:
        from tqdm.auto import tqdm

        texts = list(texts)
        self._load()
        dim = int(self._model.config.hidden_size)
        if not texts:
            return np.zeros((0, dim), np.float32)
        first: dict[str, int] = {}  # a text's vector never depends on the others: embed each distinct text once
        slot = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
        flat, starts, lengths = self._tokenize(list(first))
        pad_id = self._tokenizer.pad_token_id or 0
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(first), dim), np.float32)
        batches = range(0, len(first), self.batch_size)
        for begin in tqdm(batches, desc="transformer", unit="batch", disable=not self.progress):
            rows = order[begin : begin + self.batch_size]
            input_ids, mask = _padded(
                flat, starts[rows], lengths[rows], _pad_width(int(lengths[rows].max()), self.max_length), pad_id
            )
            out[rows] = self._forward(input_ids, mask).numpy()
        return out if len(first) == len(texts) else out[slot]


def _padded(
    flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int, pad_id: int
) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) of shape (rows, width) for the given texts, right-padded, no Python loop."""
    columns = np.arange(width)
    mask = columns[None, :] < lengths[:, None]
    index = starts[:, None] + np.minimum(columns[None, :], np.maximum(lengths[:, None] - 1, 0))
    ids = np.where(mask, flat[np.clip(index, 0, max(len(flat) - 1, 0))] if len(flat) else pad_id, pad_id)
    return ids.astype(np.int32), mask.astype(np.int32)
