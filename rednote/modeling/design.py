"""The design matrix: what every model, the baseline, the factors and the importance see of a user.

[behaviour features (log1p where heavy-tailed, then standardized) | topic weights (standardized) | text vectors
reduced to ``train.text_components`` dimensions (standardized) | the hybrid model's January days], with the
scaler fitted on the rows given (the training split under ``evaluate.scheme: holdout``; all cohort users under
``cv``, where it is a label-free transform of January data). A :class:`Design` records which columns belong to
which block, so no other module has to know how columns are named.

``train`` and ``explain`` both call :func:`model_design`, so the fold models ``explain`` loads always see the
columns they were fitted on; ``evaluate``'s permutation test and ``explain``'s factors call :func:`baseline_design`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import StandardScaler

from rednote.core.errors import UserError
from rednote.core.params import TrainParams
from rednote.features.cohort import ACCOUNT_FEATURES, BEHAVIOUR_FEATURES, SKEWED_FEATURES
from rednote.features.sequences import sequence_array

FEATURE_BLOCKS = ("behaviour", "topics", "text", "account")
#: Blocks whose columns are shuffled together in permutation importance (one group each).
GROUPED_BLOCKS = ("text", "activity")


@dataclass
class Design:
    """The model inputs: ``X`` (n, d) float32, ``names`` of its columns, the fitted scaler, and ``blocks``: which
    columns (a slice of ``X``) hold ``behaviour``, ``topics``, ``text`` and (hybrid) ``activity``."""

    X: np.ndarray
    names: list[str]
    scaler: StandardScaler | None
    blocks: dict[str, slice] = field(default_factory=dict)

    def columns(self, *blocks: str) -> np.ndarray:
        """Indexes of the columns of the given blocks, in design order."""
        idx = [np.arange(self.X.shape[1])[self.blocks[b]] for b in self.blocks if b in blocks]
        return np.concatenate(idx).astype(np.int64) if idx else np.zeros(0, dtype=np.int64)

    @property
    def baseline_columns(self) -> np.ndarray:
        """What the simple baseline sees: the behaviour, topic and account columns (no text, no January days)."""
        return self.columns("behaviour", "topics", "account")

    @property
    def n_static(self) -> int:
        """How many leading columns are not the hybrid's January days."""
        return self.blocks["activity"].start if "activity" in self.blocks else self.X.shape[1]

    def groups(self) -> dict[str, list[int]]:
        """Permutation-importance groups: each behaviour feature and topic alone; the text block as one group named
        ``text``, the January days as one named ``activity``."""
        out: dict[str, list[int]] = {}
        for block, cols in self.blocks.items():
            idx = list(range(self.X.shape[1]))[cols]
            if block in GROUPED_BLOCKS:
                out[block] = idx
            else:
                out |= {self.names[i]: [i] for i in idx}
        return out


def behaviour_matrix(users: pd.DataFrame, log_counts: bool, features: Sequence[str] = BEHAVIOUR_FEATURES) -> np.ndarray:
    """The ``features`` (by default the behaviour ones) as (n, len(features)) float64, log1p on the skewed ones if
    asked."""
    frame = users[list(features)].astype("float64").copy()
    if log_counts:
        skewed = [f for f in features if f in SKEWED_FEATURES]
        frame[skewed] = np.log1p(frame[skewed].clip(lower=0))
    return frame.to_numpy()


def build_design(
    users: pd.DataFrame,
    topics: np.ndarray,
    text: np.ndarray,
    train: np.ndarray,
    blocks: Sequence[str],
    log_counts: bool,
) -> Design:
    """Stack the chosen feature ``blocks``; standardize behaviour and topics with a scaler fitted on ``train`` rows."""
    unknown = [b for b in blocks if b not in FEATURE_BLOCKS]
    if unknown or not blocks:
        raise UserError(
            f"train.features={blocks} must be a non-empty list drawn from {list(FEATURE_BLOCKS)}; fix params.yaml."
        )
    if not (len(users) == len(topics) == len(text)):
        raise UserError(
            f"the users table has {len(users)} rows but topics have {len(topics)} and text vectors {len(text)}; rerun `dvc repro`."
        )
    scaled_parts: list[np.ndarray] = []
    names: list[str] = []
    spans: dict[str, slice] = {}
    if "behaviour" in blocks:
        scaled_parts.append(behaviour_matrix(users, log_counts))
        spans["behaviour"] = slice(len(names), len(names) + len(BEHAVIOUR_FEATURES))
        names += list(BEHAVIOUR_FEATURES)
    if "topics" in blocks:
        scaled_parts.append(topics.astype("float64"))
        spans["topics"] = slice(len(names), len(names) + topics.shape[1])
        names += [f"topic_{k}" for k in range(topics.shape[1])]
    if "account" in blocks:
        scaled_parts.append(behaviour_matrix(users, log_counts, ACCOUNT_FEATURES))
        spans["account"] = slice(len(names), len(names) + len(ACCOUNT_FEATURES))
        names += list(ACCOUNT_FEATURES)
    parts = []
    scaler = StandardScaler()
    if scaled_parts:
        scaled = np.hstack(scaled_parts)
        scaler.fit(scaled[train])
        parts.append(scaler.transform(scaled))
    if "text" in blocks:
        parts.append(text.astype("float64"))
        spans["text"] = slice(len(names), len(names) + text.shape[1])
        names += [f"text_{k}" for k in range(text.shape[1])]
    return Design(np.hstack(parts).astype(np.float32), names, scaler, spans)


def with_sequences(design: Design, sequences: np.ndarray) -> Design:
    """The design with each user's day-by-day activity (n, days, steps) appended as the ``activity`` block.

    The hybrid model reads them back as a sequence (:func:`rednote.modeling.models.hybrid_inputs`); keeping one
    matrix lets cross-validation, saving and permutation importance treat every model alike.
    """
    n, days, steps = sequences.shape
    start = design.X.shape[1]
    names = design.names + [f"activity_{i}" for i in range(days * steps)]
    X = np.hstack([design.X, sequences.reshape(n, days * steps)]).astype(np.float32)
    return Design(X, names, design.scaler, {**design.blocks, "activity": slice(start, start + days * steps)})


def reduce_text(text: np.ndarray, components: int, seed: int) -> np.ndarray:
    """The text vectors (n, d) reduced to ``components`` columns by TruncatedSVD, standardized; float64.

    Label-free (fitted on the rows given: all cohort users' January text). ``components`` 0 gives an
    (n, 0) block (text dropped); ``components`` ≥ d keeps all d columns, standardized. Standardizing
    puts text on the scale of the behaviour block, so one L2 penalty treats the blocks alike.
    """
    text = np.asarray(text, dtype=np.float64)
    if components <= 0 or text.shape[1] == 0:
        return np.zeros((len(text), 0))
    if components < text.shape[1] and len(text) > components:
        text = TruncatedSVD(n_components=components, random_state=seed).fit_transform(text)
    return StandardScaler().fit_transform(text)


def model_design(
    users: pd.DataFrame,
    topics: np.ndarray,
    embeddings: np.ndarray,
    sequences: pd.DataFrame | None,
    scheme: str,
    p: TrainParams,
) -> Design:
    """The design ``train`` fits on and ``explain`` loads fold models for: ``p.features`` with the text reduced,
    the scaler fitted on every cohort user under ``cv`` and on the train split under ``holdout``, and for the
    hybrid model each user's January days (``sequences``, looked up by user id) appended."""
    text = reduce_text(embeddings, p.text_components, p.seed)
    rows = np.ones(len(users), dtype=bool) if scheme == "cv" else users["split"].to_numpy() == "train"
    design = build_design(users, topics, text, rows, p.features, p.log_counts)
    if p.model == "hybrid":
        if sequences is None:
            raise ValueError("the hybrid model needs the day-by-day sequences")
        design = with_sequences(design, sequence_array(sequences, users["user_id"]))
    return design


def baseline_design(users: pd.DataFrame, topics: np.ndarray, p: TrainParams) -> Design:
    """Behaviour and topics of every cohort user (whichever of them ``p.features`` has; behaviour when it has
    neither), standardized over all users: the permutation test's and the factors' design."""
    blocks = [b for b in p.features if b != "text"] or ["behaviour"]
    return build_design(users, topics, np.zeros((len(users), 0)), np.ones(len(users), dtype=bool), blocks, p.log_counts)
