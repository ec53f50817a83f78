"""The my-institution page lists the reports to write, with overdue ones first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Report, ReportingPeriod
from tests.factories import project_with_reports
from tests.pages import section_text, visible_text


def _open_reports_of(world, *, projects: int):
    today = timezone.localdate()
    for _ in range(projects):
        project_with_reports(
            lead_institution=world.institution_x,
            year=today.year,
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year, 12, 31),
        )
    return Report.objects.filter(period__project__lead_institution=world.institution_x)


def test_overdue_reports_are_listed_apart_from_upcoming_ones(client_as, world):
    reports = _open_reports_of(world, projects=1)
    today = timezone.localdate()
    # Whatever today's date is: the first period is overdue, the last one under way.
    first = reports.order_by("period__sequence").first()
    ReportingPeriod.objects.filter(pk=first.period_id).update(
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=40),
        due_on=today - datetime.timedelta(days=30),
    )
    last = reports.order_by("-period__sequence").first()
    ReportingPeriod.objects.filter(pk=last.period_id).update(
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=20),
        due_on=today + datetime.timedelta(days=30),
    )
    html = client_as(world.users["staff_x"]).get(reverse("agencies:mine")).content.decode()

    started = reports.filter(period__starts_on__lte=today)
    expected_overdue = started.filter(period__due_on__lt=today)
    expected_upcoming = started.filter(period__due_on__gte=today)
    assert expected_overdue.exists()
    assert expected_upcoming.exists()

    overdue = section_text(html, "overdue-title")
    upcoming = section_text(html, "due-title")
    assert f"제출 기한이 지난 보고서 {expected_overdue.count()}건" in overdue
    for report in expected_overdue:
        assert report.period.label in overdue
        assert report.period.label not in upcoming
    for report in expected_upcoming:
        assert report.period.label in upcoming
        assert report.period.label not in overdue


def test_no_overdue_section_without_overdue_reports(client_as, world):
    html = client_as(world.users["head_x"]).get(reverse("agencies:mine")).content.decode()
    assert 'id="overdue-title"' not in html
    assert "지금 작성할 보고서가 없습니다." in visible_text(html)


@pytest.mark.parametrize("projects", [2, 30])
def test_my_institution_query_count_does_not_grow_with_reports(
    client_as, world, projects, django_assert_max_num_queries
):
    _open_reports_of(world, projects=projects)
    client = client_as(world.users["staff_x"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("agencies:mine"))
    assert response.status_code == 200
