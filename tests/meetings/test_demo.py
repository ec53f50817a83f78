"""seed_demo's meetings: this year's regular series and the 2024 field-dialogue programme
(issue 4, point 8)."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import holidays
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Institution
from meetings.demo import FIELD_DIALOGUE_HOST
from meetings.models import Meeting, MeetingKind, MeetingStatus, Rsvp

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
