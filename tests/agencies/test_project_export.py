"""CSV and XLSX exports of projects with KPI achievement, for city staff only."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Report
from agencies.services import report_accept, report_save_draft, report_submit
from tests.factories import project_with_reports
from tests.world import ROLE_NAMES


@pytest.fixture
def project(world):
    project = project_with_reports(
        title="=HYPERLINK(\"http://evil\")", lead_institution=world.institution_x,
        kpis=[{"name": "돌봄 이용 가구", "unit": "가구", "baseline": Decimal(100),
               "target": Decimal(200)}],
    )
    project_with_reports(title="비공개 사업", lead_institution=world.institution_y,
                         is_published=False)
    report = Report.objects.filter(period__project=project).first()
    report_save_draft(
        report=report, by=world.users["staff_x"], expected_version=report.version,
        narrative="실적", difficulties="", has_difficulties=False,
        kpi_values={project.kpis.get().pk: Decimal(150)},
    )
    report_submit(report=report, by=world.users["head_x"])
    report_accept(report=report, by=world.users["city_staff"])
    return project


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_for_the_city(world, project, client_as, file_format):
    url = reverse("projects:export", args=[file_format])
    got = tuple(client_as(world.users[role]).get(url).status_code for role in ROLE_NAMES)
    assert got == (302, 403, 403, 403, 403, 403, 200, 200)


def test_csv_has_a_bom_korean_text_and_no_formulas(world, project, client_as):
    response = client_as(world.users["city_staff"]).get(reverse("projects:export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["연도", "사업명", "주관 기관"]
    care = next(row for row in rows if row[8] == "돌봄 이용 가구")
    assert care[1] == "'=HYPERLINK(\"http://evil\")"
    assert care[6] == "50.00"  # overall achievement
    assert care[14:] == ["150.00", "50.00"]
    assert any(row[1] == "비공개 사업" for row in rows)  # the city sees unpublished ones


def test_xlsx_opens_with_the_same_rows(world, project, client_as):
    response = client_as(world.users["admin"]).get(
        reverse("projects:export", args=["xlsx"]), {"institution": world.institution_x.pk}
    )
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][1] == "사업명"
    assert len(rows) == 2  # filtered to institution X: one project, one KPI
    assert rows[1][8] == "돌봄 이용 가구"
    assert Decimal(str(rows[1][15])) == Decimal("50")


def test_unknown_format_is_404(world, client_as):
    url = reverse("projects:export", args=["pdf"])
    assert client_as(world.users["city_staff"]).get(url).status_code == 404
