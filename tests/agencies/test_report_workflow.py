"""The report workflow: draft → submit → return → resubmit → accept, against the database."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from agencies.models import KpiValue, Report, ReportState, ReportTransition, ReportVersion
from agencies.services import (
    ReportWorkflowError,
    report_accept,
    report_return,
    report_save_draft,
    report_submit,
    reporting_periods_generate,
)
from tests.factories import JointProjectFactory, project_with_reports


@pytest.fixture
def report(world):
    project = project_with_reports(
        lead_institution=world.institution_x,
        kpis=[{"name": "돌봄 이용자", "target": Decimal("200")}, {"name": "만족도"}],
    )
    return Report.objects.filter(period__project=project).order_by("period__sequence").first()


def _values(report, *actuals):
    kpis = list(report.project.kpis.order_by("position"))
    return {kpi.pk: actual for kpi, actual in zip(kpis, actuals, strict=True)}


def save(report, user, *, narrative="1분기 실적", actuals=(Decimal("120"), Decimal("80"))):
    return report_save_draft(
        report=report,
        by=user,
        expected_version=report.version,
        narrative=narrative,
        difficulties="",
        has_difficulties=False,
        kpi_values=_values(report, *actuals),
    )


# --- Reporting periods ------------------------------------------------------------------------


def test_quarterly_periods_follow_the_calendar_and_clip_to_the_project(db):
    project = JointProjectFactory(
        starts_on=datetime.date(2024, 2, 15), ends_on=datetime.date(2024, 11, 30)
    )
    periods = reporting_periods_generate(project=project)
    assert [(p.label, p.starts_on, p.ends_on, p.due_on) for p in periods] == [
        ("2024년 1분기", datetime.date(2024, 2, 15), datetime.date(2024, 3, 31),
         datetime.date(2024, 4, 10)),
        ("2024년 2분기", datetime.date(2024, 4, 1), datetime.date(2024, 6, 30),
         datetime.date(2024, 7, 10)),
        ("2024년 3분기", datetime.date(2024, 7, 1), datetime.date(2024, 9, 30),
         datetime.date(2024, 10, 10)),
        ("2024년 4분기", datetime.date(2024, 10, 1), datetime.date(2024, 11, 30),
         datetime.date(2024, 12, 10)),
    ]
    assert Report.objects.filter(period__project=project, state=ReportState.DRAFT).count() == 4


def test_the_interval_is_configurable_per_project(db):
    project = JointProjectFactory(reporting_interval=6)
    labels = [p.label for p in reporting_periods_generate(project=project)]
    assert labels == ["2024년 상반기", "2024년 하반기"]
    project.reporting_interval = 12
    project.save()
    assert [p.label for p in reporting_periods_generate(project=project)] == ["2024년"]
    assert project.periods.count() == 1


def test_periods_are_not_rebuilt_once_a_report_has_content(world, report):
    save(report, world.users["staff_x"])
    with pytest.raises(ReportWorkflowError) as refused:
        reporting_periods_generate(project=report.project)
    assert refused.value.code == "has_reports"
    assert ReportVersion.objects.filter(report=report).count() == 1


# --- Legal transitions ------------------------------------------------------------------------


def test_full_cycle_with_a_return_keeps_every_version(world, report):
    staff, head, city = world.users["staff_x"], world.users["head_x"], world.users["city_staff"]

    first = save(report, staff)
    assert (first.number, first.submitted_at) == (1, None)
    report_submit(report=report, by=head, expected_version=report.version)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    report_return(report=report, by=city, comment="만족도 산출 근거를 보완해 주세요.")
    assert report.state == ReportState.RETURNED

    second = save(report, staff, narrative="보완한 실적", actuals=(Decimal("130"), None))
    assert second.number == 2
    # The revision started from the returned version's values, then took the new ones.
    assert dict(second.values.values_list("kpi__name", "actual")) == {
        "돌봄 이용자": Decimal("130.00"),
        "만족도": None,
    }
    save(report, staff, narrative="보완한 실적", actuals=(Decimal("130"), Decimal("85")))
    report_submit(report=report, by=world.users["deputy_x"])
    report_accept(report=report, by=city, comment="확인했습니다.")

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert report.accepted_version.number == 2
    # The returned first version is still there, unchanged.
    first.refresh_from_db()
    assert first.narrative == "1분기 실적"
    assert first.submitted_by == head
    assert dict(first.values.values_list("kpi__name", "actual"))["만족도"] == Decimal("80.00")
    timeline = list(
        ReportTransition.objects.filter(report=report).values_list(
            "from_state", "to_state", "by__username", "comment", "report_version__number"
        )
    )
    assert timeline == [
        ("draft", "submitted", "head-x", "", 1),
        ("submitted", "returned", "city-staff", "만족도 산출 근거를 보완해 주세요.", 1),
        ("returned", "submitted", "deputy-x", "", 2),
        ("submitted", "accepted", "city-staff", "확인했습니다.", 2),
    ]


def test_admin_may_do_every_step(world, report):
    admin = world.users["admin"]
    save(report, admin)
    report_submit(report=report, by=admin)
    report_accept(report=report, by=admin)
    assert report.state == ReportState.ACCEPTED


# --- Illegal transitions and who may not ------------------------------------------------------


@pytest.mark.parametrize("role", ["staff_x", "staff_y", "head_y", "city_staff"])
def test_only_head_deputy_or_admin_submit(world, report, role):
    save(report, world.users["staff_x"])
    with pytest.raises(ReportWorkflowError) as refused:
        report_submit(report=report, by=world.users[role])
    assert refused.value.code == "forbidden"
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert not ReportTransition.objects.filter(report=report).exists()


@pytest.mark.parametrize("role", ["staff_y", "head_y", "city_staff"])
def test_only_the_lead_institution_drafts(world, report, role):
    with pytest.raises(ReportWorkflowError) as refused:
        save(report, world.users[role])
    assert refused.value.code == "forbidden"
    assert not ReportVersion.objects.filter(report=report).exists()


@pytest.mark.parametrize("role", ["staff_x", "deputy_x", "head_x", "head_y"])
def test_only_the_city_reviews(world, report, role):
    save(report, world.users["staff_x"])
    report_submit(report=report, by=world.users["head_x"])
    with pytest.raises(ReportWorkflowError):
        report_accept(report=report, by=world.users[role])
    with pytest.raises(ReportWorkflowError):
        report_return(report=report, by=world.users[role], comment="다시")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_draft_cannot_be_accepted_or_returned(world, report):
    save(report, world.users["staff_x"])
    with pytest.raises(ReportWorkflowError) as refused:
        report_accept(report=report, by=world.users["city_staff"])
    assert refused.value.code == "not_submitted"
    with pytest.raises(ReportWorkflowError):
        report_return(report=report, by=world.users["city_staff"], comment="다시")


def test_submit_needs_a_saved_complete_draft(world, report):
    head = world.users["head_x"]
    with pytest.raises(ReportWorkflowError) as refused:
        report_submit(report=report, by=head)
    assert refused.value.code == "no_draft"
    save(report, head, actuals=(Decimal("1"), None))
    with pytest.raises(ReportWorkflowError) as refused:
        report_submit(report=report, by=head)
    assert refused.value.code == "incomplete"
    assert "만족도" in refused.value.message
    save(report, head, narrative="  ", actuals=(Decimal("1"), Decimal("2")))
    with pytest.raises(ReportWorkflowError) as refused:
        report_submit(report=report, by=head)
    assert refused.value.code == "incomplete"


def test_a_submitted_version_cannot_be_edited_and_is_not_changed(world, report):
    save(report, world.users["staff_x"])
    version = report_submit(report=report, by=world.users["head_x"])
    with pytest.raises(ReportWorkflowError) as refused:
        save(report, world.users["head_x"], narrative="몰래 고침")
    assert refused.value.code == "forbidden"
    version.refresh_from_db()
    assert version.narrative == "1분기 실적"


def test_an_accepted_report_is_final(world, report):
    save(report, world.users["staff_x"])
    report_submit(report=report, by=world.users["head_x"])
    report_accept(report=report, by=world.users["city_staff"])
    for action in (
        lambda: save(report, world.users["admin"]),
        lambda: report_submit(report=report, by=world.users["admin"]),
        lambda: report_return(report=report, by=world.users["admin"], comment="다시"),
        lambda: report_accept(report=report, by=world.users["admin"]),
    ):
        with pytest.raises(ReportWorkflowError):
            action()
    assert ReportTransition.objects.filter(report=report).count() == 2


def test_return_needs_a_comment(world, report):
    save(report, world.users["staff_x"])
    report_submit(report=report, by=world.users["head_x"])
    with pytest.raises(ReportWorkflowError) as refused:
        report_return(report=report, by=world.users["city_staff"], comment="   ")
    assert refused.value.code == "comment_required"
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_the_database_refuses_a_return_without_a_comment(world, report):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportTransition.objects.create(
            report=report, from_state="submitted", to_state="returned", comment=""
        )


def test_the_database_refuses_a_second_working_draft(world, report):
    save(report, world.users["staff_x"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=report, number=2)


def test_values_of_another_projects_kpi_are_refused(world, report):
    other_kpi = project_with_reports(lead_institution=world.institution_x).kpis.get()
    with pytest.raises(ReportWorkflowError) as refused:
        report_save_draft(
            report=report,
            by=world.users["staff_x"],
            expected_version=report.version,
            narrative="",
            difficulties="",
            has_difficulties=False,
            kpi_values={other_kpi.pk: Decimal("1")},
        )
    assert refused.value.code == "unknown_kpi"


# --- Two people, one draft --------------------------------------------------------------------


def test_a_stale_save_is_refused_and_overwrites_nothing(world, report):
    loaded_version = report.version  # both people open the form at this version
    staff, deputy = world.users["staff_x"], world.users["deputy_x"]
    report_save_draft(
        report=report, by=staff, expected_version=loaded_version, narrative="직원의 글",
        difficulties="", has_difficulties=False, kpi_values=_values(report, Decimal("5"), None),
    )
    with pytest.raises(ReportWorkflowError) as refused:
        report_save_draft(
            report=Report.objects.get(pk=report.pk), by=deputy, expected_version=loaded_version,
            narrative="부기관장의 글", difficulties="", has_difficulties=False,
            kpi_values=_values(report, Decimal("9"), None),
        )
    assert refused.value.code == "stale"
    assert "다른 사람이 먼저 저장했습니다" in refused.value.message
    draft = ReportVersion.objects.get(report=report)
    assert draft.narrative == "직원의 글"
    assert draft.updated_by == staff
    assert KpiValue.objects.get(version=draft, kpi__name="돌봄 이용자").actual == Decimal("5")


def test_a_submit_on_a_stale_page_is_refused(world, report):
    save(report, world.users["staff_x"])
    seen_by_head = report.version
    save(report, world.users["staff_x"], narrative="나중에 고친 글")
    with pytest.raises(ReportWorkflowError) as refused:
        report_submit(report=report, by=world.users["head_x"], expected_version=seen_by_head - 1)
    assert refused.value.code == "stale"
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT
