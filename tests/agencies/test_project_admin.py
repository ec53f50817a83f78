"""Admin pages of joint projects and reports load, and the timeline cannot be edited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import Report, ReportTransition, ReportVersion
from agencies.services import report_return, report_save_draft, report_submit
from tests.factories import project_with_reports


@pytest.fixture
def returned_report(world):
    project = project_with_reports(lead_institution=world.institution_x)
    report = Report.objects.filter(period__project=project).first()
    report_save_draft(
        report=report, by=world.users["staff_x"], expected_version=report.version,
        narrative="실적", difficulties="", has_difficulties=False,
        kpi_values={project.kpis.get().pk: Decimal(3)},
    )
    report_submit(report=report, by=world.users["head_x"])
    report_return(report=report, by=world.users["city_staff"], comment="보완")
    return report


@pytest.mark.parametrize(
    "model", ["jointproject", "kpi", "reportingperiod", "report", "reportversion",
              "reporttransition"],
)
def test_admin_pages_load(world, returned_report, client_as, model):
    client = client_as(world.users["admin"])
    objects = {
        "jointproject": returned_report.project,
        "kpi": returned_report.project.kpis.get(),
        "reportingperiod": returned_report.period,
        "report": returned_report,
        "reportversion": ReportVersion.objects.get(report=returned_report),
        "reporttransition": ReportTransition.objects.filter(report=returned_report).first(),
    }
    assert client.get(reverse(f"admin:agencies_{model}_changelist")).status_code == 200
    change_url = reverse(f"admin:agencies_{model}_change", args=[objects[model].pk])
    assert client.get(change_url).status_code == 200


def test_the_timeline_is_read_only_in_admin(world, returned_report, client_as):
    client = client_as(world.users["admin"])
    transition = ReportTransition.objects.filter(report=returned_report).last()
    url = reverse("admin:agencies_reporttransition_change", args=[transition.pk])
    client.post(url, {"comment": "고쳐 쓴 역사", "to_state": "accepted"})
    transition.refresh_from_db()
    assert (transition.comment, transition.to_state) == ("보완", "returned")
    assert client.get(reverse("admin:agencies_reporttransition_add")).status_code == 403
    delete_url = reverse("admin:agencies_reporttransition_delete", args=[transition.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ReportTransition.objects.filter(pk=transition.pk).exists()
