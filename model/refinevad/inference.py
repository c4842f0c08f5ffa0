"""Loading a trained model and scoring videos offline (whole clip) or as a stream (causal window of W segments).

The streaming reference here is what the inference server must reproduce segment by segment: for segment t the
model sees segments max(0, t-W+1) .. t, padded after the valid rows to W, and the score of segment t is kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import numpy as np
import torch

from .config import Config
from .data import pad_batch
from .model import RefineVAD

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.pt"
TRAINING_FILE = "training.json"


def load_model(model_dir: Path) -> Tuple[RefineVAD, Config]:
    from .cli import UsageError
    model_dir = Path(model_dir)
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not (model_dir / name).is_file():
            raise UsageError(f"{model_dir} is not a trained model folder: {name} is missing "
                             f"(train one with python3 -m refinevad.train)")
    cfg = Config.load(model_dir / CONFIG_FILE)
    model = RefineVAD(cfg.model)
    model.load_state_dict(torch.load(model_dir / WEIGHTS_FILE, map_location="cpu"))
    model.eval()
    return model, cfg


def run_batch(model: RefineVAD, x: np.ndarray, mask: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        scores, probs = model(torch.from_numpy(x), torch.from_numpy(mask))
    return scores.numpy(), probs.numpy()


def score_offline(model: RefineVAD, features: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Scores [T] and category probabilities [C] of one whole video."""
    scores, probs = run_batch(model, features[None], np.ones((1, features.shape[0]), dtype=np.float32))
    return scores[0], probs[0]


def causal_windows(features: np.ndarray, window: int) -> Iterator[np.ndarray]:
    for t in range(features.shape[0]):
        yield features[max(0, t - window + 1):t + 1]


def score_streaming(model: RefineVAD, features: np.ndarray, window: int,
                    batch: int = 256) -> Tuple[np.ndarray, np.ndarray]:
    """Per-segment scores [T] and per-segment category evidence [T, C] from causal windows of `window` segments."""
    scores, evidence = [], []
    windows = list(causal_windows(features, window))
    for start in range(0, len(windows), batch):
        chunk = windows[start:start + batch]
        x, mask = pad_batch(chunk)
        s, p = run_batch(model, x, mask)
        last = np.array([w.shape[0] - 1 for w in chunk])
        scores.append(s[np.arange(len(chunk)), last])
        evidence.append(p)
    return np.concatenate(scores), np.concatenate(evidence)
