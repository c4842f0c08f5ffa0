"""The alarm-threshold curve of model/experiments/alarm_curve.py on hand-made videos."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
import alarm_curve  # noqa: E402
from handmade import FRAMES_PER_SEGMENT as FRAMES, hand_made_video  # noqa: E402
from refinevad.events import event_metrics  # noqa: E402

CATEGORIES = ["A", "B"]


def video(scores, anomalous_segments=(), categories=()):
    return hand_made_video(scores, len(CATEGORIES), anomalous_segments, categories)


VIDEOS = [video([0.1, 0.2, 0.9, 0.8, 0.1, 0.1], anomalous_segments=(2, 3), categories=["A"]),
          video([0.3, 0.6, 0.6, 0.1, 0.7, 0.7, 0.2, 0.1])]


def test_the_sweep_runs_from_no_alarm_to_every_video_alarmed():
    points = alarm_curve.curve(VIDEOS, CATEGORIES, calibrated=0.65)["points"]
    assert points[0]["found"] == 0.0 and points[0]["fa_per_hour"] == 0.0      # above every score
    normal_hours = 8 * FRAMES / 30.0 / 3600.0 + 4 * FRAMES / 30.0 / 3600.0
    assert points[-1]["threshold"] == 0.0 and points[-1]["found"] == 1.0
    assert points[-1]["fa_per_hour"] == pytest.approx(1 / normal_hours)      # one alarm over the whole normal video
    thresholds = [p["threshold"] for p in points]
    assert thresholds == sorted(thresholds, reverse=True)
    found = [p["found"] for p in points]
    assert found == sorted(found)                                            # a lower threshold finds no fewer


def test_the_calibrated_point_is_the_event_metrics_at_that_threshold():
    cal = alarm_curve.curve(VIDEOS, CATEGORIES, calibrated=0.65)["calibrated"]
    expected = event_metrics(VIDEOS, CATEGORIES, 0.65)
    assert cal == {"threshold": 0.65, "found": expected["found_fraction"],
                   "fa_per_hour": expected["false_alarms_per_hour"]}
    assert cal["found"] == 1.0 and cal["fa_per_hour"] > 0                    # the 0.7, 0.7 run in the normal video


def test_the_svg_draws_one_line_per_curve_and_marks_each_calibrated_threshold():
    one = alarm_curve.curve(VIDEOS, CATEGORIES, calibrated=0.65)
    text = alarm_curve.svg([{"label": "full, seed 0", "group": "full", **one},
                            {"label": "full, seed 1", "group": "full", **one},
                            {"label": "base, seed 0", "group": "base", **one}], "title <W=32>")
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>")
    assert text.count("<polyline") == 3 and text.count("calibrated threshold 0.650") == 3
    assert "title &lt;W=32&gt;" in text and ">full<" in text and ">base<" in text
