"""The institution directory: filters, search, htmx fragments, visibility and query counts."""

import pytest
from django.urls import reverse

from agencies.models import Bureau, Institution, InstitutionKind, User
from portal.roles import InstitutionRole
from tests.factories import (
    BureauFactory,
    InstitutionFactory,
    PredecessorBodyFactory,
    UserFactory,
    city_staff_user,
    member_of,
)
from tests.pages import listed_institutions, visible_text

DIRECTORY = reverse("agencies:directory")
CORPORATIONS = ["광주관광공사", "광주교통공사", "광주도시공사", "광주환경공단"]


def bureau_id(name_ko: str) -> str:
    return str(Bureau.objects.get(name_ko=name_ko).pk)


def test_directory_lists_all_27_institutions_in_name_order(seeded, client):
    response = client.get(DIRECTORY)

    assert response.status_code == 200
    names = listed_institutions(response.text)
    assert len(names) == 27
    assert names == sorted(Institution.objects.values_list("name_ko", flat=True))
    assert "27개 기관" in visible_text(response.text)
    assert 'href="/agencies/gjto/"' in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": InstitutionKind.CORPORATION}, CORPORATIONS),
        (
            {"kind": InstitutionKind.CONSIGNED},
            [
                "광주광역시공익활동지원센터", "광주광역시자원봉사센터",
                "광주광역시장애인체육회", "광주광역시체육회", "광주국제교류센터",
                "광주청소년삶디자인센터", "빛고을노인건강타운",
            ],
        ),
        ({"bureau": "교통국"}, ["광주교통공사"]),
        ({"bureau": "복지건강국"}, ["광주사회서비스원", "빛고을노인건강타운"]),
        ({"q": "관광"}, ["광주관광공사"]),
        ({"q": "  사회서비스원  "}, ["광주사회서비스원"]),
        ({"q": "Technopark"}, ["광주테크노파크"]),
        ({"q": "technopark"}, ["광주테크노파크"]),
        ({"q": "GJTC"}, ["광주교통공사"]),
        ({"q": "gjtc"}, ["광주교통공사"]),
        ({"q": "김대중컨벤션센터"}, ["광주관광공사"]),
        ({"q": "도시철도공사"}, ["광주교통공사"]),
        ({"q": "과학기술진흥원"}, ["광주테크노파크"]),
        ({"q": "없는기관이름"}, []),
        (
            {"kind": InstitutionKind.FUNDED, "bureau": "경제창업실"},
            ["광주상생일자리경제재단", "광주신용보증재단", "광주테크노파크"],
        ),
        (
            {"kind": InstitutionKind.FUNDED, "bureau": "경제창업실", "q": "보증"},
            ["광주신용보증재단"],
        ),
        ({"kind": InstitutionKind.CORPORATION, "bureau": "경제창업실"}, []),
        ({"kind": InstitutionKind.CORPORATION, "q": "Tourism"}, ["광주관광공사"]),
        ({"kind": "", "bureau": "", "q": ""}, None),  # empty filters: everything
    ],
)
def test_directory_filters(seeded, client, params, expected):
    query = dict(params)
    if query.get("bureau"):
        query["bureau"] = bureau_id(query["bureau"])

    response = client.get(DIRECTORY, query)

    assert response.status_code == 200
    names = listed_institutions(response.text)
    if expected is None:
        assert len(names) == 27
        return
    assert names == expected
    text = visible_text(response.text)
    assert f"{len(expected)}개 기관" in text
    if not expected:
        assert "조건에 맞는 기관이 없습니다." in text


def test_directory_form_keeps_the_chosen_filters(seeded, client):
    response = client.get(DIRECTORY, {"kind": "corporation", "q": "관광"})
    assert '<option value="corporation" selected>' in response.text
    assert 'value="관광"' in response.text


def test_directory_bureau_filter_offers_bureaus_with_active_institutions(seeded, client):
    empty = BureauFactory(name_ko="감사위원회")
    former = BureauFactory(name_ko="옛날국")
    InstitutionFactory(bureau=former, is_active=False)

    response = client.get(DIRECTORY)

    assert '>교통국</option>' in response.text
    assert f'value="{empty.pk}"' not in response.text
    assert f'value="{former.pk}"' not in response.text


def test_htmx_request_gets_only_the_results_fragment(seeded, client):
    response = client.get(DIRECTORY, {"kind": "corporation"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<form" not in response.text
    assert listed_institutions(response.text) == CORPORATIONS
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ],
    ids=["plain", "boosted", "history-restore"],
)
def test_other_requests_get_the_whole_page(seeded, client, headers):
    response = client.get(DIRECTORY, {"kind": "corporation"}, headers=headers)

    assert response.status_code == 200
    assert '<html lang="ko">' in response.text
    assert 'id="directory-results"' in response.text
    assert listed_institutions(response.text) == CORPORATIONS
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "field_message"),
    [
        ({"kind": "zzz"}, "기관 유형"),
        ({"bureau": "999999"}, "소관 실·국"),
        ({"bureau": "abc"}, "소관 실·국"),
        ({"kind": "corporation", "bureau": "999999"}, "소관 실·국"),
        ({"q": "가" * 101}, "검색"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_invalid_filters_are_a_400_in_korean(seeded, client, params, field_message, htmx):
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.get(DIRECTORY, params, headers=headers)

    assert response.status_code == 400
    text = visible_text(response.text)
    assert "찾기 조건이 올바르지 않습니다." in text
    assert f"{field_message}:" in text
    assert listed_institutions(response.text) == []
    assert ("<html" in response.text) is not htmx


def test_inactive_bureau_choice_is_refused(seeded, client):
    former = InstitutionFactory(is_active=False, bureau=BureauFactory(name_ko="옛날국"))
    response = client.get(DIRECTORY, {"bureau": str(former.bureau_id)})
    assert response.status_code == 400


@pytest.fixture
def former_institution(seeded):
    return InstitutionFactory(
        code="GJOLD", name_ko="광주옛기관", name_en="Former Agency", is_active=False,
        bureau=Bureau.objects.get(name_ko="교통국"),
    )


@pytest.mark.parametrize(
    ("username", "sees_inactive"),
    [
        (None, False),
        ("citizen", False),
        ("head-gjtc", False),
        ("staff-gjssa", False),
        ("staff", True),
        ("admin", True),
    ],
)
def test_inactive_institutions_only_for_city_staff(
    former_institution, client_as, username, sees_inactive
):
    if username == "citizen":
        UserFactory(username="citizen")
    client = client_as(None if username is None else User.objects.get(username=username))

    listing = client.get(DIRECTORY)
    search = client.get(DIRECTORY, {"q": "옛기관"})
    by_bureau = client.get(DIRECTORY, {"bureau": bureau_id("교통국")})
    detail = client.get("/agencies/gjold/")

    assert ("광주옛기관" in listing_names(listing)) is sees_inactive
    assert listing_names(search) == (["광주옛기관"] if sees_inactive else [])
    assert listing_names(by_bureau) == (
        ["광주교통공사", "광주옛기관"] if sees_inactive else ["광주교통공사"]
    )
    assert len(listing_names(listing)) == (28 if sees_inactive else 27)
    assert detail.status_code == (200 if sees_inactive else 404)
    if sees_inactive:
        assert "운영 종료" in visible_text(listing.text)
        assert "운영 종료" in visible_text(detail.text)


def listing_names(response) -> list[str]:
    assert response.status_code == 200
    return listed_institutions(response.text)


# --- Query counts ----------------------------------------------------------------------------


def build_institutions(count: int) -> Institution:
    """``count`` active institutions over a few bureaus, with lineage; returns the first."""
    bureaus = [BureauFactory() for _ in range(3)]
    institutions = [
        InstitutionFactory(bureau=bureaus[number % 3], in_field_dialogue=number % 2 == 0)
        for number in range(count)
    ]
    for institution in institutions[::5]:
        PredecessorBodyFactory(successor=institution, name_ko=f"{institution.name_ko}의 전신")
    InstitutionFactory(is_active=False, bureau=bureaus[0])
    return institutions[0]


# The bound is the same for 10 and 200 institutions: the page's queries do not grow with rows.
# Anonymous: the request's savepoint and its release (ATOMIC_REQUESTS), the total, the bureaus
# for the filter, the results; + 1 to check a chosen bureau. Signed in: + session and user,
# + the user's affiliation (membership; city staff: membership and city staff), + the header's
# unread notification count (cached per person: counted when the cache is cold, as here).
@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize(
    ("who", "params", "max_queries"),
    [
        ("anonymous", {}, 5),
        ("anonymous", {"q": "전신", "kind": "funded"}, 5),
        ("anonymous", {"bureau": "first"}, 6),
        ("head", {}, 9),
        ("head", {"q": "기관", "bureau": "first"}, 10),
        ("city_staff", {}, 10),
    ],
)
def test_directory_query_count_does_not_grow(
    db, client_as, django_assert_max_num_queries, count, who, params, max_queries
):
    first = build_institutions(count)
    users = {
        "anonymous": None,
        "head": member_of(first, InstitutionRole.HEAD, "head"),
        "city_staff": city_staff_user(),
    }
    client = client_as(users[who])
    query = dict(params)
    if query.get("bureau") == "first":
        query["bureau"] = str(first.bureau_id)

    with django_assert_max_num_queries(max_queries):
        response = client.get(DIRECTORY, query)

    assert response.status_code == 200
    names = listed_institutions(response.text)
    if not params:
        assert len(names) == count + (1 if who == "city_staff" else 0)
    else:
        assert names
    with django_assert_max_num_queries(max_queries):
        fragment = client.get(DIRECTORY, query, headers={"HX-Request": "true"})
    assert listed_institutions(fragment.text) == names
