"""Published evaluation results in real Chromium, in Korean and in English, under the real CSP:
a visitor opens the ranking from the evaluations page, reads the chart and its table, goes on
to an institution's breakdown and its trend across years; on a phone the wide table scrolls
inside its region. axe-core finds no serious problem on any of them."""

import pytest
from playwright.sync_api import expect

from agencies.models import Institution
from tests.browser.helpers import (
    PHONE,
    assert_no_serious_axe_violations,
    shoot,
    switch_language,
    ui_text,
)
from tests.evaluations.results_data import score_fields, scored_campaign, snapshot_with_scores


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


@pytest.fixture
def published(demo_password):
    """Last year's and this year's campaigns over the 27 demo institutions, both published;
    the last three institutions of this year had too few citizen responses."""
    institutions = list(Institution.objects.active().order_by("code"))
    scored_campaign(institutions, year=2024, title="2024년 공공기관 시민 평가")
    campaign = scored_campaign([], year=2025, title="2025년 공공기관 시민 평가")
    campaign.institutions.set(institutions)
    snapshot_with_scores(
        campaign,
        [
            (
                institution,
                score_fields(
                    f"{95 - index * 1.5:.2f}",
                    insufficient_sample=index >= len(institutions) - 3,
                    citizen_n=12 if index >= len(institutions) - 3 else 120 + index,
                ),
            )
            for index, institution in enumerate(institutions)
        ],
    )
    return campaign, institutions[0]


def test_visitor_reads_the_ranking_breakdown_and_trend(new_context, published, language):
    campaign, first = published
    page = new_context().new_page()
    page.goto("/evaluations/")
    switch_language(page, language)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=ui_text(language, "결과 보기")).first.click()
    expect(page).to_have_url(f"/evaluations/{campaign.slug}/results/")
    chart = page.get_by_role("img", name=ui_text(language, "기관별 종합 점수"))
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(24)  # 27 less the three unranked
    table = page.get_by_role(
        "region", name=ui_text(language, "기관별 순위, 구성 요소 점수, 종합 점수와 등급")
    )
    expect(table.get_by_role("row")).to_have_count(28)
    expect(table.get_by_text(ui_text(language, "표본 부족"))).to_have_count(3)
    assert_no_serious_axe_violations(page)
    shoot(page, f"results-desktop-{language}")

    table.get_by_role("link", name=first.name_ko).click()
    expect(page).to_have_url(f"/evaluations/{campaign.slug}/results/{first.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name_ko)
    expect(page.locator("svg[role=img]")).to_have_count(1)
    assert_no_serious_axe_violations(page)

    trend_link = ui_text(language, "%(institution)s의 연도별 결과") % {
        "institution": first.name_ko
    }
    page.get_by_role("link", name=trend_link).click()
    expect(page).to_have_url(f"/evaluations/results/institutions/{first.slug}/")
    expect(page.locator("svg[role=img] polyline")).to_have_count(2)
    assert_no_serious_axe_violations(page)
    shoot(page, f"results-trend-{language}")


def test_results_on_a_phone(new_context, published):
    campaign, _ = published
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/evaluations/{campaign.slug}/results/")
    region = page.get_by_role("region", name="기관별 순위, 구성 요소 점수, 종합 점수와 등급")
    expect(region).to_be_visible()
    # The page itself does not scroll sideways; the table does, inside its region.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert region.evaluate("(node) => node.scrollWidth > node.clientWidth")
    assert_no_serious_axe_violations(page)
    shoot(page, "results-phone-ko")
