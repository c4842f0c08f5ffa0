"""The real UCF-Crime benchmark (C3D, 32 segments per video; research-use data, never shipped): one command that
materialises ../shared/data/ucf-c3d into build/ (if needed), trains N seeds of each variant, evaluates, and prints
a table (JSON in OUT/results.json; every finished run is appended to OUT/runs.jsonl and not run again).

    scripts/py model/experiments/real_benchmark.py --seeds 0,1,2 --lock /tmp/refinevad-build.lock

Two splits:
- `--split test` (default): train on the 1,481 training videos, evaluate on the 290 test videos as
  `refinevad.evaluate` does (frame AUC/AP over every frame of gt_frames/, streaming AUC at --windows, event metrics and
  category accuracy at W = 32 with the calibrated threshold). For reporting only: choose nothing on it.
- `--split holdout`: for choosing variants without looking at test labels. A fixed stratified fifth of the training
  videos (per category; seed 0) is held out; the model trains on the rest and is scored on the held-out videos with
  video-level labels only: video AUC of the top-k mean segment score (the quantity MIL trains; k = floor(T/16)+1)
  and the MIL loss there. No test label is read.

Each train and evaluate step takes the --lock file (flock) while it runs and releases it between steps, so one
long benchmark never holds a shared machine. With 32-segment videos, streaming windows W >= 32 all see the whole
causal prefix and give identical scores: only the first such W is computed and the others are reported equal.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

MODEL_ROOT = Path(__file__).resolve().parents[1]
REPO = MODEL_ROOT.parent
sys.path.insert(0, str(MODEL_ROOT))
from refinevad.data import Dataset  # noqa: E402
import alarm_curve  # noqa: E402

CONFIGS = MODEL_ROOT / "configs"
CURVE_WINDOW = 32  # the serving window: the events of the curve are what the server would raise
SHARED = REPO.parent / "shared" / "data" / "ucf-c3d"

# Variants by name: a config overlay (a file of model/configs or a dict); "full" is the default recipe as shipped
# in config.py, whatever it is at the time of the run.
VARIANTS = {
    "full": {},
    "base": "ablation-base.json",
    "full-motion-std": {"model": {"motion_normalisation": "per_video"}},
    "full-no-motion-emb": {"model": {"motion_embedding": False}},
    "full-dataset-rms": {"model": {"input_normalisation": "dataset_rms"}},
    "full-row-rms": {"model": {"input_normalisation": "row_rms"}},
    "base-dataset-rms": {"model": {"use_motar": False, "use_core": False, "input_normalisation": "dataset_rms"}},
    "full-dropout0.3": {"model": {"dropout": 0.3}},
    "full-h256": {"model": {"hidden_dim": 256, "transformer_ff": 512}},
    "full-lr3e-4": {"train": {"learning_rate": 3e-4}},
    "full-teaching-off": {"model": {"prototype_teaching": "off"}},
    "full-no-smoothing": {"train": {"smoothing": "none"}},
    "full-1layer": {"model": {"transformer_layers": 1}},
    "motar": "ablation-motar.json",
    "core": "ablation-core.json",
}


def on_scale_free(model: dict = None, train: dict = None) -> dict:
    """An overlay on the full model with the scale-free input (input_normalisation dataset_rms): the common base of
    the ablation on real features (docs/MODEL.md, "Ablation on UCF-Crime C3D")."""
    overlay = {"model": {"input_normalisation": "dataset_rms", **(model or {})}}
    return {**overlay, "train": train} if train else overlay


VARIANTS.update({
    "rms-dropout0.3": on_scale_free(model={"dropout": 0.3}),
    "rms-dropout0.6": on_scale_free(model={"dropout": 0.6}),
    "rms-h64": on_scale_free(model={"hidden_dim": 64, "transformer_ff": 128}),
    "rms-h256": on_scale_free(model={"hidden_dim": 256, "transformer_ff": 512}),
    "rms-1layer": on_scale_free(model={"transformer_layers": 1}),
    "rms-wd1e-2": on_scale_free(train={"weight_decay": 1e-2}),
    "rms-lr3e-4": on_scale_free(train={"learning_rate": 3e-4}),
    "rms-no-motion-emb": on_scale_free(model={"motion_embedding": False}),
    "rms-teaching-off": on_scale_free(model={"prototype_teaching": "off"}),
    "rms-no-category": on_scale_free(train={"category_weight": 0.0}),
    "rms-no-smoothing": on_scale_free(train={"smoothing": "none"}),
    # k = 1 for every video under 1024 segments (C3D videos have 32): the max of Sultani et al.
    "rms-topk-max": on_scale_free(train={"topk_every": 1024}),
    "rms-average-last0.3": on_scale_free(train={"average_last": 0.3}),
})


def log(message: str) -> None:
    print(f"[real-benchmark {time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


START = time.monotonic()


@contextlib.contextmanager
def locked(path):
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_tool(lock, name: str, *args):
    """Runs a refinevad tool under the lock; (result dict, None) or (None, its error line) on exit code 2."""
    env = dict(os.environ, PYTHONPATH=str(MODEL_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.setdefault("OMP_NUM_THREADS", "2")
    with locked(lock):
        proc = subprocess.Popen([sys.executable, "-m", f"refinevad.{name}", *map(str, args)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        errors = []
        for line in proc.stderr:  # the tool's progress, passed on as it comes
            errors.append(line)
            if line.startswith("[") or "error" in line:
                print("    " + line.rstrip(), file=sys.stderr, flush=True)
        out = proc.stdout.read()
        proc.wait()
    if proc.returncode == 2:
        return None, "".join(errors).strip().splitlines()[-1]
    if proc.returncode != 0:
        sys.exit(f"refinevad.{name} failed ({proc.returncode}):\n{''.join(errors)}")
    return json.loads(out), None


def materialise(source: Path, data: Path, lock) -> None:
    if (data / "test.list").is_file() and (data / "train.list").is_file():
        return
    if not (source / "materialize.py").is_file():
        sys.exit(f"{source}: no materialize.py; the shared UCF-Crime C3D features are not there")
    log(f"materialising {source} into {data}")
    with locked(lock):
        subprocess.run([sys.executable, str(source / "materialize.py"), str(data)], check=True,
                       stdout=subprocess.DEVNULL)


def read_list(path: Path) -> list:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def labels_of(data: Path) -> dict:
    return dict(line.split(",", 1) for line in (data / "labels.csv").read_text().splitlines()[1:] if line)


def link_folder(src: Path, dst: Path, train: list, test: list) -> Path:
    """A data folder of the given lists, its features and ground truth linked (not copied) from src."""
    dst.mkdir(parents=True, exist_ok=True)
    for sub in ("features", "gt", "gt_frames"):
        (dst / sub).mkdir(exist_ok=True)
    for vid in train + test:
        subs = ("features", "gt", "gt_frames") if vid in test else ("features",)
        for sub in subs:
            target, link = src / sub / f"{vid}.npy", dst / sub / f"{vid}.npy"
            if target.is_file() and not link.exists():
                link.symlink_to(target.resolve())
    (dst / "train.list").write_text("\n".join(train) + "\n")
    (dst / "test.list").write_text("\n".join(test) + "\n")
    for name in ("labels.csv", "categories.txt"):
        (dst / name).write_text((src / name).read_text())
    return dst


def stratified(ids: list, labels: dict, fraction: float, seed: int) -> list:
    """A seeded fraction of ids (at least one) from every label (category or Normal)."""
    rng = np.random.default_rng(seed)
    chosen = []
    for label in sorted({labels[v] for v in ids}):
        members = [v for v in ids if labels[v] == label]
        chosen += list(rng.permutation(members)[:max(1, round(fraction * len(members)))])
    return sorted(chosen)


def subset(data: Path, videos: int, out: Path) -> Path:
    """A handful of videos for a fast check: `videos` normal and `videos` anomalous of each split."""
    labels = labels_of(data)
    pick = []
    for split in ("train", "test"):
        ids = read_list(data / f"{split}.list")
        normal = [v for v in ids if labels[v] == "Normal"][:videos]
        anomalous = [v for v in ids if labels[v] != "Normal"][:videos]
        pick.append(normal + anomalous)
    return link_folder(data, out, *pick)


def holdout(data: Path, out: Path) -> Path:
    """Training videos only: a stratified fifth held out as the 'test' list (its video labels only are used)."""
    labels = labels_of(data)
    train = read_list(data / "train.list")
    held = set(stratified(train, labels, 0.2, seed=0))
    return link_folder(data, out, [v for v in train if v not in held], sorted(held))


def holdout_metrics(model_dir: Path, data: Path, lock) -> dict:
    """Video-level AUC of the top-k mean score and MIL loss on the held-out training videos (video labels only)."""
    import torch
    from sklearn.metrics import roc_auc_score
    from refinevad.inference import load_model, score_offline
    from refinevad.config import TrainConfig
    from refinevad.losses import topk_video_scores
    topk_every = TrainConfig().topk_every  # the default recipe's MIL form: one proxy for every variant
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    with locked(lock):
        model, cfg = load_model(model_dir)
        dataset = Dataset(data, feature_dim=cfg.model.feature_dim)
        videos = dataset.split("test")
        y, s = [], []
        for video in videos:
            scores = torch.from_numpy(score_offline(model, dataset.features(video))[0])[None]
            s.append(float(topk_video_scores(scores, torch.ones_like(scores), topk_every)[0]))
            y.append(1.0 if video.anomalous else 0.0)
    y, s = np.array(y), np.clip(np.array(s), 1e-6, 1 - 1e-6)
    mil = float(-np.mean(y * np.log(s) + (1 - y) * np.log(1 - s)))
    return {"val_video_auc": float(roc_auc_score(y, s)), "val_mil": mil, "val_videos": len(videos)}


def alarm_curve_of(model_dir: Path, data: Path, window: int, lock) -> dict:
    """False alarms per hour against intervals found over thresholds, streaming at W on the test videos, and the
    model's calibrated threshold on it; kept in the model folder (the scoring takes a minute)."""
    cached = model_dir / f"alarm-curve-w{window}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    import torch
    from refinevad.evaluate import model_threshold
    from refinevad.events import VideoEvents
    from refinevad.inference import load_model, score_streaming
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    with locked(lock):
        model, cfg = load_model(model_dir)
        dataset = Dataset(data, feature_dim=cfg.model.feature_dim)
        videos = []
        for video in dataset.split("test", require_gt=True):
            x = dataset.features(video)
            scores, evidence = score_streaming(model, x, window)
            videos.append(VideoEvents(scores, evidence, dataset.ground_truth(video, x.shape[0]), video.categories))
        result = alarm_curve.curve(videos, cfg.model.categories, model_threshold(model_dir)[0])
    cached.write_text(json.dumps(result) + "\n")
    return result


def write_curve(path: Path, runs: list, out: Path, data: Path, lock) -> None:
    window = CURVE_WINDOW
    curves = []
    for run in runs:
        if run.get("not_learning"):
            continue
        log(f"alarm curve of {run['variant']} seed {run['seed']} (streaming W={window})")
        points = alarm_curve_of(out / model_name(run), data, window, lock)
        curves.append({"label": f"{run['variant']}, seed {run['seed']}", "group": run["variant"], **points})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(alarm_curve.svg(curves, f"UCF-Crime C3D test videos, streaming W={window}: one line per seed"))
    log(f"wrote {path}")


def model_name(run: dict) -> str:
    return (f"{run['variant']}-e{run['epochs']}-s{run['seed']}-{run['split']}"
            + (f"-v{run['videos']}" if run.get("videos") else ""))


def effective_windows(data: Path, windows: list) -> tuple:
    """Windows to compute, and for each requested W the computed one that gives identical scores."""
    test = read_list(data / "test.list")
    longest = max(np.load(data / "features" / f"{v}.npy", mmap_mode="r").shape[0] for v in test)
    same = {}
    for w in sorted(windows):
        same[w] = w if w < longest else min([u for u in windows if u >= longest])
    return sorted(set(same.values())), same, longest


# Config keys that refinevad.train sets from the data, so an overlay never fixes them
DERIVED_FROM_DATA = ("feature_dim", "categories", "input_scale")


def reuse(model: Path, config: Path, epochs: int, seed: int) -> tuple:
    """A model folder trained before with this overlay, seed and epochs (an interrupted benchmark): its result."""
    if not (model / "training.json").is_file():
        return None, None
    from refinevad.config import Config
    wanted = Config.from_dict(json.loads(config.read_text()))
    wanted.train.epochs, wanted.train.seed = epochs, seed
    # read through Config: a key added since that model was trained takes its default, the behaviour it had then
    have = Config.from_dict(json.loads((model / "config.json").read_text())).to_dict()
    mine = wanted.to_dict()
    same = all(have[s][k] == v for s in ("model", "train") for k, v in mine[s].items()
               if k not in DERIVED_FROM_DATA)
    if not same:
        return None, None
    training = json.loads((model / "training.json").read_text())
    return {"seconds": training["seconds"], "parameters": training["parameters"],
            "threshold": training["threshold"]["value"]}, None


def config_for(variant: str, spec, out: Path, holdout_split: bool) -> Path:
    raw = json.loads((CONFIGS / spec).read_text()) if isinstance(spec, str) else json.loads(json.dumps(spec))
    if holdout_split:  # no event metrics there: a small calibration only keeps the tool's output complete
        raw.setdefault("train", {}).setdefault("calibration_videos", 20)
    path = out / f"config-{variant}.json"
    path.write_text(json.dumps(raw, indent=1) + "\n")
    return path


def parse_variants(text: str) -> dict:
    """Names of VARIANTS, or name={json overlay} for a one-off variant."""
    chosen = {}
    for item in split_top(text):
        if "=" in item:
            name, spec = item.split("=", 1)
            chosen[name.strip()] = json.loads(spec)
        elif item in VARIANTS:
            chosen[item] = VARIANTS[item]
        else:
            sys.exit(f"unknown variant {item!r}; known: {', '.join(VARIANTS)} (or name={{json overlay}})")
    return chosen


def split_top(text: str) -> list:
    """Splits on commas outside braces."""
    items, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        items.append(current.strip())
    return items


def mean_std(values, fmt: str = ".3f") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(np.mean(values), fmt)} +- {format(np.std(values), fmt)}"


def table(runs: list, holdout_split: bool, same: dict) -> str:
    names = list(dict.fromkeys(r["variant"] for r in runs))
    if holdout_split:
        head = ["variant", "epochs", "seeds", "held-out video AUC", "held-out MIL", "train MIL (last epoch)",
                "train s"]
    else:
        head = ["variant", "epochs", "seeds", "frame AUC", "frame AP"]
        head += [f"W={w}" + (f" (= W={same[w]})" if same.get(w, w) != w else "") for w in sorted(same)]
        head += ["intervals found", "false alarms / h", "normal videos alarmed", "median delay", "category top-1",
                 "majority", "events named (right)", "events unknown", "train MIL", "train s", "eval s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        for epochs in sorted({r["epochs"] for r in runs if r["variant"] == name}):
            mine = [r for r in runs if r["variant"] == name and r["epochs"] == epochs]
            ok = [r for r in mine if not r.get("not_learning")]
            seeds = ",".join(str(r["seed"]) for r in mine) + (f" ({len(mine) - len(ok)} did not learn)"
                                                                if len(ok) < len(mine) else "")
            col = lambda key, fmt=".3f": mean_std([r.get(key) for r in ok], fmt)  # noqa: E731
            row = [name, str(epochs), seeds]
            if holdout_split:
                row += [col("val_video_auc"), col("val_mil"), col("train_mil"), col("train_seconds", ".0f")]
            else:
                row += [col("frame_auc"), col("frame_ap")]
                row += [col(f"streaming_auc_w{same[w]}") for w in sorted(same)]
                ev = lambda key: mean_std([r["events"][key] for r in ok if r.get("events")])  # noqa: E731
                # what the client shows for each found event: its category at or above the model's calibrated
                # category confidence, "unknown" below it (runs from before that calibration show "-")
                shown = lambda key: mean_std([r["events"]["category"].get(key) for r in ok  # noqa: E731
                                              if r.get("events")], ".1f")
                row += [ev("found_fraction"), ev("false_alarms_per_hour"), ev("normal_videos_with_alarm"),
                        ev("median_delay_segments"), ev("category_top1"), ev("majority_baseline"),
                        f"{shown('named')} ({shown('named_right')})", shown("unknown"),
                        col("train_mil"), col("train_seconds", ".0f"), col("eval_seconds", ".0f")]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SHARED, help="the shared ucf-c3d folder (materialize.py)")
    parser.add_argument("--data", type=Path, default=REPO / "build" / "ucf-c3d", help="materialised data folder")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "real-benchmark")
    parser.add_argument("--variants", default="full,base",
                        help=f"comma-separated: {', '.join(VARIANTS)}, or name={{json config overlay}}")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, help="training epochs (default: the recipe's)")
    parser.add_argument("--split", choices=("test", "holdout"), default="test")
    parser.add_argument("--windows", default="32,64", help="streaming windows W of the frame AUC")
    parser.add_argument("--videos", type=int, help="only this many normal and anomalous videos per split (a fast check)")
    parser.add_argument("--lock", help="flock file taken around each train and evaluate step")
    parser.add_argument("--curve", type=Path,
                        help=f"also write an SVG of false alarms per hour against intervals found over thresholds "
                             f"(streaming W={CURVE_WINDOW}, test split), the calibrated threshold marked")
    parser.add_argument("--report-only", action="store_true", help="print the table of OUT/runs.jsonl")
    args = parser.parse_args()
    if args.curve and args.split != "test":
        parser.error("--curve needs --split test: the held-out training videos have no frame ground truth")

    args.out.mkdir(parents=True, exist_ok=True)
    runs_file = args.out / "runs.jsonl"
    windows = [int(w) for w in args.windows.split(",") if w.strip()]
    if not args.report_only:
        materialise(args.source, args.data, args.lock)
    data = args.data
    if args.videos:
        data = subset(data, args.videos, args.out / f"data-{args.videos}")
    holdout_split = args.split == "holdout"
    if holdout_split:
        data = holdout(data, args.out / (data.name + "-holdout"))
    computed, same, longest = effective_windows(data, windows)
    variants = parse_variants(args.variants)
    seeds = [int(s) for s in args.seeds.split(",")]
    done = [json.loads(line) for line in runs_file.read_text().splitlines()] if runs_file.is_file() else []
    key = lambda r: (r["variant"], r["seed"], r["epochs"], r["split"], r.get("videos"))  # noqa: E731
    finished = {key(r): r for r in done}
    runs = []
    total = len(variants) * len(seeds)
    for n, (variant, spec) in enumerate(((v, s) for v in variants.items() for s in seeds), start=1):
        (variant, overlay), seed = variant, spec
        config = config_for(variant, overlay, args.out, holdout_split)
        epochs = args.epochs or json.loads(config.read_text()).get("train", {}).get("epochs") or 10
        run = {"variant": variant, "seed": seed, "epochs": epochs, "split": args.split, "videos": args.videos,
               "config": json.loads(config.read_text())}
        if key(run) in finished:
            runs.append(finished[key(run)])
            continue
        if args.report_only:
            continue
        model = args.out / model_name(run)
        trained, error = reuse(model, config, epochs, seed)
        if trained is None:
            log(f"[{n}/{total}] {variant} seed {seed}: training {epochs} epochs on {data}")
            trained, error = run_tool(args.lock, "train", "--data", data, "--out", model, "--epochs", epochs,
                                      "--seed", seed, "--config", config)
        else:
            log(f"[{n}/{total}] {variant} seed {seed}: reusing the trained model {model}")
        if error:
            log(f"[{n}/{total}] {variant} seed {seed}: {error}")
            run.update({"not_learning": error})
        else:
            history = json.loads((model / "training.json").read_text())["history"]
            run.update({"train_seconds": trained["seconds"], "train_mil": history[-1]["mil"],
                        "parameters": trained["parameters"], "threshold": trained["threshold"]})
            start = time.monotonic()
            if holdout_split:
                run.update(holdout_metrics(model, data, args.lock))
                log(f"[{n}/{total}] {variant} seed {seed}: held-out video AUC {run['val_video_auc']:.4f} "
                    f"MIL {run['val_mil']:.4f} (train MIL {run['train_mil']:.4f}, {trained['seconds']:.0f}s)")
            else:
                metrics, error = run_tool(args.lock, "evaluate", "--model", model, "--data", data, "--windows",
                                          ",".join(map(str, computed)), "--events-window", "32")
                if error:
                    sys.exit(error)
                events = metrics["events"]
                events["category_top1"] = events["category"]["top1_accuracy"]
                events["majority_baseline"] = events["category"]["majority_baseline"]
                run.update({k: v for k, v in metrics.items() if k.startswith(("frame_", "streaming_"))})
                run.update({"per_category_auc": metrics["per_category_auc"], "events": events})
                log(f"[{n}/{total}] {variant} seed {seed}: frame AUC {run['frame_auc']:.4f} AP "
                    f"{run['frame_ap']:.4f} W=32 {run.get('streaming_auc_w32', float('nan')):.4f} "
                    f"(train {trained['seconds']:.0f}s, MIL {run['train_mil']:.4f})")
            run["eval_seconds"] = round(time.monotonic() - start, 1)
        with runs_file.open("a") as f:
            f.write(json.dumps(run) + "\n")
        runs.append(run)
    if args.curve:
        write_curve(args.curve, runs, args.out, data, args.lock)
    text = table(runs, holdout_split, {} if holdout_split else same)
    print(f"UCF-Crime C3D ({data}), split {args.split}; {'streaming W >= %d equal the whole prefix' % longest}")
    print(text)
    result = {"data": str(data), "split": args.split, "runs": runs, "longest_test_video": longest, "table": text}
    (args.out / "results.json").write_text(json.dumps(result, indent=1) + "\n")
    log(f"wrote {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
