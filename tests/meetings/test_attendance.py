"""Attendance taken on the day by city staff (issue 4, point 1)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation, Meeting, MeetingKind, MeetingStatus, Rsvp
from meetings.services import MeetingError, attendance_record
from tests.pages import section_text


def _meeting_with_x_and_y(world, *, starts_in: datetime.timedelta) -> Meeting:
    starts_at = timezone.now() + starts_in
    meeting = Meeting.objects.create(
        kind=MeetingKind.HEADS,
        title="기관장 회의",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    Invitation.objects.create(
        meeting=meeting,
        user=world.users["head_x"],
        institution=world.institution_x,
        rsvp=Rsvp.DELEGATE,
        delegate_name="김대리",
    )
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_y"], institution=world.institution_y
    )
    return meeting


@pytest.fixture
def earlier_today(world):
    return _meeting_with_x_and_y(world, starts_in=-datetime.timedelta(minutes=30))


def _attended(meeting) -> dict[str, bool | None]:
    return dict(meeting.invitations.values_list("institution__code", "attended"))


def test_the_city_takes_attendance_and_the_meeting_is_held(world, earlier_today):
    x = earlier_today.invitations.get(institution=world.institution_x)

    attendance_record(meeting=earlier_today, by=world.users["city_staff"], present={x.pk})

    assert _attended(earlier_today) == {"XINST": True, "YINST": False}
    earlier_today.refresh_from_db()
    assert earlier_today.status == MeetingStatus.HELD

    before = list(Invitation.objects.order_by("pk").values())
    updated_at = Meeting.objects.get(pk=earlier_today.pk).updated_at
    attendance_record(meeting=earlier_today, by=world.users["city_staff"], present={x.pk})
    assert list(Invitation.objects.order_by("pk").values()) == before
    assert Meeting.objects.get(pk=earlier_today.pk).updated_at == updated_at


@pytest.mark.parametrize("who", ["head_x", "deputy_x", "staff_x", "head_y"])
def test_only_the_city_takes_attendance(world, earlier_today, who):
    with pytest.raises(MeetingError) as refused:
        attendance_record(meeting=earlier_today, by=world.users[who], present=set())
    assert refused.value.code == "forbidden"
    assert set(_attended(earlier_today).values()) == {None}


def test_not_before_the_day(world):
    meeting = _meeting_with_x_and_y(world, starts_in=datetime.timedelta(days=2))
    with pytest.raises(MeetingError) as refused:
        attendance_record(meeting=meeting, by=world.users["city_staff"], present=set())
    assert refused.value.code == "not_open"


def test_not_for_a_cancelled_meeting(world, earlier_today):
    Meeting.objects.filter(pk=earlier_today.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(MeetingError) as refused:
        attendance_record(meeting=earlier_today, by=world.users["admin"], present=set())
    assert refused.value.code == "not_open"


def test_only_this_meetings_invitations(world, earlier_today):
    other = _meeting_with_x_and_y(world, starts_in=-datetime.timedelta(days=1))
    stranger = other.invitations.first()
    with pytest.raises(MeetingError) as refused:
        attendance_record(
            meeting=earlier_today, by=world.users["city_staff"], present={stranger.pk}
        )
    assert refused.value.code == "unknown"


def test_the_checklist_starts_from_the_answers(world, earlier_today, client_as):
    page = client_as(world.users["city_staff"]).get(earlier_today.get_absolute_url()).text
    x = earlier_today.invitations.get(institution=world.institution_x)
    y = earlier_today.invitations.get(institution=world.institution_y)

    assert section_text(page, "attendance-title")
    assert f'value="{x.pk}" id="present-{x.pk}" checked' in page  # sent a delegate
    assert f'value="{y.pk}" id="present-{y.pk}">' in page  # has not answered


def test_the_city_ticks_who_came_on_the_page(world, earlier_today, client_as):
    client = client_as(world.users["city_staff"])
    y = earlier_today.invitations.get(institution=world.institution_y)
    url = reverse("meetings:attendance", kwargs={"pk": earlier_today.pk})

    response = client.post(url, {"present": [str(y.pk)]})

    assert response.status_code == 302
    assert _attended(earlier_today) == {"XINST": False, "YINST": True}
    page = client.get(earlier_today.get_absolute_url()).text
    assert "참석 확인을 저장했습니다." in page


@pytest.mark.parametrize("who", ["head_x", "admin"])
def test_no_checklist_before_the_day_or_for_the_institution(world, client_as, who):
    meeting = _meeting_with_x_and_y(world, starts_in=datetime.timedelta(days=2))
    future = client_as(world.users["admin"]).get(meeting.get_absolute_url()).text
    assert not section_text(future, "attendance-title")
    today = _meeting_with_x_and_y(world, starts_in=-datetime.timedelta(minutes=5))
    page = client_as(world.users[who]).get(today.get_absolute_url()).text
    assert bool(section_text(page, "attendance-title")) == (who == "admin")
