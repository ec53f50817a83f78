"""The report form checks KPI values as they are entered (htmx), without saving."""

import pytest
from django.urls import reverse

from agencies.models import Report, ReportVersion
from tests.factories import project_with_reports


@pytest.fixture
def report(world):
    project = project_with_reports(lead_institution=world.institution_x)
    return Report.objects.filter(period__project=project).order_by("period__sequence").first()


def test_a_kpi_field_is_checked_on_change_and_nothing_is_saved(client_as, world, report):
    kpi = report.project.kpis.get()
    client = client_as(world.users["staff_x"])
    url = reverse("projects:report_edit", kwargs={"pk": report.pk})

    page = client.get(url).content.decode()
    assert f'hx-target="#id_kpi_{kpi.pk}_field"' in page
    assert f'id="id_kpi_{kpi.pk}_field"' in page

    response = client.post(
        url,
        {"action": "validate", "version": report.version, f"kpi_{kpi.pk}": "많음"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "숫자로 입력하세요" in body
    assert "<html" not in body  # the form fragment only
    report.refresh_from_db()
    assert report.version == 1
    assert not ReportVersion.objects.filter(report=report).exists()


def test_inline_validation_is_refused_to_other_institutions(client_as, world, report):
    url = reverse("projects:report_edit", kwargs={"pk": report.pk})
    response = client_as(world.users["staff_y"]).post(
        url, {"action": "validate", "version": report.version}
    )
    assert response.status_code == 404
