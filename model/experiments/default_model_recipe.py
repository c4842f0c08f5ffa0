"""Candidate trainings of the default model on the synthetic benchmark: what an operator would see, over seeds.

Each candidate trains the default recipe (model/refinevad/config.py, plus an optional overlay) on a synthetic
benchmark of its number of videos, one per seed (data seed = training seed, as `make default-model` uses seed 0), and
is measured on that benchmark's test split only: frame AUC offline and streaming (W=32), then at the model's calibrated
threshold the anomalous intervals found, split into motion and semantic categories, the false alarms per hour and the
normal test videos with an alarm. The demo's videos (seed 2024) are never looked at. Prints progress on stderr, a
Markdown table on stdout, then one JSON line with every run; runs are appended to OUT/runs.jsonl as they finish.

    scripts/py model/experiments/default_model_recipe.py --candidates 600:10,1200:10,1200:20 --seeds 0,1,2
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from common import run_tool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from refinevad.data import Dataset  # noqa: E402
from refinevad.evaluate import model_threshold  # noqa: E402
from refinevad.events import VideoEvents, event_metrics  # noqa: E402
from refinevad.inference import load_model, score_streaming  # noqa: E402
from refinevad.synth import MOTION_CATEGORIES  # noqa: E402

WINDOW = 32
COLUMNS = ["frame_auc", "streaming_auc_w32", "threshold", "found", "found_motion", "found_semantic",
           "false_alarms_per_hour", "normal_alarmed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", default="600:10,1200:10,1200:20",
                        help="comma-separated VIDEOS:EPOCHS[:MAX_SEGMENTS], the synthetic benchmark's size, the "
                             "training epochs and the benchmark's longest video (default 1000, refinevad.synth's)")
    parser.add_argument("--eval-seed", type=int,
                        help="also measure every model on the test split of one more benchmark (this data seed, 600 "
                             "videos of refinevad.synth's defaults; not a training seed and not the demo's 2024), so "
                             "that candidates trained on different benchmarks meet the same videos")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--overlay", type=json.loads, default={},
                        help="JSON config overlay on the default recipe (like ablation.py's); {} for the default")
    parser.add_argument("--out", type=Path, default=Path("build/default-recipe"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    candidates = [(tuple(int(v) for v in c.split(":")) + (1000,))[:3] for c in args.candidates.split(",")]
    common = args.out / f"eval-s{args.eval_seed}" if args.eval_seed is not None else None
    if common is not None and not (common / "synth.json").is_file():
        run_tool("synth", "--out", common, "--seed", args.eval_seed, "--videos", 600)
    args.out.mkdir(parents=True, exist_ok=True)
    config = args.out / "config.json"
    config.write_text(json.dumps(args.overlay) + "\n")
    log = args.out / "runs.jsonl"
    start, runs = time.monotonic(), []
    for videos, epochs, longest in candidates:
        for seed in seeds:
            data = args.out / f"data-v{videos}-m{longest}-s{seed}"
            if not (data / "synth.json").is_file():
                run_tool("synth", "--out", data, "--seed", seed, "--videos", videos, "--max-segments", longest)
            model = args.out / f"model-v{videos}-m{longest}-e{epochs}-s{seed}"
            if (model / "training.json").is_file():  # trained by an earlier run of the same candidate
                trained = json.loads((model / "training.json").read_text())
            else:
                trained = run_tool("train", "--data", data, "--out", model, "--seed", seed, "--epochs", epochs,
                                   "--config", config)
            metrics = run_tool("evaluate", "--model", model, "--data", data, "--windows", WINDOW)
            runs.append({"max_segments": longest, **summary(videos, epochs, seed, trained, metrics, model, data)})
            if common is not None:
                on_common = summary(videos, epochs, seed, trained, run_tool(
                    "evaluate", "--model", model, "--data", common, "--windows", WINDOW), model, common)
                runs[-1]["common"] = {k: v for k, v in on_common.items() if k in COLUMNS}
            with log.open("a") as f:
                f.write(json.dumps(runs[-1]) + "\n")
            print(f"[recipe {time.monotonic() - start:6.0f}s] {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    report(runs)
    print(json.dumps({"seeds": seeds, "overlay": args.overlay, "runs": runs}))


def summary(videos: int, epochs: int, seed: int, trained: dict, metrics: dict, model: Path, data: Path) -> dict:
    events = metrics["events"]
    return {"videos": videos, "epochs": epochs, "seed": seed, "frame_auc": metrics["frame_auc"],
            "streaming_auc_w32": metrics[f"streaming_auc_w{WINDOW}"], "threshold": events["threshold"],
            "found": events["found_fraction"], "false_alarms_per_hour": events["false_alarms_per_hour"],
            "normal_alarmed": events["normal_videos_with_alarm"] / events["normal_videos"],
            **found_by_kind(model, data), "train_seconds": trained["seconds"]}


def found_by_kind(model_dir: Path, data_dir: Path) -> dict:
    """Share of the anomalous intervals found at the calibrated threshold, for motion and for semantic categories."""
    model, cfg = load_model(model_dir)
    threshold = model_threshold(model_dir)[0]
    dataset = Dataset(data_dir, feature_dim=cfg.model.feature_dim)
    cases = {"motion": [], "semantic": []}
    for video in dataset.split("test", require_gt=True):
        if video.categories:
            x = dataset.features(video)
            scores, evidence = score_streaming(model, x, WINDOW)
            kind = "motion" if video.categories[0] in MOTION_CATEGORIES else "semantic"
            cases[kind].append(VideoEvents(scores, evidence, dataset.ground_truth(video, x.shape[0]),
                                           video.categories))
    return {f"found_{kind}": event_metrics(c, cfg.model.categories, threshold)["found_fraction"]
            for kind, c in cases.items()}


def report(runs: list) -> None:
    for title, pick in (("own test split", lambda r: r), ("common benchmark", lambda r: r.get("common"))):
        if not all(pick(r) for r in runs):
            continue
        print(f"\n{title}\n\n| videos | longest | epochs | " + " | ".join(COLUMNS) + " |")
        print("|---|---|---|" + "---|" * len(COLUMNS))
        for key in dict.fromkeys((r["videos"], r["max_segments"], r["epochs"]) for r in runs):
            mine = [pick(r) for r in runs if (r["videos"], r["max_segments"], r["epochs"]) == key]
            cells = [f"{np.mean([r[c] for r in mine]):.3f} +- {np.std([r[c] for r in mine]):.3f}" for c in COLUMNS]
            print(f"| {key[0]} | {key[1]} | {key[2]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
