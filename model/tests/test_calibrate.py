"""refinevad.calibrate: both calibrations added to a model trained without them, and to its export, without
retraining; as a user runs it, on a tiny synthetic benchmark."""
import hashlib
import json
import shutil

import pytest

from test_tools import TINY_CONFIG, result_of, tool, train_tiny

ALARM_FIELDS = ("threshold", "threshold_calibration", "category_confidence", "category_calibration")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibrate")
    # Whether two epochs learn is not the question here (test_tools asks it): keep whatever model they make.
    data, _, model = train_tiny(root, seed=5, config={"model": TINY_CONFIG["model"],
                                                      "train": {**TINY_CONFIG["train"], "check_learning": False}})
    return root, data, model


def uncalibrated_copy(model, out):
    """The model as one trained before the calibrations existed (the committed default model was)."""
    shutil.copytree(model, out)
    training = json.loads(out.joinpath("training.json").read_text())
    for key in ("threshold", "category_confidence", "category_counts"):
        del training[key]
    out.joinpath("training.json").write_text(json.dumps(training))
    return out


def digests(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def test_calibrate_adds_what_train_calibrates_to_the_model_and_its_export(trained, tmp_path):
    _, data, model = trained
    old = uncalibrated_copy(model, tmp_path / "old")
    export = tmp_path / "export"
    tool("export", "--model", old, "--out", export, "--window", 32)
    manifest_before = json.loads(export.joinpath("manifest.json").read_text())
    assert not set(ALARM_FIELDS) & set(manifest_before)
    files_before = digests(export)

    result = result_of(tool("calibrate", "--model", old, "--data", data, "--export", export))

    by_train = json.loads(model.joinpath("training.json").read_text())
    recalibrated = json.loads(old.joinpath("training.json").read_text())
    for key in ("category_counts", "history"):
        assert recalibrated[key] == by_train[key]
    for key in ("value", "youden_j", "window"):
        assert recalibrated["threshold"][key] == by_train["threshold"][key]
    for key in ("value", "precision", "alarms", "alarm_threshold"):
        assert recalibrated["category_confidence"][key] == by_train["category_confidence"][key]
    assert result["threshold"] == by_train["threshold"]["value"]
    manifest = json.loads(export.joinpath("manifest.json").read_text())
    assert manifest["threshold"] == by_train["threshold"]["value"]
    assert manifest["category_confidence"] == by_train["category_confidence"]["value"]
    assert manifest["category_calibration"]["source"] == "training videos"
    assert "note" not in manifest["category_calibration"]  # calibrated at the served window and threshold
    assert digests(export) == files_before  # the model files and golden vectors are those of the export
    assert {k: v for k, v in manifest.items() if k not in ALARM_FIELDS} == manifest_before  # and so is the rest


def test_an_export_of_another_model_is_refused_and_nothing_is_written(trained, tmp_path):
    root, data, model = trained
    other = tmp_path / "other"
    tool("train", "--data", data, "--out", other, "--epochs", 1, "--seed", 9, "--config", root / "tiny.json")
    export = tmp_path / "export"
    tool("export", "--model", other, "--out", export)
    old = uncalibrated_copy(model, tmp_path / "old")
    before = (old.joinpath("training.json").read_text(), export.joinpath("manifest.json").read_text())

    proc = tool("calibrate", "--model", old, "--data", data, "--export", export, expect=2)

    assert f"{export} was not exported from this model: its golden case b2_t7 differs" in proc.stderr
    assert (old.joinpath("training.json").read_text(), export.joinpath("manifest.json").read_text()) == before
