"""Chart geometry and the breakdown reader: values land where they should on the 0–100 scale,
a missing value draws nothing, and an unknown breakdown shape shows no rows (never a 500)."""

from decimal import Decimal

import pytest

from evaluations.charts import bar_chart, line_chart
from evaluations.results import DimensionRow, dimension_rows


def test_bars_are_proportional_and_clamped():
    chart = bar_chart(
        chart_id="c",
        title="t",
        description="d",
        items=[("가", Decimal("50")), ("나", Decimal("100")), ("다", None), ("라", Decimal(130))],
        plot_width=400,
    )
    widths = [bar.width for bar in chart.bars]
    assert widths == [200.0, 400.0, 0.0, 400.0]
    assert chart.bars[2].value is None
    assert [tick.label for tick in chart.ticks] == ["0", "25", "50", "75", "100"]
    # Rows go down the chart in the given order, inside its height.
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops)
    assert tops[-1] + 18 < chart.height


def test_lines_rise_with_values_and_skip_gaps():
    chart = line_chart(
        chart_id="c",
        title="t",
        description="d",
        years=[2023, 2024, 2025],
        series=[("종합", "a", [Decimal(40), None, Decimal(80)])],
    )
    points = chart.series[0].points
    assert len(points) == 2
    assert points[0].x < points[1].x
    assert points[1].y < points[0].y  # higher score, higher on the chart (smaller y)
    assert chart.series[0].path == f"{points[0].x},{points[0].y} {points[1].x},{points[1].y}"


def test_a_single_year_is_one_centred_point():
    chart = line_chart(
        chart_id="c", title="t", description="d", years=[2025],
        series=[("종합", "a", [Decimal(70)])],
    )
    assert chart.series[0].points[0].x == (chart.left + chart.right) / 2


@pytest.mark.parametrize(
    "breakdown",
    [{}, {"dimensions": []}, {"dimensions": {"citizen": "x"}}, [], {"dimensions": {"nobody": {}}}],
)
def test_unknown_breakdown_shapes_show_no_rows(breakdown):
    assert dimension_rows(breakdown) == []


def test_dimension_rows_in_dimension_order():
    rows = dimension_rows(
        {
            "dimensions": {
                "citizen": {"overall": 81.234, "process": "70", "unknown": 5},
                "stakeholder": {"process": None, "outcome": "bad"},
            }
        }
    )
    assert rows == [
        DimensionRow("과정", Decimal("70.00"), None),
        DimensionRow("전반적 만족", Decimal("81.23"), None),
    ]
