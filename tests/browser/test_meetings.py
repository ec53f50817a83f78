"""Meetings in real Chromium, in Korean and in English, under the real CSP: the head of
광주사회서비스원 moves through the calendar (htmx, the page is not reloaded), opens the next
heads' meeting and answers that a delegate will come. axe-core finds no serious problem."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, MeetingKind
from meetings.services import meeting_series_schedule
from tests.browser.helpers import (
    assert_no_serious_axe_violations,
    shoot,
    sign_in,
    switch_language,
    ui_text,
)

HEAD = "head-gjssa"


@pytest.fixture(params=["ko", "en"])
def language(request):
    return request.param


@pytest.fixture
def next_heads_meeting(demo_password) -> Meeting:
    """The next heads' meeting ahead (next year's series too, late in the year)."""
    meeting_series_schedule(year=timezone.localdate().year + 1)
    return (
        Meeting.objects.filter(kind=MeetingKind.HEADS, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def test_head_moves_through_the_calendar_and_answers(
    new_context, demo_password, next_heads_meeting, language
):
    page = new_context().new_page()
    page.goto("/accounts/login/")
    switch_language(page, language)
    sign_in(page, HEAD, demo_password, language)
    start = timezone.localtime(next_heads_meeting.starts_at)
    page.goto(f"/meetings/?view=month&year={start.year}&month={start.month}")
    link = page.get_by_role("link", name=re.compile(re.escape(next_heads_meeting.title)))
    expect(link).to_be_visible()
    assert_no_serious_axe_violations(page)
    shoot(page, f"meetings-month-{language}")

    # The next month comes in place (htmx) and its address is pushed.
    page.evaluate("() => { window.sameDocument = 'kept'; }")
    page.get_by_role("link", name=ui_text(language, "다음 달"), exact=True).click()
    following = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    expect(page).to_have_url(re.compile(rf"year={following[0]}&month={following[1]}$"))
    expect(link).to_have_count(0)
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"

    page.goto(next_heads_meeting.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(next_heads_meeting.title)
    assert_no_serious_axe_violations(page)
    page.get_by_label(ui_text(language, "대리 참석"), exact=True).check()
    page.get_by_label(ui_text(language, "대리 참석자 이름")).fill("김대리")
    with page.expect_navigation():
        page.get_by_role("button", name=ui_text(language, "회신하기"), exact=True).click()
    saved = ui_text(language, "참석 회신을 저장했습니다.")
    expect(page.locator(".messages")).to_contain_text(saved)
    expect(page.locator("table")).to_contain_text("(김대리)")
    assert_no_serious_axe_violations(page)
    shoot(page, f"meeting-answered-{language}")
