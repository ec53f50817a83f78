"""Answering an invitation: the invited institution's head, or its deputy head standing in,
answers for it; its staff and the city see the answer but do not give it (issue 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation, Meeting, MeetingKind, MeetingStatus, Rsvp
from meetings.services import MeetingError, invitation_respond
from tests.pages import section_text


@pytest.fixture
def invitation(world):
    """X's invitation to a meeting next week, addressed to X's head."""
    starts_at = timezone.now() + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(
        kind=MeetingKind.HEADS,
        title="기관장 회의",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_y"], institution=world.institution_y
    )
    return Invitation.objects.create(
        meeting=meeting, user=world.users["head_x"], institution=world.institution_x
    )


@pytest.mark.parametrize("who", ["head_x", "deputy_x", "admin"])
def test_the_head_the_deputy_or_the_admin_answers(world, invitation, who):
    invitation_respond(invitation=invitation, by=world.users[who], rsvp=Rsvp.ATTENDING)

    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.ATTENDING
    assert invitation.responded_at is not None


@pytest.mark.parametrize("who", ["staff_x", "head_y", "staff_y", "city_staff"])
def test_others_may_not_answer(world, invitation, who):
    with pytest.raises(MeetingError) as refused:
        invitation_respond(invitation=invitation, by=world.users[who], rsvp=Rsvp.ATTENDING)

    assert refused.value.code == "forbidden"
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.PENDING


def test_a_delegate_needs_a_name_and_loses_it_on_another_answer(world, invitation):
    head = world.users["head_x"]
    with pytest.raises(MeetingError) as refused:
        invitation_respond(invitation=invitation, by=head, rsvp=Rsvp.DELEGATE, delegate_name=" ")
    assert refused.value.code == "delegate_name"

    invitation_respond(
        invitation=invitation, by=head, rsvp=Rsvp.DELEGATE, delegate_name=" 김대리 "
    )
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.delegate_name) == (Rsvp.DELEGATE, "김대리")

    invitation_respond(invitation=invitation, by=head, rsvp=Rsvp.NOT_ATTENDING)
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.delegate_name) == (Rsvp.NOT_ATTENDING, "")


@pytest.mark.parametrize(
    "change",
    [
        {"status": MeetingStatus.CANCELLED},
        {"status": MeetingStatus.HELD},
        {"starts_at": timezone.now() - datetime.timedelta(hours=1)},
    ],
    ids=["cancelled", "held", "started"],
)
def test_no_answer_once_the_meeting_is_over_or_off(world, invitation, change):
    Meeting.objects.filter(pk=invitation.meeting_id).update(**change)
    with pytest.raises(MeetingError) as refused:
        invitation_respond(invitation=invitation, by=world.users["head_x"], rsvp=Rsvp.ATTENDING)
    assert refused.value.code == "closed"


def test_pending_is_not_an_answer(world, invitation):
    with pytest.raises(MeetingError):
        invitation_respond(invitation=invitation, by=world.users["head_x"], rsvp=Rsvp.PENDING)


# --- Through the pages ------------------------------------------------------------------------


def _detail(client, invitation):
    return client.get(reverse("meetings:detail", kwargs={"pk": invitation.meeting_id}))


def _rsvp(client, invitation, rsvp, delegate_name=""):
    prefix = f"invitation-{invitation.pk}"
    return client.post(
        reverse("meetings:rsvp", kwargs={"pk": invitation.pk}),
        {f"{prefix}-rsvp": rsvp, f"{prefix}-delegate_name": delegate_name},
    )


def test_the_head_answers_on_the_meeting_page(world, invitation, client_as):
    client = client_as(world.users["head_x"])
    page = _detail(client, invitation).content.decode()
    assert reverse("meetings:rsvp", kwargs={"pk": invitation.pk}) in page

    response = _rsvp(client, invitation, Rsvp.DELEGATE, "김대리")

    assert response.status_code == 302
    assert response["Location"] == invitation.meeting.get_absolute_url()
    text = section_text(_detail(client, invitation).content.decode(), "invitations-title")
    assert "대리 참석 (김대리)" in text


def test_a_delegate_without_a_name_is_an_error_next_to_the_field(world, invitation, client_as):
    response = _rsvp(client_as(world.users["deputy_x"]), invitation, Rsvp.DELEGATE)

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_invitation-{invitation.pk}-delegate_name_error"' in page
    assert "대리 참석자의 이름을 적어 주세요." in page
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.PENDING


def test_a_refused_answer_is_shown_on_the_page(world, invitation, client_as):
    Meeting.objects.filter(pk=invitation.meeting_id).update(status=MeetingStatus.CANCELLED)
    response = _rsvp(client_as(world.users["head_x"]), invitation, Rsvp.ATTENDING)
    assert response.status_code == 400
    assert "이미 열렸거나 취소된 회의에는 회신할 수 없습니다." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "sees", "may_answer"),
    [
        ("staff_x", ["엑스기관"], False),
        ("deputy_x", ["엑스기관"], True),
        ("head_x", ["엑스기관"], True),
        ("head_y", ["와이기관"], False),  # Y's own invitation: addressed to Y, not to X's form
        ("city_staff", ["엑스기관", "와이기관"], False),
        ("admin", ["엑스기관", "와이기관"], True),
    ],
)
def test_each_sees_their_own_institutions_invitations(
    world, invitation, client_as, who, sees, may_answer
):
    page = _detail(client_as(world.users[who]), invitation).content.decode()
    text = section_text(page, "invitations-title")

    for name in ("엑스기관", "와이기관"):
        assert (name in text) == (name in sees), name
    x_form = reverse("meetings:rsvp", kwargs={"pk": invitation.pk})
    assert (x_form in page) == may_answer


@pytest.mark.parametrize(
    "change",
    [{"status": MeetingStatus.CANCELLED}, {"starts_at": timezone.now()}],
    ids=["cancelled", "started"],
)
def test_no_answer_form_once_answers_are_closed(world, invitation, client_as, change):
    Meeting.objects.filter(pk=invitation.meeting_id).update(**change)
    page = _detail(client_as(world.users["head_x"]), invitation).content.decode()
    assert reverse("meetings:rsvp", kwargs={"pk": invitation.pk}) not in page
    assert "응답 전" in section_text(page, "invitations-title")
