"""Hand-made videos for the event-metric tests: per-segment scores, flat category evidence, frame ground truth."""
import numpy as np

from refinevad.events import VideoEvents

FRAMES_PER_SEGMENT = 16


def hand_made_video(scores, category_count, anomalous_segments=(), categories=()):
    """A video of these scores whose anomalous segments (all of their frames) carry the given categories."""
    scores = np.asarray(scores, dtype=np.float64)
    gt = np.zeros(len(scores) * FRAMES_PER_SEGMENT)
    for i in anomalous_segments:
        gt[i * FRAMES_PER_SEGMENT:(i + 1) * FRAMES_PER_SEGMENT] = 1.0
    return VideoEvents(scores, np.full((len(scores), category_count), 0.5), gt, list(categories))
