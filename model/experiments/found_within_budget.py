"""Anomalous intervals found within false-alarm budgets: for each model, streaming at the serving window over a data
folder's test videos, the most intervals found (all, and those of motion categories of the synthetic benchmark) at a
threshold of alarm_curve's sweep whose false alarms per hour of normal video stay within each budget. Compares
recipes at the same operating point rather than at each model's own calibrated threshold. Prints one JSON line.

    scripts/py model/experiments/found_within_budget.py --data build/h13-recipe/eval-s7 MODEL_DIR...
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from alarm_curve import sweep_thresholds

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from refinevad.data import Dataset  # noqa: E402
from refinevad.events import VideoEvents, event_metrics  # noqa: E402
from refinevad.inference import load_model, score_streaming  # noqa: E402
from refinevad.synth import MOTION_CATEGORIES  # noqa: E402


def found_within(videos, categories, budget: float) -> dict:
    """The best (found, found among motion intervals) over thresholds whose false alarms per hour are <= budget."""
    motion = [v for v in videos if not v.categories or v.categories[0] in MOTION_CATEGORIES]
    best = (0.0, 0.0)
    for threshold in sweep_thresholds(videos):
        metrics = event_metrics(videos, categories, threshold)
        if metrics["false_alarms_per_hour"] <= budget:
            best = max(best, (metrics["found_fraction"], event_metrics(motion, categories, threshold)["found_fraction"]))
    return {"found": best[0], "found_motion": best[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--budgets", default="1,2,5,10", help="false alarms per hour, comma-separated")
    args = parser.parse_args()
    budgets = [float(b) for b in args.budgets.split(",")]
    results = {}
    for model_dir in args.models:
        model, cfg = load_model(model_dir)
        dataset = Dataset(args.data, feature_dim=cfg.model.feature_dim)
        videos = []
        for video in dataset.split("test", require_gt=True):
            x = dataset.features(video)
            scores, evidence = score_streaming(model, x, args.window)
            videos.append(VideoEvents(scores, evidence, dataset.ground_truth(video, x.shape[0]), video.categories))
        results[str(model_dir)] = {str(b): found_within(videos, cfg.model.categories, b) for b in budgets}
        print(f"{model_dir}: {json.dumps(results[str(model_dir)])}", file=sys.stderr, flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
