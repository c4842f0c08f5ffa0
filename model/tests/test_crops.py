"""train.normal_crops: raw serving windows of normal training videos are mixed into training; anomalous videos and
videos no longer than the window stay whole."""
import numpy as np
import pytest
from refinevad.config import Config, ConfigError
from refinevad.crops import NormalCrops
from refinevad.data import Dataset, resample_mean
from refinevad.train import crop_segments, load_training_set, normal_crops_of

from test_tools import tool

W = 4


def video(length, dim=3, offset=0.0):
    """Rows numbered 0..length-1 (plus an offset), so a crop's rows say where it was cut."""
    return np.repeat(np.arange(length, dtype=np.float32)[:, None] + offset, dim, axis=1)


def crops_of(share):
    # videos 0 and 1 are normal (0 longer than W), 2 is anomalous (never croppable); features are the pooled ones
    raw = {0: video(10)}
    pooled = [resample_mean(video(10), 5), video(3, offset=100.0), video(10, offset=200.0)]
    return NormalCrops(W, share, raw, normal_videos=2), pooled


def test_a_croppable_normal_video_is_drawn_as_a_raw_contiguous_window_of_w_segments():
    crops, pooled = crops_of(1.0)
    starts = set()
    for seed in range(20):
        first, short, anomalous = crops.draw(pooled, [0, 1, 2], np.random.default_rng(seed))
        assert first.shape == (W, 3)
        start = int(first[0, 0])
        assert np.array_equal(first, video(10)[start:start + W])  # raw rows, not the pooled ones
        starts.add(start)
        assert short is pooled[1] and anomalous is pooled[2]
    assert starts == set(range(10 - W + 1))  # every place in the video can be cut


def test_share_sets_how_often_a_croppable_video_is_a_crop():
    crops, pooled = crops_of(0.5)
    rng = np.random.default_rng(0)
    cropped = sum(crops.draw(pooled, [0], rng)[0].shape[0] == W for _ in range(1000))
    assert 430 <= cropped <= 570
    crops, pooled = crops_of(0.0)
    assert all(crops.draw(pooled, [0], rng)[0] is pooled[0] for _ in range(50))


def test_without_croppable_videos_the_random_draws_are_those_of_training_without_crops():
    crops, pooled = crops_of(1.0)
    rng, untouched = np.random.default_rng(5), np.random.default_rng(5)
    crops.draw(pooled, [1, 2, 1], rng)
    assert rng.random() == untouched.random()


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    data = tmp_path_factory.mktemp("crops") / "data"
    tool("synth", "--out", data, "--seed", 3, "--videos", 40, "--dim", 32, "--max-segments", 64)
    return data


def test_training_keeps_the_unpooled_features_of_normal_videos_longer_than_the_window_only(data_folder):
    cfg = Config.from_dict({"train": {"normal_crops": 0.5, "calibration_window": 40, "max_segments": 16}})
    dataset = Dataset(data_folder)
    data, _ = load_training_set(dataset, cfg.train.max_segments, lambda _: None, crop_segments(cfg.train))
    videos = dataset.split("train")
    lengths = [dataset.features(v).shape[0] for v in videos]
    expected = {i for i, v in enumerate(videos) if not v.anomalous and lengths[i] > 40}
    assert expected and set(data.raw_normal) == expected  # some normal videos are shorter, none anomalous
    assert all(data.raw_normal[i].shape[0] == lengths[i] for i in expected)
    crops = normal_crops_of(cfg.train, data)
    assert crops.segments == 40 and crops.summary()["croppable_videos"] == len(expected)
    assert f"{len(expected)} of {len(data.normal)} normal training videos" in crops.description()


def test_crops_off_keep_no_unpooled_features(data_folder):
    cfg = Config.from_dict({"train": {"normal_crops": 0.0}})
    data, _ = load_training_set(Dataset(data_folder), 16, lambda _: None, crop_segments(cfg.train))
    assert data.raw_normal == {} and "off" in normal_crops_of(cfg.train, data).description()


def test_normal_crops_outside_zero_to_one_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match="normal_crops.*fraction in \\[0, 1\\]"):
        Config.from_dict({"train": {"normal_crops": 1.5}})
