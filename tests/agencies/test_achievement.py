"""KPI achievement on hand-computed cases (formula documented in agencies/achievement.py)."""

import datetime
from decimal import Decimal

import pytest

from agencies.achievement import (
    institution_achievement,
    kpi_achievement_rate,
    project_achievements,
    weighted_achievement,
)
from agencies.models import KpiDirection, Report
from agencies.services import report_accept, report_save_draft, report_submit
from tests.factories import project_with_reports

D = Decimal
HIGHER, LOWER = KpiDirection.HIGHER_IS_BETTER, KpiDirection.LOWER_IS_BETTER


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [
        # higher is better: (a - b) / (t - b)
        ("100", "200", "150", HIGHER, "0.5000"),
        ("100", "200", "200", HIGHER, "1.0000"),
        ("100", "200", "110", HIGHER, "0.1000"),
        ("0", "3", "1", HIGHER, "0.3333"),  # 1/3, rounded half-up to 4 places
        ("0", "3", "2", HIGHER, "0.6667"),
        ("100", "200", "90", HIGHER, "0.0000"),  # went backwards: 0, never negative
        ("100", "200", "230", HIGHER, "1.2000"),  # 1.3 capped at 1.2
        ("100", "200", "215", HIGHER, "1.1500"),  # overshoot below the cap counts
        # lower is better: (b - a) / (b - t); e.g. lonely deaths 40 -> 20
        ("40", "20", "30", LOWER, "0.5000"),
        ("40", "20", "15", LOWER, "1.2000"),  # 1.25 capped
        ("40", "20", "45", LOWER, "0.0000"),
        ("12.5", "10", "11.5", LOWER, "0.4000"),
        # target == baseline: keep the level
        ("95", "95", "95", HIGHER, "1"),
        ("95", "95", "97", HIGHER, "1"),
        ("95", "95", "94", HIGHER, "0"),
        ("5", "5", "4", LOWER, "1"),
        ("5", "5", "6", LOWER, "0"),
    ],
)
def test_kpi_achievement_rate(baseline, target, actual, direction, expected):
    rate = kpi_achievement_rate(
        baseline=D(baseline), target=D(target), actual=D(actual), direction=direction
    )
    assert rate == D(expected)


def test_no_actual_value_has_no_rate():
    assert kpi_achievement_rate(baseline=D(0), target=D(1), actual=None, direction=HIGHER) is None


def test_weighted_achievement():
    # (2 × 0.5 + 1 × 1.0 + 1 × 0) / 4 = 0.5
    assert weighted_achievement([(D(2), D("0.5")), (D(1), D(1)), (D(1), D(0))]) == D("0.5000")
    # a missing rate counts as 0: (3 × 0.9 + 1 × 0) / 4 = 0.675
    assert weighted_achievement([(D(3), D("0.9")), (D(1), None)]) == D("0.6750")
    assert weighted_achievement([]) is None


def _report_accepted(project, sequence, actuals, world):
    report = Report.objects.get(period__project=project, period__sequence=sequence)
    kpis = list(project.kpis.order_by("position"))
    report_save_draft(
        report=report, by=world.users["staff_x"], expected_version=report.version,
        narrative="실적", difficulties="", has_difficulties=False,
        kpi_values={kpi.pk: D(a) for kpi, a in zip(kpis, actuals, strict=True)},
    )
    report_submit(report=report, by=world.users["head_x"])
    report_accept(report=report, by=world.users["city_staff"])
    return report


@pytest.fixture
def care_project(world):
    return project_with_reports(
        lead_institution=world.institution_x,
        kpis=[
            {"name": "이용자", "baseline": D(100), "target": D(200), "weight": D(3)},
            {"name": "고독사", "baseline": D(40), "target": D(20), "direction": LOWER,
             "weight": D(1)},
        ],
    )


def test_project_achievement_uses_the_latest_accepted_report(world, care_project):
    assert project_achievements([care_project])[care_project.pk].rate is None

    _report_accepted(care_project, 1, ["150", "30"], world)  # 0.5 and 0.5
    achievement = project_achievements([care_project])[care_project.pk]
    assert achievement.rate == D("0.5000")
    assert achievement.period_label == "2024년 1분기"

    _report_accepted(care_project, 2, ["190", "25"], world)  # 0.9 and 0.75
    achievement = project_achievements([care_project])[care_project.pk]
    # (3 × 0.9 + 1 × 0.75) / 4 = 0.8625
    assert achievement.rate == D("0.8625")
    assert [(p.kpi.name, p.actual, p.rate, p.percent) for p in achievement.kpis] == [
        ("이용자", D("190.00"), D("0.9000"), 90),
        ("고독사", D("25.00"), D("0.7500"), 75),
    ]
    assert achievement.period_label == "2024년 2분기"


def test_submitted_but_not_accepted_values_do_not_count(world, care_project):
    _report_accepted(care_project, 1, ["150", "30"], world)
    report = Report.objects.get(period__project=care_project, period__sequence=2)
    report_save_draft(
        report=report, by=world.users["staff_x"], expected_version=report.version,
        narrative="실적", difficulties="", has_difficulties=False,
        kpi_values={kpi.pk: D(200) for kpi in care_project.kpis.all()},
    )
    report_submit(report=report, by=world.users["head_x"])
    assert project_achievements([care_project])[care_project.pk].rate == D("0.5000")


def test_institution_achievement_weights_kpis_across_its_projects(world, care_project):
    fair = project_with_reports(
        lead_institution=world.institution_x,
        kpis=[{"name": "방문객", "baseline": D(0), "target": D(1000), "weight": D(2)}],
    )
    project_with_reports(lead_institution=world.institution_x, year=2025,
                         starts_on=datetime.date(2025, 1, 1),
                         ends_on=datetime.date(2025, 12, 31))
    project_with_reports(lead_institution=world.institution_y)  # someone else's

    # Nothing accepted yet: every KPI counts 0.
    assert institution_achievement(institution=world.institution_x, year=2024) == D(0)

    _report_accepted(care_project, 1, ["150", "30"], world)  # 0.5, 0.5 (weights 3, 1)
    # (3 × 0.5 + 1 × 0.5 + 2 × 0) / 6 = 0.3333
    assert institution_achievement(institution=world.institution_x, year=2024) == D("0.3333")

    _report_accepted(fair, 1, ["800"], world)  # 0.8, weight 2
    # (1.5 + 0.5 + 1.6) / 6 = 0.6
    assert institution_achievement(institution=world.institution_x, year=2024) == D("0.6000")
    assert institution_achievement(institution=world.institution_y, year=2023) is None
