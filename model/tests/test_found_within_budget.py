"""Intervals found within a false-alarm budget (model/experiments/found_within_budget.py) on hand-made videos."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from found_within_budget import found_within  # noqa: E402
from refinevad.config import UCF_CRIME_CATEGORIES  # noqa: E402
from handmade import hand_made_video  # noqa: E402


def video(scores, anomalous_segments=(), categories=()):
    return hand_made_video(scores, len(UCF_CRIME_CATEGORIES), anomalous_segments, categories)


# a motion anomaly scored 0.5, a semantic one 0.9, a normal video with two runs (0.7 and 0.6, apart at any threshold
# above 0) and three quiet normal videos (0.05; at a threshold near 0 every normal video is one alarm as long as the
# video): 384 normal frames at 30 fps, so each false alarm is 30 * 3600 / 384 = 281.25 per hour
VIDEOS = [video([0.1, 0.5, 0.5, 0.1], anomalous_segments=(1, 2), categories=["Assault"]),
          video([0.1, 0.9, 0.9, 0.1], anomalous_segments=(1, 2), categories=["Robbery"]),
          video([0.0, 0.7, 0.7, 0.0, 0.6, 0.6, 0.0, 0.0])] + [video([0.05] * 4) for _ in range(3)]


def test_the_budget_bounds_the_threshold_and_motion_intervals_are_counted_apart():
    assert found_within(VIDEOS, UCF_CRIME_CATEGORIES, 0.0) == {"found": 0.5, "found_motion": 0.0}
    assert found_within(VIDEOS, UCF_CRIME_CATEGORIES, 300.0) == {"found": 0.5, "found_motion": 0.0}  # 1 alarm
    assert found_within(VIDEOS, UCF_CRIME_CATEGORIES, 600.0) == {"found": 1.0, "found_motion": 1.0}  # 2 alarms
