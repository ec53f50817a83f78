"""The regular series: heads in even months, deputy heads in odd months, on the second
Wednesday at 14:00 (Asia/Seoul) or the next working day, every active institution invited;
``meeting_series_schedule`` and ``manage.py schedule_meetings`` (issue 4, point 2)."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Institution, Membership
from meetings.models import Invitation, Meeting, MeetingKind
from meetings.services import (
    meeting_reschedule,
    meeting_series_schedule,
    nth_weekday_of_month,
    series_meeting_day,
)
from portal.roles import InstitutionRole
from tests.factories import InstitutionFactory, member_of

SEOUL = ZoneInfo("Asia/Seoul")
YEARS = [2024, 2025, 2026, 2027]


def _snapshot() -> tuple[list, list]:
    """Every meeting and invitation as the database holds them."""
    return (
        list(Meeting.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("year", YEARS)
def test_series_of_the_demo_institutions(seeded, year):
    # seed_demo has made this year's series already: the others are made here.
    meeting_series_schedule(year=year)

    meetings = list(Meeting.objects.filter(series_year=year).order_by("series_month"))
    assert [meeting.series_month for meeting in meetings] == list(range(1, 13))
    kr_holidays = holidays.country_holidays("KR", years=year)
    active = set(Institution.objects.active().values_list("pk", flat=True))
    assert len(active) == 27
    for meeting in meetings:
        month = meeting.series_month
        assert meeting.kind == (MeetingKind.HEADS if month % 2 == 0 else MeetingKind.DEPUTY_HEADS)
        start = meeting.starts_at.astimezone(SEOUL)
        assert (start.year, start.month) == (year, month)
        assert start.weekday() < 5, f"{start:%Y-%m-%d} is a weekend"
        assert start.date() not in kr_holidays, f"{start:%Y-%m-%d} is {kr_holidays[start.date()]}"
        assert start.time() == datetime.time(14, 0)
        assert meeting.ends_at - meeting.starts_at == datetime.timedelta(hours=2)
        # Never earlier than the second Wednesday, and only as late as holidays push it.
        assert start.date() >= nth_weekday_of_month(year, month, weekday=2, ordinal=2)

        invitations = list(meeting.invitations.select_related("user__membership"))
        assert len(invitations) == 27
        assert {invitation.institution_id for invitation in invitations} == active
        seat = InstitutionRole.HEAD if meeting.kind == MeetingKind.HEADS else (
            InstitutionRole.DEPUTY_HEAD
        )
        for invitation in invitations:
            assert invitation.user.membership.role == seat
            assert invitation.user.membership.institution_id == invitation.institution_id


@pytest.mark.parametrize(
    ("year", "month", "expected", "why"),
    [
        (2024, 2, datetime.date(2024, 2, 14), "an ordinary second Wednesday"),
        (2024, 4, datetime.date(2024, 4, 11), "National Assembly election day"),
        (2024, 10, datetime.date(2024, 10, 10), "Hangul Day"),
        # The substitute holiday for Chuseok, then Hangul Day: two days later.
        (2025, 10, datetime.date(2025, 10, 10), "substitute holiday, then Hangul Day"),
    ],
)
def test_a_holiday_moves_the_meeting_to_the_next_working_day(year, month, expected, why):
    assert series_meeting_day(year, month) == expected, why


def test_running_again_changes_nothing(seeded):
    meeting_series_schedule(year=2025)
    before = _snapshot()

    again = meeting_series_schedule(year=2025)

    assert _snapshot() == before
    assert not again.changed_anything
    assert len(again.unchanged) == 12
    assert again.invitations_added == 0


def test_the_command_schedules_once_and_says_what_it_did(seeded):
    year = timezone.localdate().year + 5  # a year seed_demo has not scheduled
    out = StringIO()
    call_command("schedule_meetings", "--year", str(year), stdout=out)
    first = out.getvalue()
    before = _snapshot()
    out = StringIO()
    call_command("schedule_meetings", "--year", str(year), stdout=out)

    assert "12 created" in first
    assert "324 invitations added" in first
    assert f"{series_meeting_day(year, 2):%Y-%m-%d}" in first  # February's heads' meeting
    assert "0 created" in out.getvalue()
    assert "12 unchanged; 0 invitations added" in out.getvalue()
    assert _snapshot() == before


def test_a_meeting_moved_by_hand_is_left_alone(world):
    meeting_series_schedule(year=2026)
    june = Meeting.objects.get(series_year=2026, series_month=6)
    moved_to = datetime.datetime(2026, 6, 18, 10, 0, tzinfo=SEOUL)
    meeting_reschedule(
        meeting=june, starts_at=moved_to, ends_at=moved_to + datetime.timedelta(hours=1)
    )
    june.invitations.all().delete()

    outcome = meeting_series_schedule(year=2026)

    june.refresh_from_db()
    assert june.moved_by_hand
    assert june.starts_at == moved_to
    assert outcome.kept_by_hand == [june]
    assert not june.invitations.exists()  # its invitees are the city's choice too
    assert Meeting.objects.filter(series_year=2026).count() == 12


def test_a_changed_rule_moves_the_series_but_not_a_hand_moved_meeting(world, settings):
    meeting_series_schedule(year=2026)
    march = Meeting.objects.get(series_year=2026, series_month=3)
    moved_to = datetime.datetime(2026, 3, 20, 15, 0, tzinfo=SEOUL)
    meeting_reschedule(
        meeting=march, starts_at=moved_to, ends_at=moved_to + datetime.timedelta(hours=2)
    )
    settings.MEETING_SERIES_WEEKDAY = 3  # Thursday
    settings.MEETING_SERIES_ORDINAL = 1
    settings.MEETING_SERIES_TIME = "10:00"

    outcome = meeting_series_schedule(year=2026)

    assert len(outcome.rescheduled) == 11
    january = Meeting.objects.get(series_year=2026, series_month=1)
    # The first Thursday is New Year's Day: the next working day, Friday the 2nd.
    assert january.starts_at == datetime.datetime(2026, 1, 2, 10, 0, tzinfo=SEOUL)
    february = Meeting.objects.get(series_year=2026, series_month=2)
    assert february.starts_at == datetime.datetime(2026, 2, 5, 10, 0, tzinfo=SEOUL)
    march.refresh_from_db()
    assert march.starts_at == moved_to


def test_only_active_institutions_and_filled_seats_are_invited(world):
    """The world's X has a head and a deputy head, Y a head only; a former institution's
    head is not invited."""
    former = InstitutionFactory(code="OLDINST", is_active=False)
    member_of(former, InstitutionRole.HEAD, "head-old")

    outcome = meeting_series_schedule(year=2027)

    heads = Meeting.objects.get(series_year=2027, series_month=4)
    assert set(heads.invitations.values_list("user__username", flat=True)) == {
        "head-x",
        "head-y",
    }
    deputies = Meeting.objects.get(series_year=2027, series_month=5)
    assert list(deputies.invitations.values_list("user__username", flat=True)) == ["deputy-x"]
    # Y's empty deputy seat is reported for every odd month.
    assert sorted(outcome.seats_empty) == [1, 3, 5, 7, 9, 11]
    assert outcome.seats_empty[5] == [world.institution_y]


def test_a_new_institution_is_invited_on_the_next_run_without_doubling(world):
    meeting_series_schedule(year=2027)
    newcomer = InstitutionFactory(code="NEWINST")
    member_of(newcomer, InstitutionRole.HEAD, "head-new")
    # X's head changes: X was invited once and stays invited once.
    Membership.objects.filter(user__username="head-x").delete()
    member_of(world.institution_x, InstitutionRole.HEAD, "head-x-2")

    outcome = meeting_series_schedule(year=2027)

    assert outcome.invitations_added == 6  # the newcomer's head, for the six heads' meetings
    heads = Meeting.objects.get(series_year=2027, series_month=2)
    assert sorted(heads.invitations.values_list("user__username", flat=True)) == [
        "head-new",
        "head-x",
        "head-y",
    ]
