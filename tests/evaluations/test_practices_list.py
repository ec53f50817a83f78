"""The best-practice list (우수사례): search, filters, htmx fragment with the live count out of
band, Korean 400s for bad filters, who sees unpublished ones, paging and query counts."""

import pytest
from django.urls import reverse

from evaluations.models import InnovationArea
from portal.roles import InstitutionRole
from tests.evaluations.practice_factories import BestPracticeFactory, listed_practices
from tests.factories import InstitutionFactory, city_staff_user, member_of
from tests.pages import visible_text

PRACTICES = reverse("evaluations:practices")
ALL_PUBLISHED = ["돌봄 통합 안내", "성과 공개", "결재 단계 줄이기"]


@pytest.fixture
def practices(world):
    x, y = world.institution_x, world.institution_y
    x.name_en = "Ex Agency"
    x.save()
    return {
        "care": BestPracticeFactory(
            institution=x, title="돌봄 통합 안내", area=InnovationArea.SERVICE, year=2024,
            summary="혼자 사는 어르신의 안부를 매일 확인합니다.",
        ),
        "approvals": BestPracticeFactory(
            institution=x, title="결재 단계 줄이기", area=InnovationArea.ORGANISATION,
            year=2023, summary="결재를 절반으로 줄였습니다.",
        ),
        "disclosure": BestPracticeFactory(
            institution=y, title="성과 공개", area=InnovationArea.EVALUATION, year=2024,
            summary="성과목표를 공개합니다.", body="분기마다 시민 점검단이 살펴봅니다.",
        ),
        "draft": BestPracticeFactory(
            institution=y, title="비공개 초안", area=InnovationArea.SERVICE, year=2024,
            is_published=False, summary="아직 검토 중입니다.",
        ),
    }


def test_the_list_shows_published_practices_newest_year_first(practices, client):
    response = client.get(PRACTICES)

    assert response.status_code == 200
    assert listed_practices(response.text) == ALL_PUBLISHED
    text = visible_text(response.text)
    assert "우수사례 3건" in text
    assert "비공개 초안" not in response.text
    assert "엑스기관" in text
    assert "비공개" not in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "service"}, ["돌봄 통합 안내"]),
        ({"area": "organisation"}, ["결재 단계 줄이기"]),
        ({"institution": "XINST"}, ["돌봄 통합 안내", "결재 단계 줄이기"]),
        ({"institution": "YINST"}, ["성과 공개"]),
        ({"year": "2023"}, ["결재 단계 줄이기"]),
        ({"year": "2024"}, ["돌봄 통합 안내", "성과 공개"]),
        ({"q": "결재"}, ["결재 단계 줄이기"]),  # title
        ({"q": "어르신"}, ["돌봄 통합 안내"]),  # summary
        ({"q": "시민 점검단"}, ["성과 공개"]),  # body
        ({"q": "와이기관"}, ["성과 공개"]),  # institution's Korean name
        ({"q": "ex agency"}, ["돌봄 통합 안내", "결재 단계 줄이기"]),  # English name
        ({"q": "  공개  "}, ["성과 공개"]),
        ({"q": "초안"}, []),  # unpublished: not found by the public
        ({"q": "없는 사례"}, []),
        ({"institution": "XINST", "year": "2024", "area": "service"}, ["돌봄 통합 안내"]),
        ({"institution": "XINST", "area": "evaluation"}, []),
        ({"q": "", "area": "", "institution": "", "year": ""}, ALL_PUBLISHED),
    ],
)
def test_search_and_filters(practices, client, params, expected):
    response = client.get(PRACTICES, params)

    assert response.status_code == 200
    assert listed_practices(response.text) == expected
    text = visible_text(response.text)
    assert f"우수사례 {len(expected)}건" in text
    if not expected:
        assert "조건에 맞는 우수사례가 없습니다." in text


def test_the_form_keeps_the_chosen_filters_and_offers_what_exists(practices, client):
    response = client.get(PRACTICES, {"area": "service", "q": "돌봄", "institution": "XINST"})

    assert '<option value="service" selected>' in response.text
    assert '<option value="XINST" selected>' in response.text
    assert 'value="돌봄"' in response.text
    # Years and institutions offered are those with a practice the visitor may see.
    assert '<option value="2023">' in response.text
    assert '<option value="2022">' not in response.text


def test_an_institution_with_only_unpublished_practices_is_not_offered(world, client):
    BestPracticeFactory(institution=world.institution_y, is_published=False, year=2022)
    BestPracticeFactory(institution=world.institution_x)

    response = client.get(PRACTICES)

    assert 'value="XINST"' in response.text
    assert 'value="YINST"' not in response.text
    assert '<option value="2022">' not in response.text
    assert client.get(PRACTICES, {"institution": "YINST"}).status_code == 400


def test_htmx_gets_the_results_and_the_count_out_of_band(practices, client):
    response = client.get(PRACTICES, {"area": "service"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<form" not in response.text
    assert listed_practices(response.text) == ["돌봄 통합 안내"]
    assert '<span id="result-count" hx-swap-oob="innerHTML">우수사례 1건</span>' in response.text
    assert "HX-Request" in response["Vary"]


def test_the_full_page_has_the_live_region_and_no_out_of_band_swap(practices, client):
    response = client.get(PRACTICES, {"area": "service"})

    assert '<p id="result-count" class="result-count" role="status">우수사례 1건</p>' in (
        response.text
    )
    assert "hx-swap-oob" not in response.text
    # The filter form works without JavaScript (a GET form) and live with htmx.
    assert f'method="get" action="{PRACTICES}"' in response.text
    assert f'hx-get="{PRACTICES}"' in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ],
    ids=["boosted", "history-restore"],
)
def test_boosted_and_history_requests_get_the_whole_page(practices, client, headers):
    response = client.get(PRACTICES, {"area": "service"}, headers=headers)

    assert '<html lang="ko">' in response.text
    assert listed_practices(response.text) == ["돌봄 통합 안내"]


@pytest.mark.parametrize(
    ("params", "field_label"),
    [
        ({"area": "zzz"}, "혁신 분야"),
        ({"year": "작년"}, "연도"),
        ({"year": "1999"}, "연도"),
        ({"institution": "NOPE"}, "기관"),
        ({"q": "가" * 101}, "검색"),
        ({"area": "service", "year": "작년"}, "연도"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_filters_are_a_400_in_korean(practices, client, params, field_label, htmx):
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.get(PRACTICES, params, headers=headers)

    assert response.status_code == 400
    text = visible_text(response.text)
    assert "찾기 조건이 올바르지 않습니다." in text
    assert f"{field_label}:" in text
    assert listed_practices(response.text) == []
    assert ("<html" in response.text) is not htmx
    if htmx:
        assert 'hx-swap-oob="innerHTML">찾기 조건이 올바르지 않습니다.' in response.text


def test_bad_filters_in_english(practices, client):
    client.cookies["django_language"] = "en"
    response = client.get(PRACTICES, {"area": "zzz"})

    assert response.status_code == 400
    text = visible_text(response.text)
    assert "Best practices" in text
    assert "Innovation area:" in text


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [
        ("anonymous", False),
        ("staff_x", False),
        ("deputy_x", False),
        ("head_x", False),
        ("staff_y", False),  # even the institution's own people: the city publishes
        ("head_y", False),
        ("city_staff", True),
        ("admin", True),
    ],
)
def test_unpublished_practices_are_the_citys_only(practices, world, client_as, role, sees_draft):
    client = client_as(world.users[role])

    listing = client.get(PRACTICES)
    search = client.get(PRACTICES, {"q": "초안"})
    detail = client.get(practices["draft"].get_absolute_url())

    assert ("비공개 초안" in listed_practices(listing.text)) is sees_draft
    assert listed_practices(search.text) == (["비공개 초안"] if sees_draft else [])
    assert detail.status_code == (200 if sees_draft else 404)
    assert client.get(practices["care"].get_absolute_url()).status_code == 200
    if sees_draft:
        assert "비공개" in visible_text(listing.text)
        assert "공개하지 않은 우수사례입니다." in visible_text(detail.text)
    # Only the city is offered the button to write one.
    assert ("우수사례 쓰기" in visible_text(listing.text)) is sees_draft


def test_paging_keeps_the_filters(world, client):
    for number in range(25):
        BestPracticeFactory(institution=world.institution_x, title=f"사례 {number:02d}")

    first = client.get(PRACTICES, {"institution": "XINST"})
    second = client.get(PRACTICES, {"institution": "XINST", "page": "2"})

    assert len(listed_practices(first.text)) == 20
    assert listed_practices(second.text) == [f"사례 {number:02d}" for number in range(20, 25)]
    assert "우수사례 25건" in visible_text(first.text)
    assert 'href="?institution=XINST&amp;page=2"' in first.text
    assert 'hx-get="?institution=XINST&amp;page=2"' in first.text
    assert "1 / 2쪽" in visible_text(first.text)


# --- Query counts ----------------------------------------------------------------------------


def build_practices(count: int) -> None:
    """``count`` published and a few unpublished practices over ten institutions."""
    institutions = [InstitutionFactory() for _ in range(10)]
    for number in range(count):
        BestPracticeFactory(
            institution=institutions[number % 10],
            year=2020 + number % 5,
            area=InnovationArea.values[number % 3],
            title=f"사례 {number}",
        )
    for institution in institutions[:3]:
        BestPracticeFactory(institution=institution, is_published=False)


# The bound is the same for 5 and 200 practices: the page's queries do not grow with rows.
# Anonymous: the request's savepoint and its release (ATOMIC_REQUESTS), the years and the
# institutions offered by the filter, the count and the page of results; + 1 to check a chosen
# institution. Signed in: + session and user, + the affiliation (membership; city staff:
# membership and city staff), + the header's unread-notification count (cold cache here).
@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(
    ("who", "params", "max_queries"),
    [
        ("anonymous", {}, 6),
        ("anonymous", {"q": "사례", "area": "service", "year": "2021"}, 6),
        ("anonymous", {"institution": "first"}, 7),
        ("head", {"page": "2"}, 10),
        ("city_staff", {}, 11),
        ("city_staff", {"institution": "first", "q": "사례"}, 12),
    ],
)
def test_the_list_query_count_does_not_grow(
    db, client_as, django_assert_max_num_queries, count, who, params, max_queries
):
    build_practices(count)
    first = InstitutionFactory._meta.model.objects.order_by("pk").first()
    users = {
        "anonymous": None,
        "head": member_of(first, InstitutionRole.HEAD, "head"),
        "city_staff": city_staff_user(),
    }
    client = client_as(users[who])
    query = dict(params)
    if query.get("institution") == "first":
        query["institution"] = first.code

    with django_assert_max_num_queries(max_queries):
        response = client.get(PRACTICES, query)

    assert response.status_code == 200
    titles = listed_practices(response.text)
    assert titles
    assert len(titles) <= 20
    with django_assert_max_num_queries(max_queries):
        fragment = client.get(PRACTICES, query, headers={"HX-Request": "true"})
    assert listed_practices(fragment.text) == titles
