"""Horizontal bar charts, drawn by the page as labelled <meter> rows (no script, no style attributes).

Labels are measured, not counted: a Hangul or CJK character is about twice as wide as a Latin
letter, so "30 characters" is a different width in Korean and in English. The label column is as
wide as the widest label needs (within bounds) and a longer label is shortened to that width, with
its full text in the bar's tooltip.
"""
import math
import unicodedata
from dataclasses import dataclass

ROW_HEIGHT = 28
FONT_SIZE = 12  # px, as .chart-label in app.css
MIN_LABEL_WIDTH = 80
MAX_LABEL_WIDTH = 260
LABEL_GAP = 10
BAR_AREA = 340
VALUE_SPACE = 60
ELLIPSIS = "…"
# Average advance widths in em of the UI's sans-serif fonts, by East Asian Width class.
WIDE_EM = 1.0
NARROW_EM = 0.6


@dataclass
class Bar:
    """One bar's label (shortened to fit), full label, value and geometry in SVG user units."""

    label: str
    full_label: str
    value: int
    y: int
    width: int


@dataclass
class BarChart:
    """Everything the chart macro needs to draw the SVG."""

    title: str
    bars: list
    label_width: int = MIN_LABEL_WIDTH

    @property
    def largest(self):
        """The largest value: every bar's <meter> runs from 0 to it."""
        return max((bar.value for bar in self.bars), default=0) or 1

    @property
    def width(self):
        return self.label_width + BAR_AREA + VALUE_SPACE

    @property
    def height(self):
        return len(self.bars) * ROW_HEIGHT + 8


def text_width(text: str, font_size: int = FONT_SIZE) -> float:
    """The width of `text` in px: wide (Hangul, CJK, full-width) characters count 1 em, others 0.6 em,
    combining marks nothing."""
    width = 0.0
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            continue
        width += WIDE_EM if unicodedata.east_asian_width(char) in ("W", "F") else NARROW_EM
    return width * font_size


def fit(text: str, width: float) -> str:
    """`text`, shortened with an ellipsis if it is wider than `width` px."""
    text = unicodedata.normalize("NFC", text)
    if text_width(text) <= width:
        return text
    room = width - text_width(ELLIPSIS)
    shortened = ""
    for char in text:
        if text_width(shortened + char) > room:
            break
        shortened += char
    return shortened.rstrip() + ELLIPSIS


def bar_chart(title: str, items) -> BarChart:
    """A chart of (label, value) pairs, bars scaled to the largest value."""
    items = list(items)
    largest = max((value for _, value in items), default=0)
    widest = max((text_width(label) for label, _ in items), default=0)
    label_width = math.ceil(min(MAX_LABEL_WIDTH, max(MIN_LABEL_WIDTH, widest + LABEL_GAP)))
    bars = [
        Bar(fit(label, label_width - LABEL_GAP), label, value, 4 + index * ROW_HEIGHT,
            max(2, round(value / largest * BAR_AREA)) if largest else 0)
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(title, bars, label_width)
