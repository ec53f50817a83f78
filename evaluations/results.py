"""How a stored result is shown: the components of a score, the public CSV, and the parts of
a snapshot's breakdown the pages read.

Everything here works on ``InstitutionScore`` rows already computed by scoring
(``evaluations/scoring.py``); nothing aggregates responses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from evaluations.charts import BarChart, bar_chart
from evaluations.models import Campaign, Dimension, InstitutionScore, RespondentType

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The published CSV's columns, in this order (issue 5, point 8).
RESULT_CSV_COLUMNS = (
    "code",
    "name",
    "citizen_n",
    "citizen_index",
    "stakeholder_n",
    "stakeholder_index",
    "kpi_achievement",
    "timeliness",
    "follow_through",
    "composite",
    "grade",
    "rank",
)


@dataclass(frozen=True)
class Component:
    """One weighted component of the composite score."""

    field: str  # InstitutionScore field holding the 0–100 value
    weight_field: str  # Campaign field holding its weight (the weights add up to 100)
    label: str
    n_field: str = ""  # the sample size, for the satisfaction indices
    ci_prefix: str = ""  # "citizen" -> citizen_ci_low / citizen_ci_high


COMPONENTS = (
    Component("citizen_index", "weight_citizen", _("시민 만족도"), "citizen_n", "citizen"),
    Component(
        "stakeholder_index",
        "weight_stakeholder",
        _("이해관계자 만족도"),
        "stakeholder_n",
        "stakeholder",
    ),
    Component("kpi_achievement", "weight_kpi", _("성과지표 달성")),
    Component("timeliness", "weight_timeliness", _("보고 적시성")),
    Component("follow_through", "weight_follow_through", _("조치 이행")),
)


@dataclass(frozen=True)
class ComponentRow:
    """A component of one institution's score, as its breakdown page shows it."""

    label: str
    value: Decimal | None
    weight: Decimal
    n: int | None
    ci_low: Decimal | None
    ci_high: Decimal | None

    @property
    def weighted(self) -> Decimal | None:
        """Points this component adds to the composite (value × weight / 100)."""
        if self.value is None:
            return None
        return (self.value * self.weight / 100).quantize(Decimal("0.01"))


def component_rows(score: InstitutionScore, campaign: Campaign) -> list[ComponentRow]:
    rows = []
    for component in COMPONENTS:
        rows.append(
            ComponentRow(
                label=str(component.label),
                value=getattr(score, component.field),
                weight=getattr(campaign, component.weight_field),
                n=getattr(score, component.n_field) if component.n_field else None,
                ci_low=(
                    getattr(score, f"{component.ci_prefix}_ci_low")
                    if component.ci_prefix
                    else None
                ),
                ci_high=(
                    getattr(score, f"{component.ci_prefix}_ci_high")
                    if component.ci_prefix
                    else None
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class DimensionRow:
    """A questionnaire dimension's index for one respondent type."""

    dimension: str
    citizen: Decimal | None
    stakeholder: Decimal | None


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return None


def dimension_rows(breakdown: dict) -> list[DimensionRow]:
    """The per-dimension indices of a score's breakdown, if scoring stored them as
    ``breakdown["dimensions"][respondent_type][dimension]`` (0–100). Anything else in the
    breakdown is left to the JSON view of the admin; an unknown shape yields no rows."""
    dimensions = breakdown.get("dimensions") if isinstance(breakdown, dict) else None
    if not isinstance(dimensions, dict):
        return []
    by_type = {
        respondent_type: dimensions.get(respondent_type)
        for respondent_type in RespondentType.values
    }
    by_type = {key: value for key, value in by_type.items() if isinstance(value, dict)}
    rows = []
    for dimension in Dimension:
        values = {key: _decimal(value.get(dimension.value)) for key, value in by_type.items()}
        citizen = values.get(RespondentType.CITIZEN)
        stakeholder = values.get(RespondentType.STAKEHOLDER)
        if citizen is not None or stakeholder is not None:
            rows.append(DimensionRow(str(dimension.label), citizen, stakeholder))
    return rows


def _cell(value) -> str:
    return "" if value is None else str(value)


def csv_rows(scores: Iterable[InstitutionScore]) -> Iterator[list[str]]:
    """The header, then one row per institution in ranking order. Empty cells mean "no
    value" (an unranked institution has no rank; a missing component no value)."""
    yield list(RESULT_CSV_COLUMNS)
    for score in scores:
        yield [
            score.institution.code,
            score.institution.name_ko,
            *(_cell(getattr(score, column)) for column in RESULT_CSV_COLUMNS[2:]),
        ]


def csv_text(rows: Iterable[list[str]]) -> str:
    """The CSV with a BOM, so Excel reads it as UTF-8; a cell that a spreadsheet would take
    for a formula is quoted with an apostrophe (as agencies.exports does)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            ["'" + cell if cell.startswith(_FORMULA_STARTS) else cell for cell in row]
        )
    return buffer.getvalue()


class RankingPage:
    """What the public ranking shows, read from the snapshot only when first asked for (the
    page's fragment cache usually spares the query)."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign

    @cached_property
    def rows(self) -> list[InstitutionScore]:
        from evaluations.selectors import results_ranking

        return results_ranking(self.campaign.current_snapshot_id)

    @cached_property
    def ranked_count(self) -> int:
        return sum(1 for score in self.rows if score.rank is not None)

    @cached_property
    def excellent(self) -> list[InstitutionScore]:
        return [score for score in self.rows if score.incentive_tier is not None]

    @cached_property
    def chart(self) -> BarChart:
        return bar_chart(
            chart_id="ranking-chart",
            title=str(_("기관별 종합 점수")),
            description=str(
                _(
                    "순위를 매긴 기관의 종합 점수(0–100)를 순위대로 보여 줍니다. "
                    "모든 구성 요소의 값은 아래 표에 있습니다."
                )
            ),
            items=[
                (score.institution.name_ko, score.composite)
                for score in self.rows
                if score.rank is not None
            ],
            no_value=str(_("값 없음")),
        )
