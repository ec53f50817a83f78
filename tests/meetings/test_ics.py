"""A meeting's .ics: valid RFC 5545 that icalendar parses back to the same times, in
Asia/Seoul with a TZID, under a UID that never changes (issue 4, point 6)."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from meetings.models import Meeting, MeetingStatus
from meetings.services import meeting_reschedule, meeting_series_schedule

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def october(world):
    """October 2025's heads' meeting: moved past two holidays to Friday the 10th."""
    meeting_series_schedule(year=2025)
    return Meeting.objects.get(series_year=2025, series_month=10)


def _download(client, meeting):
    response = client.get(reverse("meetings:ics", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response.content


def _only_event(body: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_the_ics_round_trips(october, client_as, world):
    body = _download(client_as(world.users["staff_x"]), october)

    event = _only_event(body)
    start = event.decoded("DTSTART")
    assert start == october.starts_at
    assert start == datetime.datetime(2025, 10, 10, 14, 0, tzinfo=SEOUL)
    assert start.utcoffset() == datetime.timedelta(hours=9)
    assert event.decoded("DTEND") == october.ends_at
    assert str(event["SUMMARY"]) == october.title
    assert str(event["LOCATION"]) == october.place
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(october.get_absolute_url())
    for required in ("UID", "DTSTAMP"):
        assert required in event


def test_times_carry_the_seoul_timezone(october, client_as, world):
    body = _download(client_as(world.users["city_staff"]), october)

    assert b"DTSTART;TZID=Asia/Seoul:20251010T140000\r\n" in body
    assert b"DTEND;TZID=Asia/Seoul:20251010T160000\r\n" in body
    timezones = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Seoul"]
    # RFC 5545 3.1: lines end in CRLF and are folded at 75 octets.
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_the_uid_stays_when_the_meeting_moves(october, client_as, world):
    client = client_as(world.users["city_staff"])
    before = _only_event(_download(client, october))
    moved_to = datetime.datetime(2025, 10, 14, 10, 0, tzinfo=SEOUL)
    meeting_reschedule(
        meeting=october, starts_at=moved_to, ends_at=moved_to + datetime.timedelta(hours=2)
    )
    october.status = MeetingStatus.POSTPONED
    october.save()

    after = _only_event(_download(client, october))

    expected_uid = f"meeting-{october.pk}@donghaeng.gwangju.go.kr"
    assert str(after["UID"]) == str(before["UID"]) == expected_uid
    assert after.decoded("DTSTART") == moved_to
    assert str(after["STATUS"]) == "TENTATIVE"


def test_a_cancelled_meeting_says_so(october, client_as, world):
    october.status = MeetingStatus.CANCELLED
    october.save()
    event = _only_event(_download(client_as(world.users["city_staff"]), october))
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_meeting_not_for_the_institution_has_no_ics(october, client_as, world):
    """Y has no deputy head, so it is not invited to the deputy heads' meetings."""
    november = Meeting.objects.get(series_year=2025, series_month=11)
    client = client_as(world.users["head_y"])
    assert client.get(reverse("meetings:ics", kwargs={"pk": november.pk})).status_code == 404
    assert client.get(reverse("meetings:ics", kwargs={"pk": october.pk})).status_code == 200
