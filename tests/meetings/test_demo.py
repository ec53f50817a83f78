"""seed_demo's meetings: this year's regular series and the 2024 field-dialogue programme
(issue 4, point 8)."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import holidays
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Institution
from meetings.demo import DECISION_ITEMS_DONE_AFTER, FIELD_DIALOGUE_HOST
from meetings.models import (
    ActionItem,
    ActionItemStatus,
    AttendeeRole,
    DifficultyHeard,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Rsvp,
    TopicStatus,
)

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_2024_field_dialogues(seeded):
    dialogues = list(
        Meeting.objects.filter(kind=MeetingKind.FIELD_DIALOGUE)
        .select_related("visited_institution__bureau")
        .order_by("starts_at")
    )
    participating = set(Institution.objects.filter(in_field_dialogue=True))

    assert len(dialogues) == 11
    assert {meeting.visited_institution for meeting in dialogues} == participating
    first = dialogues[0]
    assert first.visited_institution.name_ko == "광주사회서비스원"
    assert first.starts_at == datetime.datetime(2024, 2, 22, 15, 0, tzinfo=SEOUL)
    # The attendees the article names by role for the first dialogue.
    for attendee in ("광주광역시장", "광주사회서비스원 기관장", "복지건강국장", "전략추진단장"):
        assert attendee in first.description
    assert first.difficulties.count() == 2
    kr_holidays = holidays.country_holidays("KR", years=2024)
    for meeting in dialogues:
        day = meeting.starts_at.astimezone(SEOUL).date()
        assert datetime.date(2024, 2, 1) <= day <= datetime.date(2024, 4, 30)
        assert day.weekday() < 5
        assert day not in kr_holidays
        assert meeting.host == FIELD_DIALOGUE_HOST
        assert meeting.status == MeetingStatus.HELD
        [invitation] = meeting.invitations.select_related("user__membership")
        assert invitation.institution == meeting.visited_institution
        assert invitation.user.membership.role == "head"
        assert (invitation.rsvp, invitation.attended) == (Rsvp.ATTENDING, True)


def test_this_years_series_with_past_meetings_held(seeded):
    year = timezone.localdate().year
    meetings = list(Meeting.objects.filter(series_year=year).order_by("series_month"))

    assert len(meetings) == 12
    now = timezone.now()
    for meeting in meetings:
        assert meeting.invitations.count() == 27
        if meeting.ends_at < now:
            assert meeting.status == MeetingStatus.HELD
            assert not meeting.invitations.filter(attended=None).exists()
        else:
            assert meeting.status == MeetingStatus.SCHEDULED
            assert not meeting.invitations.exclude(rsvp=Rsvp.PENDING).exists()


def test_seed_demo_says_what_it_did_with_meetings(seeded):
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert (
        f"{timezone.localdate().year} regular meetings: 0 created this run, "
        "0 invitations added; 11 field dialogues of 2024; 0 past meetings marked held"
    ) in out.getvalue()


def test_the_2024_dialogues_have_their_attendees_by_role(seeded):
    dialogues = Meeting.objects.filter(kind=MeetingKind.FIELD_DIALOGUE).select_related(
        "visited_institution__bureau"
    )
    for meeting in dialogues:
        by_role = {a.role: a for a in meeting.attendees.select_related("user", "bureau")}
        institution = meeting.visited_institution
        assert set(by_role) == {
            AttendeeRole.MAYOR,
            AttendeeRole.INSTITUTION_HEAD,
            AttendeeRole.BUREAU_DIRECTOR,
            AttendeeRole.STRATEGY_HEAD,
        }
        assert by_role[AttendeeRole.MAYOR].name == "광주광역시장"
        assert by_role[AttendeeRole.INSTITUTION_HEAD].user.membership.institution == institution
        assert by_role[AttendeeRole.BUREAU_DIRECTOR].bureau == institution.bureau
        assert by_role[AttendeeRole.STRATEGY_HEAD].name == "전략추진단장"
    first = dialogues.get(visited_institution__code="GJSSA")
    assert first.attendees.get(role=AttendeeRole.BUREAU_DIRECTOR).name == "복지건강국장"


def test_the_2024_dialogues_heard_difficulties_with_action_items_done_and_open(seeded):
    items = ActionItem.objects.filter(difficulty__meeting__kind=MeetingKind.FIELD_DIALOGUE)
    statuses = set(items.values_list("status", flat=True))
    assert {ActionItemStatus.DONE, ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS} <= statuses
    for item in items.filter(status=ActionItemStatus.DONE):
        assert item.outcome_summary
        assert list(item.updates.values_list("to_status", flat=True)) == [
            ActionItemStatus.OPEN,
            ActionItemStatus.IN_PROGRESS,
            ActionItemStatus.DONE,
        ]
    heard = DifficultyHeard.objects.filter(meeting__kind=MeetingKind.FIELD_DIALOGUE)
    assert heard.values("meeting").distinct().count() >= 5
    assert heard.filter(action_items__isnull=True).exists()  # "no action yet" on the page


def test_this_years_held_meetings_have_agendas_minutes_and_decisions(seeded):
    held = Meeting.objects.filter(
        series_year=timezone.localdate().year, status=MeetingStatus.HELD
    ).order_by("starts_at")
    for meeting in held:
        topics = meeting.topics.all()
        assert set(topics.values_list("status", flat=True)) == {
            TopicStatus.ACCEPTED,
            TopicStatus.MERGED,
            TopicStatus.DECLINED,
        }
        positions = topics.filter(status=TopicStatus.ACCEPTED).values_list(
            "agenda_position", flat=True
        )
        assert sorted(positions) == list(range(1, len(positions) + 1))
        assert meeting.topics_deadline < meeting.starts_at
        assert meeting.minutes.is_published
        decisions = list(meeting.decisions.order_by("position"))
        assert [d.position for d in decisions] == [1, 2]
        assert all(d.topic.status == TopicStatus.ACCEPTED for d in decisions)
        [item] = ActionItem.objects.filter(decision__meeting=meeting)
        assert item.meeting == meeting
    recent = held.filter(starts_at__gte=timezone.now() - DECISION_ITEMS_DONE_AFTER)
    if recent.exists():
        assert ActionItem.objects.filter(
            decision__meeting__in=recent, status=ActionItemStatus.OPEN
        ).exists()


def test_the_next_meeting_takes_proposals_now(seeded):
    upcoming = Meeting.objects.filter(
        series_year=timezone.localdate().year, starts_at__gt=timezone.now()
    ).order_by("starts_at")
    next_meeting = upcoming.first()
    if next_meeting is None:  # late December: the year's series is over
        assert not Meeting.objects.filter(topics_deadline__gt=timezone.now()).exists()
        return
    assert timezone.now() < next_meeting.topics_deadline < next_meeting.starts_at
    statuses = set(next_meeting.topics.values_list("status", flat=True))
    assert TopicStatus.PROPOSED in statuses
    assert TopicStatus.ACCEPTED in statuses
    assert not next_meeting.decisions.exists()
    assert not upcoming.exclude(pk=next_meeting.pk).filter(topics__isnull=False).exists()
