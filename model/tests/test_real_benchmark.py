"""model/experiments/real_benchmark.py end to end on a handful of the shared UCF-Crime C3D videos (research-use data
beside the repository; skipped where it is absent, as in CI)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = MODEL_ROOT / "experiments" / "real_benchmark.py"
SHARED = MODEL_ROOT.parent.parent / "shared" / "data" / "ucf-c3d"
TINY = {"model": {"hidden_dim": 16, "transformer_heads": 2, "transformer_ff": 32, "shift_mlp_hidden": 8,
                  "head_hidden": 8},
        "train": {"batch_size": 8, "calibration_videos": 4, "check_learning": False}}

pytestmark = pytest.mark.skipif(not (SHARED / "materialize.py").is_file(),
                                reason=f"the shared UCF-Crime C3D features are not at {SHARED} (research-use data, "
                                       f"not in the repository)")


def bench(tmp, *args):
    env = dict(os.environ, PYTHONPATH=str(MODEL_ROOT), OMP_NUM_THREADS="2")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--source", str(SHARED), "--data", str(tmp / "ucf-c3d"),
                           "--out", str(tmp / "out"), "--videos", "3", "--epochs", "1", "--seeds", "0",
                           "--variants", f"tiny={json.dumps(TINY)}", *args],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    root = tmp_path_factory.mktemp("real-benchmark")
    yield root
    shutil.rmtree(root / "ucf-c3d", ignore_errors=True)  # about 1 GB of materialised features


def test_materialises_trains_evaluates_and_prints_the_table(tmp):
    proc = bench(tmp)
    assert (tmp / "ucf-c3d" / "gt_frames").is_dir()
    result = json.loads((tmp / "out" / "results.json").read_text())
    (run,) = result["runs"]
    assert run["variant"] == "tiny" and run["split"] == "test"
    assert 0.0 <= run["frame_auc"] <= 1.0 and "streaming_auc_w32" in run and "events" in run
    # 32-segment videos: W = 64 sees what W = 32 sees, so it is reported equal rather than computed again
    assert "| W=64 (= W=32) |" in proc.stdout and "| tiny | 1 | 0 |" in proc.stdout
    assert "[1/1] tiny seed 0: training" in proc.stderr
    # a second call finds the run done and does not train again
    again = bench(tmp)
    assert "training" not in again.stderr and "| tiny | 1 | 0 |" in again.stdout


def test_holdout_split_never_reads_test_videos(tmp):
    bench(tmp, "--split", "holdout")
    data = tmp / "out" / "data-3-holdout"
    train = set((tmp / "ucf-c3d" / "train.list").read_text().split())
    held = set(data.joinpath("test.list").read_text().split())
    assert held and held <= train and not held & set(data.joinpath("train.list").read_text().split())
    run = [r for r in json.loads((tmp / "out" / "results.json").read_text())["runs"] if r["split"] == "holdout"][0]
    assert 0.0 <= run["val_video_auc"] <= 1.0 and run["val_videos"] == len(held)


def test_the_alarm_curve_is_drawn_from_the_test_runs_with_the_calibrated_threshold(tmp):
    picture = tmp / "curve.svg"
    proc = bench(tmp, "--curve", str(picture))
    assert "training" not in proc.stderr                      # the curve reuses the trained run
    text = picture.read_text()
    assert text.count("<polyline") == 1 and "tiny, seed 0: calibrated threshold" in text
    cached = json.loads((tmp / "out" / "tiny-e1-s0-test-v3" / "alarm-curve-w32.json").read_text())
    assert cached["points"][0]["found"] == 0.0 and cached["points"][-1]["found"] == 1.0


def test_the_alarm_curve_refuses_the_holdout_split(tmp):
    env = dict(os.environ, PYTHONPATH=str(MODEL_ROOT))
    proc = subprocess.run([sys.executable, str(SCRIPT), "--split", "holdout", "--curve", str(tmp / "x.svg")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2 and "--curve needs --split test" in proc.stderr
