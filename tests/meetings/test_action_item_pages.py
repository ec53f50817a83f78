"""The public "you said, we did" page, city staff's action item pages, and open items on
the next meeting's page (issue 4, point 5)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, DifficultyHeard, Invitation, Meeting, MeetingKind
from meetings.services import action_item_create, action_item_update
from tests.factories import InstitutionFactory
from tests.pages import section_text, visible_text

PUBLIC_PAGE = reverse("meetings:you_said_we_did")
DUE = datetime.date(2030, 6, 30)


def _dialogue(institution, *, days_ago=1):
    starts_at = timezone.now() - datetime.timedelta(days=days_ago)
    return Meeting.objects.create(
        kind=MeetingKind.FIELD_DIALOGUE,
        title=f"현장 대화: {institution.name_ko}",
        visited_institution=institution,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )


def _heard(world, institution, text, *, status=None, summary=""):
    """A difficulty heard at ``institution``; with ``status``, an item that reached it."""
    difficulty = DifficultyHeard.objects.create(
        meeting=_dialogue(institution), text=text, recorded_by=world.users["city_staff"]
    )
    if status is None:
        return difficulty
    city = world.users["city_staff"]
    item = action_item_create(
        by=city,
        description=f"내부 조치 설명 {text}",
        due_on=DUE,
        difficulty=difficulty,
        owner_institution=institution,
    )
    if status == "in_progress":
        action_item_update(item=item, by=city, status=status, note="착수")
    elif status != "open":
        action_item_update(item=item, by=city, status=status, note="결론", outcome_summary=summary)
    return difficulty


@pytest.fixture
def heard(world):
    return {
        "none": _heard(world, world.institution_x, "주차 공간이 모자랍니다."),
        "open": _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.", status="open"),
        "done": _heard(
            world,
            world.institution_y,
            "노후 차량 교체가 늦습니다.",
            status="done",
            summary="차량 3대를 새로 들였습니다.",
        ),
    }


def test_the_public_page_shows_what_became_of_each_difficulty(world, heard, client):
    response = client.get(PUBLIC_PAGE)
    assert response.status_code == 200
    text = section_text(response.text, "outcomes-title")
    assert "주차 공간이 모자랍니다." in text
    assert "아직 정한 조치가 없습니다." in text
    assert "야간 돌봄 인력이 부족합니다." in text
    assert "접수" in text
    assert "노후 차량 교체가 늦습니다." in text
    assert "완료" in text
    assert "차량 3대를 새로 들였습니다." in text
    assert "와이기관" in text


def test_the_public_page_names_no_one(world, heard, client):
    page = visible_text(client.get(PUBLIC_PAGE).text)
    for user in world.users.values():
        if user is None:
            continue
        for personal in {user.get_full_name(), user.username, user.email} - {""}:
            assert personal not in page
    # The internal description of an item and the timeline's notes stay inside.
    assert "내부 조치 설명" not in page
    assert "결론" not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "none"}, ["주차 공간이 모자랍니다."]),
        ({"status": "open"}, ["야간 돌봄 인력이 부족합니다."]),
        ({"status": "done"}, ["노후 차량 교체가 늦습니다."]),
        ({"institution": "YINST"}, ["노후 차량 교체가 늦습니다."]),
        ({"institution": "XINST", "status": "done"}, []),
    ],
)
def test_the_public_page_filters_without_javascript(world, heard, client, query, shown):
    response = client.get(PUBLIC_PAGE, query)
    assert response.status_code == 200
    text = section_text(response.text, "outcomes-title")
    for difficulty in heard.values():
        assert (difficulty.text in text) == (difficulty.text in shown)


def test_a_bad_filter_is_a_400_with_a_korean_message(world, heard, client):
    response = client.get(PUBLIC_PAGE, {"status": "nonsense"})
    assert response.status_code == 400
    assert "찾기 조건이 올바르지 않습니다." in response.text


@pytest.mark.parametrize("institutions", [1, 12])
def test_the_public_page_query_count_does_not_grow(
    world, client, django_assert_max_num_queries, institutions
):
    for number in range(institutions):
        institution = InstitutionFactory(code=f"QC{number}", name_ko=f"쿼리기관{number}")
        for status in ("open", "done", None):
            _heard(world, institution, f"어려움 {number} {status}", status=status)
    with django_assert_max_num_queries(7):
        response = client.get(PUBLIC_PAGE)
    assert response.status_code == 200


def test_city_staff_open_an_item_from_a_difficulty(world, client_as):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.")
    address = reverse("meetings:action_item_new", kwargs={"pk": difficulty.pk})
    client = client_as(world.users["city_staff"])
    assert client.get(address).status_code == 200
    response = client.post(
        address,
        {"description": "인력 지원", "owner_institution": world.institution_x.pk, "due_on": DUE},
    )
    item = ActionItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    assert (item.difficulty, item.owner_institution, item.status) == (
        difficulty,
        world.institution_x,
        "open",
    )


def test_an_item_without_owner_is_refused_next_to_the_field(world, client_as):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.")
    response = client_as(world.users["city_staff"]).post(
        reverse("meetings:action_item_new", kwargs={"pk": difficulty.pk}),
        {"description": "인력 지원", "due_on": DUE},
    )
    assert response.status_code == 400
    assert "담당 기관이나 담당 실·국을 정해 주세요." in response.text
    assert not ActionItem.objects.exists()


def test_closing_without_a_note_is_a_400_and_nothing_changes(world, client_as):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.", status="open")
    item = difficulty.action_items.get()
    response = client_as(world.users["city_staff"]).post(
        reverse("meetings:action_item_update", kwargs={"pk": item.pk}),
        {"status": "done", "note": ""},
    )
    assert response.status_code == 400
    assert "완료나 중단으로 바꿀 때에는 그 까닭을 메모로 남겨 주세요." in response.text
    item.refresh_from_db()
    assert item.status == "open"


def test_the_owner_institution_leaves_a_progress_note(world, client_as):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.", status="open")
    item = difficulty.action_items.get()
    client = client_as(world.users["staff_x"])
    response = client.post(
        reverse("meetings:action_item_update", kwargs={"pk": item.pk}),
        {"status": "in_progress", "note": "채용 공고를 냈습니다."},
    )
    assert response.status_code == 302
    page = client.get(item.get_absolute_url())
    timeline = section_text(page.text, "timeline-title")
    assert "채용 공고를 냈습니다." in timeline
    assert "접수 → 진행 중" in timeline


def test_open_items_are_on_the_next_meetings_page_until_closed(world, client_as):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.", status="open")
    item = difficulty.action_items.get()
    starts_at = timezone.now() + datetime.timedelta(days=10)
    following = Meeting.objects.create(
        kind=MeetingKind.HEADS,
        title="기관장 회의",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    Invitation.objects.create(
        meeting=following, user=world.users["head_x"], institution=world.institution_x
    )
    client = client_as(world.users["head_x"])
    page = client.get(following.get_absolute_url())
    assert item.description in section_text(page.text, "action-items-title")
    action_item_update(item=item, by=world.users["city_staff"], status="done", note="해결")
    page = client.get(following.get_absolute_url())
    assert item.description not in section_text(page.text, "action-items-title")


@pytest.mark.parametrize("notes", [1, 25])
def test_the_timeline_page_query_count_does_not_grow(
    world, client_as, django_assert_max_num_queries, notes
):
    difficulty = _heard(world, world.institution_x, "야간 돌봄 인력이 부족합니다.", status="open")
    item = difficulty.action_items.get()
    for number in range(notes):
        action_item_update(
            item=item, by=world.users["head_x"], status="in_progress", note=f"경과 {number}"
        )
    client = client_as(world.users["staff_x"])
    with django_assert_max_num_queries(8):
        response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert f"경과 {notes - 1}" in section_text(response.text, "timeline-title")


def test_the_public_page_in_english(world, heard, client):
    client.cookies["django_language"] = "en"
    text = visible_text(client.get(PUBLIC_PAGE).text)
    assert "You said, we did" in text
    assert "No action decided yet." in text
    assert "Done" in text
