from pathlib import Path

import numpy as np
import pytest

from refinevad.data import (DataError, Dataset, frame_scores, labels_from_public_name, resample_mean,
                            segment_bounds, video_id_of)
from refinevad.evaluate import frame_metrics


def write_contract(root: Path, dim=8, videos=None, categories=("Fighting", "Arson")):
    """A valid contract folder: videos maps id -> (label, T)."""
    videos = videos or {"n1": ("Normal", 5), "a1": ("Fighting", 6), "a2": ("Arson|Fighting", 4)}
    (root / "features").mkdir(parents=True)
    (root / "gt").mkdir()
    rng = np.random.default_rng(0)
    for vid, (_, t) in videos.items():
        np.save(root / "features" / f"{vid}.npy", rng.standard_normal((t, dim)).astype(np.float32))
        np.save(root / "gt" / f"{vid}.npy", np.zeros(16 * t, dtype=np.float32))
    (root / "labels.csv").write_text("video_id,label\n" + "".join(f"{v},{l}\n" for v, (l, _) in videos.items()))
    (root / "train.list").write_text("\n".join(videos) + "\n")
    (root / "test.list").write_text("\n".join(videos) + "\n")
    (root / "categories.txt").write_text("\n".join(categories) + "\n")
    return root


def test_a_valid_folder_reads_labels_features_and_ground_truth(tmp_path):
    ds = Dataset(write_contract(tmp_path), feature_dim=8)
    videos = {v.video_id: v for v in ds.split("test", require_gt=True)}
    assert videos["n1"].categories == [] and not videos["n1"].anomalous
    assert videos["a2"].categories == ["Arson", "Fighting"]
    assert ds.features(videos["a1"]).shape == (6, 8)
    assert ds.ground_truth(videos["a1"], 6).shape == (96,)
    assert list(ds.multi_hot(videos["a2"])) == [1.0, 1.0]


@pytest.mark.parametrize("damage,message", [
    (lambda r: np.save(r / "features/a1.npy", np.zeros((6, 9), np.float32)), r"a1\.npy: feature dim 9, expected 8"),
    (lambda r: np.save(r / "features/a1.npy", np.zeros((6, 8), np.float64)), r"a1\.npy: dtype float64, expected float32"),
    (lambda r: np.save(r / "features/a1.npy", np.full((6, 8), np.nan, np.float32)),
     r"a1\.npy: 6 row\(s\) hold NaN or Inf, first at row 0"),
    (lambda r: np.save(r / "features/a1.npy", np.zeros((0, 8), np.float32)), r"a1\.npy: shape \(0, 8\)"),
    (lambda r: (r / "features/a1.npy").write_text("not numpy"), r"a1\.npy: not a readable \.npy array"),
])
def test_bad_feature_files_are_named_with_the_problem(tmp_path, damage, message):
    root = write_contract(tmp_path)
    damage(root)
    ds = Dataset(root, feature_dim=8)
    video = next(v for v in ds.split("train") if v.video_id == "a1")
    with pytest.raises(DataError, match=message):
        ds.features(video)


def test_a_list_naming_a_missing_file_is_an_error_with_file_and_line(tmp_path):
    root = write_contract(tmp_path)
    (root / "train.list").write_text("n1\nghost\n")
    (root / "labels.csv").write_text("video_id,label\nn1,Normal\nghost,Arson\n")
    with pytest.raises(DataError, match=r"train\.list:2: feature file for video 'ghost' does not exist"):
        Dataset(root).split("train")


def test_an_unknown_category_is_an_error_that_lists_the_allowed_ones(tmp_path):
    root = write_contract(tmp_path)
    (root / "labels.csv").write_text("video_id,label\nn1,Normal\na1,Juggling\na2,Arson\n")
    with pytest.raises(DataError, match=r"'a1' has label\(s\) \['Juggling'\].*allowed: Normal or Fighting, Arson"):
        Dataset(root).split("train")


def test_labels_csv_needs_its_header(tmp_path):
    root = write_contract(tmp_path)
    (root / "labels.csv").write_text("n1,Normal\n")
    with pytest.raises(DataError, match=r"labels\.csv:1: header must be 'video_id,label'"):
        Dataset(root)


def test_ground_truth_shorter_than_the_video_segments_is_an_error_naming_the_file(tmp_path):
    root = write_contract(tmp_path)
    np.save(root / "gt" / "a1.npy", np.zeros(5, np.float32))
    ds = Dataset(root)
    video = next(v for v in ds.split("test") if v.video_id == "a1")
    with pytest.raises(DataError, match=r"gt/a1\.npy: 5 frames, fewer than the video's 6 segments"):
        ds.ground_truth(video, 6)


def test_ground_truth_of_any_length_from_the_segment_count_up_is_read(tmp_path):
    root = write_contract(tmp_path)
    ds = Dataset(root)
    video = next(v for v in ds.split("test") if v.video_id == "a1")
    for frames in (6, 50, 96, 1000):
        np.save(root / "gt" / "a1.npy", np.zeros(frames, np.float32))
        assert ds.ground_truth(video, 6).shape == (frames,)


def test_gt_frames_is_preferred_to_gt_when_present(tmp_path):
    root = write_contract(tmp_path)
    (root / "gt_frames").mkdir()
    np.save(root / "gt_frames" / "a1.npy", np.ones(77, np.float32))
    ds = Dataset(root)
    videos = {v.video_id: v for v in ds.split("test", require_gt=True)}
    assert videos["a1"].gt_file == root / "gt_frames" / "a1.npy"
    assert ds.ground_truth(videos["a1"], 6).shape == (77,)
    assert videos["n1"].gt_file == root / "gt" / "n1.npy"  # a video without gt_frames/ keeps gt/


def test_segments_span_frames_floor_i_n_over_t():
    assert segment_bounds(3, 7).tolist() == [0, 2, 4, 7]
    assert segment_bounds(4, 64).tolist() == [0, 16, 32, 48, 64]  # 16*T: 16 frames per segment, as before
    assert segment_bounds(32, 32).tolist() == list(range(33))
    assert frame_scores(np.array([0.1, 0.9, 0.2]), 7).tolist() == pytest.approx([.1, .1, .9, .9, .2, .2, .2])
    assert np.array_equal(frame_scores(np.array([1.0, 2.0]), 32), np.repeat([1.0, 2.0], 16))


def test_frame_auc_counts_every_frame_with_its_segment_score():
    # Video 1: T=3 over N=7 frames -> frame scores .1 .1 .9 .9 .2 .2 .2 against 0 0 1 1 0 0 1.
    # Video 2: T=2 over N=32 (16 per segment) -> 16 x .05 (normal) and 16 x .95 (anomalous).
    # Positives: .9 .9 .2 and 16 x .95; negatives: .1 .1 .2 .2 and 16 x .05 (20 of them).
    scores = [np.array([0.1, 0.9, 0.2]), np.array([0.05, 0.95])]
    gts = [np.array([0, 0, 1, 1, 0, 0, 1], np.float32), np.repeat([0.0, 1.0], 16).astype(np.float32)]
    # Pairs (positive, negative): 18 positives above .2 beat all 20; the positive .2 beats 18, ties 2 (half each).
    expected = (18 * 20 + 18 + 0.5 * 2) / (19 * 20)
    assert frame_metrics(scores, gts)["auc"] == pytest.approx(expected)


def test_all_zero_feature_rows_are_valid_input(tmp_path):
    root = write_contract(tmp_path)
    x = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)
    x[3:] = 0.0  # a short video padded with zero rows, as 32 UCF-Crime C3D videos are
    np.save(root / "features" / "a1.npy", x)
    ds = Dataset(root, feature_dim=8)
    video = next(v for v in ds.split("test") if v.video_id == "a1")
    assert np.array_equal(ds.features(video), x)


def test_missing_ground_truth_is_reported_for_the_test_split(tmp_path):
    root = write_contract(tmp_path)
    (root / "gt" / "a1.npy").unlink()
    with pytest.raises(DataError, match=r"test\.list:2: no ground truth for video 'a1'"):
        Dataset(root).split("test", require_gt=True)


def test_public_ucf_layout_with_ten_crops_and_no_labels_file(tmp_path):
    (tmp_path / "features").mkdir()
    (tmp_path / "gt_per_video").mkdir()
    names = ["Abuse028_x264", "Normal_Videos_006_x264"]
    lines = []
    for name in names:
        for crop in range(3):
            np.save(tmp_path / "features" / f"{name}__{crop}.npy", np.full((4, 8), float(crop), np.float32))
            lines.append(f"test/{name}__{crop}.npy")
        np.save(tmp_path / "gt_per_video" / f"{name}__9_gt.npy", np.zeros(64, np.float32))
    (tmp_path / "test.list").write_text("\n".join(lines) + "\n")
    ds = Dataset(tmp_path)
    videos = ds.split("test", require_gt=True)
    assert [v.video_id for v in videos] == names
    assert videos[0].categories == ["Abuse"] and videos[1].categories == []
    assert np.allclose(ds.features(videos[0]), 1.0)  # mean of crops 0, 1, 2


def test_public_names_carry_labels():
    assert labels_from_public_name("RoadAccidents002_x264") == ["RoadAccidents"]
    assert labels_from_public_name("Normal_Videos_904_x264") == []
    assert labels_from_public_name("Bad.Boys.1995__#01-11-55_01-12-40_label_G-B2-B6") == \
        ["Explosion", "Shooting", "CarAccident"]
    assert labels_from_public_name("A.Beautiful.Mind.2001__#00-25-20_00-29-20_label_A") == []
    assert labels_from_public_name("clip_0001") is None
    assert video_id_of("test/Bad.Boys.1995__#01-11-55_01-12-40_label_G-B2-B6__3.npy") == \
        "Bad.Boys.1995__#01-11-55_01-12-40_label_G-B2-B6"
    assert video_id_of("Abuse028_x264") == "Abuse028_x264"


def test_resample_mean_pools_contiguous_chunks():
    x = np.arange(10, dtype=np.float32)[:, None]
    assert resample_mean(x, 20) is x
    pooled = resample_mean(x, 5)
    assert pooled[:, 0].tolist() == [0.5, 2.5, 4.5, 6.5, 8.5]
