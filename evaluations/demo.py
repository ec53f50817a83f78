"""Demo evaluations for ``manage.py seed_demo``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agencies.models import Institution, JointProject
from evaluations.models import BestPractice, InnovationArea

# --- Campaigns and responses (E2a) ------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPractice:
    institution: str  # code
    title: str
    summary: str
    body: str
    area: str
    year: int
    projects: list[str] = field(default_factory=list)  # titles of the institution's projects
    is_published: bool = True


DEMO_PRACTICES = [
    DemoPractice(
        institution="GJSSA",
        title="인공지능 안부 확인과 마을 돌봄 거점을 잇다",
        summary=(
            "혼자 사는 어르신의 안부를 인공지능 전화로 매일 확인하고, 응답이 없으면 마을 돌봄 "
            "거점의 이웃이 찾아가는 통합돌봄으로 고독사를 줄였습니다."
        ),
        body=(
            "배경: 혼자 사는 어르신이 늘며 고독사가 해마다 늘었습니다.\n\n"
            "방법: 인공지능 안부 전화, 전력 사용량 알림, 마을 돌봄 거점의 이웃 방문을 한 "
            "흐름으로 묶었습니다.\n\n"
            "성과: 통합돌봄 이용 가구가 늘고 고독사가 줄었습니다.\n\n"
            "다른 기관이 배울 점: 기술은 알림까지, 마지막 한 걸음은 사람이 갑니다."
        ),
        area=InnovationArea.SERVICE,
        year=2024,
        projects=["광주다움 통합돌봄 시즌2"],
    ),
    DemoPractice(
        institution="GJTC",
        title="시민 제안으로 바꾼 도시철도 환승 안내",
        summary=(
            "역에서 받은 시민 제안을 한 달 안에 안내판과 누리집에 반영해, 환승 문의가 눈에 띄게 "
            "줄었습니다."
        ),
        body="시민 제안을 모으는 창구를 역마다 두고, 매달 반영 결과를 알렸습니다.",
        area=InnovationArea.SERVICE,
        year=2024,
        projects=["광주교통공사 시민 눈높이 서비스 개선"],
    ),
    DemoPractice(
        institution="GJTO",
        title="결재 단계를 절반으로 줄인 성과 중심 조직",
        summary="관행처럼 거치던 결재 단계를 줄이고 팀에 권한을 넘겨, 처리 기간이 짧아졌습니다.",
        body="",
        area=InnovationArea.ORGANISATION,
        year=2024,
        projects=["광주관광공사 성과 중심 조직 운영"],
    ),
    DemoPractice(
        institution="GJTP",
        title="성과목표를 시민과 함께 점검하는 성과관리",
        summary="기관의 성과목표와 점검 결과를 분기마다 시민에게 알리고 의견을 받습니다.",
        body="아직 공개하지 않은 사업과도 이어져 있어, 그 사업은 공개된 뒤에야 보입니다.",
        area=InnovationArea.EVALUATION,
        year=2024,
        projects=["광주테크노파크 성과목표 관리 고도화"],
    ),
    DemoPractice(
        institution="GJCGF",
        title="소상공인 보증 상담을 하루 만에",
        summary="방문 예약부터 보증 상담까지 하루 안에 끝내도록 절차를 다시 짰습니다.",
        body="",
        area=InnovationArea.SERVICE,
        year=2023,
    ),
    DemoPractice(
        institution="GJEC",
        title="환경 시설 주민 소통 창구",
        summary="환경 시설 주변 주민의 불편을 한 창구에서 듣고 답합니다(검토 중, 비공개).",
        body="",
        area=InnovationArea.SERVICE,
        year=2024,
        projects=["광주환경공단 시민 눈높이 서비스 개선"],
        is_published=False,
    ),
]


def demo_best_practices_ensure(*, institutions: Iterable[Institution]) -> list[BestPractice]:
    """The demo best practices, linked to their institutions' demo projects. Idempotent:
    matched by (institution, title), updated only where they differ."""
    by_code = {institution.code: institution for institution in institutions}
    wanted = [spec for spec in DEMO_PRACTICES if spec.institution in by_code]
    existing = {
        (practice.institution_id, practice.title): practice
        for practice in BestPractice.objects.filter(
            institution__in=[by_code[spec.institution] for spec in wanted]
        )
    }
    projects = {
        (project.lead_institution_id, project.title): project
        for project in JointProject.objects.filter(
            lead_institution__in=[by_code[spec.institution] for spec in wanted],
            title__in=[title for spec in wanted for title in spec.projects],
        )
    }
    practices = []
    for spec in wanted:
        institution = by_code[spec.institution]
        values = {
            "summary": spec.summary,
            "body": spec.body,
            "area": spec.area,
            "year": spec.year,
            "is_published": spec.is_published,
        }
        practice = existing.get((institution.pk, spec.title))
        if practice is None:
            practice = BestPractice.objects.create(
                institution=institution, title=spec.title, **values
            )
        elif any(getattr(practice, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(practice, name, value)
            practice.save()
        linked = [
            projects[(institution.pk, title)]
            for title in spec.projects
            if (institution.pk, title) in projects
        ]
        if {project.pk for project in linked} != set(
            practice.joint_projects.values_list("pk", flat=True)
        ):
            practice.joint_projects.set(linked)
        practices.append(practice)
    return practices
