"""Joint projects in real Chromium, in Korean and in English, under the real CSP.

A visitor filters the project list live (htmx) and without JavaScript and reads a published
project's KPI progress, seeing accepted progress only. Then the workflow: staff of
광주사회서비스원 save a draft report (with and without JavaScript, and with a value that is not
a number), the head submits it, city staff return it from the review queue with a comment, and
the head reads the comment. axe-core finds no serious or critical problem on any page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from agencies.models import JointProject, Report, ReportState
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

INSTITUTION_CODE = "GJSSA"
PROJECT_TITLE = "광주다움 통합돌봄 시즌2"  # 광주사회서비스원's published project in the demo data
STAFF, HEAD, CITY_STAFF = "staff-gjssa", "head-gjssa", "staff"


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


@pytest.fixture
def project(demo_password) -> JointProject:
    return JointProject.objects.get(
        lead_institution__code=INSTITUTION_CODE, title=PROJECT_TITLE, is_published=True
    )


def result_titles(page: Page):
    return page.locator("#project-results").get_by_role("heading", level=2)


def assert_fits_width(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def assert_progress_bars_are_named(page: Page) -> None:
    """Every <meter>/<progress> has an accessible name and its number written beside it."""
    bars = page.locator("meter, progress")
    assert bars.count() > 0
    for index in range(bars.count()):
        bar = bars.nth(index)
        expect(bar).to_have_accessible_name(re.compile(r"\S"))
        percent = bar.get_attribute("value")
        expect(bar.locator("xpath=..")).to_contain_text(f"{percent}%")


def test_visitor_filters_projects_and_reads_progress(new_context, demo_password, project, language):
    page = new_context().new_page()
    page.goto("/projects/")
    switch_language(page, language)
    expect(result_titles(page).first).to_be_visible()
    assert_no_serious_axe_violations(page)
    shoot(page, f"projects-desktop-{language}")

    # The filters update the results in place and push the filtered address.
    page.evaluate("() => { window.sameDocument = 'kept'; }")
    page.get_by_label(ui_text(language, "연도"), exact=True).select_option("2024")
    expect(page).to_have_url(re.compile(r"[?&]year=2024"))
    page.get_by_label(ui_text(language, "혁신 분야"), exact=True).select_option("service")
    expect(page).to_have_url(re.compile(r"[?&]area=service"))
    page.get_by_label(ui_text(language, "추진 상태"), exact=True).select_option("planned")
    expect(page).to_have_url(re.compile(r"[?&]status=planned"))
    expect(page).to_have_url(re.compile(r"[?&]year=2024"))
    # The unpublished planned projects stay hidden from the public.
    expect(result_titles(page)).to_have_text(["제1회 광주 사회서비스박람회"])
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"
    assert_no_serious_axe_violations(page)

    # A published project: KPI bars with names, accepted progress only.
    page.goto(project.get_absolute_url())
    assert_html_lang(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT_TITLE)
    expect(page.get_by_role("meter", name=ui_text(language, "종합 달성률"))).to_be_visible()
    for kpi in project.kpis.all():
        expect(page.get_by_role("meter", name=re.compile(re.escape(kpi.name)))).to_be_visible()
    assert_progress_bars_are_named(page)
    main = page.locator("main")
    for hidden in ("작성 중", "제출됨", "반려됨", "보고서 처리 이력", "애로사항"):
        expect(main).not_to_contain_text(ui_text(language, hidden))
    for version_text in project_private_texts(project):
        expect(main).not_to_contain_text(version_text)
    accepted = Report.objects.filter(period__project=project, state=ReportState.ACCEPTED)
    expect(main.get_by_role("link", name=re.compile(r"분기"))).to_have_count(accepted.count())
    assert_no_serious_axe_violations(page)
    shoot(page, f"project-desktop-{language}")

    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    assert_no_serious_axe_violations(page)
    shoot(page, f"project-phone-{language}")
    page.goto("/projects/")
    assert_fits_width(page)
    shoot(page, f"projects-phone-{language}")

    # A report that is not accepted does not exist for the public.
    unaccepted = Report.objects.filter(period__project=project).exclude(state=ReportState.ACCEPTED)
    response = page.goto(unaccepted.first().get_absolute_url())
    assert response.status == 404
    accept_page_problems(page, r"status of 404")

    # Without JavaScript the same filters work by submitting the form.
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto("/projects/")
    switch_language(plain, language)
    plain.get_by_label(ui_text(language, "혁신 분야"), exact=True).select_option("service")
    plain.get_by_label(ui_text(language, "추진 상태"), exact=True).select_option("planned")
    with plain.expect_navigation():
        plain.get_by_role("button", name=ui_text(language, "찾기"), exact=True).click()
    expect(plain).to_have_url(re.compile(r"[?&]area=service&.*status=planned"))
    expect(result_titles(plain)).to_have_text(["제1회 광주 사회서비스박람회"])
    expect(plain.get_by_label(ui_text(language, "추진 상태"), exact=True)).to_have_value("planned")
    assert_html_lang(plain, language)
    assert_no_serious_axe_violations(plain)


def project_private_texts(project: JointProject) -> list[str]:
    """What only the institution and the city may read: comments and unaccepted narratives."""
    texts = set()
    for report in Report.objects.filter(period__project=project).prefetch_related(
        "transitions", "versions"
    ):
        texts.update(step.comment for step in report.transitions.all() if step.comment)
        if report.state != ReportState.ACCEPTED:
            texts.update(version.narrative for version in report.versions.all())
    return sorted(text for text in texts if text)


def signed_in_page(new_context, username: str, password: str, language: str, **options) -> Page:
    page = new_context(**options).new_page()
    page.goto("/accounts/login/")
    switch_language(page, language)
    sign_in(page, username, password, language)
    return page


def kpi_label(kpi) -> str:
    return f"{kpi.name} ({kpi.unit})"


def test_report_is_drafted_submitted_and_returned(new_context, demo_password, project, language):
    report = Report.objects.filter(period__project=project, state=ReportState.DRAFT).latest(
        "period__sequence"
    )
    kpis = list(project.kpis.order_by("position", "pk"))
    save_draft = ui_text(language, "초안 저장")
    narrative_label = ui_text(language, "추진 실적")

    # Staff write the draft with JavaScript: htmx posts the form.
    staff = signed_in_page(new_context, STAFF, demo_password, language)
    staff.goto(report.get_absolute_url())
    staff.get_by_role("link", name=ui_text(language, "보고서 작성"), exact=True).click()
    expect(staff).to_have_url(re.compile(rf"/projects/reports/{report.pk}/edit/$"))
    assert_no_serious_axe_violations(staff)

    first = staff.get_by_label(kpi_label(kpis[0]), exact=True)
    first.fill("많음")
    version_before = report.version
    staff.get_by_label(narrative_label, exact=True).fill("브라우저 시험 초안")
    # Leaving the field checks it on the server at once (htmx), before anything is saved.
    expect(staff.locator(".field", has=first)).to_contain_text(
        ui_text(language, "숫자로 입력하세요. 예: 120 또는 85.5")
    )
    expect(staff.get_by_label(narrative_label, exact=True)).to_be_focused()
    report.refresh_from_db()
    assert report.version == version_before, "inline validation must not save"
    staff.evaluate("() => { window.sameDocument = 'kept'; }")
    staff.get_by_role("button", name=save_draft, exact=True).click()
    error = ui_text(language, "숫자로 입력하세요. 예: 120 또는 85.5")
    first_field = staff.locator(".field", has=first)
    expect(first_field).to_contain_text(error)
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_accessible_description(re.compile(re.escape(error)))
    expect(staff.get_by_role("alert")).to_contain_text(
        ui_text(language, "입력한 내용을 확인해 주세요. 각 항목 옆에 안내가 있습니다.")
    )
    assert staff.evaluate("() => window.sameDocument") == "kept", "the form was not swapped in"
    accept_page_problems(staff, r"status of 400|Response Status Error Code 400")
    assert_no_serious_axe_violations(staff)
    shoot(staff, f"report-form-error-{language}")

    values = ["1500", "30", "85.5"][: len(kpis)]
    for kpi, value in zip(kpis, values, strict=False):
        staff.get_by_label(kpi_label(kpi), exact=True).fill(value)
    with staff.expect_navigation():
        staff.get_by_role("button", name=save_draft, exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text(ui_text(language, "초안을 저장했습니다."))
    expect(staff.get_by_label(kpi_label(kpis[0]), exact=True)).to_have_value(
        re.compile(r"^1500(\.0+)?$")
    )
    expect(staff.get_by_label(narrative_label, exact=True)).to_have_value("브라우저 시험 초안")
    assert_no_serious_axe_violations(staff)

    # Without JavaScript: the same form, posted plainly, errors and all.
    plain = signed_in_page(new_context, STAFF, demo_password, language, java_script_enabled=False)
    plain.goto(f"/projects/reports/{report.pk}/edit/")
    plain_first = plain.get_by_label(kpi_label(kpis[0]), exact=True)
    plain_first.fill("1,6OO")
    with plain.expect_navigation():
        plain.get_by_role("button", name=save_draft, exact=True).click()
    expect(plain.locator(".field", has=plain_first)).to_contain_text(error)
    accept_page_problems(plain, r"status of 400")
    assert_no_serious_axe_violations(plain)
    plain.get_by_label(kpi_label(kpis[0]), exact=True).fill("1600")
    plain.get_by_label(narrative_label, exact=True).fill("브라우저 시험 초안, 자바스크립트 없이")
    with plain.expect_navigation():
        plain.get_by_role("button", name=save_draft, exact=True).click()
    expect(plain.get_by_role("status")).to_contain_text(ui_text(language, "초안을 저장했습니다."))
    expect(plain.get_by_label(kpi_label(kpis[0]), exact=True)).to_have_value(
        re.compile(r"^1600(\.0+)?$")
    )
    plain.goto(report.get_absolute_url())
    expect(plain.locator("main")).to_contain_text("브라우저 시험 초안, 자바스크립트 없이")
    expect(plain.locator("main")).to_contain_text(ui_text(language, "작성 중인 초안"))
    assert_no_serious_axe_violations(plain)

    # The head submits it.
    head = signed_in_page(new_context, HEAD, demo_password, language)
    head.goto(f"/projects/reports/{report.pk}/edit/")
    with head.expect_navigation(url=re.compile(rf"/projects/reports/{report.pk}/$")):
        head.get_by_role("button", name=ui_text(language, "저장하고 제출"), exact=True).click()
    expect(head.get_by_role("status")).to_contain_text(
        ui_text(language, "보고서를 제출했습니다. 시의 검토를 기다립니다.")
    )
    expect(head.locator(".summary-list")).to_contain_text(ui_text(language, "제출됨"))
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    # City staff find it in the review queue and return it with a comment.
    city = signed_in_page(new_context, CITY_STAFF, demo_password, language)
    city.get_by_role("navigation", name=ui_text(language, "주 메뉴")).get_by_role(
        "link", name=ui_text(language, "보고서 검토"), exact=True
    ).click()
    expect(city).to_have_url(re.compile(r"/projects/review/$"))
    waiting_title = city.get_by_role("heading", name=ui_text(language, "검토 대기"))
    waiting = city.locator("section", has=waiting_title)
    row = (
        waiting.get_by_role("row")
        .filter(has_text=PROJECT_TITLE)
        .filter(has_text=report.period.label)
    )
    expect(row).to_have_count(1)
    assert_no_serious_axe_violations(city)
    shoot(city, f"review-queue-{language}")
    row.get_by_role("link", name=PROJECT_TITLE).click()
    expect(city).to_have_url(re.compile(rf"/projects/reports/{report.pk}/$"))
    assert_no_serious_axe_violations(city)

    comment = "목표 대비 실적의 산출 근거를 붙여 주세요."
    city.get_by_role(
        "radio", name=ui_text(language, "반려", context="review decision"), exact=True
    ).check()
    city.get_by_label(ui_text(language, "의견"), exact=True).fill(comment)
    with city.expect_navigation():
        city.get_by_role("button", name=ui_text(language, "검토 결과 저장"), exact=True).click()
    expect(city.get_by_role("status")).to_contain_text(
        ui_text(language, "보고서를 반려했습니다. 기관에 의견이 전달됩니다.")
    )
    assert_no_serious_axe_violations(city)

    # The head sees the returned state and the comment.
    head.goto(report.get_absolute_url())
    expect(head.locator(".summary-list")).to_contain_text(ui_text(language, "반려됨"))
    expect(head.locator(".timeline")).to_contain_text(comment)
    expect(
        head.get_by_role("link", name=ui_text(language, "반려된 보고서 고치기"), exact=True)
    ).to_be_visible()
    assert_html_lang(head, language)
    assert_no_serious_axe_violations(head)
    shoot(head, f"report-returned-{language}")
