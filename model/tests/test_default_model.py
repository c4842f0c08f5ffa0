"""The committed default model: its manifest, its files' digests, and both exported formats against the golden
vectors that the Java server's tests also use."""
import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch

from refinevad.inference import load_model, score_streaming

DEFAULT = Path(__file__).resolve().parents[1] / "default"
EXPORT = DEFAULT / "export"
MANIFEST = json.loads((EXPORT / "manifest.json").read_text())
CASES = MANIFEST["golden"]["batch_cases"]
TOLERANCE = MANIFEST["golden"]["tolerance"]


def load_case(case):
    return {k: np.load(EXPORT / path) for k, path in case["files"].items()}


def test_manifest_describes_the_model_and_its_files():
    assert MANIFEST["name"] == "refinevad" and TOLERANCE == 1e-4
    assert MANIFEST["inputs"][0]["name"] == "x" and MANIFEST["inputs"][0]["shape"][2] == MANIFEST["feature_dim"]
    assert [o["name"] for o in MANIFEST["outputs"]] == ["scores", "probs"]
    assert len(MANIFEST["categories"]) == MANIFEST["outputs"][1]["shape"][1]
    for name, entry in MANIFEST["files"].items():
        assert hashlib.sha256((EXPORT / name).read_bytes()).hexdigest() == entry["sha256"], name
    # a trained model, not an untrained one (docs/MODEL.md has the measured values)
    assert MANIFEST["metrics"]["frame_auc"] > 0.7 and MANIFEST["metrics"]["streaming_auc_w32"] > 0.85


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_onnx_runtime_reproduces_the_golden_vectors(case):
    data = load_case(case)
    session = onnxruntime.InferenceSession(str(EXPORT / "model.onnx"), providers=["CPUExecutionProvider"])
    scores, probs = session.run(["scores", "probs"], {"x": data["x"], "mask": data["mask"]})
    assert np.abs(scores - data["scores"]).max() < TOLERANCE
    assert np.abs(probs - data["probs"]).max() < TOLERANCE


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_torchscript_reproduces_the_golden_vectors(case):
    data = load_case(case)
    module = torch.jit.load(str(EXPORT / "model.pt"))
    with torch.no_grad():
        scores, probs = module(torch.from_numpy(data["x"]), torch.from_numpy(data["mask"]))
    assert np.abs(scores.numpy() - data["scores"]).max() < TOLERANCE
    assert np.abs(probs.numpy() - data["probs"]).max() < TOLERANCE


def test_the_checkpoint_reproduces_the_streaming_golden_vectors():
    model, _ = load_model(DEFAULT / "checkpoint")
    stream = MANIFEST["golden"]["stream"]
    scores, evidence = score_streaming(model, np.load(EXPORT / stream["x"]), stream["window"])
    assert np.abs(scores - np.load(EXPORT / stream["scores"])).max() < TOLERANCE
    assert np.abs(evidence - np.load(EXPORT / stream["evidence"])).max() < TOLERANCE
