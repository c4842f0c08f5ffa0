"""Evaluate a trained model on a data folder's test split.

Frame-level metrics follow the published protocol: every frame of a video takes the score of the segment that spans
it (segment i of T spans frames [floor(i*N/T), floor((i+1)*N/T)) of the video's N ground-truth frames; N = 16*T gives
16 frames per segment), all test videos are concatenated in list order, and frame AUC (ROC) and AP (sklearn
average_precision_score) are computed over every frame against the concatenated ground truth. Per-category AUC uses the anomalous videos of one category plus every normal video.
Streaming AUC scores each segment from a causal window of the last W segments, as the inference server does.
Event-level and category metrics (refinevad.events: intervals found, false alarms per hour, detection delay,
category shown) use the streaming scores at the serving window and the model's threshold, calibrated on its training
videos by refinevad.train (0.5 for a model trained before calibration existed; --threshold overrides).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from . import cli
from .data import DataError, Dataset, Video, frame_scores
from .category_calibration import model_category_confidence
from .events import VideoEvents, event_metrics, majority_category
from .inference import TRAINING_FILE, load_model, score_offline, score_streaming

DEFAULT_THRESHOLD = 0.5  # the client's default, for models without a calibrated threshold


def frame_metrics(scores: Sequence[np.ndarray], gts: Sequence[np.ndarray]) -> Dict[str, float]:
    """AUC and AP of per-segment scores against frame-level ground truth (any N >= T frames per video), over every
    frame of the concatenated videos."""
    frames = np.concatenate([frame_scores(s, len(g)) for s, g in zip(scores, gts)])
    truth = np.concatenate(gts)
    if truth.min() == truth.max():
        raise cli.UsageError("the test ground truth has only one class; AUC and AP need anomalous and normal frames")
    return {"auc": float(roc_auc_score(truth, frames)), "ap": float(average_precision_score(truth, frames))}


def per_category_auc(videos: List[Video], scores, gts, categories: List[str]) -> Dict[str, float]:
    normal = [i for i, v in enumerate(videos) if not v.anomalous]
    result = {}
    for name in categories:
        members = [i for i, v in enumerate(videos) if name in v.categories]
        if not members or not normal:
            continue
        chosen = members + normal
        result[name] = frame_metrics([scores[i] for i in chosen], [gts[i] for i in chosen])["auc"]
    return result


def model_threshold(model_dir: Path) -> tuple:
    """The model's calibrated alarm threshold and where it came from, and its training category counts."""
    path = Path(model_dir) / TRAINING_FILE
    training = json.loads(path.read_text()) if path.is_file() else {}
    counts = training.get("category_counts")
    if "threshold" in training:
        t = training["threshold"]
        return t["value"], f"calibrated on training videos (W={t['window']})", counts
    return DEFAULT_THRESHOLD, f"default {DEFAULT_THRESHOLD} (the model has no calibrated threshold)", counts


def training_category_counts(dataset: Dataset) -> dict:
    """Category counts of the data folder's training videos (labels only), for models that did not record them."""
    try:
        videos = dataset.split("train")
    except DataError:
        return {}
    return {name: sum(name in v.categories for v in videos) for name in dataset.categories}


def evaluate(model_dir: Path, data_dir: Path, windows: Sequence[int], progress, events_window: Optional[int] = 32,
             threshold: Optional[float] = None) -> dict:
    model, cfg = load_model(model_dir)
    dataset = Dataset(data_dir, feature_dim=cfg.model.feature_dim)
    unknown = [c for c in dataset.categories if c not in cfg.model.categories]
    if unknown:
        raise cli.UsageError(f"{data_dir} uses categories {unknown} that the model was not trained on; "
                             f"its categories: {', '.join(cfg.model.categories)}")
    videos = dataset.split("test", require_gt=True)
    stream_windows = sorted(set(windows) | ({events_window} if events_window else set()))
    offline, streaming, gts = [], {w: [] for w in stream_windows}, []
    for i, video in enumerate(videos):
        x = dataset.features(video)
        gts.append(dataset.ground_truth(video, x.shape[0]))
        offline.append(score_offline(model, x)[0])
        for w in stream_windows:
            streaming[w].append(score_streaming(model, x, w))
        if (i + 1) % 20 == 0 or i + 1 == len(videos):
            progress(f"scored {i + 1}/{len(videos)} test videos")
    metrics = frame_metrics(offline, gts)
    result = {"frame_auc": metrics["auc"], "frame_ap": metrics["ap"], "test_videos": len(videos),
              "per_category_auc": per_category_auc(videos, offline, gts, dataset.categories)}
    for w in windows:
        result[f"streaming_auc_w{w}"] = frame_metrics([s for s, _ in streaming[w]], gts)["auc"]
    if events_window:
        calibrated, source, counts = model_threshold(model_dir)
        if threshold is not None:
            calibrated, source = threshold, "--threshold"
        counts = counts if counts is not None else training_category_counts(dataset)
        cases = [VideoEvents(s, e, gt, v.categories) for (s, e), gt, v in zip(streaming[events_window], gts, videos)]
        events = event_metrics(cases, cfg.model.categories, calibrated, majority_category(counts),
                               category_confidence=model_category_confidence(model_dir))
        result["events"] = {"window": events_window, "threshold_source": source, **events}
    return result


def summary_table(result: dict) -> str:
    """The result for a person to read; stdout keeps the one JSON line for programs."""
    rows = [("frame AUC (offline)", result["frame_auc"]), ("frame AP (offline)", result["frame_ap"])]
    rows += [(f"frame AUC (streaming, W={k.rsplit('_w', 1)[1]})", v)
             for k, v in result.items() if k.startswith("streaming_auc_w")]
    rows += [(f"  AUC {name}", v) for name, v in sorted(result["per_category_auc"].items())]
    events = result.get("events")
    if events:
        cat = events["category"]
        rows += [(f"events (streaming, W={events['window']}, threshold {events['threshold']:.3f}: "
                  f"{events['threshold_source']})", None),
                 ("  anomalous intervals found", f"{events['intervals_found']}/{events['intervals']}"),
                 ("  false alarms per hour of normal video",
                  f"{_num(events['false_alarms_per_hour'], '.2f')} ({events['false_alarms']} in "
                  f"{events['normal_hours']:.2f} h)"),
                 ("  normal videos with an alarm", f"{events['normal_videos_with_alarm']}/{events['normal_videos']}"),
                 ("  median detection delay (segments)", _num(events["median_delay_segments"], ".1f")),
                 ("  category shown, top-1 accuracy", f"{_num(cat['top1_accuracy'], '.3f')} of {cat['events']} "
                  f"found events"),
                 (f"  majority-class baseline ({cat['majority_class']})", _num(cat["majority_baseline"], ".3f")),
                 (f"  shown at confidence >= {_num(cat['confidence_threshold'], '.3f')}, else unknown",
                  f"{cat['named_right']} right of {cat['named']} named, {cat['unknown']} unknown")]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  -----"]
    lines += [f"{name:<{width}}  " + (f"{value:.4f}" if isinstance(value, float) else "" if value is None
                                      else str(value)) for name, value in rows]
    return "\n".join(lines)


def _num(value, fmt: str) -> str:
    return "n/a" if value is None else format(value, fmt)


def parse_windows(text: str) -> List[int]:
    try:
        windows = [int(w) for w in text.split(",") if w.strip()]
    except ValueError:
        windows = []
    if text.strip().lower() == "none":
        return []
    if not windows or min(windows) < 1:
        raise cli.UsageError(f"--windows {text!r} is not allowed; give positive integers separated by commas, "
                             f"e.g. 16,32,64")
    return windows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m refinevad.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="trained model folder")
    parser.add_argument("--data", type=Path, required=True, help="data folder with test.list and gt_frames/ or gt/")
    parser.add_argument("--windows", default="32",
                        help="streaming windows W, comma-separated, or none (default 32, the serving default)")
    parser.add_argument("--events-window", default="32",
                        help="streaming window W of the event-level and category metrics, or none (default 32)")
    parser.add_argument("--threshold", type=float,
                        help="alarm threshold of the event metrics (default: the model's calibrated one)")
    args = parser.parse_args(argv)

    def body(progress):
        windows = parse_windows(args.windows)
        events = parse_windows(args.events_window)
        if len(events) > 1:
            raise cli.UsageError(f"--events-window {args.events_window!r}: give one window, or none")
        progress(f"evaluating {args.model} on {args.data} (streaming windows {windows}, events at "
                 f"{events[0] if events else 'none'})")
        result = evaluate(args.model, args.data, windows, progress, events[0] if events else None, args.threshold)
        print(summary_table(result), file=sys.stderr)
        return result

    cli.run("evaluate", body)


if __name__ == "__main__":
    main()
