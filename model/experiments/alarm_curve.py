"""The operator's trade-off: false alarms per hour of normal video against the fraction of anomalous intervals found,
over alarm thresholds (refinevad.events at each threshold), and a hand-written SVG of it (no plotting library:
matplotlib is not among the project's Python packages).
"""
from __future__ import annotations

from html import escape
from typing import Dict, List, Sequence

import numpy as np

from refinevad.events import VideoEvents, event_metrics

SWEEP_POINTS = 80
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def sweep_thresholds(videos: Sequence[VideoEvents]) -> np.ndarray:
    """Thresholds from above every score (no alarm) down through the quantiles of all scores to 0 (every video
    alarmed): the whole curve whatever the scores' range."""
    scores = np.concatenate([v.scores for v in videos]).astype(np.float64)
    inner = np.quantile(scores, np.linspace(0.0, 1.0, SWEEP_POINTS))
    return np.unique(np.concatenate([[0.0], inner, [np.nextafter(scores.max(), np.inf)]]))[::-1]


def curve(videos: Sequence[VideoEvents], categories: Sequence[str], calibrated: float) -> Dict:
    """Points (threshold, found fraction, false alarms per hour) over the sweep, and the calibrated threshold's."""
    def point(threshold: float) -> Dict:
        m = event_metrics(videos, categories, threshold)
        return {"threshold": float(threshold), "found": m["found_fraction"], "fa_per_hour": m["false_alarms_per_hour"]}
    return {"points": [point(t) for t in sweep_thresholds(videos)], "calibrated": point(calibrated)}


def svg(curves: List[Dict], title: str, max_fa: float = None) -> str:
    """curves: {"label", "group", "points", "calibrated"}; one colour per group, the calibrated threshold a dot."""
    width, height, left, right, top, bottom = 720, 460, 70, 190, 40, 55
    plot_w, plot_h = width - left - right, height - top - bottom
    top_fa = max_fa or max(p["fa_per_hour"] for c in curves for p in c["points"])
    top_fa = max(top_fa, 1e-9)
    x = lambda fa: left + plot_w * min(fa, top_fa) / top_fa  # noqa: E731
    y = lambda found: top + plot_h * (1.0 - found)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14">{escape(title)}</text>']
    for i in range(6):
        fa, found = top_fa * i / 5, i / 5
        out.append(f'<line x1="{x(fa):.1f}" y1="{top}" x2="{x(fa):.1f}" y2="{top + plot_h}" stroke="#ddd"/>')
        out.append(f'<text x="{x(fa):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{fa:.0f}</text>')
        out.append(f'<line x1="{left}" y1="{y(found):.1f}" x2="{left + plot_w}" y2="{y(found):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(found) + 4:.1f}" text-anchor="end">{found:.1f}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle">false alarms per hour of '
               f'normal video</text>')
    out.append(f'<text x="18" y="{top + plot_h / 2}" text-anchor="middle" transform="rotate(-90 18 '
               f'{top + plot_h / 2})">fraction of anomalous intervals found</text>')
    groups = list(dict.fromkeys(c["group"] for c in curves))
    for c in curves:
        colour = COLOURS[groups.index(c["group"]) % len(COLOURS)]
        line = " ".join(f'{x(p["fa_per_hour"]):.1f},{y(p["found"]):.1f}' for p in c["points"]
                        if p["fa_per_hour"] <= top_fa)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.5" '
                   f'stroke-opacity="0.8"><title>{escape(c["label"])}</title></polyline>')
        cal = c["calibrated"]
        out.append(f'<circle cx="{x(cal["fa_per_hour"]):.1f}" cy="{y(cal["found"]):.1f}" r="4.5" fill="{colour}" '
                   f'stroke="black"><title>{escape(c["label"])}: calibrated threshold {cal["threshold"]:.3f}, '
                   f'{cal["found"]:.2f} found, {cal["fa_per_hour"]:.1f} false alarms/h</title></circle>')
    for i, group in enumerate(groups):
        ly = top + 10 + 20 * i
        out.append(f'<line x1="{left + plot_w + 15}" y1="{ly}" x2="{left + plot_w + 40}" y2="{ly}" '
                   f'stroke="{COLOURS[i % len(COLOURS)]}" stroke-width="2"/>')
        out.append(f'<text x="{left + plot_w + 45}" y="{ly + 4}">{escape(group)}</text>')
    ly = top + 10 + 20 * len(groups)
    out.append(f'<circle cx="{left + plot_w + 27}" cy="{ly}" r="4.5" fill="white" stroke="black"/>')
    out.append(f'<text x="{left + plot_w + 45}" y="{ly + 4}">calibrated threshold</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
