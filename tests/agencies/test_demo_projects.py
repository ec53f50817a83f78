"""seed_demo adds the joint projects, with the article's examples and every report state."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from agencies import demo, services
from agencies.models import (
    Institution,
    JointProject,
    Kpi,
    KpiDirection,
    Report,
    ReportState,
    ReportTransition,
    ReportVersion,
)
from portal.roles import InstitutionRole
from tests.agencies.test_seed_demo import database_snapshot
from tests.factories import (
    InstitutionFactory,
    city_staff_user,
    member_of,
    project_with_reports,
)


def seed():
    call_command("seed_demo", "--password", "demo-password-1", "--force", stdout=StringIO())


def institutions_in_seed_order() -> list[Institution]:
    return services.institutions_load(bureaus=services.bureaus_load())


def test_seed_adds_about_three_projects_per_institution_with_every_state(seeded):
    institutions = JointProject.objects.values("lead_institution").distinct().count()
    assert institutions == 27
    assert JointProject.objects.count() == 27 * 3
    care = JointProject.objects.get(title="광주다움 통합돌봄 시즌2")
    assert care.lead_institution.code == "GJSSA"
    assert care.kpis.filter(direction="lower").exists()
    assert set(care.partner_institutions.values_list("code", flat=True)) == {"GJCEA"}
    assert JointProject.objects.filter(title__contains="사회서비스박람회").exists()
    states = set(Report.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)


def test_every_step_of_the_walk_is_in_the_timeline(seeded):
    accepted_after_return = Report.objects.filter(state=ReportState.ACCEPTED, version=7)
    assert accepted_after_return.count() == 27
    report = accepted_after_return.first()
    assert list(report.transitions.values_list("from_state", "to_state", "by__username")) == [
        ("draft", "submitted", f"head-{report.project.lead_institution.slug}"),
        ("submitted", "returned", "staff"),
        ("returned", "submitted", f"deputy-{report.project.lead_institution.slug}"),
        ("submitted", "accepted", "staff"),
    ]
    assert report.accepted_version.number == 2
    assert report.accepted_version.values.count() == report.project.kpis.count()


def test_seed_is_idempotent(seeded):
    counts = (JointProject.objects.count(), Report.objects.count(),
              ReportTransition.objects.count())
    seed()
    assert counts == (JointProject.objects.count(), Report.objects.count(),
                      ReportTransition.objects.count())


def test_a_second_run_reads_each_table_once_and_writes_nothing(
    seeded, django_assert_max_num_queries
):
    institutions = institutions_in_seed_order()
    before = database_snapshot()
    with django_assert_max_num_queries(10):
        result = demo.demo_projects_ensure(institutions=institutions)
    assert (result.added, result.walked) == (0, 0)
    assert database_snapshot() == before


def test_a_second_run_puts_back_what_the_specs_say_and_nothing_else(seeded):
    care = JointProject.objects.get(title="광주다움 통합돌봄 시즌2")
    JointProject.objects.filter(pk=care.pk).update(summary="바뀐 요약", is_published=False)
    Kpi.objects.filter(project=care, name="고독사 발생").update(target=Decimal("30"))
    care.partner_institutions.add(Institution.objects.get(code="GJUC"))
    other = JointProject.objects.exclude(pk=care.pk).first()

    demo.demo_projects_ensure(institutions=institutions_in_seed_order())

    restored = JointProject.objects.get(pk=care.pk)
    assert restored.summary.startswith("외로움과 고독사 없는 광주")
    assert restored.is_published
    assert restored.updated_at > care.updated_at
    assert Kpi.objects.get(project=care, name="고독사 발생").target == Decimal("20")
    assert set(restored.partner_institutions.values_list("code", flat=True)) == {"GJCEA"}
    assert JointProject.objects.get(pk=other.pk).updated_at == other.updated_at


def test_reports_someone_wrote_in_are_never_walked_again(seeded):
    report = Report.objects.filter(state=ReportState.DRAFT, versions__isnull=False).first()
    draft = report.versions.get()
    ReportVersion.objects.filter(pk=draft.pk).update(narrative="직원이 고쳐 쓴 실적")

    seed()

    assert ReportVersion.objects.get(pk=draft.pk).narrative == "직원이 고쳐 쓴 실적"
    assert report.versions.count() == 1


# --- The bulk walk writes what the workflow services write ---------------------------------


def walk_through_services(report: Report, *, steps, kpis, users) -> None:
    """The reference: carry ``steps`` out one by one with the workflow's services."""
    for step in steps:
        by = users[step.actor]
        if step.action == "draft":
            content = demo.draft_content(kpis=kpis, sequence=report.period.sequence)
            services.report_save_draft(
                report=report,
                by=by,
                expected_version=report.version,
                narrative=step.narrative,
                difficulties=content.difficulties,
                has_difficulties=content.has_difficulties,
                kpi_values=content.kpi_values,
            )
        elif step.action == "submit":
            services.report_submit(report=report, by=by, expected_version=report.version)
        elif step.action == "accept":
            services.report_accept(report=report, by=by, comment=step.comment)
        else:
            services.report_return(report=report, by=by, comment=step.comment)


def rows_of(project: JointProject) -> list[dict]:
    """Everything the walk wrote for ``project``, without ids and timestamps."""

    def username(user):
        return user.username if user else None

    rows = []
    for report in Report.objects.filter(period__project=project).order_by("period__sequence"):
        rows.append(
            {
                "state": report.state,
                "version": report.version,
                "accepted": report.accepted_version.number if report.accepted_version else None,
                "versions": [
                    (
                        version.number,
                        version.narrative,
                        version.difficulties,
                        version.has_difficulties,
                        username(version.created_by),
                        username(version.updated_by),
                        username(version.submitted_by),
                        version.submitted_at is not None,
                        [(value.kpi.name, value.actual) for value in version.values.all()],
                    )
                    for version in report.versions.order_by("number")
                ],
                "timeline": [
                    (
                        transition.from_state,
                        transition.to_state,
                        username(transition.by),
                        transition.report_version.number,
                        transition.comment,
                    )
                    for transition in report.transitions.order_by("at", "pk")
                ],
            }
        )
    return rows


KPIS = [
    {"name": "이용 가구", "baseline": Decimal("1200"), "target": Decimal("2000")},
    {
        "name": "고독사 발생",
        "baseline": Decimal("40"),
        "target": Decimal("20"),
        "direction": KpiDirection.LOWER_IS_BETTER,
    },
]


@pytest.fixture
def cast(db):
    institution = InstitutionFactory()
    return institution, {
        "staff": member_of(institution, InstitutionRole.STAFF),
        "deputy": member_of(institution, InstitutionRole.DEPUTY_HEAD),
        "head": member_of(institution, InstitutionRole.HEAD),
        "city": city_staff_user(),
    }


@pytest.mark.parametrize("left_returned", [False, True])
def test_the_bulk_walk_writes_what_the_services_write(cast, left_returned):
    institution, users = cast
    by_services = project_with_reports(lead_institution=institution, kpis=KPIS)
    in_bulk = project_with_reports(lead_institution=institution, kpis=KPIS)

    for project in (by_services, in_bulk):
        kpis = list(project.kpis.order_by("position"))
        reports = list(
            Report.objects.filter(period__project=project)
            .select_related("period__project")
            .order_by("period__sequence")
        )
        if project == by_services:
            for report in reports:
                steps = demo.report_steps(
                    sequence=report.period.sequence,
                    label=report.period.label,
                    left_returned=left_returned,
                )
                walk_through_services(report, steps=steps, kpis=kpis, users=users)
        else:
            walk = demo.BulkReportWalk()
            walk.walk_project(reports, kpis=kpis, users=users, left_returned=left_returned)
            walk.save()

    expected = rows_of(by_services)
    assert {row["state"] for row in expected} == (
        {"accepted", "returned", "submitted", "draft"}
        if left_returned
        else {"accepted", "submitted", "draft"}
    )
    assert rows_of(in_bulk) == expected


def test_the_bulk_walk_refuses_what_the_services_refuse_and_writes_nothing(cast):
    institution, users = cast
    project = project_with_reports(lead_institution=institution, kpis=KPIS)
    reports = list(Report.objects.filter(period__project=project).select_related("period"))
    walk = demo.BulkReportWalk()

    with pytest.raises(services.ReportWorkflowError):
        walk.walk_project(
            reports,
            kpis=list(project.kpis.all()),
            users={**users, "head": users["staff"]},  # staff may not submit
            left_returned=False,
        )

    assert (walk.reports, walk.versions, walk.transitions) == ([], [], [])


def test_seed_leaves_reports_empty_where_a_real_head_holds_the_seat(db):
    """seed_demo never displaces a real head, so head-gjssa is staff and may not submit:
    GJSSA's reports are left empty rather than walked by someone without the right."""
    gjssa = next(i for i in institutions_in_seed_order() if i.code == "GJSSA")
    member_of(gjssa, InstitutionRole.HEAD, "real-head")

    seed()

    care = JointProject.objects.get(title="광주다움 통합돌봄 시즌2")
    assert care.periods.count() == 4
    assert not ReportVersion.objects.filter(report__period__project__lead_institution=gjssa)
    assert ReportTransition.objects.filter(by__username="head-gjtc").exists()
