"""Evaluation management in real Chromium under the real CSP: city staff add a choice question
to a questionnaire with the builder, then open a campaign's links page with its QR codes (inline
SVG). axe-core finds no serious problem, in Korean and in English."""

import re

import pytest
from playwright.sync_api import expect

from agencies.models import Institution
from evaluations.models import Question
from tests.browser.helpers import (
    assert_no_serious_axe_violations,
    shoot,
    sign_in,
    switch_language,
    ui_text,
)
from tests.evaluation_factories import CampaignFactory

CITY_STAFF = "staff"


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


def test_city_staff_build_a_question_and_print_qr_codes(new_context, demo_password, language):
    campaign = CampaignFactory(
        slug="citizen-browser",
        status="draft",
        institutions=list(Institution.objects.filter(code__in=["GJSSA", "GJTC"])),
    )
    page = new_context().new_page()
    page.goto("/accounts/login/")
    switch_language(page, language)
    sign_in(page, CITY_STAFF, demo_password, language)

    page.goto(f"/evaluations/manage/questionnaires/{campaign.questionnaire.pk}/")
    assert_no_serious_axe_violations(page)
    # The add-question form's fields (their labels carry "(required)" marks).
    page.locator("#id_text").fill("다시 이용하시겠습니까?")
    page.locator("#id_question_type").select_option("single")
    page.locator("#id_choices").fill("예\n아니요")
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "질문 더하기")).click()
    expect(page.get_by_text("다시 이용하시겠습니까?", exact=True)).to_be_visible()
    added = Question.objects.get(text="다시 이용하시겠습니까?")
    assert list(added.choices.values_list("label", flat=True)) == ["예", "아니요"]
    shoot(page, f"evaluations-builder-{language}")

    page.goto(f"/evaluations/manage/{campaign.slug}/links/")
    expect(page.locator("svg.qr-code")).to_have_count(3)
    expect(page.get_by_text(re.compile(r"/evaluations/citizen-browser/i/gjssa/"))).to_be_visible()
    assert_no_serious_axe_violations(page)
    shoot(page, f"evaluations-links-{language}")
