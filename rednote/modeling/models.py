"""The models on one design matrix (:mod:`rednote.modeling.design`): L2 logistic regression (the default and
the baseline), histogram gradient-boosted trees, the study's Keras MLP and its hybrid with an LSTM branch over
each user's January days.

Under cross-validation (:mod:`rednote.modeling.evaluation`) a model is fitted per fold by the closure
:func:`fold_fit` returns; the baseline is always a logistic regression on the design's behaviour and topic
columns only (:attr:`rednote.modeling.design.Design.baseline_columns`).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from rednote.core.errors import UserError
from rednote.core.io import rounded
from rednote.core.params import TrainParams
from rednote.features.cohort import MORE_RETAINED
from rednote.features.sequences import STEP_FEATURES
from rednote.modeling.linear import l2_logistic
from rednote.modeling.metrics import best_f1_threshold
from rednote.modeling.run_record import RunRecord


def class_weights(y: np.ndarray, enabled: bool) -> dict[int, float] | None:
    """Balanced class weights ``n / (2 n_c)`` when ``enabled``, else None."""
    if not enabled:
        return None
    counts = np.bincount(y.astype(int), minlength=2)
    return {c: float(len(y) / (2 * counts[c])) for c in (0, 1) if counts[c] > 0}


def seed_tensorflow(seed: int, threads: int) -> None:
    """Make TensorFlow repeatable: one seed for Python, NumPy and TF, deterministic ops, fixed threads.

    Call before TensorFlow runs any op.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # already initialised in this process (tests): keep its settings
        pass


def mlp_layers(dropout: float) -> list:
    """The study's MLP before its output, as new Keras layers: Dense 128 ReLU, BatchNorm, Dropout, Dense 64 ReLU,
    BatchNorm, Dropout (the whole :func:`build_mlp`, and the design branch of :func:`build_hybrid`)."""
    from keras import layers

    return [
        layer
        for units in (128, 64)
        for layer in (layers.Dense(units, activation="relu"), layers.BatchNormalization(), layers.Dropout(dropout))
    ]


def compiled(model: Any, learning_rate: float) -> Any:
    """``model`` compiled as the study's: Adam at ``learning_rate``, binary cross-entropy, Keras' AUC logged as
    ``auc`` (DVCLive's per-epoch ``auc`` and ``val_auc``)."""
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auc")],
    )
    return model


def build_mlp(n_features: int, dropout: float, learning_rate: float):
    """The study's MLP: Dense 128 ReLU, BatchNorm, Dropout, Dense 64 ReLU, BatchNorm, Dropout, sigmoid; Adam, BCE."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(n_features,))
    return compiled(
        keras.Sequential([inputs, *mlp_layers(dropout), layers.Dense(1, activation="sigmoid")]), learning_rate
    )


def hybrid_inputs(X: np.ndarray, n_static: int) -> list[np.ndarray]:
    """Split a design with appended activity into the hybrid model's two inputs: (n, n_static) and (n, days, steps)."""
    return [X[:, :n_static], X[:, n_static:].reshape(len(X), -1, len(STEP_FEATURES))]


def build_hybrid(n_static: int, n_days: int, p: TrainParams):
    """The study's hybrid: its MLP branch on the design matrix and an LSTM over the January days, joined before the output.

    MLP branch: Dense 128 ReLU, BatchNorm, Dropout, Dense 64 ReLU, BatchNorm, Dropout (as :func:`build_mlp`);
    LSTM branch: ``train.hybrid.lstm_units`` units over (days, posts + log1p counts); concatenated, an
    optional Dense ``train.hybrid.head_units`` ReLU, then the sigmoid. Adam, binary cross-entropy.
    """
    import keras
    from keras import layers

    static = keras.Input(shape=(n_static,), name="design")
    x = static
    for layer in mlp_layers(p.dropout):
        x = layer(x)
    days = keras.Input(shape=(n_days, len(STEP_FEATURES)), name="january_days")
    h = layers.Concatenate()([x, layers.LSTM(p.hybrid.lstm_units)(days)])
    if p.hybrid.head_units:
        h = layers.Dense(p.hybrid.head_units, activation="relu")(h)
    return compiled(keras.Model([static, days], layers.Dense(1, activation="sigmoid")(h)), p.learning_rate)


def build_keras(name: str, n_features: int, n_static: int, p: TrainParams):
    """The Keras model ``name`` for a design of ``n_features`` columns (hybrid: the first ``n_static`` feed the MLP
    branch, the rest are the January days)."""
    if name == "hybrid":
        return build_hybrid(n_static, (n_features - n_static) // len(STEP_FEATURES), p)
    return build_mlp(n_features, p.dropout, p.learning_rate)


def keras_inputs(name: str, X: np.ndarray, n_static: int) -> Any:
    """What a Keras model ``name`` takes for design rows ``X``: the matrix (mlp) or its two parts (hybrid)."""
    return hybrid_inputs(X, n_static) if name == "hybrid" else X


def train_keras(
    model: Any, fit_on: tuple[Any, np.ndarray], stop_on: tuple[Any, np.ndarray], p: TrainParams, callbacks: list
) -> Any:
    """Train a compiled Keras ``model`` on ``fit_on`` (inputs, labels) with early stopping (best weights restored)
    and LR reduction on the loss of ``stop_on``, balanced class weights if ``train.class_weight``; return it."""
    import keras

    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=p.patience, restore_best_weights=True)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=p.lr_factor, patience=p.lr_patience)
    model.fit(
        *fit_on,
        validation_data=stop_on,
        epochs=p.epochs,
        batch_size=p.batch_size,
        class_weight=class_weights(fit_on[1], p.class_weight),
        callbacks=[stop, reduce, *callbacks],
        shuffle=True,
        verbose=0,
    )
    return model


def fit_logreg(X: np.ndarray, y: np.ndarray, train: np.ndarray, p: TrainParams) -> LogisticRegression:
    """The baseline: L2 logistic regression on the same design, same class weighting."""
    return l2_logistic(p.logreg_c, p.class_weight, p.seed).fit(X[train], y[train])


def trainability_problem(y: np.ndarray, split: np.ndarray, minimum: int) -> str | None:
    """Why a model can't be trained and scored on this cohort (one sentence), or None when it can.

    Every split needs at least ``minimum`` retained users and at least one lost user.
    """
    for name in ("train", "val", "test"):
        part = y[split == name]
        positives = int(part.sum())
        if positives < minimum or positives == len(part):
            return (
                f"the {name} split has {positives} retained user(s) of {len(part)} (train.min_positives={minimum}); "
                f"the cohort has {int(y.sum())} retained in all, too few to train and score a model: {MORE_RETAINED}, "
                "or lower train.min_positives"
            )
    return None


def fit_gbt(X: np.ndarray, y: np.ndarray, train: np.ndarray, p: TrainParams) -> HistGradientBoostingClassifier:
    """Gradient-boosted trees (scikit-learn's histogram GBT) on ``train`` rows, early-stopped on a held-back share of them."""
    g = p.gbt
    model = HistGradientBoostingClassifier(
        learning_rate=g.learning_rate,
        max_iter=g.max_iter,
        max_leaf_nodes=g.max_leaf_nodes,
        l2_regularization=g.l2_regularization,
        class_weight="balanced" if p.class_weight else None,
        early_stopping=True,
        validation_fraction=g.validation_fraction,
        n_iter_no_change=g.patience,
        random_state=p.seed,
    )
    return model.fit(X[train], y[train])


def _keras_predict(model: Any, X: np.ndarray, n_static: int, name: str) -> np.ndarray:
    inputs = keras_inputs(name, X, n_static)
    if len(X) <= 8192:  # one call without predict()'s per-call set-up (permutation importance calls this often)
        return np.asarray(model.predict_on_batch(inputs)).ravel().astype("float64")
    return model.predict(inputs, batch_size=4096, verbose=0).ravel().astype("float64")


def _save_weights(model: Any, folder: Path) -> Path:
    path = folder / "model.weights.h5"
    model.save_weights(path)
    return path


def _pickle(model: Any, folder: Path) -> Path:
    path = folder / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    return path


def _unpickle(folder: Path, n_features: int, p: TrainParams, n_static: int) -> Any:
    return pickle.loads((folder / "model.pkl").read_bytes())


def _keras_loader(name: str) -> Callable[[Path, int, TrainParams, int], Any]:
    def load(folder: Path, n_features: int, p: TrainParams, n_static: int) -> Any:
        model = build_keras(name, n_features, n_static, p)
        model.load_weights(folder / "model.weights.h5")
        return model

    return load


def _keras_fit(name: str) -> Callable[..., Any]:
    """The spec's ``fit`` for the Keras model ``name``: built for the design's width, trained on ``train`` rows,
    early-stopped on ``val`` rows."""

    def fit(
        X: np.ndarray, y: np.ndarray, train: np.ndarray, val: np.ndarray, p: TrainParams, callbacks: list, n_static: int
    ) -> Any:
        model = build_keras(name, X.shape[1], n_static, p)
        rows = (keras_inputs(name, X[train], n_static), y[train]), (keras_inputs(name, X[val], n_static), y[val])
        return train_keras(model, *rows, p, callbacks)

    return fit


@dataclass(frozen=True)
class ModelSpec:
    """Everything the pipeline knows of a model, so adding one is one spec here (and its name in the params schema).

    ``fit(X, y, train, val, p, callbacks, n_static)`` returns the fitted model (``val`` rows and ``callbacks`` are
    for models that early-stop); ``predict(model, X, n_static)`` gives P(retained) per row; ``save(model, folder)``
    writes it and returns the file; ``load(folder, n_features, p, n_static)`` reads it back. ``early_stops``: the
    model needs held-back rows (under cv a share of each fold's training part, where it also picks its threshold);
    it is then a Keras model (TensorFlow seeded, DVCLive's per-epoch callback). A spec's name is its key in
    :data:`REGISTRY`.
    """

    fit: Callable[..., Any]
    predict: Callable[[Any, np.ndarray, int], np.ndarray]
    save: Callable[[Any, Path], Path]
    load: Callable[[Path, int, TrainParams, int], Any]
    early_stops: bool = False


def _sklearn_predict(model: Any, X: np.ndarray, n_static: int) -> np.ndarray:
    return model.predict_proba(X)[:, 1].astype("float64")


def _on_train_rows(fit: Callable[[np.ndarray, np.ndarray, np.ndarray, TrainParams], Any]) -> Callable[..., Any]:
    """A spec's ``fit`` for a model that needs no validation rows or callbacks."""

    def fit_spec(
        X: np.ndarray, y: np.ndarray, train: np.ndarray, val: np.ndarray, p: TrainParams, callbacks: list, n_static: int
    ) -> Any:
        return fit(X, y, train, p)

    return fit_spec


def _keras_spec(name: str) -> ModelSpec:
    """The study's MLP (``mlp``) or its hybrid with an LSTM branch (``hybrid``), early-stopped, saved as weights."""

    def predict(model: Any, X: np.ndarray, n_static: int) -> np.ndarray:
        return _keras_predict(model, X, n_static, name)

    return ModelSpec(_keras_fit(name), predict, _save_weights, _keras_loader(name), early_stops=True)


def _logreg_spec() -> ModelSpec:
    """L2 logistic regression (``train.logreg_c``), the default and the baseline, pickled."""
    return ModelSpec(_on_train_rows(fit_logreg), _sklearn_predict, _pickle, _unpickle)


def _gbt_spec() -> ModelSpec:
    """Histogram gradient-boosted trees (``train.gbt``), pickled."""
    return ModelSpec(_on_train_rows(fit_gbt), _sklearn_predict, _pickle, _unpickle)


#: The registry: ``train.model`` names one of these (``core/params.py`` lists the same names; a test checks). Each
#: spec is built when it is asked for (:func:`spec_of`), not at import, so what a spec's closures do is the code
#: as it is when the model is used.
REGISTRY: dict[str, Callable[[], ModelSpec]] = {
    "logreg": _logreg_spec,
    "gbt": _gbt_spec,
    "mlp": partial(_keras_spec, "mlp"),
    "hybrid": partial(_keras_spec, "hybrid"),
}
MODELS = tuple(REGISTRY)
#: The Keras models: fitted with early stopping on held-back rows, saved as weights.
KERAS_MODELS = tuple(name for name, make in REGISTRY.items() if make().early_stops)


def spec_of(name: str) -> ModelSpec:
    """The registry's spec for ``name``; one sentence when there is none."""
    if name not in REGISTRY:
        raise UserError(f"train.model={name!r} is not a model here; use one of {', '.join(MODELS)}.")
    return REGISTRY[name]()


@dataclass
class Fitted:
    """A trained model of any kind behind one interface: ``predict`` gives P(retained) per row."""

    name: str
    model: Any
    n_static: int = 0  # hybrid: how many leading design columns feed the MLP branch (the rest are the days)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return spec_of(self.name).predict(self.model, X, self.n_static)

    def save(self, folder: Path) -> Path:
        """Write the model into ``folder`` (its spec says how); return the file."""
        folder.mkdir(parents=True, exist_ok=True)
        return spec_of(self.name).save(self.model, folder)


def load_fitted(name: str, folder: Path, n_features: int, p: TrainParams, n_static: int) -> Fitted:
    """Load what :meth:`Fitted.save` wrote for model ``name`` (``n_static``: the hybrid's design columns)."""
    return Fitted(name, spec_of(name).load(folder, n_features, p, n_static), n_static)


def load_fits(record: RunRecord, folder: Path, n_features: int, p: TrainParams, n_static: int) -> list[list[Fitted]]:
    """Every model ``train`` saved under ``folder`` for the run ``record`` describes, as ``fits[r][k]``."""
    return [[load_fitted(record.model, folder / f, n_features, p, n_static) for f in row] for row in record.fits]


def fit_named(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    p: TrainParams,
    n_static: int,
    callbacks: list | None = None,
) -> Fitted:
    """Fit the model ``train.model`` names on ``train`` rows (early-stopping ones on ``val``); ``n_static``: the
    hybrid's design columns (the rest are its January days), ignored by the other models."""
    return Fitted(name, spec_of(name).fit(X, y, train, val, p, callbacks or [], n_static), n_static)


def live_callback(live: Any) -> Any:
    """DVCLive's Keras callback, logging each epoch's figures rounded like every other human-facing number."""
    from dvclive.keras import DVCLiveCallback

    class RoundedLiveCallback(DVCLiveCallback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            super().on_epoch_end(epoch, {name: rounded(float(value)) for name, value in (logs or {}).items()})

    return RoundedLiveCallback(live=live)


def log_fit(live, fitted: Fitted, X: np.ndarray, y: np.ndarray, train: np.ndarray, val: np.ndarray) -> None:
    """For models without epochs, log one step of train/eval loss and AUC under the names Keras' DVCLive callback uses.

    So every ``train.model`` fills ``dvclive/metrics.json`` and ``dvclive/plots`` with the same keys.
    """
    from sklearn.metrics import log_loss, roc_auc_score

    if fitted.name in KERAS_MODELS:
        return
    p = fitted.predict(X)
    for split, rows in (("train", train), ("eval", val)):
        auc = float(roc_auc_score(y[rows], p[rows])) if len(np.unique(y[rows])) == 2 else float("nan")
        live.log_metric(f"{split}/loss", rounded(float(log_loss(y[rows], p[rows], labels=[0, 1]))))
        live.log_metric(f"{split}/auc", rounded(auc))
    live.next_step()


@dataclass
class FoldModel:
    """One fold's fitted model as a ``predict`` callable; ``threshold`` when the fit chose one on its own rows."""

    fitted: Fitted
    threshold: float | None = None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.fitted.predict(X)


def fold_fit(name: str, p: TrainParams, n_static: int = 0) -> Callable[[np.ndarray, np.ndarray, int], FoldModel]:
    """A fit function for :func:`rednote.modeling.evaluation.cross_validate`: ``fit(X_train, y_train, seed)``.

    Most models fit on all rows given (GBT early-stops on its own held-back share of them). A model whose spec
    ``early_stops`` (the Keras ones) holds back a stratified ``train.early_stopping_share`` of the rows given for
    early stopping and LR reduction, and chooses its threshold (max F1) there; Keras is reseeded with the fold's
    seed so each fold repeats exactly.
    """
    spec = spec_of(name)

    def fit(X: np.ndarray, y: np.ndarray, seed: int) -> FoldModel:
        q = p.model_copy(update={"seed": seed})
        if not spec.early_stops:
            everyone = np.ones(len(y), dtype=bool)
            return FoldModel(Fitted(name, spec.fit(X, y, everyone, ~everyone, q, [], n_static), n_static))
        import keras

        keras.utils.set_random_seed(seed)
        index = np.arange(len(y))
        stratify = y if np.bincount(y.astype(int), minlength=2).min() >= 2 else None
        inner, held = train_test_split(index, test_size=p.early_stopping_share, random_state=seed, stratify=stratify)
        train, val = np.isin(index, inner), np.isin(index, held)
        fitted = Fitted(name, spec.fit(X, y.astype("float32"), train, val, q, [], n_static), n_static)
        return FoldModel(fitted, best_f1_threshold(y[val], fitted.predict(X[val])))

    return fit


def baseline_fit(p: TrainParams) -> Callable[[np.ndarray, np.ndarray, int], FoldModel]:
    """The baseline's fit function for cross-validation: :func:`fit_logreg` (``train.logreg_c``) on the rows given."""
    return fold_fit("logreg", p)
