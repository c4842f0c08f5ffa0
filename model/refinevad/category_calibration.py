"""The category confidence of a trained model, calibrated on its training videos with video-level labels only: the
lowest confidence at which the category shown for an alarm is right often enough (events.calibrate_category_confidence).

Each of a seeded sample of anomalous training videos (as trained, mean-pooled to max_segments) is streamed at the
threshold calibration's window, and every alarm it raises at the calibrated alarm threshold is one entry: its top
category's confidence (events.category_of_alarm), and whether that category, or the training majority class, is one of
the video's. Alarms of normal videos do not count: no category is right there, and the test metric this calibrates
(events.event_metrics, named_precision) is over detected anomalous intervals.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import numpy as np

from .events import MIN_SEGMENTS, alarms, calibrate_category_confidence, category_of_alarm, majority_category
from .inference import TRAINING_FILE, score_streaming

RULE = ("lowest confidence (top category's share of the evidence summed over the alarm) at which the alarms of "
        "anomalous training videos at or above it show one of the video's categories at least the required "
        "precision of the time")


def calibrate_categories(model, cfg, data, threshold: float, progress) -> dict:
    """The category calibration of a model trained on data (train.TrainingSet) with its alarm threshold."""
    names = list(cfg.model.categories)
    window = cfg.train.calibration_window
    majority = majority_category({name: int(n) for name, n in zip(names, data.categories[data.anomalous].sum(0))})
    chosen = np.random.default_rng(cfg.train.seed + 2).permutation(data.anomalous)[:cfg.train.calibration_videos]
    model.eval()
    confidences, right, majority_right = [], [], []
    for i in chosen:
        scores, evidence = score_streaming(model, data.features[i], window)
        carried = {names[c] for c in np.flatnonzero(data.categories[i] > 0.5)}
        for alarm in alarms(scores, threshold):
            top, confidence = category_of_alarm(evidence, alarm, names)
            confidences.append(confidence)
            right.append(top in carried)
            majority_right.append(majority in carried)
    result = calibrate_category_confidence(confidences, right, majority_right)
    result.update({"window": window, "min_segments": MIN_SEGMENTS, "alarm_threshold": float(threshold),
                   "anomalous_videos": int(len(chosen)), "majority_class": majority, "rule": RULE})
    progress(describe(result))
    return result


def describe(result: dict) -> str:
    if result["value"] is None:
        best = "no confidence had enough alarms" if result["best_precision"] is None else \
            f"the best was {result['best_precision']:.0%}"
        return (f"category confidence: none reaches {result['required_precision']:.0%} right on the "
                f"{result['alarms']} alarms of {result['anomalous_videos']} anomalous training videos ({best}; "
                f"always {result['majority_class']}: {_share(result['majority_precision'])}): every category is "
                f"shown as unknown")
    return (f"category confidence {result['value']:.3f}: {result['alarms_shown']} of {result['alarms']} alarms of "
            f"{result['anomalous_videos']} anomalous training videos reach it, {result['precision']:.0%} of them with "
            f"a right category (required {result['required_precision']:.0%}; always {result['majority_class']}: "
            f"{_share(result['majority_precision'])})")


def _share(value) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def model_category_confidence(model_dir: Path) -> Optional[float]:
    """The category confidence calibrated for a model folder (training.json), or None: not calibrated, or no
    confidence reached the precision; either way every category is then unknown."""
    path = Path(model_dir) / TRAINING_FILE
    training = json.loads(path.read_text()) if path.is_file() else {}
    return (training.get("category_confidence") or {}).get("value")
