"""Demo joint projects for ``seed_demo``: about three per institution, with reports in every
state of the workflow.

Idempotent: projects are matched by (lead institution, year, title) and updated only where
they differ; the reports of a project are walked through the workflow only while none of them
has content yet, so a second run changes nothing and never touches what someone wrote since.

Fast: seed_demo runs on every ``make run`` and in many tests, so rows are read once per table
and written in bulk. The reports are walked by ``BulkReportWalk``, which applies the workflow's
rules and permission checks in memory and writes what the workflow services would write; a
test walks the same plan through the services and compares the rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from agencies import permissions, services
from agencies.models import (
    Institution,
    JointProject,
    Kpi,
    KpiDirection,
    KpiValue,
    ProjectStatus,
    Report,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    ReportVersion,
    User,
)
from evaluations.models import InnovationArea

DEMO_YEAR = 2024


@dataclass(frozen=True)
class DemoKpi:
    name: str
    unit: str
    baseline: str
    target: str
    direction: str = KpiDirection.HIGHER_IS_BETTER
    weight: str = "1"


@dataclass(frozen=True)
class DemoProject:
    title: str
    summary: str
    area: str
    kpis: list[DemoKpi]
    partners: list[str] = field(default_factory=list)  # institution codes
    is_published: bool = True
    status: str = ProjectStatus.UNDER_WAY


# The article's own examples (광주사회서비스원, 2024).
ARTICLE_PROJECTS = {
    "GJSSA": [
        DemoProject(
            title="광주다움 통합돌봄 시즌2",
            summary=(
                "외로움과 고독사 없는 광주를 위해 인공지능·정보통신 기술과 사람, 마을 거점을 "
                "잇는 통합돌봄을 넓힙니다."
            ),
            area=InnovationArea.SERVICE,
            kpis=[
                DemoKpi("통합돌봄 이용 가구", "가구", "1200", "2000", weight="2"),
                DemoKpi("고독사 발생", "건", "40", "20", KpiDirection.LOWER_IS_BETTER, "2"),
                DemoKpi("이용자 만족도", "%", "80", "90"),
            ],
            partners=["GJCEA"],
        ),
        DemoProject(
            title="제1회 광주 사회서비스박람회",
            summary=(
                "시민이 사회서비스를 한자리에서 보고 경험하는 광주 첫 사회서비스박람회를 엽니다."
            ),
            area=InnovationArea.SERVICE,
            kpis=[
                DemoKpi("박람회 방문객", "명", "0", "5000", weight="2"),
                DemoKpi("참여 기관·단체", "곳", "0", "60"),
            ],
            partners=["GJJEF"],
            status=ProjectStatus.PLANNED,
        ),
    ],
}


def generic_projects(institution: Institution) -> list[DemoProject]:
    """Three illustrative projects, one in each innovation area."""
    name = institution.name_ko
    return [
        DemoProject(
            title=f"{name} 시민 눈높이 서비스 개선",
            summary=f"{name}의 대표 서비스를 시민 의견에 맞춰 더 쉽고 빠르게 바꿉니다.",
            area=InnovationArea.SERVICE,
            kpis=[
                DemoKpi("시민 제안 반영", "건", "10", "40", weight="2"),
                DemoKpi("처리 기간", "일", "14", "7", KpiDirection.LOWER_IS_BETTER),
            ],
        ),
        DemoProject(
            title=f"{name} 성과 중심 조직 운영",
            summary=f"{name}의 일하는 방식을 성과 중심으로 바꾸고 불필요한 절차를 줄입니다.",
            area=InnovationArea.ORGANISATION,
            kpis=[DemoKpi("업무 절차 간소화", "건", "0", "12")],
        ),
        DemoProject(
            title=f"{name} 성과목표 관리 고도화",
            summary=f"{name}의 성과목표와 보상 체계를 시민이 알 수 있게 정비합니다.",
            area=InnovationArea.EVALUATION,
            kpis=[DemoKpi("목표 달성 점검 회의", "회", "2", "12")],
            is_published=False,
            status=ProjectStatus.PLANNED,
        ),
    ]


def _projects_for(institution: Institution) -> list[DemoProject]:
    special = ARTICLE_PROJECTS.get(institution.code, [])
    return [*special, *generic_projects(institution)[: max(3 - len(special), 1)]]


# --- How each report is walked -----------------------------------------------------------------
#
# One plan, written once as steps, says what happens to each report. ``BulkReportWalk``
# carries it out in memory and writes the rows in a few bulk queries;
# tests/agencies/test_demo_projects.py carries the same plan out through the workflow services
# (report_save_draft, report_submit, report_return, report_accept) and checks that both write
# the same rows. Walking ~200 reports through the services one call at a time costs thousands
# of queries (seconds on PostgreSQL); seed_demo runs on every ``make run`` and in many tests.

ACCEPT_COMMENT = "확인했습니다."
RETURN_COMMENT = "실적 산출 근거 자료를 덧붙여 주세요."
DIFFICULTIES = "전문 인력이 부족해 채용 지원이 필요합니다."

# How far from baseline to target each quarter's actual values have come.
QUARTER_SHARES = {1: Decimal("0.25"), 2: Decimal("0.5"), 3: Decimal("0.7"), 4: Decimal("0.9")}


@dataclass(frozen=True)
class Step:
    """One action on a report: ``draft`` (save the working draft with ``narrative``),
    ``submit``, ``return`` or ``accept`` (with ``comment``), by the demo account ``actor``
    (``staff``, ``deputy`` or ``head`` of the lead institution, or ``city``)."""

    action: str
    actor: str
    narrative: str = ""
    comment: str = ""


def report_steps(*, sequence: int, label: str, left_returned: bool) -> list[Step]:
    """Quarter 1 accepted; 2 returned, then revised by the deputy head and accepted unless
    ``left_returned``; 3 submitted and waiting for the city; 4 a draft; later ones untouched."""
    narrative = f"{label} 추진 실적입니다."
    written = [Step("draft", "staff", narrative=narrative), Step("submit", "head")]
    if sequence == 1:
        return [*written, Step("accept", "city", comment=ACCEPT_COMMENT)]
    if sequence == 2:
        returned = [*written, Step("return", "city", comment=RETURN_COMMENT)]
        if left_returned:
            return returned
        return [
            *returned,
            Step("draft", "staff", narrative=f"{narrative} 근거 자료를 보완함."),
            Step("submit", "deputy"),
            Step("accept", "city", comment=ACCEPT_COMMENT),
        ]
    if sequence == 3:
        return written
    if sequence == 4:
        return written[:1]
    return []


@dataclass(frozen=True)
class DraftContent:
    difficulties: str
    has_difficulties: bool
    kpi_values: dict[int, Decimal]  # KPI id -> actual value


def draft_content(*, kpis: list[Kpi], sequence: int) -> DraftContent:
    """What the demo staff write in a quarter's draft: actual values ``QUARTER_SHARES`` of the
    way from baseline to target (whole numbers), and difficulties from mid-year on."""
    share = QUARTER_SHARES[sequence]
    has_difficulties = share > Decimal("0.4")
    return DraftContent(
        difficulties=DIFFICULTIES if has_difficulties else "",
        has_difficulties=has_difficulties,
        kpi_values={
            kpi.pk: (kpi.baseline + (kpi.target - kpi.baseline) * share).quantize(Decimal(1))
            for kpi in kpis
        },
    )


class BulkReportWalk:
    """Walks reports in memory, by the rules of the workflow services, and writes the rows
    those services would write (versions, KPI values, timeline, the report's state and
    optimistic-lock ``version``) in four queries for any number of reports.

    Each step is checked with the same permission functions the services use; a step they
    would refuse raises ``ReportWorkflowError`` before anything is written. Timestamps are
    the moment of the run, as the services would stamp them.
    """

    def __init__(self) -> None:
        self.now = timezone.now()
        self.reports: list[Report] = []
        self.versions: list[ReportVersion] = []
        self.values: list[tuple[ReportVersion, dict[int, Decimal]]] = []
        self.transitions: list[ReportTransition] = []

    def walk_project(
        self, reports: list[Report], *, kpis: list[Kpi], users: dict[str, User], left_returned
    ) -> None:
        """Walk every report of one project, or (on a refused step) none of them."""
        staged = BulkReportWalk()
        staged.now = self.now
        for report in reports:
            steps = report_steps(
                sequence=report.period.sequence,
                label=report.period.label,
                left_returned=left_returned,
            )
            staged._walk(report, steps=steps, kpis=kpis, users=users)
        for name in ("reports", "versions", "values", "transitions"):
            getattr(self, name).extend(getattr(staged, name))

    def _walk(self, report: Report, *, steps: list[Step], kpis: list[Kpi], users) -> None:
        if not steps:
            return
        draft, draft_values = None, {}
        submitted, submitted_values = None, {}
        for step in steps:
            by = users[step.actor]
            if step.action == "draft":
                _refuse_unless(permissions.can_edit_report_draft(by, report))
                if draft is None:
                    # A revision after a return starts from the returned version's values.
                    draft = ReportVersion(
                        report=report,
                        number=(submitted.number if submitted else 0) + 1,
                        created_by=by,
                    )
                    draft_values = dict(submitted_values)
                    self.versions.append(draft)
                    self.values.append((draft, draft_values))
                content = draft_content(kpis=kpis, sequence=report.period.sequence)
                draft.narrative = step.narrative
                draft.difficulties = content.difficulties
                draft.has_difficulties = content.has_difficulties
                draft.updated_by = by
                draft_values.update(content.kpi_values)
                report.version += 1
            elif step.action == "submit":
                _refuse_unless(
                    draft is not None
                    and permissions.can_submit_report(by, report)
                    and draft.narrative.strip()
                    and all(draft_values.get(kpi.pk) is not None for kpi in kpis)
                )
                draft.submitted_at, draft.submitted_by = self.now, by
                self._advance(report, ReportState.SUBMITTED, by=by, version=draft)
                draft, submitted, submitted_values = None, draft, draft_values
            else:  # "accept" or "return": the city's review of the submitted version
                _refuse_unless(permissions.can_review_report(by, report))
                if step.action == "accept":
                    report.accepted_version = submitted
                    to_state = ReportState.ACCEPTED
                else:
                    to_state = ReportState.RETURNED
                self._advance(report, to_state, by=by, version=submitted, comment=step.comment)
        self.reports.append(report)

    def _advance(self, report, to_state, *, by, version, comment: str = "") -> None:
        self.transitions.append(
            ReportTransition(
                report=report,
                report_version=version,
                from_state=report.state,
                to_state=to_state,
                by=by,
                at=self.now,
                comment=comment,
            )
        )
        report.state = to_state
        report.version += 1

    def save(self) -> None:
        ReportVersion.objects.bulk_create(self.versions)
        KpiValue.objects.bulk_create(
            KpiValue(version=version, kpi_id=kpi_id, actual=actual)
            for version, values in self.values
            for kpi_id, actual in values.items()
        )
        ReportTransition.objects.bulk_create(self.transitions)
        for report in self.reports:
            report.updated_at = self.now
        Report.objects.bulk_update(
            self.reports, ["state", "version", "accepted_version", "updated_at"]
        )


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise services.ReportWorkflowError("The demo accounts may not take this step.")


# --- Writing the projects ------------------------------------------------------------------------


# What seed_demo keeps in step with the specs (the keys of _project_values and _kpi_values).
PROJECT_FIELDS = ["summary", "bureau_id", "area", "starts_on", "ends_on", "status", "is_published"]
KPI_FIELDS = ["unit", "baseline", "target", "direction", "weight", "position"]


def _project_values(institution: Institution, spec: DemoProject) -> dict:
    return {
        "summary": spec.summary,
        "bureau_id": institution.bureau_id,
        "area": spec.area,
        "starts_on": datetime.date(DEMO_YEAR, 1, 1),
        "ends_on": datetime.date(DEMO_YEAR, 12, 31),
        "status": spec.status,
        "is_published": spec.is_published,
    }


def _kpi_values(demo_kpi: DemoKpi, position: int) -> dict:
    return {
        "unit": demo_kpi.unit,
        "baseline": Decimal(demo_kpi.baseline),
        "target": Decimal(demo_kpi.target),
        "direction": demo_kpi.direction,
        "weight": Decimal(demo_kpi.weight),
        "position": position,
    }


@dataclass
class DemoProjectsResult:
    projects: list[JointProject]
    added: int  # projects created by this run
    walked: int  # reports this run walked through the workflow
    reports_by_state: dict[str, int]  # every report of the demo projects


def _changed(instance, values: dict) -> bool:
    """Set ``values`` (by attribute name) on ``instance``; whether any of them differed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


@transaction.atomic
def demo_projects_ensure(*, institutions: list[Institution]) -> DemoProjectsResult:
    """Create or update the demo projects with their KPIs and reporting periods and, while
    none of a project's reports has content, walk them (``report_steps``). Idempotent.

    Reads what exists once per table and writes only what differs, so a second run is a
    handful of queries and changes no row (not even a timestamp).
    """
    now = timezone.now()
    wanted = [
        (institution, spec) for institution in institutions for spec in _projects_for(institution)
    ]
    by_code = {institution.code: institution for institution in institutions}

    # Projects, matched by (lead institution, year, title).
    existing = {
        (project.lead_institution_id, project.title): project
        for project in JointProject.objects.filter(
            year=DEMO_YEAR, lead_institution__in=institutions
        )
    }
    projects, new_projects, changed_projects = [], [], []
    for institution, spec in wanted:
        values = _project_values(institution, spec)
        project = existing.get((institution.pk, spec.title))
        if project is None:
            project = JointProject(
                lead_institution=institution, year=DEMO_YEAR, title=spec.title, **values
            )
            new_projects.append(project)
        elif _changed(project, values):
            project.updated_at = now  # bulk_update does not stamp auto_now fields
            changed_projects.append(project)
        projects.append(project)
    JointProject.objects.bulk_create(new_projects)
    JointProject.objects.bulk_update(changed_projects, [*PROJECT_FIELDS, "updated_at"])
    project_ids = [project.pk for project in projects]

    # Partners: exactly the spec's, like ``partner_institutions.set``.
    through = JointProject.partner_institutions.through
    partner_rows = {
        (project_id, institution_id): pk
        for pk, project_id, institution_id in through.objects.filter(
            jointproject_id__in=project_ids
        ).values_list("pk", "jointproject_id", "institution_id")
    }
    wanted_partners = {
        (project.pk, by_code[code].pk)
        for project, (_, spec) in zip(projects, wanted, strict=True)
        for code in spec.partners
        if code in by_code
    }
    through.objects.filter(
        pk__in=[pk for key, pk in partner_rows.items() if key not in wanted_partners]
    ).delete()
    through.objects.bulk_create(
        through(jointproject_id=project_id, institution_id=institution_id)
        for project_id, institution_id in sorted(wanted_partners - partner_rows.keys())
    )

    # KPIs, matched by (project, name); KPIs added by hand are left alone.
    kpis = {(kpi.project_id, kpi.name): kpi for kpi in Kpi.objects.filter(project__in=projects)}
    new_kpis, changed_kpis = [], []
    for project, (_, spec) in zip(projects, wanted, strict=True):
        for position, demo_kpi in enumerate(spec.kpis):
            values = _kpi_values(demo_kpi, position)
            kpi = kpis.get((project.pk, demo_kpi.name))
            if kpi is None:
                kpi = Kpi(project=project, name=demo_kpi.name, **values)
                kpis[project.pk, kpi.name] = kpi
                new_kpis.append(kpi)
            elif _changed(kpi, values):
                changed_kpis.append(kpi)
    Kpi.objects.bulk_create(new_kpis)
    Kpi.objects.bulk_update(changed_kpis, KPI_FIELDS)
    kpis_of: dict[int, list[Kpi]] = {}
    for kpi in sorted(kpis.values(), key=lambda kpi: (kpi.position, kpi.pk)):
        kpis_of.setdefault(kpi.project_id, []).append(kpi)

    # Reporting periods, each with its empty report, for projects that have none yet.
    with_periods = set(
        ReportingPeriod.objects.filter(project__in=projects).values_list("project_id", flat=True)
    )
    periods = ReportingPeriod.objects.bulk_create(
        period
        for project in projects
        if project.pk not in with_periods
        for period in services.reporting_periods_plan(project=project)
    )
    Report.objects.bulk_create(Report(period=period) for period in periods)

    # Walk the reports of projects under way while none of them has content yet.
    with_content = set(
        ReportVersion.objects.filter(report__period__project__in=projects).values_list(
            "report__period__project_id", flat=True
        )
    )
    under_way = [
        (project, institution)
        for project, (institution, spec) in zip(projects, wanted, strict=True)
        if spec.status == ProjectStatus.UNDER_WAY
    ]
    to_walk = {
        project.pk: (project, institution, number % 2 == 1)
        for number, (project, institution) in enumerate(under_way)
        if project.pk not in with_content
    }
    walk = BulkReportWalk()
    if to_walk:
        users = _demo_users([institution for _, institution, _ in to_walk.values()])
        reports_of: dict[int, list[Report]] = {}
        for report in (
            Report.objects.filter(period__project__in=list(to_walk))
            .select_related("period")
            .order_by("period__project", "period__sequence")
        ):
            report.period.project = to_walk[report.period.project_id][0]
            reports_of.setdefault(report.period.project_id, []).append(report)
        for project_id, (_, institution, left_returned) in to_walk.items():
            cast = {
                "staff": users[f"staff-{institution.slug}"],
                "deputy": users[f"deputy-{institution.slug}"],
                "head": users[f"head-{institution.slug}"],
                "city": users["staff"],
            }
            try:
                walk.walk_project(
                    reports_of.get(project_id, []),
                    kpis=kpis_of.get(project_id, []),
                    users=cast,
                    left_returned=left_returned,
                )
            except services.ReportWorkflowError:
                # An administrator gave a seat to someone else (seed_demo never displaces a
                # real head): leave this project's reports empty rather than act for them.
                continue
        walk.save()

    reports_by_state = dict(
        Report.objects.filter(period__project__in=projects)
        .values_list("state")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return DemoProjectsResult(
        projects=projects,
        added=len(new_projects),
        walked=len(walk.reports),
        reports_by_state={state: reports_by_state.get(state, 0) for state in ReportState},
    )


def _demo_users(institutions: list[Institution]) -> dict[str, User]:
    usernames = ["staff"] + [
        f"{role}-{institution.slug}"
        for institution in institutions
        for role in ("staff", "deputy", "head")
    ]
    return {user.username: user for user in User.objects.filter(username__in=usernames)}
