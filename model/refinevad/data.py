"""The data contract every tool reads (docs/DATA.md), plus the public UCF-Crime / XD-Violence layouts.

DATA/features/<video_id>.npy   float32 [T, D], one row per 16-frame segment
                               (or multi-crop <video_id>__<crop>.npy files, averaged)
DATA/train.list, test.list     one video_id per line (public list lines such as test/<name>__3.npy also work)
DATA/labels.csv                header video_id,label; label Normal or categories joined by |
                               (optional for public names: the UCF-Crime class prefix or XD-Violence _label_ codes)
DATA/gt_frames/<video_id>.npy  frame-level 0/1, one value per video frame (N >= T), for test videos
DATA/gt/<video_id>.npy         the same for folders without gt_frames/ (often 16*T long: 16 points per segment)
DATA/categories.txt            optional, one category per line
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from .config import UCF_CRIME_CATEGORIES

FRAMES_PER_SEGMENT = 16
NORMAL = "Normal"
XD_VIOLENCE_CODES = {"B1": "Fighting", "B2": "Shooting", "B4": "Riot", "B5": "Abuse", "B6": "CarAccident",
                     "G": "Explosion"}
XD_VIOLENCE_CATEGORIES = list(XD_VIOLENCE_CODES.values())

_CROP_SUFFIX = re.compile(r"__\d+$")
_UCF_CLASS = re.compile(r"^([A-Za-z]+?)(?:_?\d+)")


class DataError(ValueError):
    """Bad input data; the message names the file and the problem."""


@dataclass
class Video:
    video_id: str
    categories: List[str]           # empty for a normal video
    feature_files: List[Path]       # one file, or the crops to average
    gt_file: Optional[Path] = None

    @property
    def anomalous(self) -> bool:
        return bool(self.categories)


class Dataset:
    """A data folder, validated on open; feature files are checked as they are read."""

    def __init__(self, root: Path, feature_dim: Optional[int] = None):
        self.root = Path(root)
        if not self.root.is_dir():
            raise DataError(f"{self.root}: data folder does not exist")
        self.feature_dim = feature_dim
        self._labels = self._read_labels()
        self.categories = self._read_categories()

    # ---- lists, labels, categories -------------------------------------------------------------------------

    def split(self, name: str, require_gt: bool = False) -> List[Video]:
        path = self.root / f"{name}.list"
        if not path.is_file():
            raise DataError(f"{path}: list file does not exist (expected one video_id per line)")
        videos: Dict[str, Video] = {}
        for line_no, line in enumerate(path.read_text().splitlines(), start=1):
            entry = line.strip().split(",")[0].strip()
            if not entry or entry.startswith("#"):
                continue
            video_id = video_id_of(entry)
            listed_file = self._listed_feature_file(entry)
            if video_id in videos:
                if listed_file is not None and listed_file not in videos[video_id].feature_files:
                    videos[video_id].feature_files.append(listed_file)
                continue
            categories = self._labels_of(video_id, f"{path}:{line_no}")
            files = [listed_file] if listed_file is not None else self._feature_files(video_id, f"{path}:{line_no}")
            gt = self._gt_file(video_id)
            if require_gt and gt is None:
                raise DataError(f"{path}:{line_no}: no ground truth for video '{video_id}' "
                                f"(expected {self.root / 'gt' / (video_id + '.npy')})")
            videos[video_id] = Video(video_id, categories, files, gt)
        if not videos:
            raise DataError(f"{path}: the list names no videos")
        return list(videos.values())

    def _read_labels(self) -> Dict[str, List[str]]:
        path = self.root / "labels.csv"
        if not path.is_file():
            return {}
        labels: Dict[str, List[str]] = {}
        with path.open(newline="") as f:
            rows = list(csv.reader(f))
        if not rows or [c.strip() for c in rows[0]] != ["video_id", "label"]:
            raise DataError(f"{path}:1: header must be 'video_id,label'")
        for line_no, row in enumerate(rows[1:], start=2):
            if not row:
                continue
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise DataError(f"{path}:{line_no}: expected 'video_id,label', got {','.join(row)!r}")
            names = [n.strip() for n in row[1].split("|")]
            labels[row[0].strip()] = [] if names == [NORMAL] else names
        return labels

    def _read_categories(self) -> List[str]:
        path = self.root / "categories.txt"
        if path.is_file():
            names = [n.strip() for n in path.read_text().splitlines() if n.strip()]
            if not names or NORMAL in names or len(set(names)) != len(names):
                raise DataError(f"{path}: expected unique category names, one per line, without '{NORMAL}'")
            return names
        if any("_label_" in v for v in self._labels) or self._lists_mention("_label_"):
            return list(XD_VIOLENCE_CATEGORIES)
        return list(UCF_CRIME_CATEGORIES)

    def _lists_mention(self, text: str) -> bool:
        return any(text in p.read_text() for p in self.root.glob("*.list"))

    def _labels_of(self, video_id: str, where: str) -> List[str]:
        if video_id in self._labels:
            names = self._labels[video_id]
        else:
            names = labels_from_public_name(video_id)
            if names is None:
                raise DataError(f"{where}: video '{video_id}' has no row in {self.root / 'labels.csv'} and its "
                                f"name carries no UCF-Crime or XD-Violence label")
        unknown = [n for n in names if n not in self.categories]
        if unknown:
            raise DataError(f"{where}: video '{video_id}' has label(s) {unknown} that are not known categories; "
                            f"allowed: {NORMAL} or {', '.join(self.categories)} (set them in categories.txt)")
        return names

    # ---- files ----------------------------------------------------------------------------------------------

    def _listed_feature_file(self, entry: str) -> Optional[Path]:
        if not entry.endswith(".npy"):
            return None
        for base in (self.root, self.root / "features"):
            for candidate in (base / entry, base / Path(entry).name):
                if candidate.is_file():
                    return candidate
        return None

    def _feature_files(self, video_id: str, where: str) -> List[Path]:
        features = self.root / "features"
        single = features / f"{video_id}.npy"
        if single.is_file():
            return [single]
        crops = sorted(p for p in features.glob(f"{glob_escape(video_id)}__*.npy")
                       if _CROP_SUFFIX.search(p.stem) and video_id_of(p.name) == video_id)
        if crops:
            return crops
        raise DataError(f"{where}: feature file for video '{video_id}' does not exist "
                        f"(expected {single} or crops {features / (video_id + '__<crop>.npy')})")

    def _gt_file(self, video_id: str) -> Optional[Path]:
        # One value per video frame when the folder has it (the published protocol), else gt/ (16 per segment).
        for folder in (self.root / "gt_frames", self.root / "gt", self.root / "gt_per_video"):
            exact = folder / f"{video_id}.npy"
            if exact.is_file():
                return exact
            matches = sorted(folder.glob(f"{glob_escape(video_id)}__*.npy")) + \
                sorted(folder.glob(f"{glob_escape(video_id)}_gt.npy"))
            if matches:
                return matches[0]
        return None

    # ---- arrays ---------------------------------------------------------------------------------------------

    def features(self, video: Video) -> np.ndarray:
        arrays = [self._read_feature_file(p) for p in video.feature_files]
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1:
            raise DataError(f"crops of video '{video.video_id}' differ in shape: "
                            + ", ".join(f"{p.name} {a.shape}" for p, a in zip(video.feature_files, arrays)))
        return arrays[0] if len(arrays) == 1 else np.mean(arrays, axis=0, dtype=np.float32)

    def _read_feature_file(self, path: Path) -> np.ndarray:
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise DataError(f"{path}: not a readable .npy array ({e})") from e
        if array.dtype != np.float32:
            raise DataError(f"{path}: dtype {array.dtype}, expected float32")
        if array.ndim != 2 or array.shape[0] < 1:
            raise DataError(f"{path}: shape {array.shape}, expected [T, D] with T >= 1")
        if self.feature_dim is not None and array.shape[1] != self.feature_dim:
            raise DataError(f"{path}: feature dim {array.shape[1]}, expected {self.feature_dim}")
        bad_rows = np.flatnonzero(~np.isfinite(array).all(axis=1))
        if bad_rows.size:
            raise DataError(f"{path}: {bad_rows.size} row(s) hold NaN or Inf, first at row {bad_rows[0]}")
        return array

    def ground_truth(self, video: Video, segments: int) -> np.ndarray:
        """Frame-level 0/1 of any length N >= segments; segment i spans frames segment_bounds(segments, N)[i:i+2]."""
        if video.gt_file is None:
            raise DataError(f"no ground truth for video '{video.video_id}' under {self.root / 'gt_frames'} "
                            f"or {self.root / 'gt'}")
        try:
            gt = np.load(video.gt_file, allow_pickle=False).astype(np.float32).reshape(-1)
        except (ValueError, OSError) as e:
            raise DataError(f"{video.gt_file}: not a readable .npy array ({e})") from e
        if gt.shape[0] < segments:
            raise DataError(f"{video.gt_file}: {gt.shape[0]} frames, fewer than the video's {segments} segments "
                            f"(ground truth gives one value per frame, at least one frame per segment)")
        if not np.isin(gt, (0.0, 1.0)).all():
            raise DataError(f"{video.gt_file}: values must be 0 or 1")
        return gt

    def multi_hot(self, video: Video) -> np.ndarray:
        target = np.zeros(len(self.categories), dtype=np.float32)
        for name in video.categories:
            target[self.categories.index(name)] = 1.0
        return target


def segment_bounds(segments: int, frames: int) -> np.ndarray:
    """[T + 1] frame boundaries: segment i of a video of N frames spans [floor(i*N/T), floor((i+1)*N/T)).

    With N = 16*T every segment spans its 16 frames; with N >= T every segment spans at least one frame.
    """
    if segments < 1 or frames < segments:
        raise ValueError(f"{frames} frames cannot be split into {segments} segments")
    return (np.arange(segments + 1, dtype=np.int64) * frames) // segments


def frame_scores(scores: np.ndarray, frames: int) -> np.ndarray:
    """Per-frame scores of a video of N frames: each frame takes the score of the segment that spans it."""
    return np.repeat(np.asarray(scores), np.diff(segment_bounds(len(scores), frames)))


def video_id_of(entry: str) -> str:
    """'test/Abuse028_x264__3.npy' -> 'Abuse028_x264'; a plain id is returned as it is."""
    name = Path(entry).name
    if name.endswith(".npy"):
        name = name[:-4]
    return _CROP_SUFFIX.sub("", name)


def labels_from_public_name(video_id: str) -> Optional[List[str]]:
    """Video-level labels carried by UCF-Crime and XD-Violence file names, or None when the name has none."""
    if "_label_" in video_id:
        codes = video_id.rsplit("_label_", 1)[1].split("-")
        if codes == ["A"]:
            return []
        names = [XD_VIOLENCE_CODES[c] for c in codes if c in XD_VIOLENCE_CODES]
        return names or None
    if video_id.startswith("Normal_Videos") or video_id.startswith("Training_Normal_Videos"):
        return []
    match = _UCF_CLASS.match(video_id)
    if match and match.group(1) in UCF_CRIME_CATEGORIES:
        return [match.group(1)]
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def resample_mean(features: np.ndarray, max_segments: int) -> np.ndarray:
    """Mean-pool a long video down to max_segments rows (contiguous chunks); shorter videos are returned as is."""
    t = features.shape[0]
    if t <= max_segments:
        return features
    bounds = np.linspace(0, t, max_segments + 1).round().astype(int)
    return np.stack([features[a:max(b, a + 1)].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:])])


def pad_batch(arrays: Sequence[np.ndarray]):
    """Stack [T_i, D] arrays into x [B, T_max, D] and mask [B, T_max] (padding after the valid rows)."""
    t_max = max(a.shape[0] for a in arrays)
    x = np.zeros((len(arrays), t_max, arrays[0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(arrays), t_max), dtype=np.float32)
    for i, a in enumerate(arrays):
        x[i, :a.shape[0]] = a
        mask[i, :a.shape[0]] = 1.0
    return x, mask
