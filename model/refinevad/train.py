"""Train RefineVAD from video-level labels (multiple-instance learning) on a data folder.

Every feature file is read and checked before training starts, and the model folder is written in one step at the
end (config.json, weights.pt, training.json), so a failed run never leaves a half-written model behind.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np
import torch

from . import cli
from .category_calibration import calibrate_categories
from .config import Config, TrainConfig
from .crops import NormalCrops
from .data import Dataset, pad_batch, resample_mean
from .events import MIN_SEGMENTS, alarm_level, calibrate_threshold
from .folders import replaced_folder
from .inference import CONFIG_FILE, TRAINING_FILE, WEIGHTS_FILE, score_streaming
from .losses import refinevad_loss
from .model import RefineVAD


@dataclass
class TrainingSet:
    features: List[np.ndarray]
    labels: np.ndarray           # [N] 0/1
    categories: np.ndarray       # [N, C] multi-hot
    feature_dim: int
    # the unpooled features of the normal videos kept for train.normal_crops (index -> [T, D]; only videos longer
    # than the crop, and only when crops are on)
    raw_normal: Dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def normal(self) -> np.ndarray:
        return np.flatnonzero(self.labels == 0)

    @property
    def anomalous(self) -> np.ndarray:
        return np.flatnonzero(self.labels == 1)


# A class with fewer videos than this to set aside for calibration is not held out: a threshold chosen on fewer
# unseen videos would be noisier than one chosen on the fitted ones.
MIN_HELD_OUT = 10


def held_out_videos(anomalous: Sequence[bool], share: float, seed: int) -> FrozenSet[int]:
    """The indices of the training videos set aside for calibration (train.calibration_holdout): round(share * n) of
    each class's n videos, drawn with the seed, so that refinevad.calibrate finds the same ones again; none when share
    is 0 or either class would give fewer than MIN_HELD_OUT."""
    anomalous = np.asarray(anomalous, dtype=bool)
    groups = [np.flatnonzero(anomalous == flag) for flag in (False, True)]
    counts = [round(share * len(group)) for group in groups]
    if min(counts) < MIN_HELD_OUT:
        return frozenset()
    rng = np.random.default_rng(seed + 3)
    return frozenset(int(i) for group, n in zip(groups, counts) for i in rng.permutation(group)[:n])


def load_training_set(dataset: Dataset, max_segments: int, progress,
                      keep_raw_normal_longer_than: Optional[int] = None,
                      held_out: FrozenSet[int] = frozenset()) -> Tuple[TrainingSet, Optional[TrainingSet]]:
    """The videos trained on (mean-pooled to max_segments), and the held-out ones (indices into the training list)
    as a set of their own with raw features, as the server streams them, or None when none is held out."""
    videos = dataset.split("train")
    trained, kept = _VideoSet(), _VideoSet()
    for i, video in enumerate(videos):
        x = dataset.features(video)
        if dataset.feature_dim is None:
            dataset.feature_dim = x.shape[1]  # the first file fixes D; every other file must match it
        if i in held_out:
            kept.add(x, video.anomalous, dataset.multi_hot(video))
        else:
            if keep_raw_normal_longer_than is not None and not video.anomalous \
                    and len(x) > keep_raw_normal_longer_than:
                trained.raw_normal[len(trained.features)] = x
            trained.add(resample_mean(x, max_segments), video.anomalous, dataset.multi_hot(video))
        if (i + 1) % 200 == 0:
            progress(f"read {i + 1}/{len(videos)} training videos")
    data = trained.build(dataset.feature_dim)
    if data.labels.min() == data.labels.max():
        kind = "anomalous" if data.labels[0] else "normal"
        raise cli.UsageError(f"{dataset.root / 'train.list'}: every training video is {kind}; "
                             f"multiple-instance learning needs both normal and anomalous videos")
    return data, (kept.build(dataset.feature_dim) if kept.features else None)


@dataclass
class _VideoSet:
    """A TrainingSet being read."""
    features: List[np.ndarray] = field(default_factory=list)
    labels: List[float] = field(default_factory=list)
    categories: List[np.ndarray] = field(default_factory=list)
    raw_normal: Dict[int, np.ndarray] = field(default_factory=dict)

    def add(self, x: np.ndarray, anomalous: bool, categories: np.ndarray) -> None:
        self.features.append(x)
        self.labels.append(1.0 if anomalous else 0.0)
        self.categories.append(categories)

    def build(self, feature_dim: int) -> TrainingSet:
        return TrainingSet(self.features, np.array(self.labels, dtype=np.float32), np.stack(self.categories),
                           feature_dim, self.raw_normal)


def load_videos(dataset: Dataset, cfg: TrainConfig, progress) -> Tuple[TrainingSet, TrainingSet, dict]:
    """The videos trained on; the videos the threshold and category confidence are calibrated on, the held-out ones
    (train.calibration_holdout) or else the trained ones, saying why; and what training.json records of the latter."""
    held_out = held_out_videos([v.anomalous for v in dataset.split("train")], cfg.calibration_holdout, cfg.seed)
    data, held = load_training_set(dataset, cfg.max_segments, progress, crop_segments(cfg), held_out)
    if held is not None:
        calibration = held
        progress(f"calibration: {len(held.normal)} normal and {len(held.anomalous)} anomalous training videos held "
                 f"out (train.calibration_holdout {cfg.calibration_holdout}), never trained on, streamed raw")
    else:
        calibration = data
        why = "train.calibration_holdout 0" if cfg.calibration_holdout == 0 else \
            f"a class has fewer than {MIN_HELD_OUT} videos to set aside at train.calibration_holdout {cfg.calibration_holdout}"
        progress(f"calibration: on the training videos as trained ({why})")
    summary = {"held_out": held is not None, "share": cfg.calibration_holdout,
               "normal_videos": len(calibration.normal), "anomalous_videos": len(calibration.anomalous)}
    return data, calibration, summary


def crop_segments(cfg: TrainConfig) -> Optional[int]:
    """The length of the normal crops, the serving window (the one calibration_window names), or None when off."""
    return cfg.calibration_window if cfg.normal_crops > 0 else None


def normal_crops_of(cfg: TrainConfig, data: TrainingSet) -> NormalCrops:
    return NormalCrops(cfg.calibration_window, cfg.normal_crops, data.raw_normal, len(data.normal))


def input_scale_of(data: TrainingSet) -> float:
    """1 / RMS of every value of the training features, as trained (input_normalisation "dataset_rms")."""
    total = sum(float(np.square(x, dtype=np.float64).sum()) for x in data.features)
    rms = math.sqrt(total / sum(x.size for x in data.features))
    if rms == 0.0:
        raise cli.UsageError("every training feature value is zero: nothing to learn from "
                             "(input_normalisation dataset_rms divides by their RMS)")
    return 1.0 / rms


def derive_from_data(cfg: Config, data: TrainingSet, progress) -> None:
    """The model settings that depend on the data, set from the training set and printed."""
    cfg.model.feature_dim = data.feature_dim
    if cfg.model.input_normalisation == "dataset_rms":
        cfg.model.input_scale = input_scale_of(data)
        progress(f"input_normalisation dataset_rms: input_scale {cfg.model.input_scale:.4g} "
                 f"(1 / RMS of the training features)")


def balanced_batches(data: TrainingSet, batch_size: int, rng: np.random.Generator):
    """Half normal and half anomalous videos per batch; the smaller group is cycled to match the larger."""
    normal, anomalous = rng.permutation(data.normal), rng.permutation(data.anomalous)
    half = batch_size // 2
    steps = math.ceil(max(len(normal), len(anomalous)) / half)
    for step in range(steps):
        picks = [group[(step * half + np.arange(half)) % len(group)] for group in (normal, anomalous)]
        yield np.concatenate(picks)


def teaching_targets(mode: str, targets: np.ndarray, labels: np.ndarray, rng: np.random.Generator):
    """The categories whose prototypes CORE adds to v in training, per prototype_teaching (config.py)."""
    if mode == "off":
        return None
    teaching = targets.copy()
    if mode == "balanced":
        normal = np.flatnonzero(labels == 0)
        teaching[normal, rng.integers(targets.shape[1], size=len(normal))] = 1.0
    return torch.from_numpy(teaching)


# A run that does not learn is an error, not a model. The MIL loss of a model that cannot tell anomalous from
# normal videos sits at ln 2 (a balanced batch scored 0.5 everywhere) or above it (any other constant).
CHANCE_MIL = math.log(2.0)
CHANCE_MARGIN = 0.01         # an epoch's mean MIL loss at or above ln 2 - 0.01 = 0.683 is at chance
FLAT_SCORE_STD = 1e-3        # segment scores whose spread over an epoch is below this no longer vary
WARMUP_FRACTION, WARMUP_MIN_STEPS = 0.3, 50


class NotLearningError(cli.ToolError):
    """Training reached chance level or constant scores after its warm-up; nothing is written."""


def warmup_steps(total_steps: int) -> int:
    """Optimiser steps before the learning check applies; the last epoch is always checked."""
    return max(WARMUP_MIN_STEPS, math.ceil(WARMUP_FRACTION * total_steps))


def learning_failure(entry: dict, steps_done: int, total_steps: int) -> Optional[str]:
    """Why an epoch's statistics (mean MIL loss, spread of segment scores) say the run is not learning, or None."""
    if steps_done < min(warmup_steps(total_steps), total_steps):
        return None
    if entry["mil"] >= CHANCE_MIL - CHANCE_MARGIN:
        return (f"the training MIL loss is {entry['mil']:.4f} after {steps_done} of {total_steps} steps, at chance "
                f"(ln 2 = {CHANCE_MIL:.4f}; a model that learns is below {CHANCE_MIL - CHANCE_MARGIN:.3f})")
    if entry["score_std"] < FLAT_SCORE_STD:
        return (f"the segment scores no longer vary (std {entry['score_std']:.2e} over the epoch's segments after "
                f"{steps_done} of {total_steps} steps)")
    return None


def not_learning_message(reason: str) -> str:
    return (f"training did not learn: {reason}; nothing was written. Try: more epochs (--epochs), a lower "
            f"train.learning_rate in a --config file, or the base model (--config model/configs/ablation-base.json);"
            f" check that labels.csv matches the features (anomalous and normal videos must differ); on 4096-d C3D "
            f"features the motion embedding is the known suspect (model.motion_embedding false, docs/MODEL.md). "
            f"train.check_learning false keeps such a model anyway")


class TailAverage:
    """The equal average of a model's weights after each of the last `fraction` of `total_steps` optimiser steps
    (train.average_last); the model keeps its last weights when none is averaged."""

    def __init__(self, total_steps: int, fraction: float):
        self.first = total_steps - round(fraction * total_steps) + 1  # the first averaged step, counting from 1
        self.sums, self.averaged = None, 0

    def after_step(self, model: torch.nn.Module, step: int) -> None:
        if step < self.first:
            return
        weights = {k: v.detach().double() for k, v in model.state_dict().items()}
        self.sums = weights if self.sums is None else {k: self.sums[k] + weights[k] for k in weights}
        self.averaged += 1

    def apply(self, model: torch.nn.Module) -> None:
        if self.averaged == 0:
            return
        current = model.state_dict()
        model.load_state_dict({k: (v / self.averaged).to(current[k].dtype) for k, v in self.sums.items()})


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(cfg: Config, data: TrainingSet, crops: NormalCrops, progress) -> tuple:
    seed_everything(cfg.train.seed)
    model = RefineVAD(cfg.model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.train.learning_rate,
                                  weight_decay=cfg.train.weight_decay)
    rng = np.random.default_rng(cfg.train.seed)
    steps_per_epoch = math.ceil(max(len(data.normal), len(data.anomalous)) / (cfg.train.batch_size // 2))
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.train.epochs * steps_per_epoch,
                                                           eta_min=cfg.train.learning_rate * 0.05)
    history = []
    total_steps, steps_done = cfg.train.epochs * steps_per_epoch, 0
    average = TailAverage(total_steps, cfg.train.average_last)
    for epoch in range(1, cfg.train.epochs + 1):
        model.train()
        start = time.monotonic()
        sums = {"loss": 0.0, "mil": 0.0, "smoothing": 0.0, "category": 0.0}
        ratios, scores = [], []
        steps = 0
        for index in balanced_batches(data, cfg.train.batch_size, rng):
            x, mask = pad_batch(crops.draw(data.features, index, rng))
            x, mask = torch.from_numpy(x), torch.from_numpy(mask)
            targets = torch.from_numpy(data.categories[index])
            labels = torch.from_numpy(data.labels[index])
            teaching = teaching_targets(cfg.model.prototype_teaching, data.categories[index], data.labels[index], rng)
            details = model.details(x, mask, teaching if cfg.model.use_core else None)
            parts = refinevad_loss(details, mask, labels, targets, cfg.train)
            optimizer.zero_grad()
            parts.total.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            scheduler.step()
            average.after_step(model, steps_done + steps + 1)
            for key, value in (("loss", float(parts.total.detach())), ("mil", parts.mil),
                               ("smoothing", parts.smoothing), ("category", parts.category)):
                sums[key] += value
            scores.append(details.scores.detach()[mask > 0.5])
            if details.shift_ratio is not None:
                ratios.append(details.shift_ratio.detach()[mask > 0.5])
            steps += 1
        steps_done += steps
        entry = {"epoch": epoch, "seconds": round(time.monotonic() - start, 3),
                 **{k: round(v / steps, 5) for k, v in sums.items()},
                 "score_std": round(float(torch.cat(scores).std()), 5)}
        if ratios:
            r = torch.cat(ratios)
            entry["shift_ratio_mean"], entry["shift_ratio_std"] = round(float(r.mean()), 4), round(float(r.std()), 4)
        history.append(entry)
        gate = f" shift ratio {entry['shift_ratio_mean']:.3f}+-{entry['shift_ratio_std']:.3f}" if ratios else ""
        progress(f"epoch {epoch}/{cfg.train.epochs} loss {entry['loss']:.4f} (mil {entry['mil']:.4f} "
                 f"smooth {entry['smoothing']:.4f} cat {entry['category']:.4f}) score std {entry['score_std']:.3f}"
                 f"{gate} {entry['seconds']:.1f}s")
        if cfg.train.check_learning:
            reason = learning_failure(entry, steps_done, total_steps)
            if reason is not None:
                raise NotLearningError(not_learning_message(reason))
    average.apply(model)
    if average.averaged:
        progress(f"weights: the equal average of the last {average.averaged} of {total_steps} steps "
                 f"(train.average_last {cfg.train.average_last})")
    model.eval()
    return model, history


def calibrate(model: RefineVAD, cfg: Config, data: TrainingSet, progress) -> dict:
    """The alarm threshold from training videos only (video-level labels): streaming scores at the serving window
    of a seeded sample of at most calibration_videos of the calibration videos (load_videos), half normal and
    half anomalous, each reduced to its alarm level; events.calibrate_threshold chooses."""
    window, half = cfg.train.calibration_window, cfg.train.calibration_videos // 2
    rng = np.random.default_rng(cfg.train.seed + 1)
    model.eval()
    levels = []
    for group in (data.normal, data.anomalous):
        chosen = rng.permutation(group)[:half]
        levels.append([alarm_level(score_streaming(model, data.features[i], window)[0]) for i in chosen])
    try:
        result = calibrate_threshold(*levels)
    except ValueError as e:
        raise cli.ToolError(f"cannot calibrate the alarm threshold on the training videos: {e}") from e
    result.update({"window": window, "min_segments": MIN_SEGMENTS,
                   "rule": "max Youden J of training videos alarmed (anomalous minus normal), streaming scores"})
    progress(f"alarm threshold {result['value']:.3f} (W={window}, {result['normal_videos']} normal and "
             f"{result['anomalous_videos']} anomalous training videos: {result['train_anomalous_alarmed']:.0%} "
             f"of anomalous and {result['train_normal_alarmed']:.0%} of normal ones raise an alarm)")
    return result


def write_model_dir(out: Path, model: RefineVAD, cfg: Config, training: dict) -> None:
    with replaced_folder(out, CONFIG_FILE, "a model folder") as staging:
        cfg.save(staging / CONFIG_FILE)
        torch.save(model.state_dict(), staging / WEIGHTS_FILE)
        (staging / TRAINING_FILE).write_text(json.dumps(training, indent=2) + "\n")


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m refinevad.train", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="data folder (docs/DATA.md)")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write (replaced if it is one)")
    parser.add_argument("--epochs", type=int, help="training epochs (default: the config's, 10)")
    parser.add_argument("--seed", type=int, help="random seed (default: the config's, 0)")
    parser.add_argument("--config", type=Path, help="JSON file with 'model' and 'train' sections to override")
    args = parser.parse_args(argv)

    def body(progress):
        cfg = Config.load(args.config) if args.config else Config()
        if args.epochs is not None:
            cfg.train.epochs = args.epochs
        if args.seed is not None:
            cfg.train.seed = args.seed
        cfg.train.validate()
        explicit_dim = args.config is not None and "feature_dim" in json.loads(args.config.read_text()).get("model", {})
        dataset = Dataset(args.data, feature_dim=cfg.model.feature_dim if explicit_dim else None)
        data, calibration, calibrated_on = load_videos(dataset, cfg.train, progress)
        derive_from_data(cfg, data, progress)
        crops = normal_crops_of(cfg.train, data)
        progress(crops.description())
        cfg.model.categories = list(dataset.categories)
        cfg.model.validate()
        progress(f"{len(data.features)} training videos ({len(data.anomalous)} anomalous), D={data.feature_dim}, "
                 f"{len(cfg.model.categories)} categories")
        start = time.monotonic()
        model, history = train(cfg, data, crops, progress)
        seconds = time.monotonic() - start
        start = time.monotonic()
        threshold = calibrate(model, cfg, calibration, progress)
        threshold["seconds"] = round(time.monotonic() - start, 2)
        category_confidence = calibrate_categories(model, cfg, calibration, threshold["value"], progress)
        counts = data.categories[data.anomalous].sum(axis=0)
        training = {"data": str(args.data), "train_videos": len(data.features),
                    "calibration_videos": calibrated_on,
                    "seconds": round(seconds, 2),
                    "seconds_per_epoch": round(seconds / cfg.train.epochs, 3),
                    "peak_memory_mib": round(peak_memory_mib(), 1),
                    "parameters": sum(p.numel() for p in model.parameters()), "history": history,
                    "normal_crops": crops.summary(), "threshold": threshold,
                    "category_confidence": category_confidence,
                    "category_counts": {name: int(n) for name, n in zip(cfg.model.categories, counts)}}
        write_model_dir(args.out, model, cfg, training)
        progress(f"wrote {args.out}")
        return {"out": str(args.out), "epochs": cfg.train.epochs, "final_loss": history[-1]["loss"],
                "threshold": threshold["value"],
                **{k: training[k] for k in ("train_videos", "seconds", "seconds_per_epoch", "peak_memory_mib",
                                            "parameters")}}

    cli.run("train", body)


if __name__ == "__main__":
    main()
