"""Raw serving windows of normal training videos mixed into training (train.normal_crops).

Training otherwise sees whole videos, mean-pooled to train.max_segments, while the server scores raw windows of the
serving window's W segments (train.calibration_window). A window that lies inside a long benign burst, with no calm
segment to compare with, is then never seen in training, and such windows raised most of the false alarms left in
the default model (docs/MODEL.md, "The default model"). A crop of a normal video is normal whatever it holds, so its
weak label stays true; anomalous videos stay whole, since a crop of one may miss its anomaly.
"""
from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np


class NormalCrops:
    """Which normal training videos are long enough to crop, and how a batch's videos are drawn from them."""

    def __init__(self, segments: int, share: float, raw: Dict[int, np.ndarray], normal_videos: int):
        self.segments = segments          # the serving window W
        self.share = share                # of a croppable video's draws, the share that is a crop
        self.raw = raw                    # index of a normal video longer than W -> its unpooled features
        self.normal_videos = normal_videos

    def description(self) -> str:
        if self.share == 0.0:
            return "normal crops: off (train.normal_crops 0): every training video is drawn whole"
        if not self.raw:
            return (f"normal crops: none of the {self.normal_videos} normal training videos is longer than the "
                    f"serving window (W={self.segments}), so every video is drawn whole")
        return (f"normal crops: {len(self.raw)} of {self.normal_videos} normal training videos are longer than the "
                f"serving window (W={self.segments}); {self.share:.0%} of their draws are a raw {self.segments}-"
                f"segment crop at a random place (train.normal_crops {self.share})")

    def summary(self) -> dict:
        return {"segments": self.segments, "share": self.share, "croppable_videos": len(self.raw),
                "normal_videos": self.normal_videos}

    def draw(self, features: Sequence[np.ndarray], index: Sequence[int], rng: np.random.Generator) -> List[np.ndarray]:
        """The batch's videos: each croppable normal one is, with probability share, a raw W-segment crop of it.
        The generator is used only for croppable videos, so a training set with none trains exactly as without."""
        batch = []
        for i in index:
            raw = self.raw.get(int(i))
            if raw is not None and rng.random() < self.share:
                start = int(rng.integers(raw.shape[0] - self.segments + 1))
                batch.append(raw[start:start + self.segments])
            else:
                batch.append(features[i])
        return batch
