"""The public survey in real Chromium, under the real CSP: a citizen answers by keyboard
alone (Tab, arrows, Space, Enter), meets the error summary, which takes focus and links to
the question, and submits; on a phone without JavaScript the same survey fits the screen and
works. axe-core finds no serious problem on any page of the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from evaluations.models import QuestionType, Response
from tests.browser.helpers import (
    PHONE,
    accept_page_problems,
    assert_no_serious_axe_violations,
    shoot,
    switch_language,
    ui_text,
)
from tests.evaluation_factories import CampaignFactory
from tests.factories import InstitutionFactory


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


@pytest.fixture
def campaign(transactional_db):
    institutions = [
        InstitutionFactory(code="GJSSA", name_ko="광주사회서비스원"),
        InstitutionFactory(code="GJTC", name_ko="광주교통공사"),
    ]
    return CampaignFactory(
        slug="citizens-2026", title="2026 공공기관 시민 평가", institutions=institutions
    )


def _overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _press_until_focused(page: Page, locator, key: str = "Tab", limit: int = 60) -> None:
    """Press ``key`` until ``locator`` has focus, as a keyboard user moves through a page."""
    for _press in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never received focus by {key}")


def test_a_citizen_answers_by_keyboard_alone(page, campaign, language):
    page.goto(campaign.get_absolute_url())
    if language != "ko":
        switch_language(page, language)
    assert_no_serious_axe_violations(page)
    start = page.get_by_role("link", name=ui_text(language, "설문 시작하기"))
    _press_until_focused(page, start)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Choose the institution: arrows in the list, Tab to the button, Enter.
    assert_no_serious_axe_violations(page)
    select = page.get_by_label(ui_text(language, "이용한 기관"))
    _press_until_focused(page, select)
    page.keyboard.press("ArrowDown")  # the first institution, by name: 광주교통공사
    expect(select).to_have_value("GJTC")
    _press_until_focused(page, page.get_by_role("button", name=ui_text(language, "다음")))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Consent: the notice, then refuse by keyboard (the optional information stays empty).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ui_text(language, "선택 정보 수집·이용 동의")
    )
    assert_no_serious_axe_violations(page)
    refuse = page.get_by_label(ui_text(language, "동의하지 않습니다 (선택 정보 없이 답합니다)"))
    agree = page.get_by_label(ui_text(language, "동의합니다 (연령대와 거주 지역을 알려 줍니다)"))
    _press_until_focused(page, agree)
    page.keyboard.press("ArrowDown")  # arrows move the choice within the group
    expect(refuse).to_be_checked()
    _press_until_focused(page, page.get_by_role("button", name=ui_text(language, "다음")))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Section 1 sent empty: the error summary takes focus and links to the question.
    expect(page.locator("progress")).to_have_attribute("value", "1")
    next_button = page.get_by_role("button", name=ui_text(language, "다음"), exact=True)
    _press_until_focused(page, next_button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(ui_text(language, "이 질문에 답해 주세요."))
    assert accept_page_problems(page, "status of 400")  # the page answered 400, as it should
    assert_no_serious_axe_violations(page)
    shoot(page, f"survey-errors-{language}")
    page.keyboard.press("Tab")  # the first link of the summary
    page.keyboard.press("Enter")
    first_option = page.locator("fieldset").first.get_by_role("radio").first
    expect(first_option).to_be_focused()

    # Answer each scale by keyboard: Space picks the focused option, arrows move along.
    for fieldset in page.locator("fieldset").all():
        radio = fieldset.get_by_role("radio").first
        _press_until_focused(page, radio)
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
    checked = page.locator("input[type=radio]:checked")
    expect(checked).to_have_count(3)
    _press_until_focused(page, next_button)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Section 2: one option, two of the multiple choice, a short text; then back and forth.
    expect(page.locator("progress")).to_have_attribute("value", "2")
    assert_no_serious_axe_violations(page)
    groups = page.locator("fieldset")
    _press_until_focused(page, groups.nth(0).get_by_role("radio").first)
    page.keyboard.press("Space")
    boxes = groups.nth(1).get_by_role("checkbox")
    _press_until_focused(page, boxes.nth(0))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(boxes.nth(1)).to_be_checked()
    short_text = page.locator("input[type=text]:not([name=website])")
    _press_until_focused(page, short_text)
    page.keyboard.type("직원이 친절했습니다")
    back = page.get_by_role("button", name=ui_text(language, "이전"))
    _press_until_focused(page, back)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("input[type=radio]:checked")).to_have_count(3)  # kept
    _press_until_focused(page, next_button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(short_text).to_have_value("직원이 친절했습니다")
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(2)
    submit = page.get_by_role("button", name=ui_text(language, "제출하기"))
    _press_until_focused(page, submit)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        ui_text(language, "참여해 주셔서 고맙습니다")
    )
    assert_no_serious_axe_violations(page)
    shoot(page, f"survey-thanks-{language}")
    response = Response.objects.get()
    assert response.institution.code == "GJTC"
    assert (response.age_band, response.district) == ("", "")
    short = response.answers.get(question__question_type=QuestionType.SHORT_TEXT)
    assert short.text == "직원이 친절했습니다"
    multiple = response.answers.filter(question__question_type=QuestionType.MULTIPLE_CHOICE)
    assert multiple.count() == 2


def test_the_survey_fits_a_phone_and_works_without_javascript(new_context, campaign, language):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"/evaluations/{campaign.slug}/i/gjssa/")
    if language != "ko":
        switch_language(page, language)
    assert _overflow(page) <= 0
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "설문 시작하기")).click()
    assert _overflow(page) <= 0
    page.get_by_label(ui_text(language, "동의합니다 (연령대와 거주 지역을 알려 줍니다)")).check()
    page.get_by_label(ui_text(language, "연령대"), exact=True).select_option("60s")
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "다음")).click()
    # The 0–10 scale wraps on a narrow screen instead of scrolling sideways.
    assert _overflow(page) <= 0, "the section page scrolls sideways on a phone"
    assert_no_serious_axe_violations(page)
    shoot(page, f"survey-phone-section-{language}")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_role("radio").last.check()
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "다음"), exact=True).click()
    page.locator("fieldset").first.get_by_role("radio").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "제출하기")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ui_text(language, "참여해 주셔서 고맙습니다")
    )
    assert _overflow(page) <= 0
    response = Response.objects.get()
    assert response.institution.code == "GJSSA"
    assert response.age_band == "60s"
    assert response.answers.filter(points=100).count() == 3
