"""The meeting pages: a month's calendar and a year's list, moved through with plain links
that htmx enhances; the meeting page; the city's button for the series (issue 4)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from agencies.models import Institution
from meetings.models import Invitation, Meeting, MeetingKind
from meetings.services import action_item_create, meeting_series_schedule
from portal.roles import InstitutionRole
from tests.factories import BureauFactory, InstitutionFactory, member_of
from tests.pages import page_heading, section_text, visible_text

SEOUL = ZoneInfo("Asia/Seoul")
LIST = reverse("meetings:list")


@pytest.fixture
def series_2025(world):
    meeting_series_schedule(year=2025)


def test_the_month_shows_its_meeting(series_2025, world, client_as):
    response = client_as(world.users["head_x"]).get(LIST, {"year": "2025", "month": "10"})

    assert response.status_code == 200
    page = response.content.decode()
    october = Meeting.objects.get(series_year=2025, series_month=10)
    assert october.get_absolute_url() in page
    assert "14:00 2025년 10월 기관장 회의" in visible_text(page)
    # Only October's meeting: not September's deputy heads' meeting.
    september = Meeting.objects.get(series_year=2025, series_month=9)
    assert september.get_absolute_url() not in page


def test_months_move_with_plain_links_that_htmx_enhances(series_2025, world, client_as):
    page = client_as(world.users["head_x"]).get(LIST, {"year": "2025", "month": "1"}).content
    page = page.decode()

    previous = "?view=month&amp;year=2024&amp;month=12"
    following = "?view=month&amp;year=2025&amp;month=2"
    for target in (previous, following):
        assert f'href="{target}"' in page
        assert f'hx-get="{target}"' in page


def test_htmx_gets_the_calendar_only(series_2025, world, client_as):
    client = client_as(world.users["head_x"])
    response = client.get(LIST, {"year": "2025", "month": "2"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "2025년 2월 기관장 회의" in page
    assert "HX-Request" in response["Vary"]


def test_the_year_list(series_2025, world, client_as):
    page = client_as(world.users["city_staff"]).get(LIST, {"view": "list", "year": "2025"})
    text = visible_text(page.content.decode())

    for month in range(1, 13):
        kind = "기관장 회의" if month % 2 == 0 else "부기관장 회의"
        assert f"2025년 {month}월 {kind}" in text
    assert "2025-10-10 (금요일) 14:00" in text


def test_the_deputy_list_is_x_only(series_2025, world, client_as):
    """Y has no deputy head: it sees the heads' meetings it is invited to, not the others."""
    text = visible_text(
        client_as(world.users["staff_y"]).get(LIST, {"view": "list", "year": "2025"}).text
    )
    assert "2025년 2월 기관장 회의" in text
    assert "2025년 1월 부기관장 회의" not in text


def test_a_bad_month_is_a_400_with_this_month(world, client_as):
    response = client_as(world.users["head_x"]).get(LIST, {"month": "13"})
    assert response.status_code == 400
    assert "연도나 월이 올바르지 않아" in response.content.decode()


def test_the_meeting_page(series_2025, world, client_as):
    october = Meeting.objects.get(series_year=2025, series_month=10)
    page = client_as(world.users["city_staff"]).get(october.get_absolute_url()).content.decode()

    assert page_heading(page) == "2025년 10월 기관장 회의"
    text = visible_text(page)
    assert "2025-10-10 (금요일) 14:00 – 16:00" in text
    assert reverse("meetings:ics", kwargs={"pk": october.pk}) in page
    invitations = section_text(page, "invitations-title")
    assert "참석 0 · 대리 참석 0 · 불참 0 · 응답 전 2" in invitations


@pytest.mark.parametrize(
    ("who", "has_link"),
    [
        ("anonymous", False),
        ("staff_x", True),
        ("head_y", True),
        ("city_staff", True),
        ("admin", True),
    ],
)
def test_the_nav_links_meetings_for_members_and_the_city(world, client_as, who, has_link):
    page = client_as(world.users[who]).get(reverse("home")).content.decode()
    assert (f'href="{LIST}"' in page) == has_link


@pytest.mark.parametrize(("who", "sees"), [("head_x", False), ("city_staff", True)])
def test_only_the_city_sees_the_schedule_button(world, client_as, who, sees):
    page = client_as(world.users[who]).get(LIST).content.decode()
    assert (reverse("meetings:schedule_series") in page) == sees


def test_the_city_schedules_the_series_with_the_button(world, client_as):
    client = client_as(world.users["city_staff"])
    response = client.post(reverse("meetings:schedule_series"), {"year": "2026"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?view=list&year=2026"
    assert Meeting.objects.filter(series_year=2026).count() == 12
    # X and Y's heads for six heads' meetings; X's deputy for six deputy heads' meetings.
    assert Invitation.objects.count() == 18
    follow = client.get(response["Location"]).content.decode()
    assert "2026년 정례 회의: 12건을 새로 만들고 0건의 일정을 규칙에 맞췄으며, 초대 18건을" in (
        visible_text(follow)
    )

    again = client.post(reverse("meetings:schedule_series"), {"year": "2026"}, follow=True)
    assert "2026년 정례 회의는 이미 모두 잡혀 있습니다." in visible_text(again.content.decode())
    assert Invitation.objects.count() == 18


def test_a_bad_year_is_an_error_next_to_the_field(world, client_as):
    response = client_as(world.users["city_staff"]).post(
        reverse("meetings:schedule_series"), {"year": "1999"}
    )
    assert response.status_code == 400
    assert 'id="id_year_error"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_english_pages(series_2025, world, client_as):
    client = client_as(world.users["head_x"])
    client.cookies["django_language"] = "en"
    page = client.get(LIST, {"year": "2025", "month": "10"}).content.decode()
    text = visible_text(page)
    assert "Meetings" in text
    assert "Previous month" in text
    assert "Meeting calendar, 10/2025" in text
    assert "Mon" in text


def _many_institutions(count: int) -> None:
    for number in range(count):
        institution = InstitutionFactory(code=f"M{number:03d}")
        member_of(institution, InstitutionRole.HEAD, f"head-m{number}")
        member_of(institution, InstitutionRole.DEPUTY_HEAD, f"deputy-m{number}")


@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize("who", ["head_x", "city_staff"])
def test_query_counts_do_not_grow(world, client_as, django_assert_max_num_queries, count, who):
    _many_institutions(count)
    meeting_series_schedule(year=2025)
    extra = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="추가 간담회",
        starts_at=datetime.datetime(2025, 10, 20, 10, tzinfo=SEOUL),
        ends_at=datetime.datetime(2025, 10, 20, 11, tzinfo=SEOUL),
    )
    Invitation.objects.create(
        meeting=extra, user=world.users["head_x"], institution=world.institution_x
    )
    october = Meeting.objects.get(series_year=2025, series_month=10)
    # Open action items, one per institution: all on the agenda of October's meeting.
    bureau = BureauFactory()
    for institution in Institution.objects.all():
        action_item_create(
            by=world.users["city_staff"],
            description=f"{institution.name_ko} 후속 조치",
            due_on=datetime.date(2025, 12, 31),
            meeting=extra,
            owner_institution=institution,
            owner_bureau=bureau,
        )
    client = client_as(world.users[who])
    pages = [
        (LIST, {"year": "2025", "month": "10"}),
        (LIST, {"view": "list", "year": "2025"}),
        (october.get_absolute_url(), {}),
        (reverse("meetings:ics", kwargs={"pk": october.pk}), {}),
    ]
    for address, query in pages:
        # The meeting page reads the open action items and the accepted topics on its agenda
        # in one query each.
        with django_assert_max_num_queries(10):
            response = client.get(address, query)
        assert response.status_code == 200, address
