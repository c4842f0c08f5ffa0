"""Export a trained model for the inference server: model.onnx (opset 17, dynamic batch and time axes),
model.pt (TorchScript), manifest.json, and golden input/output vectors that the server's tests compare against.

Before anything is written, the ONNX file is run in ONNX Runtime and the TorchScript file is reloaded, and both
must reproduce the PyTorch outputs within the tolerance on every golden case, including shapes other than the
one traced; otherwise the export fails and the output folder is left as it was.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch

from . import __version__, cli
from .folders import replaced_folder
from .inference import TRAINING_FILE, load_model, score_streaming
from .model import RefineVAD
from .synth import Generator, SynthParams

OPSET = 17
TOLERANCE = 1e-4
INPUTS = ("x", "mask")
OUTPUTS = ("scores", "probs")


@dataclass
class GoldenCase:
    name: str
    x: np.ndarray
    mask: np.ndarray
    scores: np.ndarray = None
    probs: np.ndarray = None


def golden_cases(feature_dim: int, seed: int = 7) -> List[GoldenCase]:
    """Padded batches whose padding holds random values (not zeros), so that ignoring the mask shows up."""
    rng = np.random.default_rng(seed)
    cases = []
    for name, lengths in (("b2_t7", [7, 4]), ("b3_t40", [40, 25, 1])):
        t = max(lengths)
        x = rng.standard_normal((len(lengths), t, feature_dim)).astype(np.float32)
        mask = (np.arange(t)[None, :] < np.array(lengths)[:, None]).astype(np.float32)
        cases.append(GoldenCase(name, x, mask))
    return cases


def reference_outputs(model: RefineVAD, case: GoldenCase) -> None:
    # Grad stays enabled: under no_grad, torch 1.13's Transformer takes a fused fast path; the plain path is the
    # one exported, so it is the reference (the two agree to ~1e-7 anyway).
    scores, probs = model(torch.from_numpy(case.x), torch.from_numpy(case.mask))
    case.scores, case.probs = scores.detach().numpy(), probs.detach().numpy()


def export_onnx(model: RefineVAD, example: GoldenCase, path: Path) -> None:
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # PyTorch 2.x: keep the TorchScript-based exporter this recipe is proven with
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.from_numpy(example.x), torch.from_numpy(example.mask)), str(path),
                          opset_version=OPSET, input_names=list(INPUTS), output_names=list(OUTPUTS),
                          dynamic_axes={"x": {0: "batch", 1: "time"}, "mask": {0: "batch", 1: "time"},
                                        "scores": {0: "batch", 1: "time"}, "probs": {0: "batch"}},
                          do_constant_folding=True, **kwargs)


def export_torchscript(model: RefineVAD, example: GoldenCase, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings from shape checks inside nn.MultiheadAttention
        traced = torch.jit.trace(model, (torch.from_numpy(example.x), torch.from_numpy(example.mask)),
                                 check_trace=False)
    traced.save(str(path))


def check_onnx(path: Path, cases: List[GoldenCase]) -> float:
    try:
        import onnxruntime
    except ImportError as e:
        raise cli.UsageError("onnxruntime is needed to check the ONNX export; run scripts/bootstrap.sh or "
                             "pip install onnxruntime") from e
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for case in cases:
        scores, probs = session.run(list(OUTPUTS), {"x": case.x, "mask": case.mask})
        worst = max(worst, _max_diff(case, scores, probs, "ONNX Runtime"))
    return worst


def check_torchscript(path: Path, cases: List[GoldenCase]) -> float:
    with warnings.catch_warnings():
        # PyTorch 2.x deprecates TorchScript with a FutureWarning on load; the server's DJL engine still runs it.
        warnings.simplefilter("ignore", FutureWarning)
        loaded = torch.jit.load(str(path))
    worst = 0.0
    for case in cases:
        with torch.no_grad():
            scores, probs = loaded(torch.from_numpy(case.x), torch.from_numpy(case.mask))
        worst = max(worst, _max_diff(case, scores.numpy(), probs.numpy(), "TorchScript"))
    return worst


def _max_diff(case: GoldenCase, scores: np.ndarray, probs: np.ndarray, runtime: str) -> float:
    diff = max(float(np.abs(scores - case.scores).max()), float(np.abs(probs - case.probs).max()))
    if not diff <= TOLERANCE:
        raise cli.ToolError(f"{runtime} output differs from PyTorch by {diff:.2e} on golden case {case.name} "
                           f"(tolerance {TOLERANCE:g}); the export is not faithful")
    return diff


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _training(model_dir: Path) -> dict:
    path = Path(model_dir) / TRAINING_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def _calibration_source(training: dict) -> str:
    """Which videos the calibrations were made on (train.calibration_holdout), as the manifest says it."""
    held_out = training.get("calibration_videos", {}).get("held_out", False)
    return "held-out training videos (not trained on)" if held_out else "training videos"


def threshold_fields(model_dir: Path, window: int, override: float = None) -> dict:
    """The manifest's alarm threshold: --threshold, else the one refinevad.train calibrated on training videos,
    else nothing (a model trained before calibration existed; readers then keep their own default).

    "threshold" is a number in [0, 1]: a segment whose score is at or above it is anomalous; "threshold_calibration"
    says where it came from. Both fields are additive: readers that do not know them ignore them.
    """
    if override is not None:
        return {"threshold": override, "threshold_calibration": {"source": "--threshold"}}
    training = _training(model_dir)
    calibration = training.get("threshold")
    if calibration is None:
        return {}
    details = {"source": _calibration_source(training), **calibration}
    if calibration.get("window") != window:
        details["note"] = f"calibrated at W={calibration.get('window')}, served at W={window}"
    return {"threshold": calibration["value"], "threshold_calibration": details}


def category_fields(model_dir: Path, window: int, threshold: float = None) -> dict:
    """The manifest's category confidence, as refinevad.train (or refinevad.calibrate) calibrated it on training
    videos at their calibrated alarm threshold, or nothing for a model without that calibration.

    "category_confidence" is the lowest confidence (scoring.proto, AlarmSettings.category_confidence) at which an
    alarm's category is shown, or null when no confidence reached the calibration's precision: every category is then
    "unknown"; "category_calibration" says where it came from, and notes a window or alarm threshold other than the
    calibrated ones. Both fields are additive, like the threshold's.
    """
    training = _training(model_dir)
    calibration = training.get("category_confidence")
    if calibration is None:
        return {}
    details = {"source": _calibration_source(training), **calibration}
    notes = []
    if calibration.get("window") != window:
        notes.append(f"calibrated at W={calibration.get('window')}, served at W={window}")
    if threshold is not None and threshold != calibration.get("alarm_threshold"):
        notes.append(f"calibrated at alarm threshold {calibration.get('alarm_threshold')}, served at {threshold}")
    if notes:
        details["note"] = "; ".join(notes)
    return {"category_confidence": calibration["value"], "category_calibration": details}


def alarm_fields(model_dir: Path, window: int, threshold_override: float = None) -> dict:
    """Every manifest field of what an operator is shown: the alarm threshold and the category confidence."""
    threshold = threshold_fields(model_dir, window, threshold_override)
    return {**threshold, **category_fields(model_dir, window, threshold.get("threshold"))}


ALARM_FIELDS = ("threshold", "threshold_calibration", "category_confidence", "category_calibration")


def rewrite_alarm_fields(export_dir: Path, fields: dict) -> dict:
    """An export's manifest with its alarm fields replaced by `fields` and every other field as it was (the model
    files, golden vectors and their digests do not change); written in one step."""
    path = Path(export_dir) / "manifest.json"
    manifest = {k: v for k, v in json.loads(path.read_text()).items() if k not in ALARM_FIELDS}
    manifest.update(fields)
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(json.dumps(manifest, indent=2) + "\n")
    staging.replace(path)
    return manifest


def describe_alarm_fields(fields: dict) -> str:
    threshold = (f"alarm threshold {fields['threshold']:.4f} ({fields['threshold_calibration']['source']})"
                 if "threshold" in fields else "alarm threshold: none recorded (the model has no calibrated threshold)")
    if "category_calibration" not in fields:
        return threshold + "; category confidence: none recorded (every category is shown as unknown)"
    if fields["category_confidence"] is None:
        return threshold + "; category confidence: no confidence reached the calibration's precision (every " \
                           "category is shown as unknown)"
    return threshold + f"; category confidence {fields['category_confidence']:.4f} (training videos)"


def write_export(out: Path, model: RefineVAD, name: str, version: str, window: int, metrics: Dict,
                 progress, alarm: Dict = None) -> dict:
    cfg = model.cfg
    cases = golden_cases(cfg.feature_dim)
    for case in cases:
        reference_outputs(model, case)
    with replaced_folder(out, "manifest.json", "an export folder") as staging:
        progress("exporting ONNX and TorchScript")
        export_onnx(model, cases[0], staging / "model.onnx")
        export_torchscript(model, cases[0], staging / "model.pt")
        onnx_diff = check_onnx(staging / "model.onnx", cases)
        ts_diff = check_torchscript(staging / "model.pt", cases)
        progress(f"parity with PyTorch: ONNX Runtime {onnx_diff:.1e}, TorchScript {ts_diff:.1e} "
                 f"(tolerance {TOLERANCE:g})")
        golden = _write_golden(staging / "golden", model, cases, window)
        manifest = {
            "name": name, "version": version, "format_version": 1,
            "feature_dim": cfg.feature_dim, "frames_per_segment": 16, "window": window,
            "categories": list(cfg.categories),
            "inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", "time", cfg.feature_dim]},
                       {"name": "mask", "dtype": "float32", "shape": ["batch", "time"],
                        "meaning": "1 for a valid segment, 0 for padding; every row needs one valid segment"}],
            "outputs": [{"name": "scores", "dtype": "float32", "shape": ["batch", "time"],
                         "meaning": "per-segment anomaly score in [0, 1], 0 on padding"},
                        {"name": "probs", "dtype": "float32", "shape": ["batch", len(cfg.categories)],
                         "meaning": "per-category anomaly probability of the clip or window"}],
            "files": {f: {"sha256": sha256_of(staging / f), "bytes": (staging / f).stat().st_size}
                      for f in ("model.onnx", "model.pt")},
            "onnx_opset": OPSET,
            "golden": golden,
            "parity": {"onnxruntime_max_abs_diff": onnx_diff, "torchscript_max_abs_diff": ts_diff},
            "exported_with": {"refinevad": __version__, "torch": torch.__version__},
            "model_config": {k: v for k, v in vars(cfg).items() if k != "categories"},
            "metrics": metrics,
            **(alarm or {}),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _write_golden(folder: Path, model: RefineVAD, cases: List[GoldenCase], window: int) -> dict:
    """Batch cases (x, mask -> scores, probs) and one streamed clip (x -> per-segment causal-window scores)."""
    folder.mkdir()
    entries = []
    for case in cases:
        for key in ("x", "mask", "scores", "probs"):
            np.save(folder / f"{case.name}_{key}.npy", getattr(case, key))
        entries.append({"name": case.name, "files": {k: f"golden/{case.name}_{k}.npy"
                                                     for k in ("x", "mask", "scores", "probs")}})
    features, _, _ = Generator(SynthParams(dim=model.cfg.feature_dim), seed=11).video(anomalous=True)
    clip = features[:3 * window]
    model.eval()
    scores, evidence = score_streaming(model, clip, window)
    np.save(folder / "stream_x.npy", clip)
    np.save(folder / "stream_scores.npy", scores)
    np.save(folder / "stream_evidence.npy", evidence)
    return {"tolerance": TOLERANCE, "batch_cases": entries,
            "stream": {"window": window, "segments": int(clip.shape[0]), "x": "golden/stream_x.npy",
                       "scores": "golden/stream_scores.npy", "evidence": "golden/stream_evidence.npy"}}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m refinevad.export", description=__doc__)
    parser.add_argument("--model", type=Path, required=True, help="trained model folder")
    parser.add_argument("--out", type=Path, required=True, help="export folder to write (replaced if it exists)")
    parser.add_argument("--name", default="refinevad", help="model name served by the server (default refinevad)")
    parser.add_argument("--version", default="1", help="model version (default 1)")
    parser.add_argument("--window", type=int, default=32, help="streaming window W in segments (default 32)")
    parser.add_argument("--metrics", type=Path, help="JSON result of refinevad.evaluate to record in the manifest")
    parser.add_argument("--threshold", type=float,
                        help="alarm threshold to record (default: the one calibrated on training videos by train)")
    args = parser.parse_args(argv)

    def body(progress):
        if args.window < 1:
            raise cli.UsageError(f"--window {args.window} is not allowed; use a positive number of segments")
        if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
            raise cli.UsageError(f"--threshold {args.threshold} is not allowed; scores are in [0, 1]")
        metrics = json.loads(args.metrics.read_text()) if args.metrics else {}
        model, _ = load_model(args.model)
        fields = alarm_fields(args.model, args.window, args.threshold)
        progress(describe_alarm_fields(fields))
        manifest = write_export(args.out, model, args.name, args.version, args.window, metrics, progress, fields)
        progress(f"wrote {args.out}")
        return {"out": str(args.out), "name": manifest["name"], "version": manifest["version"],
                "feature_dim": manifest["feature_dim"], "window": manifest["window"],
                "threshold": manifest.get("threshold"), "category_confidence": manifest.get("category_confidence"),
                **manifest["parity"], **{f: v["bytes"] for f, v in manifest["files"].items()}}

    cli.run("export", body)


if __name__ == "__main__":
    main()
