"""The institution page, "my institution", and the home page."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from agencies.models import Institution, Membership, User
from meetings.models import regular_meeting_kind_for_month
from portal.roles import InstitutionRole
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    PredecessorBodyFactory,
    UserFactory,
    city_staff_user,
    member_of,
)
from tests.pages import page_heading, section_text, visible_text

GJSSA_MEMBERS = ["광주사회서비스원 기관장", "광주사회서비스원 부기관장", "광주사회서비스원 직원"]


def signed_in(client_as, username):
    if username is None:
        return client_as(None)
    if username == "citizen":
        return client_as(UserFactory(username="citizen", name="김시민"))
    return client_as(User.objects.get(username=username))


# --- Institution page ---------------------------------------------------------------------


def test_institution_page_by_lower_case_code(seeded, client):
    response = client.get("/agencies/gjssa/")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert page_heading(response.text) == "광주사회서비스원"
    assert "Gwangju Social Service Agency" in text
    assert "기관 코드 GJSSA" in text
    assert "기관 유형 출자·출연기관" in text
    assert "소관 실·국 복지건강국" in text
    assert "현장 대화 참여 기관" in text
    lineage = section_text(response.text, "lineage-title")
    assert "사회서비스원 (2023, 통합)" in lineage
    assert "복지연구원 (2023, 통합)" in lineage


def test_institution_page_lineage_strengthened_and_unchanged(seeded, client):
    strengthened = section_text(client.get("/agencies/gjtc/").text, "lineage-title")
    unchanged = section_text(client.get("/agencies/gjuc/").text, "lineage-title")
    assert "도시철도공사 (2023, 기능 강화·개편)" in strengthened
    assert "1단계 구조혁신에서 바뀌지 않았습니다." in unchanged


@pytest.mark.parametrize("code", ["GJSSA", "GjSsa", "gjSSA"])
def test_institution_page_redirects_other_cases_to_lower_case(seeded, client, code):
    response = client.get(f"/agencies/{code}/")
    assert response.status_code == 301
    assert response["Location"] == "/agencies/gjssa/"


@pytest.mark.parametrize("code", ["nowhere", "NOWHERE", "gj", "mine-not"])
def test_unknown_institution_is_404_in_korean(seeded, client, code):
    response = client.get(f"/agencies/{code}/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in visible_text(response.text)


@pytest.mark.parametrize(
    ("username", "sees_members"),
    [
        (None, False),
        ("citizen", False),
        ("staff-gjssa", True),
        ("deputy-gjssa", True),
        ("head-gjssa", True),
        ("staff-gjtc", False),
        ("head-gjtc", False),
        ("staff", True),
        ("admin", True),
    ],
)
def test_members_only_for_the_institutions_people_and_the_city(
    seeded, client_as, username, sees_members
):
    Membership.objects.filter(user__username="staff-gjssa").update(position="주임")
    client = signed_in(client_as, username)

    response = client.get("/agencies/gjssa/")

    assert response.status_code == 200
    members = section_text(response.text, "members-title")
    if sees_members:
        for name in GJSSA_MEMBERS:
            assert name in members
        assert "주임" in members
        assert "구성원 정보는 이 기관의 구성원과 시 직원에게만 보입니다." in members
    else:
        assert members == ""
        for name in GJSSA_MEMBERS:
            assert name not in response.text
        assert "주임" not in response.text


def test_members_of_another_institution_never_leak(seeded, client_as):
    """Head of GJTC reads GJSSA's page: GJTC's own people are not listed there either."""
    client = signed_in(client_as, "head-gjtc")
    response = client.get("/agencies/gjssa/")
    assert "광주교통공사 직원" not in response.text
    assert "광주교통공사 부기관장" not in response.text


def build_institution_page_data(member_count: int, predecessor_count: int) -> Institution:
    institution = InstitutionFactory(code="BIG", name_ko="큰기관")
    for _ in range(member_count):
        MembershipFactory(institution=institution)
    for _ in range(predecessor_count):
        PredecessorBodyFactory(successor=institution)
    return institution


# Savepoint and release (ATOMIC_REQUESTS), the institution with its bureau, its predecessors,
# its members, the count of its best practices; signed in: + session, user, affiliation (city
# staff: membership + city staff), the header's unread notification count (cached per person;
# the cache is cold here).
@pytest.mark.parametrize(("members", "predecessors"), [(2, 1), (100, 20)])
@pytest.mark.parametrize(("who", "max_queries"), [("anonymous", 5), ("city_staff", 11)])
def test_institution_page_query_count(
    db, client_as, django_assert_max_num_queries, members, predecessors, who, max_queries
):
    build_institution_page_data(members, predecessors)
    client = client_as(city_staff_user() if who == "city_staff" else None)

    with django_assert_max_num_queries(max_queries):
        response = client.get("/agencies/big/")

    assert response.status_code == 200
    rows = section_text(response.text, "members-title")
    assert (rows.count("직원") >= members) is (who == "city_staff")


# --- My institution ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "heading", "role_line", "may_submit", "standing_in"),
    [
        ("head-gjssa", "우리 기관: 광주사회서비스원", "이 기관의 기관장(으)로", True, False),
        ("deputy-gjto", "우리 기관: 광주관광공사", "이 기관의 부기관장(으)로", True, True),
        ("staff-gjtc", "우리 기관: 광주교통공사", "이 기관의 기관 직원(으)로", False, False),
    ],
)
def test_my_institution_for_members(
    seeded, client_as, username, heading, role_line, may_submit, standing_in
):
    client = signed_in(client_as, username)

    response = client.get(reverse("agencies:mine"))

    assert response.status_code == 200
    text = visible_text(response.text)
    assert heading in text
    assert f"{role_line} 로그인했습니다." in text
    assert ("공동사업 보고서 제출" in text) is may_submit
    assert ("(기관장을 대신할 때)" in text) is standing_in
    institution = User.objects.get(username=username).membership.institution
    assert f'href="/agencies/{institution.code.lower()}/"' in response.text
    members = section_text(response.text, "members-title")
    for role in ("기관장", "부기관장", "직원"):
        assert f"{institution.name_ko} {role}" in members
    # The navigation offers "my institution" to members.
    assert 'href="/agencies/mine/" aria-current="page"' in response.text


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("staff", "시 직원 계정은 소속 기관이 없습니다."),
        ("admin", "시 직원 계정은 소속 기관이 없습니다."),
        ("citizen", "이 계정은 아직 어느 기관에도 속해 있지 않습니다."),
    ],
)
def test_my_institution_without_an_institution_explains(seeded, client_as, username, message):
    client = signed_in(client_as, username)

    response = client.get(reverse("agencies:mine"))

    assert response.status_code == 200
    text = visible_text(response.text)
    assert message in text
    assert "우리 기관:" not in text
    assert section_text(response.text, "members-title") == ""


def test_my_institution_asks_anonymous_visitors_to_sign_in(db, client):
    response = client.get(reverse("agencies:mine"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/agencies/mine/"


# --- Home page ------------------------------------------------------------------------------


def test_home_shows_the_institutions_by_kind(seeded, client):
    InstitutionFactory(is_active=False, kind="corporation")  # former bodies are not counted

    response = client.get("/")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "참여 기관 27곳 보기" in text
    assert "위탁·보조사업 기관을 포함해 27개 기관이 함께합니다." in text
    counts = section_text(response.text, "institutions-title")
    assert "4 공사·공단 16 출자·출연기관 7 위탁·보조사업 기관" in counts
    for kind in ("corporation", "funded", "consigned"):
        assert f'href="/agencies/?kind={kind}"' in response.text
    areas = section_text(response.text, "areas-title")
    for area in ("조직", "서비스", "평가"):
        assert f"{area} " in areas


def test_home_shows_this_and_next_months_regular_meeting(db, client):
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timezone.timedelta(days=32)).replace(day=1)

    response = client.get("/")

    schedule = section_text(response.text, "next-title")
    with translation.override("ko"):
        for month in (today, next_month):
            label = regular_meeting_kind_for_month(month.month).label
            month_label = formats.date_format(month, "YEAR_MONTH_FORMAT")
            # "— 기관장 회의" is not part of "— 부기관장 회의": the pair is checked exactly.
            assert f"{month_label} — {label}" in schedule
    assert "정기 회의는 짝수 달에 기관장 회의, 홀수 달에 부기관장 회의로 열립니다." in schedule


@pytest.mark.parametrize(
    ("username", "link"),
    [(None, "시·기관 직원 로그인"), ("head-gjssa", "우리 기관으로 가기"), ("staff", None)],
)
def test_home_next_step_depends_on_who_is_signed_in(seeded, client_as, username, link):
    text = visible_text(signed_in(client_as, username).get("/").text)
    for candidate in ("시·기관 직원 로그인", "우리 기관으로 가기"):
        assert (candidate in text) is (candidate == link)


@pytest.mark.parametrize("count", [10, 200])
# Signed in, the header's unread notification count is one of them (cold cache).
@pytest.mark.parametrize(("who", "max_queries"), [("anonymous", 3), ("head", 7)])
def test_home_query_count(db, client_as, django_assert_max_num_queries, count, who, max_queries):
    institutions = InstitutionFactory.create_batch(count)
    head = member_of(institutions[0], InstitutionRole.HEAD, "head")
    client = client_as(head if who == "head" else None)

    with django_assert_max_num_queries(max_queries):
        response = client.get("/")

    assert response.status_code == 200
    assert f"참여 기관 {count}곳 보기" in visible_text(response.text)
