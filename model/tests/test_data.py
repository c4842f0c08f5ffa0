from pathlib import Path

import numpy as np
import pytest

from refinevad.data import DataError, Dataset, labels_from_public_name, resample_mean, video_id_of


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


def test_ground_truth_of_the_wrong_length_is_an_error(tmp_path):
    root = write_contract(tmp_path)
    np.save(root / "gt" / "a1.npy", np.zeros(50, np.float32))
    ds = Dataset(root)
    video = next(v for v in ds.split("test") if v.video_id == "a1")
    with pytest.raises(DataError, match=r"a1\.npy: 50 frames, expected 96"):
        ds.ground_truth(video, 6)


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
