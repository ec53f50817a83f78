"""Demo joint projects for ``seed_demo``: about three per institution, with reports in every
state of the workflow, built through the same services the pages use.

Idempotent: projects are matched by (lead institution, year, title) and updated; the reports
of a project are walked through the workflow only while none of them has content yet, so a
second run changes nothing and never touches what someone wrote since.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from agencies import services
from agencies.models import (
    Institution,
    JointProject,
    Kpi,
    KpiDirection,
    ProjectStatus,
    Report,
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


def _actuals(kpis: list[Kpi], share: Decimal) -> dict[int, Decimal]:
    """Values ``share`` of the way from baseline to target, whole numbers for counts."""
    values = {}
    for kpi in kpis:
        value = kpi.baseline + (kpi.target - kpi.baseline) * share
        values[kpi.pk] = value.quantize(Decimal(1))
    return values


def _walk_reports(project: JointProject, *, users: dict[str, User], city: User) -> None:
    """Quarter 1 accepted, 2 returned then accepted or left returned, 3 submitted, 4 draft."""
    kpis = list(project.kpis.order_by("position"))
    reports = list(Report.objects.filter(period__project=project).order_by("period__sequence"))
    staff, head = users["staff"], users["head"]

    def draft(report, share, narrative):
        has_difficulties = share > Decimal("0.4")
        services.report_save_draft(
            report=report,
            by=staff,
            expected_version=report.version,
            narrative=narrative,
            difficulties="전문 인력이 부족해 채용 지원이 필요합니다." if has_difficulties else "",
            has_difficulties=has_difficulties,
            kpi_values=_actuals(kpis, share),
        )

    plan = [Decimal("0.25"), Decimal("0.5"), Decimal("0.7"), Decimal("0.9")]
    for sequence, (report, share) in enumerate(zip(reports, plan, strict=False), start=1):
        draft(report, share, f"{report.period.label} 추진 실적입니다.")
        if sequence == 4:
            continue  # left as a draft
        services.report_submit(report=report, by=head)
        if sequence == 3:
            continue  # waiting for the city
        if sequence == 2:
            services.report_return(
                report=report, by=city, comment="실적 산출 근거 자료를 덧붙여 주세요."
            )
            if project.pk % 2:
                continue  # left returned
            draft(report, share, f"{report.period.label} 추진 실적입니다. 근거 자료를 보완함.")
            services.report_submit(report=report, by=users["deputy"])
        services.report_accept(report=report, by=city, comment="확인했습니다.")


@transaction.atomic
def demo_projects_ensure(*, institutions: list[Institution]) -> list[JointProject]:
    """Create or update the demo projects and, the first time, walk their reports."""
    by_code = {institution.code: institution for institution in institutions}
    city = User.objects.get(username="staff")
    projects = []
    for institution in institutions:
        slug = institution.slug
        users = {
            role: User.objects.get(username=f"{role}-{slug}")
            for role in ("staff", "deputy", "head")
        }
        for spec in _projects_for(institution):
            project, _ = JointProject.objects.update_or_create(
                lead_institution=institution,
                year=DEMO_YEAR,
                title=spec.title,
                defaults={
                    "summary": spec.summary,
                    "bureau": institution.bureau,
                    "area": spec.area,
                    "starts_on": datetime.date(DEMO_YEAR, 1, 1),
                    "ends_on": datetime.date(DEMO_YEAR, 12, 31),
                    "status": spec.status,
                    "is_published": spec.is_published,
                },
            )
            project.partner_institutions.set(
                [by_code[code] for code in spec.partners if code in by_code]
            )
            for position, kpi in enumerate(spec.kpis):
                Kpi.objects.update_or_create(
                    project=project,
                    name=kpi.name,
                    defaults={
                        "unit": kpi.unit,
                        "baseline": Decimal(kpi.baseline),
                        "target": Decimal(kpi.target),
                        "direction": kpi.direction,
                        "weight": Decimal(kpi.weight),
                        "position": position,
                    },
                )
            if not ReportVersion.objects.filter(report__period__project=project).exists():
                services.reporting_periods_generate(project=project)
                if spec.status == ProjectStatus.UNDER_WAY:
                    _walk_reports(project, users=users, city=city)
            projects.append(project)
    return projects
