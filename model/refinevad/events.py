"""What an operator of cameras sees: alarms at a threshold, the anomalous intervals they find, false alarms per hour of
normal video, detection delay, and the category shown for each detected event; and the threshold's calibration.

An alarm is what the client shows (client/.../AnomalyIntervals.java): a run of at least MIN_SEGMENTS consecutive
segments scoring at or above the threshold, named by the category with the highest evidence summed over the run.
Scores and evidence are the streaming ones (a causal window of the last W segments), as the server sends them.
Segment i of a video of N ground-truth frames spans frames [floor(i*N/T), floor((i+1)*N/T)) (data.segment_bounds).

- An anomalous interval (a run of anomalous frames in the ground truth) is found when an alarm overlaps it.
- A false alarm is an alarm that overlaps no anomalous frame; false alarms per hour divide their count by the hours
  of normal frames of all test videos (FPS frames per second).
- The detection delay of a found interval, in segments: from the first segment that overlaps it to the first alarm
  segment that overlaps it (0 when an alarm is already on at its start).
- The category of an alarm is its top category (the highest evidence summed over the alarm) with a confidence: that
  category's share of the evidence summed over every category (category_of_alarm; the definition the API and the
  client share is AlarmSettings.category_confidence in proto/.../scoring.proto). It is shown when the confidence reaches
  the model's calibrated category confidence, and "unknown" otherwise.
- For a found interval the first alarm that overlaps it counts: its top category is right when the video carries that
  category (top-1 accuracy, whatever the confidence); of the events that show a category, how many are right is the
  precision an operator sees. The baseline always shows the training set's most frequent category.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .data import segment_bounds

FPS = 30.0
MIN_SEGMENTS = 2  # the client's flicker filter
UNKNOWN = "unknown"  # what is shown instead of a category whose confidence is below the calibrated one
# The category is worth showing when it is right at least 4 times in 5 (and more often than always naming the majority
# class would be); MIN_CATEGORY_ALARMS keeps a few lucky alarms from setting the confidence.
CATEGORY_PRECISION_TARGET = 0.8
MIN_CATEGORY_ALARMS = 20


def runs(flags: np.ndarray, min_length: int = 1) -> List[Tuple[int, int]]:
    """[start, end) of every run of True in a 1-d array that is at least min_length long."""
    padded = np.concatenate([[False], np.asarray(flags, dtype=bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_length]


def alarms(scores: np.ndarray, threshold: float, min_segments: int = MIN_SEGMENTS) -> List[Tuple[int, int]]:
    """[start, end) in segments of each alarm: runs of at least min_segments scores >= threshold."""
    return runs(np.asarray(scores) >= threshold, min_segments)


def alarm_level(scores: np.ndarray, min_segments: int = MIN_SEGMENTS) -> float:
    """The highest threshold at which a video raises an alarm: max over t of min(scores[t : t + min_segments])."""
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) < min_segments:
        return float("-inf")
    span = len(scores) - min_segments + 1
    return float(np.min([scores[k:k + span] for k in range(min_segments)], axis=0).max())


@dataclass
class VideoEvents:
    scores: np.ndarray            # [T] streaming scores
    evidence: np.ndarray          # [T, C] streaming category evidence
    gt: np.ndarray                # [N] frame ground truth, N >= T
    categories: Sequence[str]     # the video's categories (empty for a normal video)


def event_metrics(videos: Sequence[VideoEvents], category_names: Sequence[str], threshold: float,
                  majority_class: Optional[str] = None, min_segments: int = MIN_SEGMENTS,
                  fps: float = FPS, category_confidence: Optional[float] = None) -> Dict:
    """category_confidence: the lowest confidence at which a category is shown (None: every category is unknown)."""
    intervals = found = false_alarms = normal_frames = 0
    delays: List[int] = []
    shown_right: List[bool] = []
    named_right: List[bool] = []
    baseline_right: List[bool] = []
    normal_videos = normal_videos_alarmed = 0
    for video in videos:
        bounds = segment_bounds(len(video.scores), len(video.gt))
        truth = np.asarray(video.gt) > 0.5
        normal_frames += int((~truth).sum())
        raised = alarms(video.scores, threshold, min_segments)
        in_frames = [(bounds[a], bounds[b]) for a, b in raised]
        if not video.categories:
            normal_videos += 1
            normal_videos_alarmed += bool(raised)
        false_alarms += sum(not truth[a:b].any() for a, b in in_frames)
        alarm_segment = np.zeros(len(video.scores), dtype=bool)
        for a, b in raised:
            alarm_segment[a:b] = True
        for start, end in runs(truth):
            intervals += 1
            first = int(np.searchsorted(bounds, start, side="right") - 1)  # segment spanning the first frame
            last = int(np.searchsorted(bounds, end - 1, side="right") - 1)
            hits = np.flatnonzero(alarm_segment[first:last + 1])
            if hits.size == 0:
                continue
            found += 1
            delays.append(int(hits[0]))
            alarm = next((a, b) for a, b in raised if a <= first + hits[0] < b)
            top, confidence = category_of_alarm(video.evidence, alarm, category_names)
            shown_right.append(top in video.categories)
            if shown_category(top, confidence, category_confidence) != UNKNOWN:
                named_right.append(top in video.categories)
            baseline_right.append(majority_class is not None and majority_class in video.categories)
    normal_hours = normal_frames / fps / 3600.0
    result = {
        "threshold": float(threshold), "min_segments": min_segments, "fps": fps,
        "intervals": intervals, "intervals_found": found,
        "found_fraction": found / intervals if intervals else None,
        "false_alarms": false_alarms, "normal_hours": normal_hours,
        "false_alarms_per_hour": false_alarms / normal_hours if normal_hours > 0 else None,
        "median_delay_segments": float(np.median(delays)) if delays else None,
        "normal_videos": normal_videos, "normal_videos_with_alarm": normal_videos_alarmed,
        "category": {"events": len(shown_right),
                     "top1_accuracy": float(np.mean(shown_right)) if shown_right else None,
                     "majority_class": majority_class,
                     "majority_baseline": float(np.mean(baseline_right))
                     if baseline_right and majority_class is not None else None,
                     # What an operator sees: a category only at or above the calibrated confidence, else unknown.
                     "confidence_threshold": category_confidence,
                     "named": len(named_right), "unknown": len(shown_right) - len(named_right),
                     "named_right": int(sum(named_right)),
                     "named_precision": float(np.mean(named_right)) if named_right else None},
    }
    return result


def category_of_alarm(evidence: np.ndarray, alarm: Tuple[int, int],
                      category_names: Sequence[str]) -> Tuple[str, float]:
    """An alarm's top category (the highest evidence summed over its segments, the first on ties) and its confidence:
    the top category's share of the evidence summed over every category and segment of the alarm (0 without any
    evidence). Java: client/.../AnomalyIntervals.java."""
    a, b = alarm
    summed = np.asarray(evidence, dtype=np.float64)[a:b].sum(axis=0)
    top = int(np.argmax(summed))
    total = float(summed.sum())
    return category_names[top], float(summed[top] / total) if total > 0 else 0.0


def shown_category(top: str, confidence: float, category_confidence: Optional[float]) -> str:
    """The category an operator is shown: the top one when its confidence reaches the calibrated category
    confidence, otherwise UNKNOWN (always when there is no calibrated confidence)."""
    return top if category_confidence is not None and confidence >= category_confidence else UNKNOWN


def majority_category(counts: Dict[str, int]) -> Optional[str]:
    """The most frequent category of the training videos (first in order on ties), or None without any."""
    best = max(counts.values(), default=0)
    return next((name for name, n in counts.items() if n == best), None) if best > 0 else None


def calibrate_threshold(normal_levels: Sequence[float], anomalous_levels: Sequence[float]) -> Dict:
    """The alarm threshold from training videos' alarm levels (alarm_level), with video-level labels only.

    A video raises an alarm at threshold th when its level is >= th. The threshold maximises Youden's J = (share of
    anomalous videos alarmed) - (share of normal videos alarmed); among equally good alarm sets the one with fewer
    alarms (the higher threshold), placed midway between the lowest level that alarms and the highest that does not.
    """
    normal = np.asarray(normal_levels, dtype=np.float64)
    anomalous = np.asarray(anomalous_levels, dtype=np.float64)
    if normal.size == 0 or anomalous.size == 0:
        raise ValueError("calibration needs normal and anomalous videos")
    levels = np.unique(np.concatenate([normal, anomalous]))
    levels = levels[np.isfinite(levels)]
    if levels.size == 0:
        raise ValueError(f"calibration needs videos of at least {MIN_SEGMENTS} segments")
    best = None
    for i, level in enumerate(levels):
        tpr, fpr = float((anomalous >= level).mean()), float((normal >= level).mean())
        if best is None or tpr - fpr >= best[0]:
            best = (tpr - fpr, i, tpr, fpr)
    j, i, tpr, fpr = best
    threshold = levels[i] if i == 0 else (levels[i - 1] + levels[i]) / 2.0
    return {"value": float(threshold), "youden_j": j, "train_anomalous_alarmed": tpr, "train_normal_alarmed": fpr,
            "normal_videos": int(normal.size), "anomalous_videos": int(anomalous.size)}


def calibrate_category_confidence(confidences: Sequence[float], right: Sequence[bool], majority_right: Sequence[bool],
                                  target: float = CATEGORY_PRECISION_TARGET,
                                  min_alarms: int = MIN_CATEGORY_ALARMS) -> Dict:
    """The category confidence from training alarms (video-level labels only): one entry per alarm of an anomalous
    training video, with its confidence (category_of_alarm), whether its top category is one of the video's, and
    whether the training majority class is.

    The value is the lowest confidence c such that the alarms at or above c, at least min_alarms of them, show a
    right category at least max(target, majority precision) of the time, where the majority precision is how often
    always naming the training majority class would be right on the same alarms. None when no c reaches it: then
    every category is unknown. "precision" is the precision at the value; "best_precision" the highest over every c
    with at least min_alarms alarms, so that a failed calibration says how far it was.
    """
    confidences = np.asarray(confidences, dtype=np.float64)
    right = np.asarray(right, dtype=bool)
    if confidences.shape != right.shape or right.shape != np.shape(majority_right):
        raise ValueError("confidences, right and majority_right need one entry per alarm")
    baseline = float(np.mean(majority_right)) if right.size else None
    required = max(target, baseline or 0.0)
    order = np.argsort(-confidences, kind="stable")
    shown = np.arange(1, right.size + 1)                     # alarms at or above each confidence, highest first
    precision = np.cumsum(right[order]) / shown
    # Only the last of equal confidences: a threshold shows all of them or none.
    last = np.r_[confidences[order][1:] != confidences[order][:-1], True] if right.size else np.array([], bool)
    eligible = last & (shown >= min_alarms)
    reached = np.flatnonzero(eligible & (precision >= required))
    chosen = int(reached.max()) if reached.size else None    # the most alarms shown: the lowest confidence
    return {"value": float(confidences[order][chosen]) if chosen is not None else None,
            "target": target, "required_precision": required, "majority_precision": baseline,
            "precision": float(precision[chosen]) if chosen is not None else None,
            "alarms_shown": int(shown[chosen]) if chosen is not None else 0,
            "best_precision": float(precision[eligible].max()) if eligible.any() else None,
            "alarms": int(right.size), "min_alarms": min_alarms}
