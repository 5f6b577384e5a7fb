"""Small charts as server-rendered SVG: no chart framework in the browser.

Each function returns the context of a template in templates/charts/; the SVG
scales with its container (viewBox) and carries a title and a description
that says every value, for screen readers and for when a chart says too little.
"""

import math
from dataclasses import dataclass

from django.utils import formats

WIDTH, HEIGHT = 320, 120
TOP, BOTTOM, LEFT, RIGHT = 8, 20, 28, 8


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    low: bool


def bars(name: str, title: str, points: list[tuple[str, int | None]], maximum: int = 100, low_below=None):
    """One bar per (label, value); missing values leave a gap. `low_below` marks bars under a limit."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    drawn = []
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        height = plot_height * min(value, maximum) / maximum
        drawn.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=label,
                text=f"{value}",
                low=low_below is not None and value < low_below,
            )
        )
    labels = [(round(LEFT + (i + 0.5) * slot, 1), label) for i, (label, _value) in enumerate(points)]
    return {
        "id": name,
        "title": title,
        "description": "; ".join(f"{label}: {'–' if value is None else value}" for label, value in points),
        "bars": drawn,
        "labels": labels[:: math.ceil(len(labels) / 8)] if labels else [],
        "grid": _grid(maximum, [0, maximum // 2, maximum]),
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "empty": not drawn,
    }


def lines(name: str, title: str, labels: list[str], series: list[tuple[str, list]], maximum: int = 5):
    """One line per (series name, values by label); a missing value breaks the line."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(labels) - 1, 1)

    def point(index, value):
        return round(LEFT + index * step, 1), round(TOP + plot_height * (1 - value / maximum), 1)

    drawn = []
    for number, (series_name, values) in enumerate(series):
        segments, current = [], []
        for index, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(point(index, value))
        if current:
            segments.append(current)
        drawn.append(
            {
                "name": series_name,
                "number": number,
                "paths": [" ".join(f"{x},{y}" for x, y in segment) for segment in segments],
                "dots": [p for segment in segments for p in segment],
            }
        )
    description = "; ".join(
        f"{series_name}: "
        + ", ".join(
            f"{label} {'–' if v is None else formats.number_format(v, 1)}"
            for label, v in zip(labels, values, strict=True)
        )
        for series_name, values in series
    )
    shown = [(round(LEFT + i * step, 1), label) for i, label in enumerate(labels)]
    return {
        "id": name,
        "title": title,
        "description": description,
        "series": drawn,
        "labels": shown[:: math.ceil(len(shown) / 8)] if shown else [],
        "grid": _grid(maximum, range(1, maximum + 1)),
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "empty": not any(d["dots"] for d in drawn),
    }


def _grid(maximum: int, values) -> list[tuple[float, int]]:
    plot_height = HEIGHT - TOP - BOTTOM
    return [(round(TOP + plot_height * (1 - v / maximum), 1), v) for v in values]
