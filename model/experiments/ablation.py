"""Ablation on the synthetic benchmark: base (MLP + MIL), + MoTAR, + CORE, full; mean +- std over seeds.

Each seed generates its own benchmark (data seed = training seed), so the spread covers both data and training.
Prints progress on stderr, Markdown tables on stdout, then one JSON line with every run; each run is also appended
to OUT/runs.jsonl as it finishes, and --report-only rebuilds the tables from that file.
Seeds differ in data difficulty as much as in training, so the table also gives each variant's gain over the base
on the same seed (paired), which is the fair comparison.

    scripts/py model/experiments/ablation.py --seeds 0,1,2 --out build/ablation
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from common import CONFIGS, run_tool

VARIANTS = [("base (MLP + MIL)", "ablation-base.json"), ("+ MoTAR", "ablation-motar.json"),
            ("+ CORE", "ablation-core.json"), ("full (MoTAR + CORE)", "ablation-full.json"),
            ("full, paper's prototype teaching", "ablation-full-paper-teaching.json")]


def mean_std(values) -> str:
    return f"{np.mean(values):.3f} +- {np.std(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--videos", type=int, default=600)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("build/ablation"))
    parser.add_argument("--variants", help="config names of model/configs to run (default: all), e.g. "
                                           "ablation-base,ablation-full")
    parser.add_argument("--overlay", type=json.loads, default={},
                        help='JSON merged into every variant\'s config, e.g. \'{"model": {"input_normalisation": '
                             '"dataset_rms"}}\' (a candidate recipe before it is the default)')
    parser.add_argument("--report-only", action="store_true", help="only print the tables of OUT/runs.jsonl")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    log = args.out / "runs.jsonl"
    if args.report_only:
        runs = [json.loads(line) for line in log.read_text().splitlines()]
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        log.write_text("")
        runs = run_all(args, seeds, log)
    report(runs, args.out / f"data-s{runs[0]['seed']}" / "synth.json")
    print(json.dumps({"seeds": seeds, "videos": args.videos, "epochs": args.epochs, "overlay": args.overlay,
                      "runs": runs}))


def run_all(args, seeds, log: Path) -> list:
    start = time.monotonic()
    runs = []
    for seed in seeds:
        data = args.out / f"data-s{seed}"
        run_tool("synth", "--out", data, "--seed", seed, "--videos", args.videos)
        for label, config in chosen_variants(args.variants):
            model = args.out / f"{config[:-5]}-s{seed}"
            trained = run_tool("train", "--data", data, "--out", model, "--epochs", args.epochs, "--seed", seed,
                               "--config", with_overlay(config, args.overlay, args.out))
            metrics = run_tool("evaluate", "--model", model, "--data", data, "--windows", "none")
            runs.append({"variant": label, "seed": seed, "frame_auc": metrics["frame_auc"],
                         "frame_ap": metrics["frame_ap"], "per_category_auc": metrics["per_category_auc"],
                         "train_seconds": trained["seconds"], "parameters": trained["parameters"]})
            with log.open("a") as f:
                f.write(json.dumps(runs[-1]) + "\n")
            print(f"[ablation {time.monotonic() - start:6.0f}s] seed {seed} {label}: "
                  f"AUC {metrics['frame_auc']:.4f} AP {metrics['frame_ap']:.4f}", file=sys.stderr, flush=True)
    return runs


def chosen_variants(names) -> list:
    if not names:
        return VARIANTS
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {config[:-5] for _, config in VARIANTS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        sys.exit(f"unknown variant(s) {unknown}; known: {', '.join(sorted(known))}")
    return [(label, config) for label, config in VARIANTS if config[:-5] in wanted]


def with_overlay(config: str, overlay: dict, out: Path) -> Path:
    """The variant's config file, or a copy in OUT with the overlay's sections merged into it."""
    if not overlay:
        return CONFIGS / config
    raw = json.loads((CONFIGS / config).read_text())
    for section, values in overlay.items():
        raw.setdefault(section, {}).update(values)
    path = out / f"config-{config}"
    path.write_text(json.dumps(raw) + "\n")
    return path


def report(runs: list, synth_json: Path) -> None:
    synth = json.loads(synth_json.read_text())["summary"]
    groups = {"motion": synth["motion_categories"], "semantic": synth["semantic_categories"]}
    base = {r["seed"]: r for r in runs if r["variant"] == VARIANTS[0][0]}
    print("| variant | frame AUC | frame AP | AUC gain over base, same seed | AUC, motion categories "
          "| AUC, semantic categories | params |")
    print("|---|---|---|---|---|---|---|")
    for label, _ in VARIANTS:
        mine = [r for r in runs if r["variant"] == label]
        if not mine:
            continue
        group_auc = {g: [np.mean([r["per_category_auc"][c] for c in names if c in r["per_category_auc"]])
                         for r in mine] for g, names in groups.items()}
        gain = [r["frame_auc"] - base[r["seed"]]["frame_auc"] for r in mine if r["seed"] in base]
        print(f"| {label} | {mean_std([r['frame_auc'] for r in mine])} | {mean_std([r['frame_ap'] for r in mine])}"
              f" | {mean_std(gain)} | {mean_std(group_auc['motion'])} | {mean_std(group_auc['semantic'])}"
              f" | {mine[0]['parameters']} |")
    print()
    categories = sorted({c for r in runs for c in r["per_category_auc"]})
    print("| category (test videos in some seeds only: n runs) | " + " | ".join(l for l, _ in VARIANTS) + " |")
    print("|---|" + "---|" * len(VARIANTS))
    for c in categories:
        cells = []
        for label, _ in VARIANTS:
            values = [r["per_category_auc"][c] for r in runs if r["variant"] == label and c in r["per_category_auc"]]
            cells.append(f"{mean_std(values)} (n={len(values)})" if values else "-")
        print(f"| {c} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
