"""Meetings and people for the notification tests: times are fixed (``NOW``, in ``YEAR``,
two years ahead so that services reading the real clock see the meeting still to come) and
every planned time is known in advance."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from meetings.models import Invitation, Meeting, MeetingKind

SEOUL = ZoneInfo("Asia/Seoul")
YEAR = datetime.datetime.now(SEOUL).year + 2
# A morning in Seoul; the meeting below is three weeks later.
NOW = datetime.datetime(YEAR, 3, 6, 10, 0, tzinfo=SEOUL)


def seoul(year, month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture
def with_emails(world):
    """Every signed-in role of the world gets an e-mail address (role@example.kr)."""
    for role, user in world.users.items():
        if user is not None:
            user.email = f"{role.replace('_', '-')}@example.kr"
            user.save(update_fields=["email"])
    return world


@pytest.fixture
def meeting(world):
    """A heads' meeting on 27 March of ``YEAR``, 14:00, X's and Y's heads and X's staff
    invited (the staff member on no institution's behalf), topics proposed until 20 March."""
    meeting = Meeting.objects.create(
        kind=MeetingKind.HEADS,
        title="3월 기관장 회의",
        starts_at=seoul(YEAR, 3, 27, 14),
        ends_at=seoul(YEAR, 3, 27, 16),
        place="시청 3층",
        topics_deadline=seoul(YEAR, 3, 20, 18),
    )
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_x"], institution=world.institution_x
    )
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_y"], institution=world.institution_y
    )
    Invitation.objects.create(meeting=meeting, user=world.users["staff_x"])
    return meeting
