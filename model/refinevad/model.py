"""RefineVAD: MoTAR (motion-aware temporal attention and recalibration) + CORE (category-oriented refinement).

Shapes: x [B, T, D] float32 features, mask [B, T] float32 (1 = valid segment, 0 = padding; every row needs at
least one valid segment). forward() returns (scores [B, T] in [0, 1], zero on padding; probs [B, C], the video's
per-category anomaly probability). These two inputs and outputs are the exported contract the server relies on.

Everything here must trace and export: no Python control flow on tensor values, masks as float arithmetic,
and large negative numbers instead of -inf so that ONNX Runtime and TorchScript agree with PyTorch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig

_NEG = -1e4  # masked logit; finite so that exported graphs never produce NaN from -inf arithmetic


def masked_softmax(logits: torch.Tensor, mask: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return torch.softmax(logits + (1.0 - mask) * _NEG, dim=dim)


def shift_prev(x: torch.Tensor) -> torch.Tensor:
    """x_{t-1} at position t, zero at t = 0 (pad + slice rather than roll: roll would wrap around)."""
    return F.pad(x[:, :-1], (0, 0, 1, 0))


def shift_next(x: torch.Tensor) -> torch.Tensor:
    """x_{t+1} at position t, zero at the last position."""
    return F.pad(x[:, 1:], (0, 0, 0, 1))


def has_previous(mask: torch.Tensor) -> torch.Tensor:
    """1 where a segment and the one before it are valid, [B, T]."""
    return mask * shift_prev(mask.unsqueeze(-1)).squeeze(-1)


def standardise_per_clip(values: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(values - mean) / std over each row's valid positions; 0 elsewhere (and for a row without any)."""
    count = valid.sum(-1, keepdim=True).clamp(min=1.0)
    mean = (values * valid).sum(-1, keepdim=True) / count
    var = ((values - mean) ** 2 * valid).sum(-1, keepdim=True) / count
    return (values - mean) / torch.sqrt(var + 1e-4) * valid


def unit_rms_rows(x: torch.Tensor) -> torch.Tensor:
    """Each row [..., D] divided by its root mean square; an all-zero row stays zero (real videos have some)."""
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + 1e-12)


def normalise_input(x: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    """The input_normalisation of config.py (a choice of the config, not of the data: traces to one graph)."""
    if cfg.input_normalisation == "dataset_rms":
        return x * cfg.input_scale
    if cfg.input_normalisation == "row_rms":
        return unit_rms_rows(x)
    return x


def motion_intensity(xm: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """v_t = Var_channels(x_t - x_{t-1}), [B, T]; 0 where there is no valid previous segment."""
    has_prev = has_previous(mask)
    delta = (xm - shift_prev(xm)) * has_prev.unsqueeze(-1)
    return delta.var(dim=-1, unbiased=False)


class AdaptiveChannelShift(nn.Module):
    """MoTAR's adaptive temporal channel shift with a differentiable channel mask.

    The paper's shift s_t = floor(r_t * D / K) takes channels [0, s) from x_{t-1} and [s, 2s) from x_{t+1}. A floor
    and an index give the ratio MLP no gradient (it would never train), so the boundaries are soft:
    sigmoid((s_t - c) / tau) per channel c, which tends to the hard shift as tau -> 0.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        h = cfg.shift_mlp_hidden
        self.ratio_mlp = nn.Sequential(nn.Linear(1, h), nn.GELU(), nn.Linear(h, h), nn.GELU(), nn.Linear(h, 1))
        self.max_shift = cfg.feature_dim / cfg.fold_div
        self.temperature = cfg.shift_temperature
        self.register_buffer("channel_index", torch.arange(cfg.feature_dim, dtype=torch.float32) + 0.5,
                             persistent=False)

    def forward(self, xm: torch.Tensor, log_motion: torch.Tensor):
        ratio = torch.sigmoid(self.ratio_mlp(log_motion.unsqueeze(-1)))  # [B, T, 1]
        shift = ratio * self.max_shift
        below_prev = torch.sigmoid((shift - self.channel_index) / self.temperature)
        below_next = torch.sigmoid((2.0 * shift - self.channel_index) / self.temperature)
        from_prev = below_prev
        from_next = below_next - below_prev
        keep = 1.0 - below_next
        shifted = from_prev * shift_prev(xm) + from_next * shift_next(xm) + keep * xm
        return shifted, ratio.squeeze(-1)


class TemporalEncoder(nn.Module):
    """MoTAR: motion salience -> adaptive channel shift -> projection -> light Transformer over time.

    No positional embedding: the channel shift already carries local order, and an absolute embedding would tie
    the model to a maximum length while test videos run to thousands of segments.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.shift = AdaptiveChannelShift(cfg)
        self.project = nn.Linear(cfg.feature_dim, cfg.hidden_dim)
        self.motion_embedding = nn.Linear(1, cfg.hidden_dim) if cfg.motion_embedding else None
        layer = nn.TransformerEncoderLayer(cfg.hidden_dim, cfg.transformer_heads, cfg.transformer_ff,
                                           dropout=cfg.dropout, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, cfg.transformer_layers, enable_nested_tensor=False)
        self.dropout = nn.Dropout(cfg.dropout)
        self.motion_normalisation = cfg.motion_normalisation

    def forward(self, xm: torch.Tensor, mask: torch.Tensor):
        log_motion = torch.log(motion_intensity(xm, mask) + 1e-6)
        if self.motion_normalisation == "per_video":
            log_motion = standardise_per_clip(log_motion, has_previous(mask))
        shifted, ratio = self.shift(xm, log_motion)
        h = self.project(shifted)
        if self.motion_embedding is not None:
            h = h + self.motion_embedding(log_motion.unsqueeze(-1))
        h = self.dropout(h)
        h = self.transformer(h, src_key_padding_mask=mask < 0.5)
        return h, ratio


class SegmentMLP(nn.Module):
    """The ablation baseline's encoder: each segment on its own, no temporal context."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(cfg.feature_dim, cfg.hidden_dim), nn.GELU(), nn.Dropout(cfg.dropout))

    def forward(self, xm: torch.Tensor, mask: torch.Tensor):
        return self.net(xm), None


@dataclass
class CoreOutput:
    refined: torch.Tensor         # X_ca [B, T, H]
    category_logits: torch.Tensor  # z [B, C, 2]: (normal, anomalous) per category
    probs: torch.Tensor           # p^a [B, C]
    video_embedding: torch.Tensor  # v [B, H], with the ground-truth prototype added in training


class CategoryRefinement(nn.Module):
    """CORE: coarse scores -> video vector -> soft category classifier -> weighted prototype -> cross-attention."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        hidden, n_cat = cfg.hidden_dim, len(cfg.categories)
        self.n_categories = n_cat
        self.coarse = nn.Linear(hidden, 1)
        self.classifier = nn.Linear(hidden, 2 * n_cat)
        self.prototypes = nn.Parameter(torch.randn(n_cat, hidden) / math.sqrt(hidden))
        self.mode = cfg.cross_attention
        if self.mode == "segments_query":
            self.attention = nn.MultiheadAttention(hidden, cfg.transformer_heads, dropout=cfg.dropout,
                                                   batch_first=True)
        else:
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)

    def forward(self, h: torch.Tensor, mask: torch.Tensor, teaching: Optional[torch.Tensor]) -> CoreOutput:
        attention = masked_softmax(self.coarse(h).squeeze(-1), mask)             # [B, T]
        video = torch.bmm(attention.unsqueeze(1), h).squeeze(1)                 # [B, H]
        logits = self.classifier(video).view(-1, self.n_categories, 2)          # [B, C, 2]
        probs = torch.softmax(logits, dim=-1)[..., 1]
        # Weights over categories from the anomalous-vs-normal log-odds: a softmax over probabilities in [0, 1]
        # would be nearly uniform whatever the classifier says.
        weights = torch.softmax(logits[..., 1] - logits[..., 0], dim=-1)        # [B, C]
        v = weights @ self.prototypes                                          # [B, H]
        if teaching is not None:
            # Training only: add the taught prototype (the mean of them for multi-label videos).
            count = teaching.sum(-1, keepdim=True).clamp(min=1.0)
            v = v + (teaching / count) @ self.prototypes
        if self.mode == "segments_query":
            tokens = torch.cat([v.unsqueeze(1), weights.unsqueeze(-1) * self.prototypes.unsqueeze(0)], dim=1)
            context, _ = self.attention(h, tokens, tokens, need_weights=False)
            refined = self.norm(h + context)
        else:
            # The literal CrossAttn(v, X, X): v queries the segments; the attention recalibrates each segment.
            q = self.query(v).unsqueeze(1)                                    # [B, 1, H]
            k = self.key(h)
            scale = 1.0 / math.sqrt(h.shape[-1])
            alpha = masked_softmax((q * k).sum(-1) * scale, mask)             # [B, T]
            length = mask.sum(-1, keepdim=True)
            refined = self.norm(h + (alpha * length).unsqueeze(-1) * self.value(h))
        return CoreOutput(refined, logits, probs, v)


@dataclass
class Details:
    scores: torch.Tensor
    probs: torch.Tensor
    encoded: torch.Tensor                 # X_tc [B, T, H]
    core: Optional[CoreOutput]
    shift_ratio: Optional[torch.Tensor]   # r_t [B, T], for checking that the gate moves


class RefineVAD(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        self.encoder = TemporalEncoder(cfg) if cfg.use_motar else SegmentMLP(cfg)
        self.core = CategoryRefinement(cfg) if cfg.use_core else None
        head_in = 2 * cfg.hidden_dim if cfg.use_core else cfg.hidden_dim
        self.head = nn.Sequential(nn.Linear(head_in, cfg.head_hidden), nn.GELU(), nn.Dropout(cfg.dropout),
                                  nn.Linear(cfg.head_hidden, 1))

    def forward(self, x: torch.Tensor, mask: torch.Tensor):
        details = self.details(x, mask)
        return details.scores, details.probs

    def details(self, x: torch.Tensor, mask: torch.Tensor,
                teaching: Optional[torch.Tensor] = None) -> Details:
        """teaching [B, C]: in training, the categories whose prototypes are added to v (see prototype_teaching)."""
        xm = normalise_input(x, self.cfg) * mask.unsqueeze(-1)
        h, ratio = self.encoder(xm, mask)
        if self.core is not None:
            core = self.core(h, mask, teaching)
            head_in = torch.cat([h, core.refined], dim=-1)
            probs = core.probs
        else:
            core = None
            head_in = h
            probs = x.new_zeros(x.shape[0], len(self.cfg.categories))
        scores = torch.sigmoid(self.head(head_in).squeeze(-1)) * mask
        return Details(scores, probs, h, core, ratio)
