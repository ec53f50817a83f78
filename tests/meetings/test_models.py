"""What the database itself refuses about meetings and invitations."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Invitation, Meeting, MeetingKind, Rsvp


def _meeting(**kwargs) -> Meeting:
    starts_at = timezone.now() + datetime.timedelta(days=10)
    values = {
        "kind": MeetingKind.OTHER,
        "title": "간담회",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=1),
    } | kwargs
    return Meeting.objects.create(**values)


def _refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("model", Invitation).objects.create(**kwargs)


def test_one_invitation_per_person_and_meeting(world):
    meeting = _meeting()
    head = world.users["head_x"]
    Invitation.objects.create(meeting=meeting, user=head, institution=world.institution_x)
    _refused(meeting=meeting, user=head, institution=world.institution_x)


@pytest.mark.parametrize(
    ("rsvp", "delegate_name"),
    [(Rsvp.DELEGATE, ""), (Rsvp.ATTENDING, "김대리"), (Rsvp.PENDING, "김대리")],
)
def test_a_delegate_name_exactly_when_sending_a_delegate(world, rsvp, delegate_name):
    _refused(
        meeting=_meeting(),
        user=world.users["head_x"],
        institution=world.institution_x,
        rsvp=rsvp,
        delegate_name=delegate_name,
    )


def test_a_delegate_with_a_name_is_kept(world):
    invitation = Invitation.objects.create(
        meeting=_meeting(),
        user=world.users["head_x"],
        institution=world.institution_x,
        rsvp=Rsvp.DELEGATE,
        delegate_name="김대리",
    )
    assert invitation.pk


def test_one_series_meeting_per_kind_and_month(db):
    _meeting(kind=MeetingKind.HEADS, series_year=2026, series_month=2)
    _refused(
        model=Meeting,
        kind=MeetingKind.HEADS,
        title="둘째",
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
        series_year=2026,
        series_month=2,
    )


@pytest.mark.parametrize(
    "values",
    [
        {"kind": MeetingKind.FIELD_DIALOGUE, "series_year": 2026, "series_month": 2},
        {"kind": MeetingKind.HEADS, "series_year": 2026, "series_month": 13},
        {"kind": MeetingKind.HEADS, "series_year": 2026},
        {"status": "maybe"},
        {"kind": MeetingKind.FIELD_DIALOGUE},  # visits no institution
    ],
)
def test_invalid_meetings_are_refused(db, values):
    start = timezone.now()
    valid = {
        "kind": MeetingKind.OTHER,
        "title": "회의",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
    }
    _refused(model=Meeting, **(valid | values))


def test_a_meeting_ends_after_it_starts(db):
    start = timezone.now()
    _refused(model=Meeting, kind=MeetingKind.OTHER, title="회의", starts_at=start, ends_at=start)
