"""Event-level and category metrics, and the threshold calibration, on hand-made cases."""
import numpy as np
import pytest

from refinevad.events import (UNKNOWN, VideoEvents, alarm_level, alarms, calibrate_category_confidence,
                              calibrate_threshold, category_of_alarm, event_metrics, majority_category,
                              shown_category)

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


def test_category_confidence_is_the_top_categorys_share_of_the_evidence_summed_over_the_alarm():
    e = np.array([[0.9, 0.1, 0.0], [0.1, 0.3, 0.0], [0.2, 0.4, 0.0]])
    # summed over segments 1-2: [0.3, 0.7, 0.0] -> the second category with 0.7 of 1.0
    assert category_of_alarm(e, (1, 3), ["A", "B", "C"]) == ("B", pytest.approx(0.7))
    # over 0-2: [1.2, 0.8, 0.0] -> A with 0.6, although B leads in two of the three segments
    assert category_of_alarm(e, (0, 3), ["A", "B", "C"]) == ("A", pytest.approx(0.6))
    assert category_of_alarm(np.zeros((2, 3)), (0, 2), ["A", "B", "C"]) == ("A", 0.0)  # no evidence: no confidence


def test_the_category_is_shown_at_or_above_the_calibrated_confidence_and_unknown_below_or_without_one():
    assert shown_category("Arson", 0.6, 0.6) == "Arson"
    assert shown_category("Arson", 0.59, 0.6) == UNKNOWN
    assert shown_category("Arson", 1.0, None) == UNKNOWN


def test_event_metrics_count_the_categories_shown_and_how_many_are_right():
    # A shows Fighting (confidence 1.0, right), C shows Arson (confidence 1.0, wrong).
    m = event_metrics(cameras(), CATS, threshold=0.5, category_confidence=0.9)["category"]
    assert (m["named"], m["named_right"], m["unknown"], m["named_precision"]) == (2, 1, 0, 0.5)
    # C's alarm made less sure: Arson 0.6 of its evidence, below the calibrated 0.7 -> unknown; A stays right.
    videos = cameras()
    videos[2].evidence[:] = [0.4, 0.6]
    m = event_metrics(videos, CATS, threshold=0.5, category_confidence=0.7)["category"]
    assert (m["named"], m["named_right"], m["unknown"], m["named_precision"]) == (1, 1, 1, 1.0)
    assert m["top1_accuracy"] == 0.5 and m["confidence_threshold"] == 0.7   # the top category, shown or not
    m = event_metrics(cameras(), CATS, threshold=0.5)["category"]           # not calibrated: every one unknown
    assert (m["named"], m["unknown"], m["named_precision"]) == (0, 2, None)


def calibration_alarms(pairs, majority=False):
    """(confidence, right) pairs -> the calibration's three lists; the majority class right on none by default."""
    confidences, right = zip(*pairs)
    return list(confidences), list(right), [majority] * len(pairs)


def test_category_calibration_picks_the_lowest_confidence_whose_alarms_reach_the_precision():
    # 10 alarms at 0.9 (all right), 10 at 0.5 (6 right), 10 at 0.3 (none right), at least 10 alarms shown:
    # >= 0.9: 10/10; >= 0.5: 16/20 = 0.8 (reaches 0.8); >= 0.3: 16/30 -> 0.5
    pairs = [(0.9, True)] * 10 + [(0.5, True)] * 6 + [(0.5, False)] * 4 + [(0.3, False)] * 10
    c = calibrate_category_confidence(*calibration_alarms(pairs), target=0.8, min_alarms=10)
    assert c["value"] == 0.5 and c["precision"] == pytest.approx(0.8) and c["alarms_shown"] == 20
    assert c["alarms"] == 30 and c["best_precision"] == 1.0
    # the same alarms against a stricter target: only the 0.9 ones
    assert calibrate_category_confidence(*calibration_alarms(pairs), target=0.9, min_alarms=10)["value"] == 0.9
    # Equal confidences are shown together: the first 2 of ten at 0.5 being right (12/12) does not make 0.5 reach
    # the target, all ten do not (12/20).
    tied = [(0.9, True)] * 10 + [(0.5, True)] * 2 + [(0.5, False)] * 8
    assert calibrate_category_confidence(*calibration_alarms(tied), target=0.8, min_alarms=10)["value"] == 0.9


def test_category_calibration_needs_enough_alarms_and_to_beat_the_majority_class():
    pairs = [(0.95, True)] * 3 + [(0.4, False)] * 20
    few = calibrate_category_confidence(*calibration_alarms(pairs), target=0.8, min_alarms=10)
    assert few["value"] is None and few["alarms_shown"] == 0   # 3 right alarms are too few to trust
    assert few["best_precision"] == pytest.approx(3 / 23)      # the only threshold with 10+ alarms shows all 23
    # Right 85 % of the time, but always naming the majority class would be right 90 %: not worth showing.
    pairs = [(0.7, True)] * 17 + [(0.7, False)] * 3
    confidences, right, _ = calibration_alarms(pairs)
    majority = [True] * 18 + [False] * 2
    beaten = calibrate_category_confidence(confidences, right, majority, target=0.8, min_alarms=10)
    assert beaten["value"] is None and beaten["required_precision"] == pytest.approx(0.9)
    assert calibrate_category_confidence(confidences, right, [False] * 20, target=0.8, min_alarms=10)["value"] == 0.7
    nothing = calibrate_category_confidence([], [], [])
    assert nothing["value"] is None and nothing["alarms"] == 0 and nothing["best_precision"] is None
