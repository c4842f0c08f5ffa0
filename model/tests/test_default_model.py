"""The committed default model: its manifest, its files' digests, both exported formats against the golden
vectors that the Java server's tests also use, and its frame AUC measured on videos it has not seen."""
import hashlib
import json
import re
import shlex
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch

from refinevad.data import Dataset
from refinevad.evaluate import evaluate
from refinevad.events import UNKNOWN, alarms, category_of_alarm, runs, shown_category
from refinevad.inference import load_model, score_streaming
from refinevad.synth import SynthParams, generate

DEFAULT = Path(__file__).resolve().parents[1] / "default"
EXPORT = DEFAULT / "export"
MANIFEST = json.loads((EXPORT / "manifest.json").read_text())
CASES = MANIFEST["golden"]["batch_cases"]
TOLERANCE = MANIFEST["golden"]["tolerance"]
STREAMING_AUC = f"streaming_auc_w{MANIFEST['window']}"

# The fresh benchmark of `make evaluate-default`: new videos (seed 2024; the model trained on seed 0) of the same
# synthetic world, 60 videos of which 12 are test videos: about 6 s to generate and score, offline and streaming, on
# 2 otherwise idle cores.
FRESH_SEED, FRESH_VIDEOS = 2024, 60
# Measured on eight such benchmarks (seeds 1-7 and 2024), the default model scores 0.997 +- 0.002 offline and
# 0.993 +- 0.004 streaming (lowest 0.994 and 0.985), a little above the manifest's figures (0.990 and 0.980 on its 240
# test videos, which are at most 300 segments long like its training videos). The agreement asked is the one set for
# the earlier default model, three of its deviations over the same eight benchmarks (0.048 offline, 0.016 streaming):
# wide enough for a retrained default model, narrow enough to catch a checkpoint that is not the manifest's model.
AGREEMENT = {"frame_auc": 0.15, STREAMING_AUC: 0.05}
# A trained model, whatever its manifest says: above the base model of docs/MODEL.md (MLP + MIL, offline and
# streaming alike as it has no temporal context: 0.771 +- 0.021 on the fixed generator) and far above an untrained
# one (about 0.5).
FLOOR = {"frame_auc": 0.80, STREAMING_AUC: 0.90}


# make demo's cameras: the test videos of the benchmark scripts/demo.sh generates (its refinevad.synth arguments are
# read from the script, so that the demo and this test cannot drift apart).
DEMO_SCRIPT = DEFAULT.parents[1] / "scripts" / "demo.sh"


def load_case(case):
    return {k: np.load(EXPORT / path) for k, path in case["files"].items()}


def test_manifest_describes_the_model_and_its_files():
    assert MANIFEST["name"] == "refinevad" and TOLERANCE == 1e-4
    assert MANIFEST["inputs"][0]["name"] == "x" and MANIFEST["inputs"][0]["shape"][2] == MANIFEST["feature_dim"]
    assert [o["name"] for o in MANIFEST["outputs"]] == ["scores", "probs"]
    assert len(MANIFEST["categories"]) == MANIFEST["outputs"][1]["shape"][1]
    for name, entry in MANIFEST["files"].items():
        assert hashlib.sha256((EXPORT / name).read_bytes()).hexdigest() == entry["sha256"], name


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Frame AUC offline and streaming (at the serving window) of the checkpoint on a fresh synthetic benchmark."""
    data = tmp_path_factory.mktemp("fresh-benchmark") / "data"
    generate(data, FRESH_SEED, FRESH_VIDEOS, SynthParams(), progress=lambda message: None)
    return evaluate(DEFAULT / "checkpoint", data, [MANIFEST["window"]], progress=lambda message: None)


@pytest.mark.parametrize("metric", FLOOR)
def test_the_checkpoint_scores_fresh_videos_as_a_trained_model(measured, metric):
    assert measured[metric] > FLOOR[metric]


@pytest.mark.parametrize("metric", AGREEMENT)
def test_the_manifest_metrics_agree_with_a_fresh_measurement(measured, metric):
    assert abs(measured[metric] - MANIFEST["metrics"][metric]) < AGREEMENT[metric]


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


@pytest.fixture(scope="module")
def demo_cameras(tmp_path_factory):
    """make demo's cameras as the client shows them: the default model's streaming scores at the manifest's window,
    alarms at the manifest's threshold, each alarm's category as shown at the manifest's category confidence."""
    command = re.search(r"refinevad\.synth (.*?)(?: *>|$)", DEMO_SCRIPT.read_text(), re.M).group(1)
    args = dict(zip(*[iter(shlex.split(command))] * 2))
    data = tmp_path_factory.mktemp("demo") / "data"
    generate(data, int(args["--seed"]), int(args["--videos"]), SynthParams(max_segments=int(args["--max-segments"])),
             progress=lambda message: None)
    model, cfg = load_model(DEFAULT / "checkpoint")
    dataset = Dataset(data, feature_dim=cfg.model.feature_dim)
    cameras = []
    for video in dataset.split("test", require_gt=True):
        x = dataset.features(video)
        scores, evidence = score_streaming(model, x, MANIFEST["window"])
        truth = dataset.ground_truth(video, x.shape[0]).reshape(x.shape[0], -1).max(axis=1) > 0.5
        shown = [(a, b, shown_category(*category_of_alarm(evidence, (a, b), cfg.model.categories),
                                       MANIFEST["category_confidence"]))
                 for a, b in alarms(scores, MANIFEST["threshold"])]
        cameras.append((video, truth, shown))
    return cameras


def test_the_demo_finds_every_anomalous_camera_with_its_category_or_unknown(demo_cameras):
    anomalous = [(video, truth, shown) for video, truth, shown in demo_cameras if video.categories]
    assert anomalous
    for video, truth, shown in anomalous:
        found = [category for a, b, category in shown if truth[a:b].any()]
        assert found, f"{video.video_id} ({video.categories[0]}): no alarm on its anomalous segments {runs(truth)}"
        assert set(found) <= {*video.categories, UNKNOWN}, f"{video.video_id} ({video.categories[0]}) shows {found}"


@pytest.mark.xfail(strict=True, reason="the default model still raises one alarm (segments 128-130) inside a 47-segment "
                                       "benign burst of the normal camera synth2024_00032: a window inside a long burst "
                                       "has no calm context (docs/MODEL.md, 'The default model'); strict, so that a "
                                       "default model that fixes it must remove this mark")
def test_the_demo_raises_no_alarm_on_a_normal_camera(demo_cameras):
    normal = [(video.video_id, shown) for video, _, shown in demo_cameras if not video.categories]
    assert normal and all(not shown for _, shown in normal), normal
