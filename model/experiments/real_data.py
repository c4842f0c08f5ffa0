"""Real-data smoke test on shared/data/vad-real (research-use data, not shipped): NOT the paper's benchmark.

1. Evaluator check against the real UCF-Crime test ground truth (290 videos, 1,109,680 frames): an oracle
   scorer must get frame AUC 1.0 and uniform random scores about 0.5. A segment-level oracle (the highest label
   among a segment's 16 frames) shows the ceiling of scoring at segment resolution, since the annotated
   intervals do not start and end on segment boundaries.
2. Train the full model and the base (MLP + MIL) on the 23 training videos of real C3D features (4096-d, 32
   segments per video) and test on the other 10, over several seeds. The 32 segments of a video span all its frames, so the frame-level ground truth is
   resampled to 16 points per segment, at the frames those points stand for.

    scripts/py model/experiments/real_data.py --vad-real ../shared/data/vad-real --out build/real
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from common import CONFIGS, run_tool

from refinevad.data import FRAMES_PER_SEGMENT, glob_escape, video_id_of
from refinevad.evaluate import frame_metrics

VARIANTS = {"full": None, "base": "ablation-base.json",
            "full-motion-std": {"model": {"motion_normalisation": "per_video"}}}


def ucf_ground_truth(ucf: Path):
    """Per-video frame GT of the 290 UCF-Crime test videos, in test.list order."""
    ids = list(dict.fromkeys(video_id_of(line) for line in (ucf / "test.list").read_text().split()))
    gts = []
    for video_id in ids:
        matches = sorted((ucf / "gt_per_video").glob(f"{glob_escape(video_id)}__*.npy"))
        if not matches:
            sys.exit(f"no ground truth for {video_id} in {ucf / 'gt_per_video'}")
        gts.append(np.load(matches[0]).astype(np.float32))
    return ids, gts


def evaluator_check(ucf: Path) -> dict:
    ids, gts = ucf_ground_truth(ucf)
    segment_oracle = [gt.reshape(-1, FRAMES_PER_SEGMENT).max(axis=1) for gt in gts]
    rng = np.random.default_rng(0)
    random = [rng.random(len(gt) // FRAMES_PER_SEGMENT) for gt in gts]
    return {"videos": len(ids), "frames": int(sum(len(g) for g in gts)),
            "anomalous_frames": int(sum(g.sum() for g in gts)),
            "oracle": frame_metrics(gts, gts),
            "segment_oracle": frame_metrics(segment_oracle, gts), "random": frame_metrics(random, gts)}


def c3d_contract(c3d: Path, out: Path) -> dict:
    """Writes the 33 C3D videos in the data contract's layout."""
    manifest = json.loads((c3d / "manifest.json").read_text())
    (out / "features").mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(exist_ok=True)
    lists = {"train": [], "test": []}
    rows = []
    for entry in manifest:
        video = entry["video"]
        x = np.load(c3d / f"{video}.npy").astype(np.float32)
        np.save(out / "features" / f"{video}.npy", x)
        label = "RoadAccidents" if entry["video_label"] else "Normal"
        rows.append(f"{video},{label}")
        lists[entry["split"]].append(video)
        if entry["split"] == "test":
            segments, frames = x.shape[0], entry["n_frames"]
            points = (np.arange(segments * FRAMES_PER_SEGMENT) + 0.5) * frames / (segments * FRAMES_PER_SEGMENT)
            gt = np.zeros(len(points), dtype=np.float32)
            for start, stop in entry["anomaly_intervals"]:
                gt[(points >= start) & (points < stop)] = 1.0
            np.save(out / "gt" / f"{video}.npy", gt)
    for split, videos in lists.items():
        (out / f"{split}.list").write_text("\n".join(videos) + "\n")
    (out / "labels.csv").write_text("video_id,label\n" + "\n".join(rows) + "\n")
    return {split: len(v) for split, v in lists.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vad-real", type=Path, default=Path("../shared/data/vad-real"))
    parser.add_argument("--out", type=Path, default=Path("build/real"))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--variants", help=f"comma-separated subset of {', '.join(VARIANTS)} (default: all)")
    args = parser.parse_args()
    check = evaluator_check(args.vad_real / "ucf")
    print(f"evaluator check on {check['videos']} UCF-Crime test videos ({check['frames']} frames): "
          f"oracle AUC {check['oracle']['auc']:.4f}, segment oracle AUC {check['segment_oracle']['auc']:.4f}, "
          f"random AUC {check['random']['auc']:.4f}", file=sys.stderr)
    data = args.out / "c3d"
    split = c3d_contract(args.vad_real / "ucf" / "c3d_sultani32", data)
    runs, summary = [], {}
    for variant, config in VARIANTS.items():
        # This smoke test measures models that do not learn too (the full model on 23 videos): keep them.
        if args.variants and variant not in args.variants.split(","):
            continue
        raw = (json.loads((CONFIGS / config).read_text()) if isinstance(config, str) else
               json.loads(json.dumps(config or {})))
        raw.setdefault("train", {})["check_learning"] = False
        config_file = args.out / f"config-{variant}.json"
        config_file.write_text(json.dumps(raw))
        for seed in (int(s) for s in args.seeds.split(",")):
            model = args.out / f"{variant}-s{seed}"
            extra = ["--config", config_file]
            run_tool("train", "--data", data, "--out", model, "--epochs", args.epochs, "--seed", seed, *extra)
            metrics = run_tool("evaluate", "--model", model, "--data", data, "--windows", "8,16")
            runs.append({"variant": variant, "seed": seed,
                         **{k: metrics[k] for k in ("frame_auc", "frame_ap", "streaming_auc_w8", "streaming_auc_w16")}})
            print(f"C3D {variant} seed {seed}: AUC {metrics['frame_auc']:.4f} AP {metrics['frame_ap']:.4f}",
                  file=sys.stderr)
        auc = [r["frame_auc"] for r in runs if r["variant"] == variant]
        summary[variant] = {"frame_auc_mean": float(np.mean(auc)), "frame_auc_std": float(np.std(auc))}
    print(json.dumps({"evaluator_check": check, "c3d_split": split, "c3d_runs": runs, "c3d_summary": summary}))


if __name__ == "__main__":
    main()
