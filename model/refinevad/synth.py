"""Generate a synthetic weakly labelled video-anomaly benchmark in the data contract's layout.

Each video is a scene vector plus slow drift and segment noise. Anomalies come in two kinds, so that neither cue
suffices alone (docs/DATA.md explains the design):
  - motion categories: fast jitter (large x_t - x_{t-1}) together with a SMALL shift along the category's direction;
  - semantic categories: a LARGE shift along the category's direction with no extra motion.
Distractors, in normal and anomalous videos alike: benign motion bursts (jitter with no shift), benign small
shifts along motion-category directions with no jitter (never on the same segments as a burst or an anomaly), and
scene cuts. A motion detector is fooled by bursts and blind to semantic anomalies; a per-segment appearance classifier
cannot tell a motion anomaly from a benign shift. Only temporal context plus appearance separates them.
"""
from __future__ import annotations

import argparse
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Tuple

import numpy as np

from . import cli
from .config import UCF_CRIME_CATEGORIES
from .data import FRAMES_PER_SEGMENT, NORMAL
from .folders import replaced_folder

MOTION_CATEGORIES = {"Abuse", "Arrest", "Assault", "Explosion", "Fighting", "RoadAccidents", "Shooting"}


@dataclass
class SynthParams:
    dim: int = 512
    min_segments: int = 32
    max_segments: int = 1000
    anomalous_fraction: float = 0.5
    test_fraction: float = 0.2
    scene_rank: int = 16          # scenes share a low-dimensional manifold, like real scenes share content:
    scene_residual_std: float = 0.05  # a per-video full-dimensional scene would let a model memorise each video
    scene_scale: Tuple[float, float] = (0.6, 1.4)  # per-video scale, so that a feature's norm tells little
    drift_std: float = 0.3
    drift_rho: float = 0.95
    noise_std: float = 0.1
    jitter_std: float = 0.25      # per-channel std of motion jitter (anomalous and benign)
    jitter_rank: int = 8
    small_shift: float = 0.2      # per-channel amplitude of a small shift along a category direction
    large_shift: float = 0.6
    burst_probability: float = 0.6
    benign_shift_probability: float = 0.5
    scene_cut_probability: float = 0.4
    categories: List[str] = field(default_factory=lambda: list(UCF_CRIME_CATEGORIES))
    # The benchmark's fixed structure (category directions, scene manifold) comes from its own seed, so that a
    # model trained on one --seed can be tested on videos of another: same world, new videos.
    world_seed: int = 0


class Generator:
    def __init__(self, params: SynthParams, seed: int):
        self.p = params
        world = np.random.default_rng(params.world_seed)
        self.rng = np.random.default_rng([seed, params.world_seed])
        d = params.dim
        # Category directions with per-channel magnitude ~1, so that shift amplitudes read per channel.
        directions = world.standard_normal((len(params.categories), d))
        self.directions = directions / np.linalg.norm(directions, axis=1, keepdims=True) * np.sqrt(d)
        self.motion_kind = [c in MOTION_CATEGORIES for c in params.categories]
        self.motion_category_ids = [i for i, m in enumerate(self.motion_kind) if m]
        self.scene_basis = world.standard_normal((params.scene_rank, d)) / np.sqrt(params.scene_rank)

    def video(self, anomalous: bool):
        """Returns (features [T, D] float32, segment labels [T] 0/1, category name or None)."""
        p, rng = self.p, self.rng
        t = int(round(np.exp(rng.uniform(np.log(p.min_segments), np.log(p.max_segments)))))
        x = self._background(t)
        labels = np.zeros(t, dtype=np.float32)
        category = None
        if anomalous:
            c = int(rng.integers(len(p.categories)))
            category = p.categories[c]
            for start, stop in self._intervals(t, count=int(rng.integers(1, 3))):
                self._add_anomaly(x, start, stop, c)
                labels[start:stop] = 1.0
        self._add_distractors(x, labels)
        return x.astype(np.float32), labels, category

    def _background(self, t: int) -> np.ndarray:
        p, rng = self.p, self.rng
        scene = (rng.standard_normal(p.scene_rank) @ self.scene_basis
                 + rng.standard_normal(p.dim) * p.scene_residual_std) * rng.uniform(*p.scene_scale)
        # Slow drift moves within the scene manifold (camera and lighting change, content stays)
        drift = np.empty((t, p.scene_rank))
        drift[0] = rng.standard_normal(p.scene_rank) * p.drift_std
        innovation = rng.standard_normal((t, p.scene_rank)) * p.drift_std * np.sqrt(1 - p.drift_rho ** 2)
        for i in range(1, t):
            drift[i] = p.drift_rho * drift[i - 1] + innovation[i]
        return scene + drift @ self.scene_basis + rng.standard_normal((t, p.dim)) * p.noise_std

    def _intervals(self, t: int, count: int) -> List[Tuple[int, int]]:
        """Non-overlapping [start, stop) intervals of varying length, 3 segments to 35% of the video."""
        rng, chosen = self.rng, []
        for _ in range(count * 10):
            length = int(rng.integers(max(3, t // 20), max(4, int(0.35 * t)) + 1))
            start = int(rng.integers(0, t - length + 1))
            if all(stop + 2 <= start or start + length + 2 <= s for s, stop in chosen):
                chosen.append((start, start + length))
            if len(chosen) == count:
                break
        return chosen

    def _ramp(self, length: int) -> np.ndarray:
        """Envelope with two-segment onset and offset, as events rarely start at full strength."""
        env = np.ones(length)
        edge = min(2, length // 3)
        for i in range(edge):
            env[i] = env[length - 1 - i] = (i + 1) / (edge + 1)
        return env[:, None]

    def _jitter(self, length: int) -> np.ndarray:
        basis = self.rng.standard_normal((self.p.jitter_rank, self.p.dim)) / np.sqrt(self.p.jitter_rank)
        return self.rng.standard_normal((length, self.p.jitter_rank)) @ basis * self.p.jitter_std

    def _add_anomaly(self, x: np.ndarray, start: int, stop: int, c: int) -> None:
        env = self._ramp(stop - start)
        if self.motion_kind[c]:
            x[start:stop] += env * (self.p.small_shift * self.directions[c] + self._jitter(stop - start))
        else:
            x[start:stop] += env * self.p.large_shift * self.directions[c]

    def _add_distractors(self, x: np.ndarray, labels: np.ndarray) -> None:
        # A burst and a benign shift on the same segments would be jitter plus a small shift along a motion category:
        # a motion anomaly by definition, left unlabelled. So each distractor keeps off the anomalies and the other
        # distractors (one that would overlap is left out, which keeps every later random draw as it was).
        p, rng, t = self.p, self.rng, x.shape[0]
        occupied = labels.astype(bool)
        if rng.random() < p.burst_probability:
            for start, stop in self._free_intervals(occupied, int(rng.integers(1, 3))):
                x[start:stop] += self._ramp(stop - start) * self._jitter(stop - start)
                occupied[start:stop] = True
        if rng.random() < p.benign_shift_probability:
            c = int(rng.choice(self.motion_category_ids))
            for start, stop in self._free_intervals(occupied, 1):
                x[start:stop] += self._ramp(stop - start) * p.small_shift * self.directions[c]
        if rng.random() < p.scene_cut_probability and t > 8:
            cut = int(rng.integers(t // 4, 3 * t // 4))
            x[cut:] += rng.standard_normal(p.scene_rank) @ self.scene_basis * 0.5

    def _free_intervals(self, occupied: np.ndarray, count: int) -> List[Tuple[int, int]]:
        return [(a, b) for a, b in self._intervals(len(occupied), count) if not occupied[a:b].any()]


def generate(out: Path, seed: int, videos: int, params: SynthParams, progress) -> dict:
    with replaced_folder(out, "synth.json", "a synthetic dataset") as staging:
        return _write(staging, seed, videos, params, progress)


def _write(root: Path, seed: int, videos: int, params: SynthParams, progress) -> dict:
    gen = Generator(params, seed)
    (root / "features").mkdir()
    (root / "gt").mkdir()
    rng = np.random.default_rng(seed + 1)
    n_anomalous = int(round(videos * params.anomalous_fraction))
    kinds = np.array([True] * n_anomalous + [False] * (videos - n_anomalous))
    rng.shuffle(kinds)
    is_test = np.zeros(videos, dtype=bool)
    for kind in (True, False):  # stratified split: the same anomalous share in train and test
        idx = np.flatnonzero(kinds == kind)
        is_test[rng.choice(idx, size=int(round(len(idx) * params.test_fraction)), replace=False)] = True
    rows, train, test, segments = [], [], [], 0
    for i, anomalous in enumerate(kinds):
        video_id = f"synth{seed}_{i:05d}"
        x, labels, category = gen.video(bool(anomalous))
        np.save(root / "features" / f"{video_id}.npy", x)
        if is_test[i]:
            np.save(root / "gt" / f"{video_id}.npy", np.repeat(labels, FRAMES_PER_SEGMENT))
            test.append(video_id)
        else:
            train.append(video_id)
        rows.append((video_id, category or NORMAL))
        segments += x.shape[0]
        if (i + 1) % 50 == 0 or i + 1 == videos:
            progress(f"{i + 1}/{videos} videos, {segments} segments")
    (root / "train.list").write_text("\n".join(train) + "\n")
    (root / "test.list").write_text("\n".join(test) + "\n")
    (root / "categories.txt").write_text("\n".join(params.categories) + "\n")
    with (root / "labels.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["video_id", "label"])
        writer.writerows(rows)
    summary = {"videos": videos, "train_videos": len(train), "test_videos": len(test),
               "anomalous_videos": int(n_anomalous), "segments": int(segments), "feature_dim": params.dim,
               "seed": seed, "world_seed": params.world_seed,
               "motion_categories": sorted(c for c, m in zip(params.categories, gen.motion_kind) if m),
               "semantic_categories": sorted(c for c, m in zip(params.categories, gen.motion_kind) if not m)}
    (root / "synth.json").write_text(json.dumps({"summary": summary, "params": vars(params)}, indent=2) + "\n")
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m refinevad.synth", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="output data folder (replaced if it is one)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the videos (default 0)")
    parser.add_argument("--world-seed", type=int, default=0,
                        help="seed of the benchmark's fixed structure: category directions and scene manifold "
                             "(default 0; keep it to test a model on new videos of the same benchmark)")
    parser.add_argument("--videos", type=int, default=600, help="number of videos (default 600)")
    parser.add_argument("--dim", type=int, default=512, help="feature dimension D (default 512)")
    parser.add_argument("--max-segments", type=int, default=1000, help="longest video in segments (default 1000)")
    args = parser.parse_args(argv)

    def body(progress):
        if args.videos < 10:
            raise cli.UsageError(f"--videos {args.videos} is too few; use at least 10")
        if args.dim < 16:
            raise cli.UsageError(f"--dim {args.dim} is too small; use at least 16")
        if args.max_segments < 32:
            raise cli.UsageError(f"--max-segments {args.max_segments} is too small; use at least 32")
        params = SynthParams(dim=args.dim, max_segments=args.max_segments, world_seed=args.world_seed)
        progress(f"generating {args.videos} videos of {args.dim}-d features into {args.out}")
        return {"out": str(args.out), **generate(args.out, args.seed, args.videos, params, progress)}

    cli.run("synth", body)


if __name__ == "__main__":
    main()
