"""Evaluate a trained model on a data folder's test split.

Frame-level metrics follow the published protocol: every frame of a video takes the score of the segment that spans
it (segment i of T spans frames [floor(i*N/T), floor((i+1)*N/T)) of the video's N ground-truth frames; N = 16*T gives
16 frames per segment), all test videos are concatenated in list order, and frame AUC (ROC) and AP (sklearn
average_precision_score) are computed over every frame against the concatenated ground truth. Per-category AUC uses the anomalous videos of one category plus every normal video.
Streaming AUC scores each segment from a causal window of the last W segments, as the inference server does.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from . import cli
from .data import Dataset, Video, frame_scores
from .inference import load_model, score_offline, score_streaming


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


def evaluate(model_dir: Path, data_dir: Path, windows: Sequence[int], progress) -> dict:
    model, cfg = load_model(model_dir)
    dataset = Dataset(data_dir, feature_dim=cfg.model.feature_dim)
    unknown = [c for c in dataset.categories if c not in cfg.model.categories]
    if unknown:
        raise cli.UsageError(f"{data_dir} uses categories {unknown} that the model was not trained on; "
                             f"its categories: {', '.join(cfg.model.categories)}")
    videos = dataset.split("test", require_gt=True)
    offline, streaming, gts = [], {w: [] for w in windows}, []
    for i, video in enumerate(videos):
        x = dataset.features(video)
        gts.append(dataset.ground_truth(video, x.shape[0]))
        offline.append(score_offline(model, x)[0])
        for w in windows:
            streaming[w].append(score_streaming(model, x, w)[0])
        if (i + 1) % 20 == 0 or i + 1 == len(videos):
            progress(f"scored {i + 1}/{len(videos)} test videos")
    metrics = frame_metrics(offline, gts)
    result = {"frame_auc": metrics["auc"], "frame_ap": metrics["ap"], "test_videos": len(videos),
              "per_category_auc": per_category_auc(videos, offline, gts, dataset.categories)}
    for w in windows:
        result[f"streaming_auc_w{w}"] = frame_metrics(streaming[w], gts)["auc"]
    return result


def summary_table(result: dict) -> str:
    """The result for a person to read; stdout keeps the one JSON line for programs."""
    rows = [("frame AUC (offline)", result["frame_auc"]), ("frame AP (offline)", result["frame_ap"])]
    rows += [(f"frame AUC (streaming, W={k.rsplit('_w', 1)[1]})", v)
             for k, v in result.items() if k.startswith("streaming_auc_w")]
    rows += [(f"  AUC {name}", v) for name, v in sorted(result["per_category_auc"].items())]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  -----"]
    lines += [f"{name:<{width}}  {value:.4f}" for name, value in rows]
    return "\n".join(lines)


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
    args = parser.parse_args(argv)

    def body(progress):
        windows = parse_windows(args.windows)
        progress(f"evaluating {args.model} on {args.data} (streaming windows {windows})")
        result = evaluate(args.model, args.data, windows, progress)
        print(summary_table(result), file=sys.stderr)
        return result

    cli.run("evaluate", body)


if __name__ == "__main__":
    main()
