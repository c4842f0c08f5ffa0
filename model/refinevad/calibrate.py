"""Calibrate what an operator is shown for an already trained model, without retraining it: the alarm threshold and
the category confidence, on the training videos of DATA (video-level labels only), exactly as refinevad.train does at
the end of training. They are written into the model folder's training.json; with --export, also into that export's
manifest.json, whose other fields (model files, digests, golden vectors) stay as they were.

The export must be of this model: its golden batch cases are re-run in PyTorch and must match within the export
tolerance, so that a manifest never gets the calibration of another model.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import cli
from .category_calibration import calibrate_categories
from .data import Dataset
from .export import TOLERANCE, alarm_fields, describe_alarm_fields, rewrite_alarm_fields
from .inference import TRAINING_FILE, load_model
from .train import calibrate, load_videos


def check_export_is_of(model, export_dir: Path) -> dict:
    """The export's manifest, after checking that its golden batch cases are this model's outputs."""
    path = export_dir / "manifest.json"
    if not path.is_file():
        raise cli.UsageError(f"{export_dir} is not an export folder: manifest.json is missing "
                             f"(make one with python3 -m refinevad.export)")
    manifest = json.loads(path.read_text())
    for case in manifest["golden"]["batch_cases"]:
        arrays = {k: np.load(export_dir / f) for k, f in case["files"].items()}
        scores, probs = model(torch.from_numpy(arrays["x"]), torch.from_numpy(arrays["mask"]))
        diff = max(float(np.abs(scores.detach().numpy() - arrays["scores"]).max()),
                   float(np.abs(probs.detach().numpy() - arrays["probs"]).max()))
        if not diff <= TOLERANCE:
            raise cli.UsageError(f"{export_dir} was not exported from this model: its golden case {case['name']} "
                                 f"differs from the model's outputs by {diff:.2e} (tolerance {TOLERANCE:g})")
    return manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m refinevad.calibrate", description=__doc__)
    parser.add_argument("--model", type=Path, required=True, help="trained model folder (its training.json is updated)")
    parser.add_argument("--data", type=Path, required=True, help="the data folder the model was trained on")
    parser.add_argument("--export", type=Path, help="an export of this model whose manifest.json gets the calibration")
    args = parser.parse_args(argv)

    def body(progress):
        model, cfg = load_model(args.model)
        manifest = check_export_is_of(model, args.export) if args.export else None
        dataset = Dataset(args.data, feature_dim=cfg.model.feature_dim)
        if list(dataset.categories) != list(cfg.model.categories):
            raise cli.UsageError(f"{args.data} has categories {list(dataset.categories)}, the model "
                                 f"{list(cfg.model.categories)}: calibrate on the data the model was trained on")
        data, calibration, calibrated_on = load_videos(dataset, cfg.train, progress)
        start = time.monotonic()
        threshold = calibrate(model, cfg, calibration, progress)
        threshold["seconds"] = round(time.monotonic() - start, 2)
        category = calibrate_categories(model, cfg, calibration, threshold["value"], progress)
        counts = data.categories[data.anomalous].sum(axis=0)
        path = args.model / TRAINING_FILE
        training = json.loads(path.read_text()) if path.is_file() else {}
        training.update({"threshold": threshold, "category_confidence": category,
                         "calibration_videos": calibrated_on,
                         "category_counts": {name: int(n) for name, n in zip(cfg.model.categories, counts)},
                         "calibrated_on": str(args.data)})
        staging = path.with_name(path.name + ".tmp")
        staging.write_text(json.dumps(training, indent=2) + "\n")
        staging.replace(path)
        progress(f"wrote {path}")
        result = {"model": str(args.model), "threshold": threshold["value"], "category_confidence": category["value"]}
        if manifest is not None:
            fields = alarm_fields(args.model, manifest["window"])
            rewrite_alarm_fields(args.export, fields)
            progress(f"wrote {args.export / 'manifest.json'}: {describe_alarm_fields(fields)}")
            result["export"] = str(args.export)
        return result

    cli.run("calibrate", body)


if __name__ == "__main__":
    main()
