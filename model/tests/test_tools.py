"""The four command-line tools end to end, as a user runs them, on a tiny synthetic benchmark."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

MODEL_ROOT = Path(__file__).resolve().parents[1]
TINY_CONFIG = {"model": {"hidden_dim": 16, "transformer_heads": 2, "transformer_ff": 32, "shift_mlp_hidden": 8,
                         "head_hidden": 8},
               "train": {"batch_size": 8, "max_segments": 32}}


def tool(name, *args, expect=0):
    env = dict(os.environ, PYTHONPATH=str(MODEL_ROOT), OMP_NUM_THREADS="2")
    proc = subprocess.run([sys.executable, "-m", f"refinevad.{name}", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == expect, f"{name} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def result_of(proc):
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, f"stdout must be one JSON line, got {proc.stdout!r}"
    return json.loads(lines[0])


def train_tiny(root, seed, config=TINY_CONFIG):
    """A tiny synthetic benchmark of `seed` under root/data and a model trained on it for 2 epochs under root/model,
    as a user makes them with the tools: (data, config file, model)."""
    data = root / "data"
    tool("synth", "--out", data, "--seed", seed, "--videos", 40, "--dim", 32, "--max-segments", 64)
    config_file = root / "tiny.json"
    config_file.write_text(json.dumps(config))
    model = root / "model"
    tool("train", "--data", data, "--out", model, "--epochs", 2, "--config", config_file)
    return data, config_file, model


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("tools")
    data, config, model = train_tiny(root, seed=3)
    return root, data, config, model


def test_synth_writes_the_data_contract(workspace):
    _, data, _, _ = workspace
    train = data.joinpath("train.list").read_text().split()
    test = data.joinpath("test.list").read_text().split()
    assert len(train) + len(test) == 40 and len(test) == 8 and not set(train) & set(test)
    labels = dict(line.split(",") for line in data.joinpath("labels.csv").read_text().splitlines()[1:])
    categories = data.joinpath("categories.txt").read_text().split()
    assert {l for l in labels.values()} <= set(categories) | {"Normal"}
    assert sum(l != "Normal" for l in labels.values()) == 20
    for vid in test:
        x = np.load(data / "features" / f"{vid}.npy")
        gt = np.load(data / "gt" / f"{vid}.npy")
        assert x.dtype == np.float32 and x.shape[1] == 32 and 32 <= x.shape[0] <= 64
        assert gt.shape == (16 * x.shape[0],)
        assert (gt.max() == 1.0) == (labels[vid] != "Normal")


def test_synth_is_reproducible_for_a_seed(workspace, tmp_path):
    _, data, _, _ = workspace
    again = tmp_path / "again"
    tool("synth", "--out", again, "--seed", 3, "--videos", 40, "--dim", 32, "--max-segments", 64)
    vid = data.joinpath("test.list").read_text().split()[0]
    assert np.array_equal(np.load(data / "features" / f"{vid}.npy"), np.load(again / "features" / f"{vid}.npy"))


def test_train_writes_a_complete_model_folder(workspace):
    _, _, _, model = workspace
    assert {p.name for p in model.iterdir()} == {"config.json", "weights.pt", "training.json"}
    training = json.loads(model.joinpath("training.json").read_text())
    assert len(training["history"]) == 2 and training["peak_memory_mib"] > 0
    assert "shift_ratio_mean" in training["history"][0] and "score_std" in training["history"][0]
    threshold = training["threshold"]  # calibrated on training videos at the serving window
    assert 0.0 <= threshold["value"] <= 1.0 and threshold["window"] == 32
    assert threshold["normal_videos"] == 16 and threshold["anomalous_videos"] == 16
    assert sum(training["category_counts"].values()) == 16  # one category per synthetic anomalous video
    category = training["category_confidence"]  # at that threshold, on anomalous training videos' alarms
    assert category["window"] == 32 and category["alarm_threshold"] == threshold["value"]
    assert category["anomalous_videos"] == 16 and category["target"] == 0.8
    assert category["value"] is None or 0.0 <= category["value"] <= 1.0


def test_evaluate_reports_frame_metrics_categories_and_streaming(workspace):
    _, data, _, model = workspace
    result = result_of(tool("evaluate", "--model", model, "--data", data, "--windows", "4,16"))
    for key in ("frame_auc", "frame_ap", "streaming_auc_w4", "streaming_auc_w16"):
        assert 0.0 <= result[key] <= 1.0
    assert result["test_videos"] == 8
    assert set(result["per_category_auc"]) <= set(data.joinpath("categories.txt").read_text().split())
    events = result["events"]
    training = json.loads(model.joinpath("training.json").read_text())
    assert events["window"] == 32 and events["threshold"] == training["threshold"]["value"]
    assert events["threshold_source"].startswith("calibrated on training videos")
    assert events["intervals"] >= 4 and 0 <= events["intervals_found"] <= events["intervals"]
    assert events["normal_videos"] == 4 and events["false_alarms_per_hour"] >= 0
    assert events["category"]["majority_class"] in training["category_counts"]
    # the category confidence calibrated by train decides which found events show a category
    assert events["category"]["confidence_threshold"] == training["category_confidence"]["value"]
    assert events["category"]["named"] + events["category"]["unknown"] == events["category"]["events"]
    fixed = result_of(tool("evaluate", "--model", model, "--data", data, "--windows", "none", "--threshold", 1.5))
    assert fixed["events"]["threshold_source"] == "--threshold" and fixed["events"]["intervals_found"] == 0


def test_export_writes_verified_onnx_torchscript_manifest_and_golden_vectors(workspace):
    root, data, _, model = workspace
    metrics = root / "metrics.json"
    metrics.write_text(tool("evaluate", "--model", model, "--data", data, "--windows", "none").stdout)
    out = root / "export"
    result = result_of(tool("export", "--model", model, "--out", out, "--window", 8, "--metrics", metrics))
    assert result["onnxruntime_max_abs_diff"] < 1e-4 and result["torchscript_max_abs_diff"] < 1e-4
    manifest = json.loads(out.joinpath("manifest.json").read_text())
    assert manifest["name"] == "refinevad" and manifest["feature_dim"] == 32 and manifest["window"] == 8
    assert manifest["metrics"]["frame_auc"] == json.loads(metrics.read_text())["frame_auc"]
    calibrated = json.loads(model.joinpath("training.json").read_text())["threshold"]
    assert manifest["threshold"] == calibrated["value"]
    assert manifest["threshold_calibration"]["source"] == "training videos"
    assert "W=32, served at W=8" in manifest["threshold_calibration"]["note"]
    category = json.loads(model.joinpath("training.json").read_text())["category_confidence"]
    assert manifest["category_confidence"] == category["value"]
    assert manifest["category_calibration"]["source"] == "training videos"
    assert "W=32, served at W=8" in manifest["category_calibration"]["note"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(out.joinpath(name).read_bytes()).hexdigest() == entry["sha256"]
    # The ONNX graph runs at a batch and length other than those it was traced with.
    session = onnxruntime.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["x", "mask"]
    x = np.random.default_rng(0).standard_normal((5, 23, 32)).astype(np.float32)
    scores, probs = session.run(None, {"x": x, "mask": np.ones((5, 23), np.float32)})
    assert scores.shape == (5, 23) and probs.shape == (5, len(manifest["categories"]))
    stream = manifest["golden"]["stream"]
    assert np.load(out / stream["scores"]).shape == (stream["segments"],)


def test_training_on_bad_data_fails_clearly_and_writes_nothing(workspace, tmp_path):
    _, data, _, _ = workspace
    bad = tmp_path / "bad"
    tool("synth", "--out", bad, "--seed", 4, "--videos", 12, "--dim", 32, "--max-segments", 64)
    victim = bad.joinpath("train.list").read_text().split()[-1]
    np.save(bad / "features" / f"{victim}.npy", np.zeros((10, 31), np.float32))
    out = tmp_path / "model"
    proc = tool("train", "--data", bad, "--out", out, "--epochs", 1, expect=2)
    assert f"{victim}.npy: feature dim 31, expected 32" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".model-*"))


def test_a_failed_retrain_leaves_the_previous_model_intact(workspace, tmp_path):
    _, data, config, model = workspace
    weights = model.joinpath("weights.pt").read_bytes()
    bad = tmp_path / "bad"
    tool("synth", "--out", bad, "--seed", 5, "--videos", 12, "--dim", 32, "--max-segments", 64)
    bad.joinpath("labels.csv").write_text(bad.joinpath("labels.csv").read_text().replace("Normal", "Picnic", 1))
    proc = tool("train", "--data", bad, "--out", model, "--epochs", 1, "--config", config, expect=2)
    assert "'Picnic'" in proc.stderr and "allowed: Normal or" in proc.stderr
    assert model.joinpath("weights.pt").read_bytes() == weights


def test_tools_reject_bad_arguments_with_the_allowed_values(workspace, tmp_path):
    _, data, _, model = workspace
    assert "give positive integers" in tool("evaluate", "--model", model, "--data", data, "--windows", "0",
                                            expect=2).stderr
    assert "is not a trained model folder" in tool("evaluate", "--model", tmp_path, "--data", data,
                                                    expect=2).stderr
    assert "use at least 10" in tool("synth", "--out", tmp_path / "x", "--videos", 3, expect=2).stderr


def test_a_run_that_does_not_learn_is_an_error_and_writes_nothing(tmp_path):
    # Anomalous and normal videos with the same features: no model can do better than chance (MIL loss >= ln 2).
    data = tmp_path / "unlearnable"
    (data / "features").mkdir(parents=True)
    x = np.random.default_rng(0).standard_normal((12, 32)).astype(np.float32)
    ids = [f"v{i}" for i in range(8)]
    for vid in ids:
        np.save(data / "features" / f"{vid}.npy", x)
    data.joinpath("labels.csv").write_text("video_id,label\n" + "".join(
        f"{vid},{'Fighting' if i % 2 else 'Normal'}\n" for i, vid in enumerate(ids)))
    data.joinpath("train.list").write_text("\n".join(ids) + "\n")
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(TINY_CONFIG))
    out = tmp_path / "model"
    proc = tool("train", "--data", data, "--out", out, "--epochs", 3, "--config", config, expect=2)
    assert "training did not learn: the training MIL loss is" in proc.stderr and "at chance" in proc.stderr
    assert "Try: more epochs" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".model-*"))
