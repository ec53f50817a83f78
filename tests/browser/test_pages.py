"""The foundation's pages in real Chromium, in Korean and in English, under the real CSP.

A head of an institution signs in through the login form, reads the home page, filters the
directory live (htmx) and without JavaScript, and opens institution pages; axe-core finds no
serious or critical problem on any of them.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    assert_html_lang,
    assert_no_serious_axe_violations,
    shoot,
    sign_in,
    switch_language,
    ui_text,
)

HEAD = "head-gjssa"
HEAD_INSTITUTION = "광주사회서비스원"


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


def result_titles(page: Page):
    return page.locator("#directory-results").get_by_role("heading", level=2)


def test_head_signs_in_and_browses(page, demo_password, language):
    page.goto("/accounts/login/")
    switch_language(page, language)
    assert_no_serious_axe_violations(page)

    sign_in(page, HEAD, demo_password, language)

    # Home: the right language, a skip link that comes first and lands in <main>.
    page.goto("/")
    assert_html_lang(page, language)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=ui_text(language, "본문 바로가기"))
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert_no_serious_axe_violations(page)
    shoot(page, f"home-desktop-{language}")

    # Directory: the filters update the results in place and push the filtered address.
    page.get_by_role("navigation", name=ui_text(language, "주 메뉴")).get_by_role(
        "link", name=ui_text(language, "기관 안내")
    ).click()
    expect(page).to_have_url(re.compile(r"/agencies/$"))
    expect(result_titles(page)).to_have_count(27)
    shoot(page, f"directory-desktop-{language}")
    page.evaluate("() => { window.sameDocument = 'kept'; }")

    page.get_by_label(ui_text(language, "기관 유형"), exact=True).select_option("corporation")
    expect(result_titles(page)).to_have_count(4)
    expect(page).to_have_url(re.compile(r"[?&]kind=corporation"))

    page.get_by_label(ui_text(language, "검색"), exact=True).fill("교통")
    expect(result_titles(page)).to_have_text(["광주교통공사"])
    expect(page).to_have_url(re.compile(r"[?&]q=%EA%B5%90%ED%86%B5(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]kind=corporation"))
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"
    assert_no_serious_axe_violations(page)
    shoot(page, f"directory-filtered-desktop-{language}")

    # An institution page, and the head's own institution with its members.
    result_titles(page).get_by_role("link", name="광주교통공사").click()
    expect(page).to_have_url(re.compile(r"/agencies/gjtc/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("광주교통공사")
    assert_no_serious_axe_violations(page)

    page.goto("/agencies/gjssa/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEAD_INSTITUTION)
    expect(page.get_by_role("table")).to_contain_text(f"{HEAD_INSTITUTION} 기관장")
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=ui_text(language, "우리 기관"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/agencies/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEAD_INSTITUTION)
    assert_html_lang(page, language)
    assert_no_serious_axe_violations(page)


def test_directory_filters_without_javascript(new_context, demo_password, language):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/agencies/")
    switch_language(page, language)

    page.get_by_label(ui_text(language, "기관 유형"), exact=True).select_option("consigned")
    page.get_by_label(ui_text(language, "검색"), exact=True).fill("센터")
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "찾기"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/agencies/\?q=%EC%84%BC%ED%84%B0&kind=consigned"))
    expect(result_titles(page)).to_have_text(
        [
            "광주광역시공익활동지원센터",
            "광주광역시자원봉사센터",
            "광주국제교류센터",
            "광주청소년삶디자인센터",
        ]
    )
    expect(page.get_by_label(ui_text(language, "기관 유형"), exact=True)).to_have_value("consigned")
    assert_html_lang(page, language)
    assert_no_serious_axe_violations(page)

    # Signing in works without JavaScript too.
    sign_in(page, HEAD, demo_password, language)
    assert_html_lang(page, language)


@pytest.mark.parametrize("path", ["/", "/agencies/", "/agencies/gjssa/", "/accounts/login/"])
def test_public_pages_fit_a_phone(new_context, demo_password, language, path):
    page = new_context(viewport=PHONE).new_page()
    page.goto(path)
    if language != "ko":
        switch_language(page, language)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    assert_no_serious_axe_violations(page)
    shoot(page, f"phone-{language}-{path.strip('/').replace('/', '-') or 'home'}")
