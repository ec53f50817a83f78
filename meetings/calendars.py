"""Meetings as iCalendar (RFC 5545) files, built with the ``icalendar`` package.

Times are written in Asia/Seoul with a TZID and the matching VTIMEZONE, so a calendar shows
14:00 for a 14:00 meeting wherever it is read. A meeting's UID never changes, so importing the
file again updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus

PRODUCT_ID = "-//Gwangju Metropolitan City//Donghaeng Portal//KO"
UID_DOMAIN = "donghaeng.gwangju.go.kr"

# RFC 5545 3.8.1.11: an event's STATUS.
_ICAL_STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def meeting_event(meeting: Meeting, *, url: str = "") -> icalendar.Event:
    seoul = ZoneInfo(settings.TIME_ZONE)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(seoul))
    event.add("dtend", meeting.ends_at.astimezone(seoul))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.host:
        event.add("description", meeting.host)
    event.add("status", _ICAL_STATUS[MeetingStatus(meeting.status)])
    if url:
        event.add("url", url)
    return event


def calendar_of(meetings: list[Meeting], *, url_of=None) -> bytes:
    """One VCALENDAR with an event per meeting; ``url_of(meeting)`` gives its page."""
    ical = icalendar.Calendar()
    ical.add("prodid", PRODUCT_ID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    for meeting in meetings:
        ical.add_component(meeting_event(meeting, url=url_of(meeting) if url_of else ""))
    ical.add_missing_timezones()
    return ical.to_ical()
