"""Difficulties heard in a field dialogue (현장의 어려움), recorded by city staff and seen by
the city and the visited institution (issue 4, point 3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import DifficultyHeard, Invitation, Meeting, MeetingKind
from meetings.services import MeetingError, difficulty_record
from tests.factories import JointProjectFactory
from tests.pages import section_text


def _dialogue(world, *, starts_in=-datetime.timedelta(hours=2), kind=MeetingKind.FIELD_DIALOGUE):
    starts_at = timezone.now() + starts_in
    meeting = Meeting.objects.create(
        kind=kind,
        title="현장 대화: 엑스기관",
        visited_institution=world.institution_x,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_x"], institution=world.institution_x
    )
    # Y is invited too, to hear X's difficulties it must not see.
    Invitation.objects.create(
        meeting=meeting, user=world.users["head_y"], institution=world.institution_y
    )
    return meeting


@pytest.fixture
def dialogue(world):
    return _dialogue(world)


@pytest.mark.parametrize("who", ["city_staff", "admin"])
def test_the_city_records_what_it_heard(world, dialogue, who):
    difficulty = difficulty_record(
        meeting=dialogue, by=world.users[who], text="  야간 돌봄 인력이 부족합니다. "
    )
    assert difficulty.text == "야간 돌봄 인력이 부족합니다."
    assert difficulty.recorded_by == world.users[who]


@pytest.mark.parametrize("who", ["head_x", "deputy_x", "staff_x", "head_y"])
def test_only_the_city_records(world, dialogue, who):
    with pytest.raises(MeetingError) as refused:
        difficulty_record(meeting=dialogue, by=world.users[who], text="어려움")
    assert refused.value.code == "forbidden"


def test_not_before_the_dialogue_nor_for_another_kind(world):
    for meeting in (
        _dialogue(world, starts_in=datetime.timedelta(days=3)),
        _dialogue(world, kind=MeetingKind.OTHER),
    ):
        with pytest.raises(MeetingError):
            difficulty_record(meeting=meeting, by=world.users["city_staff"], text="어려움")
    assert not DifficultyHeard.objects.exists()


def test_empty_text_is_refused(world, dialogue):
    with pytest.raises(MeetingError) as refused:
        difficulty_record(meeting=dialogue, by=world.users["city_staff"], text="   ")
    assert refused.value.code == "empty"


@pytest.mark.parametrize(
    ("who", "sees", "may_record"),
    [
        ("staff_x", True, False),
        ("head_x", True, False),
        ("head_y", False, False),
        ("city_staff", True, True),
    ],
)
def test_who_sees_what_was_heard(world, dialogue, client_as, who, sees, may_record):
    difficulty_record(meeting=dialogue, by=world.users["city_staff"], text="정보 공유가 늦습니다.")
    page = client_as(world.users[who]).get(dialogue.get_absolute_url()).text

    assert ("정보 공유가 늦습니다." in section_text(page, "difficulties-title")) == sees
    form = reverse("meetings:difficulty_add", kwargs={"pk": dialogue.pk})
    assert (form in page) == may_record


def test_recording_on_the_page(world, dialogue, client_as):
    client = client_as(world.users["city_staff"])
    url = reverse("meetings:difficulty_add", kwargs={"pk": dialogue.pk})

    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    assert 'id="id_text_error"' in empty.text

    response = client.post(url, {"text": "주말 돌봄 인력을 구하기 어렵습니다."}, follow=True)
    text = section_text(response.text, "difficulties-title")
    assert "주말 돌봄 인력을 구하기 어렵습니다." in text
    assert DifficultyHeard.objects.get().meeting == dialogue


def test_the_agenda_is_the_institutions_joint_projects(world, dialogue, client_as):
    published = JointProjectFactory(lead_institution=world.institution_x, title="엑스 돌봄 사업")
    hidden = JointProjectFactory(
        lead_institution=world.institution_x, title="엑스 준비 사업", is_published=False
    )
    partnered = JointProjectFactory(lead_institution=world.institution_y, title="와이 협업 사업")
    partnered.partner_institutions.add(world.institution_x)
    JointProjectFactory(lead_institution=world.institution_y, title="와이 단독 사업")

    city = section_text(
        client_as(world.users["city_staff"]).get(dialogue.get_absolute_url()).text,
        "agenda-title",
    )
    y_head = section_text(
        client_as(world.users["head_y"]).get(dialogue.get_absolute_url()).text, "agenda-title"
    )

    for title in (published.title, hidden.title, partnered.title):
        assert title in city
    assert "와이 단독 사업" not in city
    # Y's head sees the published projects only: X's unpublished one stays X's.
    assert published.title in y_head
    assert hidden.title not in y_head
