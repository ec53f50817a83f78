"""Charts drawn on the server as SVG: the geometry is computed here and
``templates/evaluations/_bar_chart.html`` / ``_line_chart.html`` draw it.

Every chart is an image with a title and a description (``role="img"``, ``aria-labelledby``)
and has a data table beside it on the page, which is what screen readers read and what a
printout keeps legible. No script and no inline style: colours come from classes in
``portal.css`` (CSP without ``unsafe-inline``). Scores run from 0 to 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SCALE_MAX = Decimal(100)
GRID_VALUES = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: float  # top of the row
    width: float  # 0 when there is no value
    text_y: float
    value_x: float
    highlighted: bool = False


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per item, on a 0–100 scale."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    plot_width: int
    top: int
    bars: list[Bar]
    ticks: list[Tick]
    no_value: str

    @property
    def plot_bottom(self) -> int:
        return self.height - 4


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, Decimal | None]],
    highlighted: str = "",
    no_value: str = "-",
    label_width: int = 190,
    plot_width: int = 380,
    row_height: int = 26,
) -> BarChart:
    """``items`` are (label, value) pairs, drawn top to bottom in the given order."""
    top = 24
    bars = []
    for index, (label, value) in enumerate(items):
        y = top + index * row_height
        width = 0.0
        if value is not None:
            clamped = min(max(Decimal(value), Decimal(0)), SCALE_MAX)
            width = round(float(clamped / SCALE_MAX) * plot_width, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y + 4,
                width=width,
                text_y=y + row_height / 2 + 5,
                value_x=label_width + width + 6,
                highlighted=bool(highlighted) and label == highlighted,
            )
        )
    ticks = [
        Tick(position=label_width + plot_width * value / 100, label=str(value))
        for value in GRID_VALUES
    ]
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=label_width + plot_width + 60,
        height=top + max(len(items), 1) * row_height + 8,
        label_width=label_width,
        plot_width=plot_width,
        top=top,
        bars=bars,
        ticks=ticks,
        no_value=no_value,
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    points: list[Point]

    @property
    def path(self) -> str:
        """The polyline's points attribute (only points with a value; gaps are skipped)."""
        return " ".join(f"{point.x},{point.y}" for point in self.points)


@dataclass(frozen=True)
class LineChart:
    """Values across years on a 0–100 scale, one line per series."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[Series]


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    years: Sequence[int | str],
    series: Sequence[tuple[str, str, Sequence[Decimal | None]]],
    width: int = 600,
    height: int = 260,
) -> LineChart:
    """``series`` are (name, css class, values by year) triples; a None value is a gap."""
    left, right, top, bottom = 40, width - 20, 16, height - 32
    count = len(years)
    step = (right - left) / (count - 1) if count > 1 else 0

    def x_of(index: int) -> float:
        return round(left + step * index if count > 1 else (left + right) / 2, 1)

    def y_of(value: Decimal) -> float:
        clamped = min(max(Decimal(value), Decimal(0)), SCALE_MAX)
        return round(bottom - float(clamped / SCALE_MAX) * (bottom - top), 1)

    drawn = [
        Series(
            name=name,
            css_class=css_class,
            points=[
                Point(x=x_of(index), y=y_of(value), value=value)
                for index, value in enumerate(values)
                if value is not None
            ],
        )
        for name, css_class, values in series
    ]
    return LineChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=[Tick(position=x_of(index), label=str(year)) for index, year in enumerate(years)],
        y_ticks=[Tick(position=y_of(Decimal(value)), label=str(value)) for value in GRID_VALUES],
        series=drawn,
    )
