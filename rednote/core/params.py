"""The typed schema of ``params.yaml``: one model per section, checked once when a stage loads it.

Every knob a user may change lives in ``params.yaml``; this module says what each may hold (type,
range, allowed values) and rejects unknown and missing keys. :func:`load_params` turns the first
problem into one sentence that names the key, the value and what is allowed, e.g.
``train.epochs must be a whole number ≥ 1, got 'abc'`` — before a stage does any work, so a bad
``dvc exp run -S key=value`` costs nothing.

pydantic (v2, already installed as a dependency of DVC) rather than hand-written dataclass checks:
it parses and checks nested sections, ranges, literals and unknown keys declaratively, and reports
each problem with its location, which is all the one-sentence message needs.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from rednote.core.errors import UserError

PARAMS_FILE = "params.yaml"
#: The bundled synthetic sample: data.raw in the committed params.yaml (README, The data).
BUNDLED_SAMPLE = "data/sample/tt_refugee_sample.csv"

Share = Annotated[float, Field(gt=0, lt=1)]
Count = Annotated[int, Field(ge=1)]
Seed = Annotated[int, Field(ge=0)]
Date = dt.date


class Section(BaseModel):
    """A params section: unknown keys are errors; values are frozen once checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DataParams(Section):
    raw: str = Field(min_length=1)
    posts: str
    comments: str
    users: str
    sequences: str
    embeddings: str
    topics: str
    predictions: str
    segments: str


class CleanParams(Section):
    window_start: Date
    window_end: Date
    max_malformed_share: Annotated[float, Field(ge=0, le=1)]
    max_unreadable_time_share: Annotated[float, Field(ge=0, le=1)]
    export_timezone: str

    @model_validator(mode="after")
    def _ordered(self) -> CleanParams:
        _check_order("clean.window_start", self.window_start, "clean.window_end", self.window_end)
        try:
            ZoneInfo(self.export_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"clean.export_timezone={self.export_timezone!r} is not a time zone name (an IANA name such as "
                "Asia/Shanghai, Europe/Berlin or America/New_York)"
            ) from None
        return self


class LabelParams(Section):
    observe_start: Date
    observe_end: Date
    target_start: Date
    target_end: Date
    activity: Literal["posts", "posts_and_comments"]
    cohort: Literal["posters", "joiners"]
    design: Literal["calendar", "landmark"]
    landmark_days: Count
    horizon_days: Count
    joined_start: Date
    joined_end: Date
    extra_stop_words: list[str]

    @model_validator(mode="after")
    def _ordered(self) -> LabelParams:
        _check_order("label.observe_start", self.observe_start, "label.observe_end", self.observe_end)
        _check_order("label.target_start", self.target_start, "label.target_end", self.target_end)
        _check_order("label.joined_start", self.joined_start, "label.joined_end", self.joined_end)
        if self.target_start <= self.observe_end:
            raise ValueError(
                f"label.target_start ({self.target_start}) must come after label.observe_end ({self.observe_end}): "
                "the label must come from days the features never see"
            )
        return self


class SplitParams(Section):
    seed: Seed
    val_share: Share
    test_share: Share

    @model_validator(mode="after")
    def _sum(self) -> SplitParams:
        if self.val_share + self.test_share >= 1:
            raise ValueError(
                f"split.val_share + split.test_share must be below 1 (training needs users), "
                f"got {self.val_share} + {self.test_share}"
            )
        return self


class UseParams(Section):
    batch_size: Count


class TfidfParams(Section):
    n_components: Count
    max_features: Count
    min_df: Count


class FastTextParams(Section):
    dim: Annotated[int, Field(ge=2, le=1000)]
    window: Count
    min_count: Count
    epochs: Count
    min_n: Count
    max_n: Count

    @model_validator(mode="after")
    def _ngrams(self) -> FastTextParams:
        if self.max_n < self.min_n:
            raise ValueError(
                f"embed.fasttext.max_n ({self.max_n}) must be at least embed.fasttext.min_n ({self.min_n})"
            )
        return self


class EmbedParams(Section):
    encoder: Literal["use", "tfidf", "fasttext", "transformer"]
    seed: Seed
    use: UseParams
    tfidf: TfidfParams
    fasttext: FastTextParams
    model: str = Field(min_length=1)
    pooling: Literal["cls", "mean"]
    max_length: Annotated[int, Field(ge=8, le=512)]
    batch_size: Count


class TopicsParams(Section):
    n_topics: Count
    max_features: Count
    min_df: Count
    max_df: Annotated[float, Field(gt=0, le=1)]
    n_top_words: Count
    seed: Seed


class GbtParams(Section):
    learning_rate: Annotated[float, Field(gt=0, le=1)]
    max_iter: Count
    max_leaf_nodes: Annotated[int, Field(ge=2)]
    l2_regularization: Annotated[float, Field(ge=0)]
    validation_fraction: Share
    patience: Count


class HybridParams(Section):
    lstm_units: Count
    head_units: Annotated[int, Field(ge=0)]


class TrainParams(Section):
    model: Literal["mlp", "logreg", "gbt", "hybrid"]
    seed: Seed
    threads: Count
    features: Annotated[list[Literal["behaviour", "topics", "text", "account"]], Field(min_length=1)]
    log_counts: bool
    class_weight: bool
    min_positives: Count
    allow_degenerate: bool
    epochs: Count
    batch_size: Count
    learning_rate: Annotated[float, Field(gt=0, le=1)]
    dropout: Annotated[float, Field(ge=0, lt=1)]
    patience: Count
    lr_factor: Share
    lr_patience: Count
    logreg_c: Annotated[float, Field(gt=0)]
    text_components: Annotated[int, Field(ge=0)]
    early_stopping_share: Share
    gbt: GbtParams
    hybrid: HybridParams


class ExplainParams(Section):
    repeats: Count
    seed: Seed
    odds_c: Annotated[float, Field(gt=0)]
    odds_bootstrap: Annotated[int, Field(ge=0)]
    ci_level: Share


class CvParams(Section):
    folds: Annotated[int, Field(ge=2)]
    repeats: Count
    inner_folds: Annotated[int, Field(ge=2)]


class EvaluateParams(Section):
    scheme: Literal["cv", "holdout", "auto"]
    auto_min_retained: Count
    cv: CvParams
    permutations: Annotated[int, Field(ge=0)]
    bootstrap: Annotated[int, Field(ge=0)]
    ci_level: Share
    seed: Seed

    def chosen(self, n_retained: int) -> Literal["cv", "holdout"]:
        """The scheme in force: ``auto`` is holdout from ``auto_min_retained`` retained users up, else cv."""
        if self.scheme == "auto":
            return "holdout" if n_retained >= self.auto_min_retained else "cv"
        return self.scheme


class NamingParams(Section):
    engagement_ratio: Annotated[float, Field(gt=1)]
    share_margin: Share
    day_margin: Annotated[float, Field(ge=0)]


class DbscanParams(Section):
    eps: Annotated[float, Field(gt=0)]
    min_samples: Count


class AnomalyParams(Section):
    influencer_likes_ratio: Annotated[float, Field(gt=0)]
    influencer_max_posts: Count
    many_posts: Count
    silent_engagement_ratio: Annotated[float, Field(ge=0)]
    n_distinctive: Count


class CommunityParams(Section):
    max_tag_share: Annotated[float, Field(gt=0, le=1)]
    max_pairs: Count
    min_shared_tags: Count
    resolution: Annotated[float, Field(gt=0)]
    n_top_tags: Count
    top_central: Count
    plot_top: Count
    network_communities: Count
    network_nodes: Annotated[int, Field(ge=10)]
    network_labels: Annotated[int, Field(ge=0)]


class SegmentParams(Section):
    seed: Seed
    k: Literal["auto"] | Annotated[int, Field(ge=2)]
    k_range: Annotated[list[Annotated[int, Field(ge=2)]], Field(min_length=2, max_length=2)]
    n_init: Count
    silhouette_sample: Annotated[int, Field(ge=10)]
    retention_splits: Annotated[list[Literal["train", "val", "test"]], Field(min_length=1)]
    n_top_topics: Count
    n_top_words: Count
    naming: NamingParams
    dbscan: DbscanParams
    anomaly: AnomalyParams
    communities: CommunityParams
    study_mode: bool
    study_k: Annotated[int, Field(ge=2)]

    @model_validator(mode="after")
    def _range(self) -> SegmentParams:
        low, high = self.k_range
        if high < low:
            raise ValueError(f"segment.k_range must be [low, high] with low ≤ high, got {list(self.k_range)}")
        return self


class EdaParams(Section):
    top_words: Count
    wordcloud_words: Count
    seed: Seed


class SurvivalParams(Section):
    silence_days: Count
    features: Annotated[list[Literal["behaviour", "topics", "account"]], Field(min_length=1)]
    baseline: Annotated[list[Literal["behaviour", "topics", "account"]], Field(min_length=1)]
    penalizer: Annotated[float, Field(ge=0)]
    min_group_users: Count
    bootstrap: Annotated[int, Field(ge=0)]
    ci_level: Share


class Params(Section):
    """The whole of ``params.yaml``."""

    data: DataParams
    clean: CleanParams
    label: LabelParams
    split: SplitParams
    embed: EmbedParams
    topics: TopicsParams
    train: TrainParams
    explain: ExplainParams
    evaluate: EvaluateParams
    segment: SegmentParams
    eda: EdaParams
    survival: SurvivalParams


def _check_order(first_key: str, first: dt.date, last_key: str, last: dt.date) -> None:
    if last < first:
        raise ValueError(f"{last_key} ({last}) comes before {first_key} ({first})")


def load_params(path: str | Path = PARAMS_FILE) -> Params:
    """Read and check ``params.yaml``; raise UserError with one sentence on the first problem found."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} was not found; run the stage from the repository root, where params.yaml lives.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"{path} is not valid YAML{where}; fix it or restore it (`git checkout {path}`).") from None
    return parse_params(raw, str(path))


def set_keys(raw: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Set dotted keys (``train.epochs``, or a whole section such as ``segment``) in a params mapping, in place.

    What ``dvc exp run -S key=value`` does to params.yaml; for tests and benchmarks that write a copy's params.
    Returns ``raw``.
    """
    for dotted, value in changes.items():
        node = raw
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return raw


def parse_params(raw: Any, source: str = PARAMS_FILE) -> Params:
    """Check a params mapping (as read from YAML) against :class:`Params`; UserError on the first problem."""
    if not isinstance(raw, dict):
        raise UserError(f"{source} does not hold a mapping of sections; restore it from git (`git checkout {source}`).")
    try:
        return Params.model_validate(raw)
    except ValidationError as err:
        problems = err.errors()
        sentence = describe_error(problems[0], raw)
        keys = {tuple(_key_path(problem["loc"])) for problem in problems}  # a union reports once per member
        more = f" ({len(keys) - 1} more problem(s) after this one)" if len(keys) > 1 else ""
        raise UserError(f"{sentence} in {source}{more}; fix it there or in your `-S` option.") from None


def describe_error(error: Any, raw: Any = None) -> str:
    """One clause for a pydantic error: which key, what it got (from ``raw``, the mapping read), what is allowed."""
    loc = _key_path(error["loc"])
    key = ".".join(loc) or "the file"
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        known = ", ".join(parent.model_fields) if parent else ""
        return f"{key} is not a known parameter (`{'.'.join(loc[:-1]) or 'top level'}` has: {known})"
    if kind == "missing":
        return f"{key} is missing"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    value = _value_at(raw, loc) if raw is not None else error.get("input")
    field = _field_at(loc)
    allowed = _allowed(field) if field is not None else error["msg"].lower()
    return f"{key} must be {allowed}, got {value!r}"


def _key_path(loc: tuple[Any, ...]) -> list[str]:
    """The params keys in a pydantic error location, without list indexes and union member tags."""
    path: list[str] = []
    model: type[BaseModel] | None = Params
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            if model is not None and isinstance(part, str) and part not in model.model_fields:
                path.append(part)  # an unknown key: name it
            break
        path.append(part)
        annotation = model.model_fields[part].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return path


def _value_at(raw: Any, loc: list[str]) -> Any:
    for part in loc:
        if not isinstance(raw, dict) or part not in raw:
            return None
        raw = raw[part]
    return raw


def _model_at(loc: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = Params
    for name in loc:
        field = model.model_fields.get(name)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _field_at(loc: list[str]) -> FieldInfo | None:
    model = _model_at(loc[:-1]) if loc else None
    return model.model_fields.get(loc[-1]) if model else None


def _allowed(field: FieldInfo) -> str:
    """What a field accepts, in words: 'a whole number ≥ 1', 'one of mlp, logreg, gbt', 'a list drawn from …'."""
    return _describe_type(field.annotation, field.metadata)


def _describe_type(annotation: Any, metadata: list[Any]) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _describe_type(args[0], [*metadata, *args[1:]])
    bounds = _bounds(metadata)
    if origin is Literal:
        return "one of " + ", ".join(map(str, args))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe_type(a, []).removeprefix("one of ") for a in args)
    if origin is list:
        low = next((m.min_length for m in metadata if isinstance(m, MinLen)), 0)
        high = next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)
        lead = f"a list of {low} items" if low == high else "a non-empty list" if low else "a list"
        inner = _describe_type(args[0], []) if args else "a value"
        if inner.startswith("one of "):
            return f"{lead} drawn from {inner.removeprefix('one of ')}"
        return f"{lead}, each {inner}"
    names = {int: "a whole number", float: "a number", bool: "true or false", str: "text", dt.date: "a date YYYY-MM-DD"}
    return names.get(annotation, str(annotation)) + bounds


def _bounds(metadata: list[Any]) -> str:
    parts = []
    for m in metadata:
        if isinstance(m, FieldInfo):  # Annotated[int, Field(ge=1)] nested in a list: its own constraints
            parts.append(_bounds(m.metadata).strip())
        for cls, sign, attr in ((Ge, "≥", "ge"), (Gt, ">", "gt"), (Le, "≤", "le"), (Lt, "<", "lt")):
            if isinstance(m, cls):
                parts.append(f"{sign} {getattr(m, attr)}")
    parts = [part for part in parts if part]
    return (" " + " and ".join(parts)) if parts else ""
