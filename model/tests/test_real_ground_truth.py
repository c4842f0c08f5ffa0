"""The evaluator against real UCF-Crime ground truth (shared/data/vad-real, beside the checkout)."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
from real_data import evaluator_check  # noqa: E402

VAD_REAL = Path(os.environ.get("REFINEVAD_VAD_REAL", Path(__file__).resolve().parents[3] / "shared/data/vad-real"))
pytestmark = pytest.mark.skipif(not (VAD_REAL / "ucf").is_dir(), reason=f"real ground truth not at {VAD_REAL}")


def test_oracle_scores_get_auc_one_and_random_scores_about_half():
    check = evaluator_check(VAD_REAL / "ucf")
    assert check["videos"] == 290 and check["frames"] == 1_109_680
    assert check["oracle"]["auc"] == pytest.approx(1.0) and check["oracle"]["ap"] == pytest.approx(1.0)
    assert 0.99 < check["segment_oracle"]["auc"] < 1.0  # intervals do not fall on segment boundaries
    assert abs(check["random"]["auc"] - 0.5) < 0.01
    assert 0.0 < check["random"]["ap"] < 0.2  # about the share of anomalous frames
