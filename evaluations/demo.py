"""Demo evaluations for ``manage.py seed_demo``."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from agencies.models import Institution, JointProject
from evaluations.models import (
    SCALE_BOUNDS,
    AgeBand,
    Answer,
    BestPractice,
    Campaign,
    CampaignStatus,
    Choice,
    Dimension,
    District,
    InnovationArea,
    Question,
    Questionnaire,
    QuestionnaireSection,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    ScoreSnapshot,
    answer_points,
)
from evaluations.scoring import compute_scores

# --- Campaigns and responses ------------------------------------------------------------------
# Last year's campaign, closed, scored and published; this year's, open. Thousands of
# responses, drawn from a seeded random generator (the same on every run) and written with
# bulk inserts; a few institutions stay below the minimum sample, as happens in real life.

DEMO_QUESTIONNAIRE_TITLE = "동행 공공기관 시민·이해관계자 만족도 설문"
DEMO_SCALE_QUESTIONS = [
    # (text, type, dimension)
    ("기관을 이용하는 절차가 알기 쉬웠습니까?", QuestionType.LIKERT_5, Dimension.PROCESS),
    ("직원이 친절하고 성의 있게 응대했습니까?", QuestionType.LIKERT_5, Dimension.PROCESS),
    ("원하던 도움이나 결과를 얻었습니까?", QuestionType.LIKERT_7, Dimension.OUTCOME),
    ("시설과 누리집을 이용하기 편했습니까?", QuestionType.LIKERT_5, Dimension.ENVIRONMENT),
    ("전반적으로 얼마나 만족하십니까?", QuestionType.SCALE_0_10, Dimension.OVERALL),
]
DEMO_CHANNEL_CHOICES = ["방문", "전화", "온라인"]
DEMO_COMMENTS = [
    "상담이 친절했습니다.",
    "기다리는 시간이 길었습니다.",
    "누리집에서 신청 방법을 찾기 어려웠습니다.",
    "돌봄 서비스 덕분에 부모님이 편해지셨습니다.",
]
# Institutions at these positions (of the demo's 27) get fewer citizen answers than the
# minimum sample: their results are shown as "insufficient sample".
DEMO_SMALL_SAMPLE_POSITIONS = (5, 13, 21)


@dataclass(frozen=True)
class DemoCampaignsResult:
    campaigns: list[Campaign]
    responses_added: int
    snapshot: ScoreSnapshot | None


def demo_campaigns_ensure(*, institutions: list[Institution]) -> DemoCampaignsResult:
    """Published campaigns (with their snapshots) for last year and for the year of the
    demo's joint projects, so results have a trend and programme components; and this year's
    open campaign; all with their responses. Idempotent: a campaign that has responses keeps
    them, and a published one is left as it is."""
    from agencies.demo import DEMO_YEAR

    questionnaire = _demo_questionnaire()
    active = [institution for institution in institutions if institution.is_active]
    this_year = timezone.localdate().year
    seoul = ZoneInfo(settings.TIME_ZONE)
    campaigns, added, snapshot = [], 0, None
    for year in sorted({DEMO_YEAR, this_year - 1} - {this_year}):
        past = _demo_campaign(
            slug=f"{year}-citizen-evaluation",
            year=year,
            title=f"{year}년 공공기관 시민·이해관계자 평가",
            questionnaire=questionnaire,
            opens_at=datetime.datetime(year, 11, 1, 9, tzinfo=seoul),
            closes_at=datetime.datetime(year, 12, 15, 18, tzinfo=seoul),
            status=CampaignStatus.CLOSED,
            institutions=active,
        )
        added += _demo_responses(past, active, seed=year)
        if past.status == CampaignStatus.CLOSED:
            snapshot = compute_scores(campaign=past)
            Campaign.objects.filter(pk=past.pk).update(
                status=CampaignStatus.PUBLISHED,
                appeal_deadline=past.closes_at + datetime.timedelta(days=14),
                published_at=past.closes_at + datetime.timedelta(days=30),
            )
            past.refresh_from_db()
        campaigns.append(past)
    now = timezone.now()
    current = _demo_campaign(
        slug=f"{this_year}-citizen-evaluation",
        year=this_year,
        title=f"{this_year}년 공공기관 시민·이해관계자 평가",
        questionnaire=questionnaire,
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now + datetime.timedelta(days=20),
        status=CampaignStatus.OPEN,
        institutions=active,
    )
    added += _demo_responses(current, active, seed=this_year)
    campaigns.append(current)
    return DemoCampaignsResult(campaigns=campaigns, responses_added=added, snapshot=snapshot)


def _demo_questionnaire() -> Questionnaire:
    questionnaire, created = Questionnaire.objects.get_or_create(
        title=DEMO_QUESTIONNAIRE_TITLE,
        version=1,
        defaults={"description": "동행 포털 데모 설문입니다."},
    )
    if not created:
        return questionnaire
    scored = QuestionnaireSection.objects.create(
        questionnaire=questionnaire, position=1, title="서비스 경험"
    )
    for position, (text, question_type, dimension) in enumerate(DEMO_SCALE_QUESTIONS, 1):
        Question.objects.create(
            section=scored,
            position=position,
            text=text,
            question_type=question_type,
            dimension=dimension,
        )
    more = QuestionnaireSection.objects.create(
        questionnaire=questionnaire, position=2, title="더 알려 주세요"
    )
    channel = Question.objects.create(
        section=more,
        position=1,
        text="어떤 경로로 이용하셨습니까?",
        question_type=QuestionType.SINGLE_CHOICE,
        dimension=Dimension.ENVIRONMENT,
    )
    Choice.objects.bulk_create(
        Choice(question=channel, position=position, label=label)
        for position, label in enumerate(DEMO_CHANNEL_CHOICES, 1)
    )
    Question.objects.create(
        section=more,
        position=2,
        text="바라는 점을 적어 주세요.",
        question_type=QuestionType.LONG_TEXT,
        dimension=Dimension.OTHER,
        required=False,
    )
    return questionnaire


def _demo_campaign(*, slug: str, institutions: list[Institution], **values) -> Campaign:
    campaign, created = Campaign.objects.get_or_create(slug=slug, defaults=values)
    if created:
        campaign.institutions.set(institutions)
    return campaign


def _demo_responses(campaign: Campaign, institutions: list[Institution], *, seed: int) -> int:
    """Citizens and stakeholders for every institution, unless the campaign has responses."""
    if campaign.responses.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    questions = list(
        Question.objects.filter(section__questionnaire=campaign.questionnaire)
        .order_by("section__position", "position")
        .prefetch_related("choices")
    )
    scale = [question for question in questions if question.is_scored]
    channel = next(q for q in questions if q.question_type == QuestionType.SINGLE_CHOICE)
    comment = next(q for q in questions if q.question_type == QuestionType.LONG_TEXT)
    choices = list(channel.choices.all())
    start, end = campaign.opens_at, min(campaign.closes_at, timezone.now())
    span = max((end - start).total_seconds(), 1)
    responses, plans = [], []
    for position, institution in enumerate(institutions):
        quality = rng.uniform(0.45, 0.9)  # how well this institution serves, 0–1
        if position in DEMO_SMALL_SAMPLE_POSITIONS:
            citizens = rng.randint(8, campaign.minimum_sample - 5)
        else:
            citizens = rng.randint(campaign.minimum_sample + 5, 75)
        for index in range(citizens + rng.randint(3, 12)):
            stakeholder = index >= citizens
            public_link = rng.choice(
                [ResponseChannel.CAMPAIGN_LINK, ResponseChannel.INSTITUTION_LINK]
            )
            responses.append(
                Response(
                    campaign=campaign,
                    institution=institution,
                    respondent_type=RespondentType.STAKEHOLDER
                    if stakeholder
                    else RespondentType.CITIZEN,
                    channel=ResponseChannel.TOKEN if stakeholder else public_link,
                    submitted_at=start + datetime.timedelta(seconds=rng.uniform(0, span)),
                    age_band=rng.choice(["", *AgeBand.values]) if not stakeholder else "",
                    district=rng.choice(["", *District.values]) if not stakeholder else "",
                )
            )
            plans.append(quality + (0.05 if stakeholder else 0.0))
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response, quality in zip(responses, plans, strict=True):
        for question in scale:
            if rng.random() < 0.04:
                continue  # a question left unanswered now and then
            low, high = SCALE_BOUNDS[question.question_type]
            leaning = min(max(rng.gauss(quality, 0.18), 0.0), 1.0)
            value = low + round(leaning * (high - low))
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    value=value,
                    points=answer_points(question.question_type, value),
                )
            )
        if rng.random() < 0.6:
            answers.append(Answer(response=response, question=channel, choice=rng.choice(choices)))
        if rng.random() < 0.1:
            text = rng.choice(DEMO_COMMENTS)
            answers.append(Answer(response=response, question=comment, text=text))
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(responses)


# --- Best practices ---------------------------------------------------------------------------


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
