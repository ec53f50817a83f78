"""A personal subscription feed at a secret, revocable address (issue 4, point 6)."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import CalendarFeed, Invitation, Meeting, MeetingKind
from meetings.services import calendar_feed_issue, calendar_feed_revoke, meeting_series_schedule
from portal.roles import InstitutionRole
from tests.factories import InstitutionFactory, member_of

LIST = reverse("meetings:list")


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("meetings:feed_ics", kwargs={"token": feed.token})


def _uids(body: bytes) -> set[str]:
    return {str(event["UID"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}


@pytest.fixture
def meetings_ahead(world):
    """Next year's series, and a meeting only Y is invited to."""
    year = timezone.localdate().year + 1
    meeting_series_schedule(year=year)
    starts_at = timezone.now() + datetime.timedelta(days=3)
    y_only = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="와이기관 간담회",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )
    Invitation.objects.create(
        meeting=y_only, user=world.users["head_y"], institution=world.institution_y
    )
    return y_only


def test_the_feed_holds_the_meetings_its_owner_sees(world, meetings_ahead, client):
    feed = calendar_feed_issue(user=world.users["head_x"])

    response = client.get(_feed_url(feed))  # no sign-in: calendar apps cannot

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    uids = _uids(response.content)
    year = timezone.localdate().year + 1
    series = Meeting.objects.filter(series_year=year)
    assert uids == {f"meeting-{m.pk}@donghaeng.gwangju.go.kr" for m in series}
    assert f"meeting-{meetings_ahead.pk}@donghaeng.gwangju.go.kr" not in uids


def test_the_city_feed_holds_every_meeting(world, meetings_ahead, client):
    feed = calendar_feed_issue(user=world.users["city_staff"])
    assert len(_uids(client.get(_feed_url(feed)).content)) == 13


def test_a_meeting_more_than_a_year_past_is_left_out(world, client):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    old = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="지난해 간담회",
        starts_at=long_ago,
        ends_at=long_ago + datetime.timedelta(hours=1),
    )
    feed = calendar_feed_issue(user=world.users["city_staff"])
    assert f"meeting-{old.pk}@donghaeng.gwangju.go.kr" not in _uids(
        client.get(_feed_url(feed)).content
    )


def test_a_new_address_replaces_the_old_one(world, client):
    first = calendar_feed_issue(user=world.users["head_x"])
    second = calendar_feed_issue(user=world.users["head_x"])

    assert first.token != second.token
    assert len(second.token) >= 43
    assert client.get(_feed_url(first)).status_code == 404
    assert client.get(_feed_url(second)).status_code == 200
    assert CalendarFeed.objects.filter(user=world.users["head_x"], revoked_at=None).count() == 1


def test_revoking_ends_the_address(world, client):
    feed = calendar_feed_issue(user=world.users["head_x"])
    assert calendar_feed_revoke(user=world.users["head_x"]) == 1
    assert calendar_feed_revoke(user=world.users["head_x"]) == 0  # idempotent
    assert client.get(_feed_url(feed)).status_code == 404


def test_the_owner_manages_the_address_on_the_meetings_page(world, client_as):
    client = client_as(world.users["staff_x"])
    assert 'id="feed-url"' not in client.get(LIST).text

    response = client.post(reverse("meetings:feed_issue"))
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=world.users["staff_x"], revoked_at=None)
    page = client.get(LIST).text
    assert f"http://testserver{_feed_url(feed)}" in page

    client.post(reverse("meetings:feed_revoke"))
    assert 'id="feed-url"' not in client.get(LIST).text
    assert client.get(_feed_url(feed)).status_code == 404


def test_a_users_page_never_shows_another_users_address(world, client_as):
    feed = calendar_feed_issue(user=world.users["head_x"])
    assert feed.token not in client_as(world.users["city_staff"]).get(LIST).text


@pytest.mark.parametrize("institutions", [2, 30])
def test_feed_query_count_does_not_grow(world, client, django_assert_max_num_queries, institutions):
    for number in range(institutions):
        member_of(InstitutionFactory(code=f"F{number:03d}"), InstitutionRole.HEAD, f"h-{number}")
    meeting_series_schedule(year=timezone.localdate().year + 1)
    feed = calendar_feed_issue(user=world.users["city_staff"])
    with django_assert_max_num_queries(6):
        assert client.get(_feed_url(feed)).status_code == 200
