"""Model and training configuration: plain dataclasses, saved as JSON beside every checkpoint.

The paper leaves several details open (see docs/MODEL.md, "Choices where the paper is silent"); the uncertain
ones are flags here so they can be switched without touching code once the official implementation is readable.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

UCF_CRIME_CATEGORIES = [
    "Abuse", "Arrest", "Arson", "Assault", "Burglary", "Explosion", "Fighting",
    "RoadAccidents", "Robbery", "Shooting", "Shoplifting", "Stealing", "Vandalism",
]

CROSS_ATTENTION_MODES = ("segments_query", "prototype_query")
SMOOTHING_MODES = ("temporal", "category_gmm", "none")
PROTOTYPE_TEACHING_MODES = ("balanced", "anomalous_only", "off")
MOTION_NORMALISATION_MODES = ("none", "per_video")
INPUT_NORMALISATION_MODES = ("none", "dataset_rms", "row_rms")


class ConfigError(ValueError):
    """A configuration value is out of range; the message names the field and what is allowed."""


@dataclass
class ModelConfig:
    feature_dim: int = 512
    # The input made scale-free before everything else (the motion intensity v_t included), so that one recipe and
    # one meaning of log v_t fit every feature kind (L2-normalised 4096-d C3D rows have RMS 1/64, unit-variance
    # features 1): "dataset_rms" multiplies every feature by input_scale, which refinevad.train derives from the
    # training features (1 / their RMS) and prints; "row_rms" rescales each segment's row to unit RMS (the row norm
    # is lost); "none" takes the features as given (input_scale unused).
    input_normalisation: str = "none"
    input_scale: float = 1.0
    hidden_dim: int = 128
    categories: List[str] = field(default_factory=lambda: list(UCF_CRIME_CATEGORIES))
    # MoTAR
    use_motar: bool = True
    shift_mlp_hidden: int = 32
    fold_div: int = 8               # K in s_t = r_t * D / K
    shift_temperature: float = 1.0  # tau of the soft channel mask; the hard shift is the limit tau -> 0
    motion_embedding: bool = True   # also feed log motion intensity to the encoder
    # log v_t as it is ("none"), or standardised over each clip's segments that have a previous one ("per_video"),
    # so that its scale no longer depends on the feature kind (work in progress, docs/MODEL.md)
    motion_normalisation: str = "none"
    transformer_layers: int = 2
    transformer_heads: int = 4
    transformer_ff: int = 256
    dropout: float = 0.0
    # CORE
    use_core: bool = True
    cross_attention: str = "segments_query"
    # Training-time prototype addition (v + e_y). "anomalous_only" is the paper's reading, but whether anything
    # was added then gives the video label away to the scoring path; "balanced" adds a random category's
    # prototype to normal videos so that only the prototype's fit to the content carries information.
    prototype_teaching: str = "balanced"
    head_hidden: int = 64

    def validate(self) -> "ModelConfig":
        _require(self.feature_dim >= 8, "feature_dim", self.feature_dim, "an integer >= 8")
        _require(self.input_normalisation in INPUT_NORMALISATION_MODES, "input_normalisation",
                 self.input_normalisation, " or ".join(INPUT_NORMALISATION_MODES))
        _require(0.0 < self.input_scale < float("inf"), "input_scale", self.input_scale, "a finite number > 0")
        _require(self.hidden_dim >= 8, "hidden_dim", self.hidden_dim, "an integer >= 8")
        _require(self.hidden_dim % self.transformer_heads == 0, "transformer_heads", self.transformer_heads,
                 f"a divisor of hidden_dim ({self.hidden_dim})")
        _require(len(self.categories) >= 1, "categories", self.categories, "a non-empty list of names")
        _require(len(set(self.categories)) == len(self.categories), "categories", self.categories,
                 "unique names")
        _require("Normal" not in self.categories, "categories", self.categories,
                 "names other than 'Normal' (normal is the absence of every category)")
        _require(self.fold_div >= 2, "fold_div", self.fold_div, "an integer >= 2")
        _require(self.shift_temperature > 0, "shift_temperature", self.shift_temperature, "a number > 0")
        _require(self.transformer_layers >= 1, "transformer_layers", self.transformer_layers, "an integer >= 1")
        _require(0.0 <= self.dropout < 1.0, "dropout", self.dropout, "a number in [0, 1)")
        _require(self.cross_attention in CROSS_ATTENTION_MODES, "cross_attention", self.cross_attention,
                 " or ".join(CROSS_ATTENTION_MODES))
        _require(self.motion_normalisation in MOTION_NORMALISATION_MODES, "motion_normalisation",
                 self.motion_normalisation, " or ".join(MOTION_NORMALISATION_MODES))
        _require(self.prototype_teaching in PROTOTYPE_TEACHING_MODES, "prototype_teaching",
                 self.prototype_teaching, " or ".join(PROTOTYPE_TEACHING_MODES))
        return self


@dataclass
class TrainConfig:
    epochs: int = 10
    batch_size: int = 32          # videos per step, half normal and half anomalous
    max_segments: int = 128       # longer training videos are mean-pooled down to this length
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    mil_weight: float = 1.0
    # The MIL form: a video's score is the mean of its top k segment scores, k = floor(T / topk_every) + 1 (one more
    # segment per topk_every segments; 16 is RTFM's k = 3 of 32 segments; a topk_every above the longest video gives
    # k = 1, the max of Sultani et al.)
    topk_every: int = 16
    smoothing: str = "temporal"
    smoothing_weight: float = 0.1  # lambda_1 of the paper
    category_weight: float = 0.2   # lambda_2 of the paper
    seed: int = 0
    # The fraction of the final optimiser steps whose weights are averaged, equally, into the model written
    # (stochastic weight averaging over the low learning rates at the end of the cosine schedule: a flatter, less
    # seed-dependent solution than the last step's); 0 keeps the last step's weights.
    average_last: float = 0.0
    # The share of draws of a normal training video longer than the serving window (calibration_window) that are a
    # raw crop of that many segments at a random place instead of the whole, mean-pooled video (refinevad/crops.py:
    # the server scores raw windows, some of which lie inside a long benign burst); 0 always draws whole videos.
    normal_crops: float = 0.0
    # Stop with an error (exit 2, nothing written) when the MIL loss is at chance or the scores stop varying after
    # the warm-up (train.py); false keeps such a model, for experiments that study failures.
    check_learning: bool = True
    # The alarm threshold is calibrated after training on the streaming scores (window W, the serving default) of
    # up to this many training videos, half normal and half anomalous (events.calibrate_threshold).
    calibration_window: int = 32
    calibration_videos: int = 200
    # The share of each class's training videos set aside before training and used only to calibrate the alarm
    # threshold and the category confidence, streamed raw as the server streams them: a threshold set on videos the
    # model has fitted sits too close to their scores for unseen video (docs/MODEL.md). 0, or a class with fewer
    # than train.MIN_HELD_OUT videos to set aside, calibrates on the training videos themselves.
    calibration_holdout: float = 0.0

    def validate(self) -> "TrainConfig":
        _require(self.epochs >= 1, "epochs", self.epochs, "an integer >= 1")
        _require(self.batch_size >= 2, "batch_size", self.batch_size, "an integer >= 2")
        _require(self.max_segments >= 16, "max_segments", self.max_segments, "an integer >= 16")
        _require(self.learning_rate > 0, "learning_rate", self.learning_rate, "a number > 0")
        _require(self.topk_every >= 1, "topk_every", self.topk_every, "an integer >= 1")
        _require(0.0 <= self.average_last <= 1.0, "average_last", self.average_last, "a fraction in [0, 1]")
        _require(0.0 <= self.normal_crops <= 1.0, "normal_crops", self.normal_crops, "a fraction in [0, 1]")
        _require(self.calibration_window >= 1, "calibration_window", self.calibration_window, "an integer >= 1")
        _require(self.calibration_videos >= 2, "calibration_videos", self.calibration_videos, "an integer >= 2")
        _require(0.0 <= self.calibration_holdout <= 0.5, "calibration_holdout", self.calibration_holdout,
                 "a fraction in [0, 0.5]")
        _require(self.smoothing in SMOOTHING_MODES, "smoothing", self.smoothing, " or ".join(SMOOTHING_MODES))
        return self


@dataclass
class Config:
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(raw: dict) -> "Config":
        unknown = set(raw) - {"model", "train"}
        if unknown:
            raise ConfigError(f"unknown config section(s) {sorted(unknown)}; allowed: model, train")
        return Config(model=_build(ModelConfig, raw.get("model", {}), "model").validate(),
                      train=_build(TrainConfig, raw.get("train", {}), "train").validate())

    @staticmethod
    def load(path: Path) -> "Config":
        try:
            raw = json.loads(Path(path).read_text())
        except json.JSONDecodeError as e:
            raise ConfigError(f"{path}: not valid JSON ({e})") from e
        return Config.from_dict(raw)

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")


def _build(cls, values: dict, section: str):
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(values) - names
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)} in config section '{section}'; "
                          f"allowed: {', '.join(sorted(names))}")
    return cls(**values)


def _require(ok: bool, name: str, value, allowed: str) -> None:
    if not ok:
        raise ConfigError(f"config value {name}={value!r} is not allowed; expected {allowed}")
