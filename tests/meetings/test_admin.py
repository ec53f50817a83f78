"""Moving a series meeting in the Django admin is the city's decision: the series keeps it."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_series_schedule

SEOUL = ZoneInfo("Asia/Seoul")


def _change_form(meeting: Meeting, **changes) -> dict:
    local_start = meeting.starts_at.astimezone(SEOUL)
    local_end = meeting.ends_at.astimezone(SEOUL)
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "visited_institution": "",
        "starts_at_0": f"{local_start:%Y-%m-%d}",
        "starts_at_1": f"{local_start:%H:%M:%S}",
        "ends_at_0": f"{local_end:%Y-%m-%d}",
        "ends_at_1": f"{local_end:%H:%M:%S}",
        "place": meeting.place,
        "host": meeting.host,
        "status": meeting.status,
        "description": "",
        "invitations-TOTAL_FORMS": "0",
        "invitations-INITIAL_FORMS": "0",
        "invitations-MIN_NUM_FORMS": "0",
        "invitations-MAX_NUM_FORMS": "1000",
        "attendees-TOTAL_FORMS": "0",
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "0",
        "attendees-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def test_moving_a_series_meeting_in_the_admin_keeps_it_moved(world, client_as):
    meeting_series_schedule(year=2027)
    march = Meeting.objects.get(series_year=2027, series_month=3)
    march.invitations.all().delete()  # keeps the inline formset empty
    client = client_as(world.users["admin"])
    url = reverse("admin:meetings_meeting_change", args=[march.pk])

    unchanged = client.post(url, _change_form(march, title="3월 부기관장 회의(과제 토론)"))
    assert unchanged.status_code == 302
    march.refresh_from_db()
    assert not march.moved_by_hand  # a new title is not a new time

    moved = client.post(url, _change_form(march, starts_at_0="2027-03-18", ends_at_0="2027-03-18"))
    assert moved.status_code == 302
    march.refresh_from_db()
    assert march.moved_by_hand
    assert march.starts_at == datetime.datetime(2027, 3, 18, 14, 0, tzinfo=SEOUL)

    meeting_series_schedule(year=2027)
    march.refresh_from_db()
    assert march.starts_at == datetime.datetime(2027, 3, 18, 14, 0, tzinfo=SEOUL)
