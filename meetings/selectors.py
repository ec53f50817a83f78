"""Reads that the meeting pages need, in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from meetings.models import (
    ActionItem,
    ActionItemStatus,
    Decision,
    DifficultyHeard,
    DiscussionTopic,
    FieldDialogueAttendee,
    Invitation,
    Meeting,
    MeetingKind,
    Rsvp,
    TopicStatus,
)


def _seoul() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in Asia/Seoul."""
    start = datetime.datetime(year, month, 1, tzinfo=_seoul())
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, datetime.datetime(next_year, next_month, 1, tzinfo=_seoul())


def meetings_between(
    meetings: QuerySet[Meeting], start: datetime.datetime, end: datetime.datetime
) -> list[Meeting]:
    return list(
        meetings.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    in_month: bool
    meetings: list[Meeting]


def month_calendar(
    meetings: QuerySet[Meeting], year: int, month: int
) -> list[list[CalendarDay]]:
    """The month as weeks, Monday first, each day with its meetings (Asia/Seoul dates)."""
    start, end = month_bounds(year, month)
    by_day: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in meetings_between(meetings, start, end):
        by_day[meeting.starts_at.astimezone(_seoul()).date()].append(meeting)
    return [
        [
            CalendarDay(day=day, in_month=day.month == month, meetings=by_day.get(day, []))
            for day in week
        ]
        for week in calendar.Calendar().monthdatescalendar(year, month)
    ]


def year_meetings(meetings: QuerySet[Meeting], year: int) -> list[Meeting]:
    start, _ = month_bounds(year, 1)
    end, _ = month_bounds(year + 1, 1)
    return meetings_between(meetings, start, end)


def invitations_of(meeting: Meeting, visible: QuerySet[Invitation]) -> list[Invitation]:
    return list(
        visible.filter(meeting=meeting)
        .select_related("user", "institution")
        .order_by("institution__name_ko", "user__name", "pk")
    )


def rsvp_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = dict.fromkeys(Rsvp.values, 0)
    for invitation in invitations:
        counts[invitation.rsvp] += 1
    return counts


def with_invitation_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        invitation_total=Count("invitations"),
        attending_total=Count(
            "invitations", filter=Q(invitations__rsvp__in=[Rsvp.ATTENDING, Rsvp.DELEGATE])
        ),
    )


# A feed carries the past year and everything ahead, so calendars keep recent history.
FEED_PAST_DAYS = 365


def feed_meetings(meetings: QuerySet[Meeting], *, now: datetime.datetime) -> list[Meeting]:
    since = now - datetime.timedelta(days=FEED_PAST_DAYS)
    return list(meetings.filter(ends_at__gte=since).order_by("starts_at", "pk"))


def field_dialogue_agenda(meeting: Meeting, visible_projects) -> list:
    """A field dialogue's agenda: the visited institution's joint projects (led or partnered)
    that the user may see, latest year first."""
    institution_id = meeting.visited_institution_id
    if institution_id is None:
        return []
    own = visible_projects.filter(
        Q(lead_institution_id=institution_id) | Q(partner_institutions__id=institution_id)
    ).values("pk")
    return list(
        visible_projects.model.objects.filter(pk__in=own)
        .select_related("lead_institution")
        .order_by("-year", "title")
    )


# Heads' and deputy heads' meetings bring all 27 institutions together: every open item is on
# their agenda. Other meetings take up the items of the institutions they invite.
WHOLE_PROGRAMME_KINDS = (MeetingKind.HEADS, MeetingKind.DEPUTY_HEADS)


def open_action_items_for(meeting: Meeting) -> list[ActionItem]:
    """The action items still open (open or in progress) that ``meeting`` takes up: all of
    them at a heads' or deputy heads' meeting, else those owned by the institutions it
    invites (or visits). An item decided by this meeting itself waits for the next one; a
    closed item leaves every agenda."""
    items = ActionItem.objects.filter(
        status__in=[ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS]
    ).exclude(meeting=meeting)
    if meeting.kind not in WHOLE_PROGRAMME_KINDS:
        invited = meeting.invitations.exclude(institution=None).values("institution_id")
        items = items.filter(
            Q(owner_institution_id__in=invited)
            | Q(owner_institution_id=meeting.visited_institution_id)
        )
    return list(
        items.select_related("owner_institution", "owner_bureau").order_by("due_on", "pk")
    )


def difficulties_with_outcomes(
    *, status: str = "", institution=None, no_action_value: str = "none"
) -> QuerySet[DifficultyHeard]:
    """The difficulties heard in field dialogues with their action items, for the public
    "you said, we did" page: latest dialogue first, in three queries per page whatever the
    data (difficulties with their dialogue and institution; the items with their owners).

    ``status`` keeps the difficulties with an item in that status (``no_action_value``: with
    no item yet); ``institution`` those heard at that institution."""
    items = ActionItem.objects.select_related("owner_institution", "owner_bureau").order_by(
        "due_on", "pk"
    )
    difficulties = DifficultyHeard.objects.select_related(
        "meeting__visited_institution"
    ).prefetch_related(Prefetch("action_items", queryset=items))
    if institution is not None:
        difficulties = difficulties.filter(meeting__visited_institution=institution)
    if status == no_action_value:
        difficulties = difficulties.filter(action_items__isnull=True)
    elif status:
        difficulties = difficulties.filter(
            pk__in=ActionItem.objects.filter(status=status).values("difficulty_id")
        )
    return difficulties.order_by("-meeting__starts_at", "pk")


def action_item_timeline(item: ActionItem) -> list:
    return list(item.updates.select_related("by").order_by("at", "pk"))


# --- Discussion topics, minutes and decisions -------------------------------------------------


def agenda_of(topics: QuerySet[DiscussionTopic]) -> list[DiscussionTopic]:
    """The accepted topics among ``topics``, in agenda order, with their institutions."""
    return list(
        topics.filter(status=TopicStatus.ACCEPTED)
        .select_related("institution")
        .order_by("agenda_position")
    )


def topics_by_status(topics: QuerySet[DiscussionTopic]) -> dict[str, list[DiscussionTopic]]:
    """``topics`` grouped by status (every status a key, in the order of ``TopicStatus``),
    each with its institution, who proposed it and what it was merged into: one query."""
    grouped: dict[str, list[DiscussionTopic]] = {status: [] for status in TopicStatus.values}
    rows = topics.select_related("institution", "proposed_by", "merged_into").order_by(
        "agenda_position", "created_at", "pk"
    )
    for topic in rows:
        grouped[topic.status].append(topic)
    return grouped


def decisions_of(meeting: Meeting) -> list[Decision]:
    """The meeting's decisions in order, with their topics and action items (two queries)."""
    items = ActionItem.objects.select_related("owner_institution", "owner_bureau").order_by(
        "due_on", "pk"
    )
    return list(
        meeting.decisions.select_related("topic")
        .prefetch_related(Prefetch("action_items", queryset=items))
        .order_by("position")
    )


def attendees_of(meeting: Meeting) -> list[FieldDialogueAttendee]:
    return list(
        meeting.attendees.select_related("institution", "bureau").order_by("position", "pk")
    )
