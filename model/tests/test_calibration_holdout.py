"""train.calibration_holdout: a seeded share of each class is set aside before training and only the alarm threshold
and the category confidence are calibrated on it, streamed raw; refinevad.calibrate finds the same videos again."""
import json

import numpy as np
import pytest
from refinevad.config import Config, ConfigError
from refinevad.data import Dataset
from refinevad.train import MIN_HELD_OUT, held_out_videos, load_training_set

from test_tools import TINY_CONFIG, result_of, tool

LABELS = [False] * 60 + [True] * 40   # 60 normal videos, then 40 anomalous ones


def test_a_share_of_each_class_is_held_out_the_same_for_a_seed():
    held = held_out_videos(LABELS, 0.25, seed=4)
    assert len([i for i in held if i < 60]) == 15 and len([i for i in held if i >= 60]) == 10
    assert held == held_out_videos(LABELS, 0.25, seed=4)
    assert held != held_out_videos(LABELS, 0.25, seed=5)


def test_nothing_is_held_out_at_share_0_or_when_a_class_would_give_too_few():
    assert held_out_videos(LABELS, 0.0, seed=0) == frozenset()
    # 40 anomalous videos at 0.2 give 8, fewer than MIN_HELD_OUT: neither class is held out
    assert round(0.2 * 40) < MIN_HELD_OUT
    assert held_out_videos(LABELS, 0.2, seed=0) == frozenset()


@pytest.mark.parametrize("share", [-0.1, 0.6])
def test_the_share_is_a_fraction_up_to_one_half(share):
    cfg = Config()
    cfg.train.calibration_holdout = share
    with pytest.raises(ConfigError, match=r"calibration_holdout=.* expected a fraction in \[0, 0.5\]"):
        cfg.train.validate()


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    data = tmp_path_factory.mktemp("holdout") / "data"
    # 100 videos, 80 of them training videos: about 40 per class, so a quarter of each is at least MIN_HELD_OUT
    tool("synth", "--out", data, "--seed", 6, "--videos", 100, "--dim", 32, "--max-segments", 96)
    return data


def test_held_out_videos_are_not_trained_on_and_keep_their_raw_segments(data_folder):
    dataset = Dataset(data_folder)
    videos = dataset.split("train")
    held_out = held_out_videos([v.anomalous for v in videos], 0.25, seed=0)
    data, held = load_training_set(dataset, 16, lambda _: None, held_out=held_out)
    assert len(data.features) + len(held.features) == len(videos)
    assert all(x.shape[0] <= 16 for x in data.features)               # trained: pooled to max_segments
    kept = sorted(held_out)
    for x, label, i in zip(held.features, held.labels, kept):       # held out: raw, in the list's order
        assert np.array_equal(x, dataset.features(videos[i]))
        assert label == (1.0 if videos[i].anomalous else 0.0)


def test_train_calibrates_on_the_held_out_videos_and_calibrate_finds_them_again(data_folder, tmp_path):
    config = tmp_path / "holdout.json"
    config.write_text(json.dumps({"model": TINY_CONFIG["model"],
                                  "train": {**TINY_CONFIG["train"], "calibration_holdout": 0.25,
                                            "check_learning": False}}))
    model = tmp_path / "model"
    proc = tool("train", "--data", data_folder, "--out", model, "--epochs", 2, "--config", config)
    training = json.loads(model.joinpath("training.json").read_text())
    on = training["calibration_videos"]
    assert on["held_out"] is True and on["share"] == 0.25
    train_videos = len(Dataset(data_folder).split("train"))
    assert training["train_videos"] == train_videos - on["normal_videos"] - on["anomalous_videos"]
    assert on["normal_videos"] >= MIN_HELD_OUT and on["anomalous_videos"] >= MIN_HELD_OUT
    assert training["threshold"]["normal_videos"] == on["normal_videos"]    # under calibration_videos: all of them
    assert training["category_confidence"]["anomalous_videos"] == on["anomalous_videos"]
    assert "never trained on, streamed raw" in proc.stderr

    export = tmp_path / "export"
    tool("export", "--model", model, "--out", export, "--window", 32)
    manifest = json.loads(export.joinpath("manifest.json").read_text())
    assert manifest["threshold_calibration"]["source"] == "held-out training videos (not trained on)"

    result = result_of(tool("calibrate", "--model", model, "--data", data_folder))
    again = json.loads(model.joinpath("training.json").read_text())
    assert result["threshold"] == training["threshold"]["value"]
    assert again["calibration_videos"] == on
    assert again["category_confidence"]["value"] == training["category_confidence"]["value"]
