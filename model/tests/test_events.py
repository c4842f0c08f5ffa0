"""Event-level and category metrics, and the threshold calibration, on hand-made cases."""
import numpy as np
import pytest

from refinevad.events import (VideoEvents, alarm_level, alarms, calibrate_threshold, event_metrics,
                              majority_category)

CATS = ["Fighting", "Arson"]


def seg_gt(anomalous_segments, segments):
    """16 frames per segment, the listed segments anomalous."""
    labels = np.zeros(segments, np.float32)
    labels[list(anomalous_segments)] = 1.0
    return np.repeat(labels, 16)


def evidence(rows, favour):
    e = np.zeros((rows, 2), np.float32)
    e[:, CATS.index(favour)] = 1.0
    return e


def cameras():
    # A: anomalous (Fighting), 8 segments x 16 frames, anomalous segments 3-6; alarms at 0-1 (false) and 5-7 (late
    #    by 2 segments); a single segment at 0.9 (segment 3) is flicker, not an alarm.
    a = VideoEvents(np.array([.9, .9, .1, .9, .2, .8, .8, .8]), evidence(8, "Fighting"), seg_gt(range(3, 7), 8),
                    ["Fighting"])
    # B: normal, 4 segments x 16 frames; one alarm at 1-2 (false).
    b = VideoEvents(np.array([.1, .7, .7, .1]), evidence(4, "Arson"), seg_gt([], 4), [])
    # C: anomalous (Fighting), 4 segments over N = 10 frames: segments span [0,2) [2,5) [5,7) [7,10). Anomalous frames
    #    4-5 (segments 1 and 2: found, delay 0, category shown Arson: wrong) and frame 9 (segment 3: missed).
    gt_c = np.zeros(10, np.float32)
    gt_c[[4, 5, 9]] = 1.0
    c = VideoEvents(np.array([.1, .6, .6, .1]), evidence(4, "Arson"), gt_c, ["Fighting"])
    return [a, b, c]


def test_alarms_are_runs_of_at_least_two_segments_at_or_above_the_threshold():
    scores = np.array([.9, .2, .8, .85, .1, .5, .5, .5])
    assert alarms(scores, 0.5) == [(2, 4), (5, 8)]
    assert alarms(scores, 0.5, min_segments=1) == [(0, 1), (2, 4), (5, 8)]
    assert alarm_level(scores[:4]) == pytest.approx(0.8)
    assert alarms(scores[:4], 0.8) and not alarms(scores[:4], 0.8001)
    assert alarm_level(np.array([.9])) == float("-inf")


def test_intervals_found_count_any_overlapping_alarm():
    m = event_metrics(cameras(), CATS, threshold=0.5)
    assert m["intervals"] == 3 and m["intervals_found"] == 2
    assert m["found_fraction"] == pytest.approx(2 / 3)


def test_false_alarms_per_hour_of_normal_video_count_alarms_overlapping_no_anomalous_frame():
    m = event_metrics(cameras(), CATS, threshold=0.5)
    assert m["false_alarms"] == 2                    # A's alarm at segments 0-1 and B's at 1-2
    normal_frames = (128 - 64) + 64 + (10 - 3)
    assert m["normal_hours"] == pytest.approx(normal_frames / 30 / 3600)
    assert m["false_alarms_per_hour"] == pytest.approx(2 / (normal_frames / 30 / 3600))
    assert m["normal_videos"] == 1 and m["normal_videos_with_alarm"] == 1
    assert event_metrics(cameras(), CATS, threshold=0.95)["false_alarms"] == 0


def test_median_detection_delay_in_segments_from_the_interval_start():
    m = event_metrics(cameras(), CATS, threshold=0.5)
    assert m["median_delay_segments"] == pytest.approx(1.0)  # A: 2 (alarm from segment 5, interval from 3); C: 0
    assert event_metrics(cameras(), CATS, threshold=0.95)["median_delay_segments"] is None


def test_category_shown_is_the_highest_summed_evidence_of_the_first_overlapping_alarm():
    videos = cameras()
    # Per segment the first category peaks (0.9 once), summed over the alarm the second wins (1.2): A is then wrong.
    videos[0].evidence[5:8] = [[0.9, 0.0], [0.0, 0.6], [0.0, 0.6]]
    m = event_metrics(videos, CATS, threshold=0.5, majority_class="Fighting")
    assert m["category"]["events"] == 2
    assert m["category"]["top1_accuracy"] == 0.0
    m = event_metrics(cameras(), CATS, threshold=0.5, majority_class="Fighting")
    assert m["category"]["top1_accuracy"] == 0.5       # A right (Fighting), C wrong (Arson shown)
    assert m["category"]["majority_baseline"] == 1.0   # both found events are Fighting
    assert event_metrics(cameras(), CATS, 0.5, majority_class="Arson")["category"]["majority_baseline"] == 0.0
    assert majority_category({"Arson": 3, "Fighting": 5, "Robbery": 5}) == "Fighting"
    assert majority_category({"Arson": 0}) is None


def test_calibration_maximises_youden_j_and_sits_midway_in_the_gap():
    separable = calibrate_threshold([0.1, 0.3], [0.5, 0.8])
    assert separable["value"] == pytest.approx(0.4) and separable["youden_j"] == 1.0
    # alarm sets: >= .5 gives J = 1 - .5; >= .8 gives 2/3 - 0 (best); >= .6 gives 2/3 - .5
    overlapping = calibrate_threshold([0.1, 0.6], [0.5, 0.8, 0.9])
    assert overlapping["value"] == pytest.approx(0.7)
    assert overlapping["train_anomalous_alarmed"] == pytest.approx(2 / 3)
    assert overlapping["train_normal_alarmed"] == 0.0
    # J = 0.5 both for alarms at >= .4 (all anomalous, half the normal) and >= .9 (half the anomalous, no normal):
    # the tie goes to fewer alarms
    assert calibrate_threshold([0.1, 0.5], [0.4, 0.9])["value"] == pytest.approx(0.7)
