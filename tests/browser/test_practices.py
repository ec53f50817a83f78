"""Best practices (우수사례) in real Chromium, in Korean and in English, under the real CSP.

A visitor filters the library live (htmx: the results change in place, the address follows,
the count in the live region is updated) and without JavaScript, and opens a practice; city
staff open the edit page. axe-core finds no serious or critical problem on any page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from evaluations.models import BestPractice
from tests.browser.helpers import (
    PHONE,
    accept_page_problems,
    assert_html_lang,
    assert_no_serious_axe_violations,
    shoot,
    sign_in,
    switch_language,
    ui_text,
)

CARE = "인공지능 안부 확인과 마을 돌봄 거점을 잇다"  # 광주사회서비스원's demo best practice


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


def result_titles(page: Page):
    return page.locator("#practice-results").get_by_role("heading", level=2)


def count_text(language: str, count: int) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.ngettext(
            "우수사례 %(counter)s건", "우수사례 %(counter)s건", count
        ) % {"counter": count}


def test_visitor_filters_best_practices_live_and_without_javascript(
    new_context, demo_password, language
):
    page = new_context().new_page()
    page.goto("/evaluations/practices/")
    switch_language(page, language)
    expect(result_titles(page)).to_have_count(5)
    expect(page.get_by_role("status")).to_have_text(count_text(language, 5))
    assert_no_serious_axe_violations(page)
    shoot(page, f"practices-desktop-{language}")

    # The filters update the results in place, push the address and update the live count.
    page.evaluate("() => { window.sameDocument = 'kept'; }")
    page.get_by_label(ui_text(language, "혁신 분야"), exact=True).select_option("service")
    expect(page).to_have_url(re.compile(r"[?&]area=service"))
    expect(result_titles(page)).to_have_count(3)
    page.get_by_label(ui_text(language, "연도"), exact=True).select_option("2024")
    expect(page).to_have_url(re.compile(r"[?&]year=2024"))
    expect(result_titles(page)).to_have_count(2)
    page.get_by_label(ui_text(language, "검색"), exact=True).fill("돌봄")
    expect(result_titles(page)).to_have_text([CARE])
    expect(page.get_by_role("status")).to_have_text(count_text(language, 1))
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"
    assert_no_serious_axe_violations(page)

    # Nothing found: said in the results, counted in the live region.
    page.get_by_label(ui_text(language, "검색"), exact=True).fill("없는 사례 이름")
    expect(page.get_by_role("status")).to_have_text(count_text(language, 0))
    expect(page.locator("#practice-results")).to_contain_text(
        ui_text(language, "조건에 맞는 우수사례가 없습니다. 검색어를 줄이거나 조건을 지워 보세요.")
    )
    assert_no_serious_axe_violations(page)

    # The practice's page: its linked published project, reachable by its link.
    page.goto("/evaluations/practices/?q=돌봄")
    page.get_by_role("link", name=CARE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CARE)
    assert_html_lang(page, language)
    expect(page.get_by_role("link", name="광주다움 통합돌봄 시즌2")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_serious_axe_violations(page)
    shoot(page, f"practice-phone-{language}")

    # An unpublished practice does not exist for the public.
    draft = BestPractice.objects.get(is_published=False)
    response = page.goto(draft.get_absolute_url())
    assert response.status == 404
    accept_page_problems(page, r"status of 404")

    # Without JavaScript the same filters work by submitting the form.
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto("/evaluations/practices/")
    switch_language(plain, language)
    plain.get_by_label(ui_text(language, "혁신 분야"), exact=True).select_option("organisation")
    with plain.expect_navigation():
        plain.get_by_role("button", name=ui_text(language, "찾기"), exact=True).click()
    expect(plain).to_have_url(re.compile(r"[?&]area=organisation"))
    expect(result_titles(plain)).to_have_text(["결재 단계를 절반으로 줄인 성과 중심 조직"])
    expect(plain.get_by_role("status")).to_have_text(count_text(language, 1))
    assert_no_serious_axe_violations(plain)


def test_city_staff_edit_page_is_accessible(new_context, demo_password):
    page = new_context().new_page()
    page.goto("/accounts/login/")
    sign_in(page, "staff", demo_password, "ko")
    page.goto("/evaluations/practices/")
    page.get_by_role("link", name="우수사례 쓰기").click()
    assert_no_serious_axe_violations(page)
    # Sent empty: the errors sit beside their fields and the page says so.
    with page.expect_navigation():
        page.get_by_role("button", name="만들기", exact=True).click()
    title = page.get_by_role("textbox", name=re.compile(r"^제목"))
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("필수 항목입니다."))
    expect(page.get_by_role("alert")).to_contain_text("입력한 내용을 확인해 주세요.")
    accept_page_problems(page, r"status of 400")
    assert_no_serious_axe_violations(page)

    draft = BestPractice.objects.get(is_published=False)
    page.goto(f"/evaluations/manage/practices/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("우수사례 고치기")
    expect(page.get_by_label("올릴 파일")).to_be_visible()
    assert_no_serious_axe_violations(page)
    shoot(page, "practice-edit-ko")
