"""Actions that change meetings and invitations.

Each function is keyword-only and runs in one transaction; a refused action raises
``MeetingError`` with a message for the user.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Bureau, Institution, Membership, User
from meetings import permissions
from meetings.models import (
    ACTION_ITEM_CLOSED_STATUSES,
    FIELD_DIALOGUE_ROLES,
    ActionItem,
    ActionItemStatus,
    ActionItemUpdate,
    AttendeeRole,
    CalendarFeed,
    Decision,
    DifficultyHeard,
    DiscussionTopic,
    FieldDialogueAttendee,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Rsvp,
    TopicStatus,
    regular_meeting_kind_for_month,
)
from notifications.services import meeting_notifications_plan
from portal.roles import InstitutionRole

# Who is invited to a meeting of the regular series.
INVITED_ROLE_OF_KIND = {
    MeetingKind.HEADS: InstitutionRole.HEAD,
    MeetingKind.DEPUTY_HEADS: InstitutionRole.DEPUTY_HEAD,
}


class MeetingError(Exception):
    """An action on a meeting that is not allowed now. ``message`` is for the user (Korean
    source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- The regular series -----------------------------------------------------------------------


def korean_public_holidays(year: int) -> holidays.HolidayBase:
    """Korea's public holidays of ``year`` and the next (a December date may move into
    January), substitute holidays included."""
    return holidays.country_holidays("KR", years=[year, year + 1])


def is_working_day(day: datetime.date, public_holidays: holidays.HolidayBase) -> bool:
    return day.weekday() < 5 and day not in public_holidays


def nth_weekday_of_month(year: int, month: int, *, weekday: int, ordinal: int) -> datetime.date:
    """The ``ordinal``-th ``weekday`` (0 = Monday) of the month: 2nd Wednesday, …"""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = first + datetime.timedelta(days=offset + 7 * (ordinal - 1))
    if day.month != month:
        raise ValueError(f"there is no {ordinal}th weekday {weekday} in {year}-{month:02d}")
    return day


def series_meeting_day(
    year: int, month: int, public_holidays: holidays.HolidayBase | None = None
) -> datetime.date:
    """The day of the month's regular meeting: the configured weekday, moved to the next
    working day when it falls on a weekend or a Korean public holiday."""
    if public_holidays is None:
        public_holidays = korean_public_holidays(year)
    day = nth_weekday_of_month(
        year,
        month,
        weekday=settings.MEETING_SERIES_WEEKDAY,
        ordinal=settings.MEETING_SERIES_ORDINAL,
    )
    while not is_working_day(day, public_holidays):
        day += datetime.timedelta(days=1)
    return day


def _series_start_time() -> datetime.time:
    return datetime.time.fromisoformat(settings.MEETING_SERIES_TIME)


def series_meeting_title(kind: MeetingKind, year: int, month: int) -> str:
    return _("%(year)d년 %(month)d월 %(kind)s") % {
        "year": year,
        "month": month,
        "kind": kind.label,
    }


@dataclass
class SeriesOutcome:
    """What ``meeting_series_schedule`` did: meetings created, moved back onto the rule,
    left alone because they were moved by hand, already right; invitations added; active
    institutions that have nobody in the seat the meeting invites."""

    year: int
    created: list[Meeting] = field(default_factory=list)
    rescheduled: list[Meeting] = field(default_factory=list)
    kept_by_hand: list[Meeting] = field(default_factory=list)
    unchanged: list[Meeting] = field(default_factory=list)
    invitations_added: int = 0
    seats_empty: dict[int, list[Institution]] = field(default_factory=dict)  # month -> list

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.rescheduled or self.invitations_added)


@transaction.atomic
def meeting_series_schedule(*, year: int) -> SeriesOutcome:
    """Create ``year``'s regular meetings and invite every active institution's head (even
    months) or deputy head (odd months).

    Idempotent: a second run changes nothing. A series meeting whose time no longer matches
    the rule (the rule's settings changed) is moved back onto it, unless city staff moved it
    by hand (``moved_by_hand``): such a meeting, its time and its invitees, is left alone.
    Institutions invited once are not invited twice, even when their head changed.
    """
    seoul = ZoneInfo(settings.TIME_ZONE)
    start_time = _series_start_time()
    duration = datetime.timedelta(minutes=settings.MEETING_SERIES_DURATION_MINUTES)
    public_holidays = korean_public_holidays(year)
    outcome = SeriesOutcome(year=year)
    existing = {
        meeting.series_month: meeting
        for meeting in Meeting.objects.select_for_update().filter(series_year=year)
    }
    seats = _institution_seats()
    for month in range(1, 13):
        kind = regular_meeting_kind_for_month(month)
        day = series_meeting_day(year, month, public_holidays)
        starts_at = datetime.datetime.combine(day, start_time, tzinfo=seoul)
        ends_at = starts_at + duration
        meeting = existing.get(month)
        if meeting is None:
            meeting = Meeting.objects.create(
                kind=kind,
                title=series_meeting_title(kind, year, month),
                starts_at=starts_at,
                ends_at=ends_at,
                place=settings.MEETING_SERIES_PLACE,
                host=str(_("전략추진단")),
                series_year=year,
                series_month=month,
            )
            outcome.created.append(meeting)
        elif meeting.moved_by_hand:
            outcome.kept_by_hand.append(meeting)
            continue
        elif meeting.starts_at != starts_at or meeting.ends_at != ends_at:
            meeting.starts_at, meeting.ends_at = starts_at, ends_at
            meeting.save(update_fields=["starts_at", "ends_at", "updated_at"])
            outcome.rescheduled.append(meeting)
        else:
            outcome.unchanged.append(meeting)
        role = INVITED_ROLE_OF_KIND[kind]
        added, empty = _invite_seats(meeting, seats, role)
        outcome.invitations_added += added
        if added or meeting in outcome.created or meeting in outcome.rescheduled:
            meeting_notifications_plan(meeting=meeting)  # invitation notices and reminders
        if empty:
            outcome.seats_empty[month] = empty
    return outcome


def _institution_seats() -> dict[Institution, dict[str, User]]:
    """Every active institution with its head and deputy head (when the seat is filled)."""
    seats: dict[Institution, dict[str, User]] = {
        institution: {} for institution in Institution.objects.active().order_by("name_ko")
    }
    by_pk = {institution.pk: institution for institution in seats}
    memberships = Membership.objects.filter(
        institution__is_active=True,
        role__in=[InstitutionRole.HEAD, InstitutionRole.DEPUTY_HEAD],
    ).select_related("user")
    for membership in memberships:
        seats[by_pk[membership.institution_id]][membership.role] = membership.user
    return seats


def _invite_seats(
    meeting: Meeting, seats: dict[Institution, dict[str, User]], role: InstitutionRole
) -> tuple[int, list[Institution]]:
    invited_institutions = set(
        meeting.invitations.exclude(institution=None).values_list("institution_id", flat=True)
    )
    new, empty = [], []
    for institution, people in seats.items():
        if institution.pk in invited_institutions:
            continue
        person = people.get(role)
        if person is None:
            empty.append(institution)
            continue
        new.append(Invitation(meeting=meeting, user=person, institution=institution))
    Invitation.objects.bulk_create(new)
    return len(new), empty


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Meeting:
    """Move a meeting by hand. A series meeting moved so is never moved back by the series."""
    if ends_at <= starts_at:
        raise MeetingError(_("회의는 시작한 뒤에 끝나야 합니다."), code="times")
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.moved_by_hand = meeting.is_series_meeting
    meeting.save(update_fields=["starts_at", "ends_at", "moved_by_hand", "updated_at"])
    meeting_notifications_plan(meeting=meeting)  # unsent reminders follow the new time
    return meeting


# --- Answers to invitations -------------------------------------------------------------------


@transaction.atomic
def invitation_respond(
    *, invitation: Invitation, by: User, rsvp: str, delegate_name: str = ""
) -> Invitation:
    """Record the institution's answer: attending, not attending, or sending a delegate (whose
    name is then required). The invited institution's head or deputy head answers (or an
    administrator), while the meeting is still to come."""
    locked = Invitation.objects.select_for_update().select_related("meeting").get(
        pk=invitation.pk
    )
    if not permissions.can_respond_to(by, locked):
        raise MeetingError(
            _("참석 회신은 초대받은 기관의 기관장 또는 부기관장만 할 수 있습니다."),
            code="forbidden",
        )
    meeting = locked.meeting
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED):
        raise MeetingError(_("이미 열렸거나 취소된 회의에는 회신할 수 없습니다."), code="closed")
    if meeting.starts_at <= timezone.now():
        raise MeetingError(_("이미 시작한 회의에는 회신할 수 없습니다."), code="closed")
    if rsvp not in (Rsvp.ATTENDING, Rsvp.NOT_ATTENDING, Rsvp.DELEGATE):
        raise MeetingError(_("참석, 불참, 대리 참석 가운데 하나를 고르세요."), code="rsvp")
    delegate_name = delegate_name.strip()
    if rsvp == Rsvp.DELEGATE and not delegate_name:
        raise MeetingError(_("대리 참석자의 이름을 적어 주세요."), code="delegate_name")
    locked.rsvp = rsvp
    locked.delegate_name = delegate_name if rsvp == Rsvp.DELEGATE else ""
    locked.responded_at = timezone.now()
    locked.save(update_fields=["rsvp", "delegate_name", "responded_at"])
    invitation.refresh_from_db()
    return locked



@transaction.atomic
def attendance_record(*, meeting: Meeting, by: User, present: set[int]) -> Meeting:
    """Take attendance on the day: every invitation of the meeting is marked attended when its
    id is in ``present`` and absent otherwise (a delegate who came counts as attended), and a
    scheduled or postponed meeting becomes held. Running it again with the same ids changes
    nothing. City staff only, from the meeting's day on, never for a cancelled meeting."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_take_attendance(by):
        raise MeetingError(_("참석 확인은 시 직원만 할 수 있습니다."), code="forbidden")
    if not permissions.attendance_open(locked):
        raise MeetingError(
            _("참석 확인은 회의 당일부터, 취소되지 않은 회의에만 할 수 있습니다."),
            code="not_open",
        )
    invitations = locked.invitations.all()
    unknown = present - set(invitations.values_list("pk", flat=True))
    if unknown:
        raise MeetingError(_("이 회의의 초대가 아닌 항목이 있습니다."), code="unknown")
    invitations.filter(pk__in=present).exclude(attended=True).update(attended=True)
    invitations.exclude(pk__in=present).exclude(attended=False).update(attended=False)
    if locked.status in (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED):
        locked.status = MeetingStatus.HELD
        locked.save(update_fields=["status", "updated_at"])
    meeting.refresh_from_db()
    return locked


# --- Personal calendar feeds ------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(*, user: User) -> CalendarFeed:
    """A new secret feed address for ``user``; the one they had stops working."""
    calendar_feed_revoke(user=user)
    return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Revoke ``user``'s feed address, if any: it answers 404 from now on. Idempotent."""
    return CalendarFeed.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )


# --- Field dialogues --------------------------------------------------------------------------


@transaction.atomic
def difficulty_record(*, meeting: Meeting, by: User, text: str) -> DifficultyHeard:
    """Record a difficulty heard in a field dialogue, in the words the city noted (no names).
    City staff only, from the dialogue's day on."""
    if not permissions.can_record_difficulties(by, meeting):
        raise MeetingError(
            _("현장의 어려움은 시 직원이 현장 대화 당일부터 기록합니다."), code="forbidden"
        )
    text = text.strip()
    if not text:
        raise MeetingError(_("들은 어려움을 적어 주세요."), code="empty")
    return DifficultyHeard.objects.create(meeting=meeting, text=text, recorded_by=by)


# --- Action items -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    by: User,
    description: str,
    due_on: datetime.date,
    difficulty: DifficultyHeard | None = None,
    meeting: Meeting | None = None,
    decision: Decision | None = None,
    owner_institution: Institution | None = None,
    owner_bureau: Bureau | None = None,
) -> ActionItem:
    """Open an action item from a difficulty heard and/or a meeting's decision (a recorded
    ``decision`` names its meeting too), owned by an institution and/or a city bureau. City
    staff only. The timeline starts with its opening."""
    if not permissions.can_create_action_items(by):
        raise MeetingError(_("후속 조치는 시 직원만 만들 수 있습니다."), code="forbidden")
    description = description.strip()
    if not description:
        raise MeetingError(_("조치 내용을 적어 주세요."), code="description")
    if decision is not None:
        if meeting is not None and meeting.pk != decision.meeting_id:
            raise MeetingError(_("결정과 회의가 서로 맞지 않습니다."), code="source")
        meeting = decision.meeting
    if difficulty is None and meeting is None:
        raise MeetingError(
            _("후속 조치는 들은 어려움이나 회의 결정 가운데 하나에서 나와야 합니다."),
            code="source",
        )
    if owner_institution is None and owner_bureau is None:
        raise MeetingError(_("담당 기관이나 담당 실·국을 정해 주세요."), code="owner")
    item = ActionItem.objects.create(
        description=description,
        due_on=due_on,
        difficulty=difficulty,
        meeting=meeting,
        decision=decision,
        owner_institution=owner_institution,
        owner_bureau=owner_bureau,
    )
    ActionItemUpdate.objects.create(
        item=item, by=by, from_status="", to_status=item.status, note=""
    )
    return item


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    by: User,
    status: str,
    note: str = "",
    outcome_summary: str | None = None,
) -> ActionItem:
    """Add an entry to the item's timeline, changing its status when ``status`` differs.

    City staff give any status; the owner institution's people add progress notes and may
    mark the item open or in progress. Closing it (done or dropped) needs a note; a note with
    no change of status needs text. ``outcome_summary`` (the public outcome, city staff only)
    replaces the one shown on the "you said, we did" page when given."""
    locked = ActionItem.objects.select_for_update().get(pk=item.pk)
    if not permissions.can_update_action_item(by, locked):
        raise MeetingError(
            _("후속 조치는 시 직원이나 담당 기관만 고칠 수 있습니다."), code="forbidden"
        )
    if status not in ActionItemStatus.values:
        raise MeetingError(_("알 수 없는 상태입니다."), code="status")
    if status not in permissions.action_item_statuses_for(by, locked):
        raise MeetingError(
            _("후속 조치의 완료와 중단은 시 직원이 정합니다."), code="forbidden_status"
        )
    note = note.strip()
    changes_status = status != locked.status
    if status in ACTION_ITEM_CLOSED_STATUSES and changes_status and not note:
        raise MeetingError(
            _("완료나 중단으로 바꿀 때에는 그 까닭을 메모로 남겨 주세요."), code="note"
        )
    if not changes_status and not note and outcome_summary is None:
        raise MeetingError(_("바꿀 상태나 메모를 적어 주세요."), code="empty")
    if outcome_summary is not None and not permissions.can_create_action_items(by):
        raise MeetingError(_("공개 결과 요약은 시 직원이 적습니다."), code="forbidden_summary")
    fields = ["updated_at"]
    if outcome_summary is not None:
        locked.outcome_summary = outcome_summary.strip()
        fields.append("outcome_summary")
    if changes_status or note:
        ActionItemUpdate.objects.create(
            item=locked, by=by, from_status=locked.status, to_status=status, note=note
        )
    locked.status = status
    fields.append("status")
    locked.save(update_fields=fields)
    item.refresh_from_db()
    return locked


# --- Discussion topics (과제·현안) --------------------------------------------------------------
#
# Invited institutions propose topics until the meeting's ``topics_deadline``; city staff
# accept, merge or decline them and order the accepted ones, the agenda. Every change of the
# agenda locks the meeting's row first, so two people curating one meeting take turns and the
# agenda's positions stay 1, 2, 3, … with no gap and no repeat.


def _refuse_unless_proposals_open(meeting: Meeting) -> None:
    if not permissions.takes_topics(meeting):
        raise MeetingError(_("현장 대화에는 토론 과제를 제안하지 않습니다."), code="kind")
    if meeting.topics_deadline is None:
        raise MeetingError(_("이 회의는 토론 과제 제안을 받지 않습니다."), code="no_deadline")
    if not permissions.topic_proposals_open(meeting):
        deadline = timezone.localtime(meeting.topics_deadline)
        raise MeetingError(
            _("과제 제안은 %(deadline)s에 마감되었습니다.")
            % {"deadline": deadline.strftime("%Y-%m-%d %H:%M")},
            code="deadline",
        )


def _topic_texts(title: str, background: str, request: str) -> tuple[str, str, str]:
    title, background, request = title.strip(), background.strip(), request.strip()
    if not title:
        raise MeetingError(_("과제명을 적어 주세요."), code="title")
    if not background:
        raise MeetingError(_("배경과 현황을 적어 주세요."), code="background")
    return title, background, request


@transaction.atomic
def topic_propose(
    *,
    meeting: Meeting,
    by: User,
    institution: Institution,
    title: str,
    background: str,
    request: str = "",
) -> DiscussionTopic:
    """Propose a discussion topic of ``institution`` for ``meeting``. The institution's head
    or deputy head (an administrator for any invited institution), before the deadline."""
    if not permissions.can_propose_topic_for(by, meeting, institution):
        raise MeetingError(
            _("토론 과제는 초대받은 기관의 기관장 또는 부기관장이 제안합니다."), code="forbidden"
        )
    _refuse_unless_proposals_open(meeting)
    title, background, request = _topic_texts(title, background, request)
    return DiscussionTopic.objects.create(
        meeting=meeting,
        institution=institution,
        proposed_by=by,
        title=title,
        background=background,
        request=request,
    )


def _locked_pending_proposal(topic: DiscussionTopic, by: User) -> DiscussionTopic:
    locked = DiscussionTopic.objects.select_for_update().select_related("meeting").get(
        pk=topic.pk
    )
    if not permissions.can_change_proposal(by, locked):
        raise MeetingError(
            _("제안은 제안한 기관의 기관장 또는 부기관장만 고치거나 거둘 수 있습니다."),
            code="forbidden",
        )
    if locked.status != TopicStatus.PROPOSED:
        raise MeetingError(
            _("시가 이미 검토한 제안은 고치거나 거둘 수 없습니다."), code="decided"
        )
    _refuse_unless_proposals_open(locked.meeting)
    return locked


@transaction.atomic
def topic_edit(
    *, topic: DiscussionTopic, by: User, title: str, background: str, request: str = ""
) -> DiscussionTopic:
    """Change a proposal still pending, before the deadline, for its institution."""
    locked = _locked_pending_proposal(topic, by)
    locked.title, locked.background, locked.request = _topic_texts(title, background, request)
    locked.save(update_fields=["title", "background", "request", "updated_at"])
    topic.refresh_from_db()
    return locked


@transaction.atomic
def topic_withdraw(*, topic: DiscussionTopic, by: User) -> None:
    """Withdraw (delete) a proposal still pending, before the deadline, for its institution."""
    _locked_pending_proposal(topic, by).delete()


def _lock_agenda(topic: DiscussionTopic, by: User) -> tuple[Meeting, DiscussionTopic]:
    """Lock the topic's meeting (agenda changes of one meeting take turns), then the topic;
    refuse unless ``by`` curates and the agenda may still change."""
    if not permissions.can_curate_topics(by):
        raise MeetingError(_("안건은 시 직원이 정리합니다."), code="forbidden")
    meeting = Meeting.objects.select_for_update().get(pk=topic.meeting_id)
    if not permissions.agenda_open(meeting):
        raise MeetingError(
            _("이미 열렸거나 취소된 회의의 안건은 바꿀 수 없습니다."), code="closed"
        )
    return meeting, DiscussionTopic.objects.select_for_update().get(pk=topic.pk)


def _agenda_renumber(meeting: Meeting) -> None:
    """Close the gaps in ``meeting``'s agenda: positions become 1, 2, 3, … in their order.
    Rows only ever move down into free places, in ascending order, so the unique position
    is never held twice, even for a moment."""
    accepted = DiscussionTopic.objects.filter(meeting=meeting, status=TopicStatus.ACCEPTED)
    for number, (pk, position) in enumerate(
        accepted.order_by("agenda_position").values_list("pk", "agenda_position"), start=1
    ):
        if position != number:
            DiscussionTopic.objects.filter(pk=pk).update(agenda_position=number)


def _next_agenda_position(meeting: Meeting) -> int:
    last = (
        DiscussionTopic.objects.filter(meeting=meeting, status=TopicStatus.ACCEPTED)
        .order_by("-agenda_position")
        .values_list("agenda_position", flat=True)
        .first()
    )
    return (last or 0) + 1


def _decide(
    locked: DiscussionTopic,
    by: User,
    *,
    status: str,
    merged_into: DiscussionTopic | None = None,
    reason: str = "",
) -> DiscussionTopic:
    was_on_agenda = locked.status == TopicStatus.ACCEPTED
    locked.status = status
    locked.merged_into = merged_into
    locked.decline_reason = reason
    locked.decided_by = by
    locked.decided_at = timezone.now()
    if status == TopicStatus.ACCEPTED:
        if not was_on_agenda:
            locked.agenda_position = _next_agenda_position(locked.meeting)
    else:
        locked.agenda_position = None
    locked.save()
    if was_on_agenda and status != TopicStatus.ACCEPTED:
        _agenda_renumber(locked.meeting)
    return locked


@transaction.atomic
def topic_accept(*, topic: DiscussionTopic, by: User) -> DiscussionTopic:
    """Put the topic on the agenda, last. Accepting an accepted topic changes nothing."""
    meeting, locked = _lock_agenda(topic, by)
    locked.meeting = meeting
    if locked.status != TopicStatus.ACCEPTED:
        _decide(locked, by, status=TopicStatus.ACCEPTED)
    topic.refresh_from_db()
    return locked


@transaction.atomic
def topic_merge(
    *, topic: DiscussionTopic, into: DiscussionTopic, by: User
) -> DiscussionTopic:
    """Fold the topic into another accepted topic of the same meeting; the proposing
    institution sees where it went. Topics merged into this one follow it into ``into``."""
    meeting, locked = _lock_agenda(topic, by)
    locked.meeting = meeting
    target = DiscussionTopic.objects.select_for_update().get(pk=into.pk)
    if target.pk == locked.pk:
        raise MeetingError(_("과제를 자기 자신에 통합할 수는 없습니다."), code="merge_self")
    if target.meeting_id != meeting.pk:
        raise MeetingError(_("같은 회의의 과제에만 통합할 수 있습니다."), code="merge_meeting")
    if target.status != TopicStatus.ACCEPTED:
        raise MeetingError(_("채택한 과제에만 통합할 수 있습니다."), code="merge_target")
    DiscussionTopic.objects.filter(merged_into=locked).update(merged_into=target)
    _decide(locked, by, status=TopicStatus.MERGED, merged_into=target)
    topic.refresh_from_db()
    return locked


@transaction.atomic
def topic_decline(*, topic: DiscussionTopic, by: User, reason: str) -> DiscussionTopic:
    """Decline the topic with a reason the proposing institution reads."""
    meeting, locked = _lock_agenda(topic, by)
    locked.meeting = meeting
    reason = reason.strip()
    if not reason:
        raise MeetingError(_("반려 사유를 적어 주세요."), code="reason")
    if locked.merged_topics.exists():
        raise MeetingError(
            _("이 과제에 통합한 제안이 있습니다. 그 제안들을 먼저 다시 검토해 주세요."),
            code="has_merged",
        )
    _decide(locked, by, status=TopicStatus.DECLINED, reason=reason)
    topic.refresh_from_db()
    return locked


AGENDA_UP, AGENDA_DOWN = "up", "down"


@transaction.atomic
def topic_move(*, topic: DiscussionTopic, by: User, direction: str) -> DiscussionTopic:
    """Swap an accepted topic with the one above (``"up"``) or below (``"down"``) it on the
    agenda. At the top (or bottom) already, nothing changes. The swap passes through the
    free position 0, as the agenda's unique position is checked row by row."""
    meeting, locked = _lock_agenda(topic, by)
    if direction not in (AGENDA_UP, AGENDA_DOWN):
        raise MeetingError(_("위나 아래로만 옮길 수 있습니다."), code="direction")
    if locked.status != TopicStatus.ACCEPTED:
        raise MeetingError(_("채택한 과제만 안건 순서를 바꿀 수 있습니다."), code="not_accepted")
    agenda = list(
        DiscussionTopic.objects.select_for_update()
        .filter(meeting=meeting, status=TopicStatus.ACCEPTED)
        .order_by("agenda_position")
    )
    index = next(i for i, row in enumerate(agenda) if row.pk == locked.pk)
    other_index = index - 1 if direction == AGENDA_UP else index + 1
    if 0 <= other_index < len(agenda):
        other = agenda[other_index]
        mine, theirs = locked.agenda_position, other.agenda_position
        DiscussionTopic.objects.filter(pk=locked.pk).update(agenda_position=0)
        DiscussionTopic.objects.filter(pk=other.pk).update(agenda_position=mine)
        DiscussionTopic.objects.filter(pk=locked.pk).update(agenda_position=theirs)
        locked.agenda_position = theirs
    topic.refresh_from_db()
    return locked


# --- Minutes and decisions --------------------------------------------------------------------


def _refuse_unless_minutes_open(meeting: Meeting, by: User) -> None:
    if not permissions.can_record_minutes(by):
        raise MeetingError(_("회의록과 결정은 시 직원이 적습니다."), code="forbidden")
    if not permissions.minutes_open(meeting):
        raise MeetingError(
            _("회의록과 결정은 회의가 열린 뒤(개최)에 적습니다."), code="not_held"
        )


@transaction.atomic
def minutes_save(*, meeting: Meeting, by: User, summary: str, publish: bool) -> Minutes:
    """Write (or rewrite) a held meeting's minutes. Published minutes (and the meeting's
    decisions) are read by its invitees; unpublishing hides them again. City staff only."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_unless_minutes_open(locked, by)
    summary = summary.strip()
    if not summary:
        raise MeetingError(_("회의 요약을 적어 주세요."), code="summary")
    minutes = Minutes.objects.filter(meeting=locked).first() or Minutes(meeting=locked)
    minutes.summary = summary
    minutes.written_by = by
    if not publish:
        minutes.published_at = None
    elif minutes.published_at is None:
        minutes.published_at = timezone.now()
    minutes.save()
    return minutes


@transaction.atomic
def decision_record(
    *, meeting: Meeting, by: User, text: str, topic: DiscussionTopic | None = None
) -> Decision:
    """Record a decision of a held meeting, after the ones recorded before it, optionally
    on one of its agenda topics. City staff only."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_unless_minutes_open(locked, by)
    text = text.strip()
    if not text:
        raise MeetingError(_("결정 내용을 적어 주세요."), code="text")
    if topic is not None and (
        topic.meeting_id != locked.pk or topic.status != TopicStatus.ACCEPTED
    ):
        raise MeetingError(_("이 회의의 안건에서만 고를 수 있습니다."), code="topic")
    last = locked.decisions.order_by("-position").values_list("position", flat=True).first()
    return Decision.objects.create(
        meeting=locked, position=(last or 0) + 1, text=text, topic=topic, recorded_by=by
    )


# --- Field-dialogue attendees -----------------------------------------------------------------

# How the attendees are named when nobody gave their name (titles, as the article names them).
MAYOR_TITLE = "광주광역시장"
STRATEGY_HEAD_TITLE = "전략추진단장"


@transaction.atomic
def field_dialogue_attendees_fill(*, meeting: Meeting) -> list[FieldDialogueAttendee]:
    """Give a field dialogue its attendees by role — the mayor, the visited institution's
    head, its supervising bureau's director, the strategy team's head — where a role has no
    one yet (the head linked to their account when the seat is filled). Returns the rows
    added; a second run adds none and changes nothing already there."""
    if meeting.kind != MeetingKind.FIELD_DIALOGUE or meeting.visited_institution_id is None:
        return []
    institution = Institution.objects.select_related("bureau").get(
        pk=meeting.visited_institution_id
    )
    present = set(meeting.attendees.values_list("role", flat=True))
    head = (
        Membership.objects.filter(institution=institution, role=InstitutionRole.HEAD)
        .select_related("user")
        .first()
    )
    defaults = {
        AttendeeRole.MAYOR: {"name": MAYOR_TITLE},
        AttendeeRole.INSTITUTION_HEAD: {
            "name": head.user.get_full_name() if head else f"{institution.name_ko} 기관장",
            "user": head.user if head else None,
            "institution": institution,
        },
        AttendeeRole.BUREAU_DIRECTOR: {
            "name": f"{institution.bureau.name_ko}장",
            "bureau": institution.bureau,
        },
        AttendeeRole.STRATEGY_HEAD: {"name": STRATEGY_HEAD_TITLE},
    }
    added = [
        FieldDialogueAttendee(meeting=meeting, role=role, position=position, **defaults[role])
        for position, role in enumerate(FIELD_DIALOGUE_ROLES, start=1)
        if role not in present
    ]
    return FieldDialogueAttendee.objects.bulk_create(added)
