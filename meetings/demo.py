"""Demo meetings for ``manage.py seed_demo``: this year's regular series, and the 2024
field-dialogue programme the article describes (the first on 22 February 2024 at
광주사회서비스원, eleven institutions by April). Safe to run again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Institution, Membership, User
from meetings.models import (
    ActionItem,
    ActionItemStatus,
    DifficultyHeard,
    DiscussionTopic,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Rsvp,
    TopicStatus,
)
from meetings.services import (
    SeriesOutcome,
    action_item_create,
    action_item_update,
    decision_record,
    field_dialogue_attendees_fill,
    meeting_series_schedule,
    minutes_save,
)
from portal.roles import CityUnit, InstitutionRole

# The programme visits the institutions in the order of the CSV file, the first one on the day
# of the article; the dates after it are the demo's own, Thursdays and one Tuesday, all working
# days (1 March and the 10 April election are skipped).
FIELD_DIALOGUE_DAYS_2024 = [
    datetime.date(2024, 2, 22),
    datetime.date(2024, 2, 29),
    datetime.date(2024, 3, 7),
    datetime.date(2024, 3, 14),
    datetime.date(2024, 3, 21),
    datetime.date(2024, 3, 28),
    datetime.date(2024, 4, 4),
    datetime.date(2024, 4, 11),
    datetime.date(2024, 4, 18),
    datetime.date(2024, 4, 25),
    datetime.date(2024, 4, 30),
]
FIELD_DIALOGUE_START = datetime.time(15, 0)
FIELD_DIALOGUE_LENGTH = datetime.timedelta(minutes=90)
FIELD_DIALOGUE_HOST = "광주광역시장"
# What the first dialogue heard, as the demo tells it (the article names no difficulty).
DIFFICULTIES_HEARD_AT_FIRST = [
    "통합돌봄 대상자를 찾는 데 자치구와 기관 사이 정보 공유가 늦습니다.",
    "야간·주말 돌봄 인력을 구하기 어렵고 처우 개선이 필요합니다.",
]


class DemoMeetingsError(Exception):
    """The demo data does not fit the programme; the message says how."""


@dataclass(frozen=True)
class DemoMeetingsResult:
    series: SeriesOutcome
    field_dialogues: list[Meeting]
    held: int  # meetings in the past, now marked held with their invitees' attendance


def field_dialogue_title(institution: Institution) -> str:
    return f"현장 대화: {institution.name_ko}"


def field_dialogue_description(institution: Institution) -> str:
    """Who attends, by role, as the article names them for the first dialogue."""
    return (
        f"참석: 광주광역시장, {institution.name_ko} 기관장, {institution.bureau.name_ko}장, "
        "전략추진단장. 시-공공기관 공동사업의 목표와 현안을 공유하고 현장의 어려움을 듣습니다."
    )


@transaction.atomic
def demo_meetings_ensure(*, institutions: list[Institution]) -> DemoMeetingsResult:
    """This year's series (``meeting_series_schedule``) and the 2024 field dialogues with the
    participating institutions' heads invited; meetings already past are marked held, their
    invitees as having attended. Idempotent."""
    series = meeting_series_schedule(year=timezone.localdate().year)
    dialogues = _field_dialogues_2024(institutions)
    held = _hold_past_meetings()
    city = _demo_city_user()
    if city is not None:
        _field_dialogue_follow_up(dialogues, city)
        _series_discussions(series.year, institutions, city)
    return DemoMeetingsResult(series=series, field_dialogues=dialogues, held=held)


def _field_dialogues_2024(institutions: list[Institution]) -> list[Meeting]:
    seoul = ZoneInfo(settings.TIME_ZONE)
    visited = [i for i in institutions if i.in_field_dialogue and i.is_active]
    if len(visited) > len(FIELD_DIALOGUE_DAYS_2024):
        raise DemoMeetingsError(
            f"{len(visited)} institutions take part in the 2024 field dialogues, "
            f"but the programme has {len(FIELD_DIALOGUE_DAYS_2024)} days."
        )
    heads = {
        membership.institution_id: membership.user
        for membership in Membership.objects.filter(
            institution__in=visited, role=InstitutionRole.HEAD
        ).select_related("user")
    }
    dialogues = []
    for institution, day in zip(visited, FIELD_DIALOGUE_DAYS_2024, strict=False):
        starts_at = datetime.datetime.combine(day, FIELD_DIALOGUE_START, tzinfo=seoul)
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + FIELD_DIALOGUE_LENGTH,
            "place": institution.name_ko,
            "host": FIELD_DIALOGUE_HOST,
            "description": field_dialogue_description(institution),
        }
        meeting, created = Meeting.objects.get_or_create(
            kind=MeetingKind.FIELD_DIALOGUE,
            visited_institution=institution,
            title=field_dialogue_title(institution),
            defaults=values,
        )
        # Saved only when something differs, so a second run leaves every row as it was.
        if not created and any(getattr(meeting, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(meeting, key, value)
            meeting.save()
        head = heads.get(institution.pk)
        if head is not None:
            Invitation.objects.get_or_create(meeting=meeting, user=head, institution=institution)
        field_dialogue_attendees_fill(meeting=meeting)
        dialogues.append(meeting)
    if dialogues:
        for text in DIFFICULTIES_HEARD_AT_FIRST:
            DifficultyHeard.objects.get_or_create(meeting=dialogues[0], text=text)
    return dialogues


def _hold_past_meetings() -> int:
    """Meetings that have ended are held, and their invitees attended (the demo's record)."""
    past = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__lt=timezone.now())
    past_ids = list(past.values_list("pk", flat=True))
    Invitation.objects.filter(meeting_id__in=past_ids, attended=None).update(
        rsvp=Rsvp.ATTENDING, delegate_name="", attended=True
    )
    return past.update(status=MeetingStatus.HELD)


def _demo_city_user() -> User | None:
    """Who records the demo's follow-up: the strategy team's demo account (or an
    administrator when there is none)."""
    return (
        User.objects.filter(city_staff__unit=CityUnit.STRATEGY_TEAM).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


# --- What the 2024 field dialogues heard, and what became of it ---------------------------------


@dataclass(frozen=True)
class DemoFollowUp:
    """An action item of a difficulty heard: what the city does, who owns it (the visited
    institution and/or its bureau), until when, and how far it has come."""

    description: str
    due_on: datetime.date
    status: str = ActionItemStatus.OPEN
    note: str = ""
    outcome_summary: str = ""
    owner_institution: bool = True
    owner_bureau: bool = False


@dataclass(frozen=True)
class DemoDifficulty:
    text: str
    follow_up: DemoFollowUp | None = None


# By the visited institution's code; the first dialogue's difficulties are those above.
DIFFICULTIES_BY_INSTITUTION = {
    "GJSSA": [
        DemoDifficulty(
            DIFFICULTIES_HEARD_AT_FIRST[0],
            DemoFollowUp(
                "자치구와 돌봄 대상자 정보 공유 협약 체결",
                datetime.date(2024, 6, 30),
                ActionItemStatus.DONE,
                note="5개 자치구와 협약을 맺었습니다.",
                outcome_summary=(
                    "5개 자치구와 돌봄 대상자 정보 공유 협약을 맺어 연계가 빨라졌습니다."
                ),
                owner_bureau=True,
            ),
        ),
        DemoDifficulty(
            DIFFICULTIES_HEARD_AT_FIRST[1],
            DemoFollowUp(
                "야간·주말 돌봄 인력 처우 개선안 마련",
                datetime.date(2025, 3, 31),
                ActionItemStatus.IN_PROGRESS,
                note="돌봄 인력 처우 실태 조사를 시작했습니다.",
                owner_institution=False,
                owner_bureau=True,
            ),
        ),
    ],
    "GJUC": [
        DemoDifficulty(
            "임대주택 입주민 돌봄 연계 창구가 기관마다 달라 혼선이 있습니다.",
            DemoFollowUp("임대주택 돌봄 연계 창구 단일화", datetime.date(2025, 6, 30)),
        ),
    ],
    "GJTC": [
        DemoDifficulty(
            "도시철도 2호선 공사 구간의 시민 불편 민원이 한곳에 몰립니다.",
            DemoFollowUp(
                "공사 구간 안내 누리집과 전용 상담 창구 운영",
                datetime.date(2024, 7, 31),
                ActionItemStatus.DONE,
                note="안내 누리집과 상담 창구를 열었습니다.",
                outcome_summary="공사 구간 안내 누리집과 전용 상담 창구를 열었습니다.",
            ),
        ),
    ],
    "GJEC": [
        DemoDifficulty(
            "폐기물 처리시설 주민 설명회에 시가 함께 나와 주기를 바랍니다.",
            DemoFollowUp(
                "주민 설명회 시·기관 공동 개최",
                datetime.date(2024, 9, 30),
                ActionItemStatus.DONE,
                note="세 차례 공동 설명회를 열었습니다.",
                outcome_summary="시와 기관이 함께 주민 설명회를 세 차례 열었습니다.",
                owner_bureau=True,
            ),
        ),
    ],
    "GJTO": [
        DemoDifficulty(
            "관광 통계를 내는 방식이 기관마다 달라 성과를 비교하기 어렵습니다.",
            DemoFollowUp("관광 통계 산출 기준 통일", datetime.date(2025, 12, 31)),
        ),
    ],
    "GJTP": [DemoDifficulty("기업 지원 사업의 공고 일정이 기관 사이에 겹칩니다.")],
}


def _field_dialogue_follow_up(dialogues: list[Meeting], city: User) -> None:
    """The difficulties the dialogues heard, and their action items walked to where the demo
    says they are (done ones with their public outcome). Each item is made once."""
    for meeting in dialogues:
        institution = meeting.visited_institution
        for heard in DIFFICULTIES_BY_INSTITUTION.get(institution.code, []):
            difficulty, _ = DifficultyHeard.objects.get_or_create(meeting=meeting, text=heard.text)
            plan = heard.follow_up
            if plan is None:
                continue
            if difficulty.action_items.filter(description=plan.description).exists():
                continue
            item = action_item_create(
                by=city,
                description=plan.description,
                due_on=plan.due_on,
                difficulty=difficulty,
                owner_institution=institution if plan.owner_institution else None,
                owner_bureau=institution.bureau if plan.owner_bureau else None,
            )
            _walk_action_item(item, city, plan.status, plan.note, plan.outcome_summary)


def _walk_action_item(
    item: ActionItem, city: User, status: str, note: str, outcome_summary: str = ""
) -> None:
    if status == ActionItemStatus.OPEN:
        return
    if status in (ActionItemStatus.DONE, ActionItemStatus.DROPPED):
        action_item_update(item=item, by=city, status=ActionItemStatus.IN_PROGRESS, note="착수")
    action_item_update(
        item=item, by=city, status=status, note=note, outcome_summary=outcome_summary or None
    )


# --- This year's series: topics, agendas, minutes and decisions ---------------------------------


@dataclass(frozen=True)
class DemoTopic:
    title: str
    background: str
    request: str


SERIES_TOPICS = [
    DemoTopic(
        "공공기관 합동 채용 일정 조율",
        "기관마다 채용 시기가 달라 지원자가 겹치고 결원 기간이 길어집니다.",
        "시가 상·하반기 합동 채용 일정을 정해 주시기 바랍니다.",
    ),
    DemoTopic(
        "시민 불편 민원 기관 간 공동 대응",
        "여러 기관에 걸친 민원이 이리저리 넘겨지며 처리 기간이 길어집니다.",
        "민원 이관 기준과 공동 대응 창구를 마련해 주세요.",
    ),
    DemoTopic(
        "공공건물 에너지 절감 협력",
        "기관 청사의 전기·가스 사용량이 늘어 탄소중립 목표를 맞추기 어렵습니다.",
        "에너지 진단 지원과 고효율 설비 공동 구매를 요청합니다.",
    ),
    DemoTopic(
        "통합돌봄 대상자 정보 공유 절차 개선",
        "돌봄 대상자 정보를 공유하는 절차가 기관마다 달라 지원이 늦어집니다.",
        "개인정보 보호 범위 안에서 공유 절차를 하나로 맞춰 주세요.",
    ),
    DemoTopic(
        "청년 인턴십 공동 운영",
        "기관별 인턴십 규모가 작아 청년이 고를 수 있는 자리가 적습니다.",
        "기관이 함께 모집하고 시가 공통 교육을 맡아 주시기 바랍니다.",
    ),
    DemoTopic(
        "공공시설 야간·주말 개방 확대",
        "퇴근 뒤에 쓸 수 있는 공공시설이 적다는 시민 의견이 많습니다.",
        "개방에 드는 인력과 관리비 지원 기준을 정해 주세요.",
    ),
    DemoTopic(
        "재난 대비 기관 간 비상연락망 정비",
        "집중호우 때 기관 사이 연락이 늦어 대응에 혼선이 있었습니다.",
        "시 재난안전상황실과 기관을 잇는 연락 체계를 함께 점검해 주세요.",
    ),
    DemoTopic(
        "시민평가 결과 환류 방안",
        "시민평가 결과가 다음 해 사업 계획에 반영되는지 알기 어렵습니다.",
        "평가 결과를 사업 계획에 반영하는 절차를 함께 정했으면 합니다.",
    ),
]
DECLINE_REASON = "이번 회의의 주제와 거리가 있어 소관 실·국과 따로 협의하기로 했습니다."
# A past meeting's topics: two on the agenda, one merged into the first, one declined. The
# next meeting has a pending proposal besides, while its proposals are open.
PAST_TOPIC_STATUSES = [
    TopicStatus.ACCEPTED,
    TopicStatus.ACCEPTED,
    TopicStatus.MERGED,
    TopicStatus.DECLINED,
]
NEXT_TOPIC_STATUSES = [*PAST_TOPIC_STATUSES, TopicStatus.PROPOSED]
# Proposals close this long before a meeting; the demo's next meeting keeps its deadline ahead.
TOPICS_DEADLINE_BEFORE = datetime.timedelta(days=7)
# Action items of decisions older than this are done by now, in the demo's telling.
DECISION_ITEMS_DONE_AFTER = datetime.timedelta(days=120)


def _series_discussions(year: int, institutions: list[Institution], city: User) -> None:
    """Topics for this year's held meetings and the next one, minutes and decisions for the
    held ones, and an action item from each held meeting's first decision (open for recent
    meetings). A meeting's discussion is made once: a second run changes nothing."""
    now = timezone.now()
    proposers = _institution_leads(institutions)
    meetings = list(Meeting.objects.filter(series_year=year).order_by("starts_at"))
    upcoming = [m for m in meetings if m.starts_at > now and m.status == MeetingStatus.SCHEDULED]
    for meeting in meetings:
        if meeting.status == MeetingStatus.HELD:
            _ensure_deadline(meeting, meeting.starts_at - TOPICS_DEADLINE_BEFORE)
            topics = _ensure_topics(meeting, PAST_TOPIC_STATUSES, proposers, city)
            _ensure_minutes_and_decisions(meeting, topics, city, now=now)
        elif upcoming and meeting == upcoming[0]:
            deadline = max(
                meeting.starts_at - TOPICS_DEADLINE_BEFORE, now + datetime.timedelta(days=1)
            )
            if deadline < meeting.starts_at:
                _ensure_deadline(meeting, deadline)
                _ensure_topics(meeting, NEXT_TOPIC_STATUSES, proposers, city)


def _institution_leads(institutions: list[Institution]) -> dict[str, dict[int, User]]:
    """Heads and deputy heads by institution, the people who propose topics."""
    leads: dict[str, dict[int, User]] = {InstitutionRole.HEAD: {}, InstitutionRole.DEPUTY_HEAD: {}}
    memberships = Membership.objects.filter(
        institution__in=institutions, role__in=list(leads)
    ).select_related("user")
    for membership in memberships:
        leads[membership.role][membership.institution_id] = membership.user
    return leads


def _ensure_deadline(meeting: Meeting, deadline: datetime.datetime) -> None:
    if meeting.topics_deadline is None:
        meeting.topics_deadline = deadline
        meeting.save(update_fields=["topics_deadline", "updated_at"])


def _ensure_topics(
    meeting: Meeting, statuses: list[str], proposers: dict[str, dict[int, User]], city: User
) -> list[DiscussionTopic]:
    """The meeting's demo topics, from the pool in turn by month, each proposed by an
    invited institution's head (deputy head for a deputies' meeting)."""
    role = (
        InstitutionRole.HEAD if meeting.kind == MeetingKind.HEADS else InstitutionRole.DEPUTY_HEAD
    )
    invited = list(
        meeting.invitations.exclude(institution=None)
        .order_by("institution__name_ko")
        .values_list("institution_id", flat=True)
    )
    if not invited:
        return []
    month = meeting.series_month or 1
    topics: list[DiscussionTopic] = []
    for number, status in enumerate(statuses):
        plan = SERIES_TOPICS[(month * 3 + number) % len(SERIES_TOPICS)]
        institution_id = invited[(month * 5 + number * 7) % len(invited)]
        existing = DiscussionTopic.objects.filter(meeting=meeting, title=plan.title).first()
        if existing is not None:
            topics.append(existing)
            continue
        values = {
            "status": status,
            "decided_by": None if status == TopicStatus.PROPOSED else city,
            "decided_at": None if status == TopicStatus.PROPOSED else meeting.topics_deadline,
        }
        if status == TopicStatus.ACCEPTED:
            last = (
                meeting.topics.filter(status=TopicStatus.ACCEPTED)
                .order_by("-agenda_position")
                .values_list("agenda_position", flat=True)
                .first()
            )
            values["agenda_position"] = (last or 0) + 1
        elif status == TopicStatus.MERGED:
            values["merged_into"] = topics[0]
        elif status == TopicStatus.DECLINED:
            values["decline_reason"] = DECLINE_REASON
        topics.append(
            DiscussionTopic.objects.create(
                meeting=meeting,
                institution_id=institution_id,
                proposed_by=proposers[role].get(institution_id),
                title=plan.title,
                background=plan.background,
                request=plan.request,
                **values,
            )
        )
    return topics


def _ensure_minutes_and_decisions(
    meeting: Meeting, topics: list[DiscussionTopic], city: User, *, now: datetime.datetime
) -> None:
    if Minutes.objects.filter(meeting=meeting).exists():
        return
    agenda = [topic for topic in topics if topic.status == TopicStatus.ACCEPTED]
    minutes_save(
        meeting=meeting,
        by=city,
        summary=(
            f"{len(agenda)}개 안건을 과제·현안 중심 집단 토론으로 논의했습니다. 기관별 현황을 "
            "나누고 시와 기관이 함께 할 일을 정했습니다."
        ),
        publish=True,
    )
    decisions = []
    if agenda:
        decisions.append(
            decision_record(
                meeting=meeting,
                by=city,
                text=(
                    f"'{agenda[0].title}': 전략추진단이 관계 기관과 실무 협의체를 꾸려 다음 "
                    "회의에 추진 방안을 보고한다."
                ),
                topic=agenda[0],
            )
        )
    if len(agenda) > 1:
        decision_record(
            meeting=meeting,
            by=city,
            text=f"'{agenda[1].title}': 소관 실·국이 기관 의견을 모아 한 달 안에 개선안을 낸다.",
            topic=agenda[1],
        )
    for decision in decisions:
        owner = decision.topic.institution
        item = action_item_create(
            by=city,
            description=f"{decision.topic.title} 실무 협의체 구성·운영",
            due_on=timezone.localdate(meeting.starts_at) + datetime.timedelta(days=60),
            decision=decision,
            owner_institution=owner,
            owner_bureau=owner.bureau,
        )
        if now - meeting.starts_at > DECISION_ITEMS_DONE_AFTER:
            _walk_action_item(
                item,
                city,
                ActionItemStatus.DONE,
                "협의체를 두 차례 열어 추진 방안을 정했습니다.",
                "기관 실무 협의체에서 추진 방안을 정했습니다.",
            )
