"""Horizontal bar charts drawn as inline SVG on the server (no script, no style attributes)."""
from dataclasses import dataclass

ROW_HEIGHT = 28
LABEL_WIDTH = 220
BAR_AREA = 340
CHART_WIDTH = LABEL_WIDTH + BAR_AREA + 60


@dataclass
class Bar:
    """One bar's label, value and geometry in SVG user units."""

    label: str
    value: int
    y: int
    width: int


@dataclass
class BarChart:
    """Everything the chart macro needs to draw the SVG."""

    title: str
    bars: list
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self):
        return len(self.bars) * ROW_HEIGHT + 8


def bar_chart(title: str, items) -> BarChart:
    """A chart of (label, value) pairs, bars scaled to the largest value."""
    items = list(items)
    largest = max((value for _, value in items), default=0)
    bars = [
        Bar(label if len(label) <= 30 else label[:29] + "…", value, 4 + index * ROW_HEIGHT,
            max(2, round(value / largest * BAR_AREA)) if largest else 0)
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(title, bars)
