"""Weakly supervised losses: L = L_MIL + lambda_1 * L_smooth + lambda_2 * L_cat (lambda 0.1 and 0.2 in the paper)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .config import TrainConfig
from .model import Details, masked_softmax


def topk_mil_loss(scores: torch.Tensor, mask: torch.Tensor, video_labels: torch.Tensor,
                  topk_every: int) -> torch.Tensor:
    """BCE between each video's label and the mean of its top-k segment scores, k = floor(length / topk_every) + 1."""
    return F.binary_cross_entropy(topk_video_scores(scores, mask, topk_every), video_labels)


def topk_video_scores(scores: torch.Tensor, mask: torch.Tensor, topk_every: int) -> torch.Tensor:
    lengths = mask.sum(-1)
    k = torch.floor(lengths / float(topk_every)) + 1.0
    ranked, _ = torch.sort(scores.masked_fill(mask < 0.5, -1.0), dim=-1, descending=True)
    rank = torch.arange(scores.shape[1], device=scores.device, dtype=scores.dtype).unsqueeze(0)
    in_topk = (rank < k.unsqueeze(-1)).to(scores.dtype)
    return ((ranked * in_topk).sum(-1) / k).clamp(1e-6, 1 - 1e-6)


def temporal_smoothness(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean squared change of score between consecutive valid segments."""
    pair = mask[:, 1:] * mask[:, :-1]
    return ((scores[:, 1:] - scores[:, :-1]) ** 2 * pair).sum() / pair.sum().clamp(min=1.0)


def category_gaussian_smoothing(details: Details, mask: torch.Tensor, video_labels: torch.Tensor) -> torch.Tensor:
    """Our reading of the paper's "GMM smoothing with weighted category embeddings" (its formula is not public).

    For an anomalous video, the segments that match the weighted category embedding v define a Gaussian over time
    (mean and variance of their positions, weighted by that match); the scores are pulled towards that Gaussian
    bump, which favours one contiguous event where the category evidence is. Normal videos get plain temporal
    smoothness. Selected with train.smoothing = "category_gmm".
    """
    core = details.core
    if core is None:
        return temporal_smoothness(details.scores, mask)
    h = core.refined
    match = (h * core.video_embedding.unsqueeze(1)).sum(-1) / h.shape[-1] ** 0.5
    resp = masked_softmax(match, mask)                                        # [B, T]
    t = torch.arange(h.shape[1], device=h.device, dtype=h.dtype).unsqueeze(0)
    mean = (resp * t).sum(-1, keepdim=True)
    var = (resp * (t - mean) ** 2).sum(-1, keepdim=True).clamp(min=1.0)
    bump = torch.exp(-0.5 * (t - mean) ** 2 / var).detach()
    per_video = ((details.scores - bump) ** 2 * mask).sum(-1) / mask.sum(-1)
    anomalous = video_labels
    gmm = (per_video * anomalous).sum() / anomalous.sum().clamp(min=1.0)
    normal_mask = mask * (1.0 - anomalous).unsqueeze(-1)
    return gmm + temporal_smoothness(details.scores, normal_mask)


@dataclass
class LossParts:
    total: torch.Tensor
    mil: float
    smoothing: float
    category: float


def refinevad_loss(details: Details, mask: torch.Tensor, video_labels: torch.Tensor,
                   category_targets: torch.Tensor, cfg: TrainConfig) -> LossParts:
    mil = topk_mil_loss(details.scores, mask, video_labels, cfg.topk_every)
    if cfg.smoothing == "temporal":
        smooth = temporal_smoothness(details.scores, mask)
    elif cfg.smoothing == "category_gmm":
        smooth = category_gaussian_smoothing(details, mask, video_labels)
    else:
        smooth = details.scores.new_zeros(())
    if details.core is not None:
        category = F.binary_cross_entropy(details.core.probs.clamp(1e-6, 1 - 1e-6), category_targets)
    else:
        category = details.scores.new_zeros(())
    total = cfg.mil_weight * mil + cfg.smoothing_weight * smooth + cfg.category_weight * category
    return LossParts(total, float(mil.detach()), float(smooth.detach()), float(category.detach()))
