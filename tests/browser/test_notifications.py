"""The notification list in real Chromium, under the real CSP, in Korean and in English: the
head of 광주사회서비스원 finds next year's invitations, marks one read with htmx (the item and
the header's count change in place) and the rest with the plain form, without JavaScript.
axe-core finds no serious problem."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.services import meeting_series_schedule
from notifications.models import Notification
from notifications.services import notifications_deliver_due
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
def invitations_delivered(demo_password) -> int:
    """Next year's series, its invitation notices delivered; how many the head has unread."""
    meeting_series_schedule(year=timezone.localdate().year + 1)
    while notifications_deliver_due().sent:  # a run sends NOTIFICATION_DELIVERY_BATCH at most
        pass
    return Notification.objects.filter(
        recipient__username=HEAD, sent_at__isnull=False, read_at=None
    ).count()


def test_head_reads_notifications(new_context, demo_password, invitations_delivered, language):
    unread = invitations_delivered
    assert unread >= 6
    page = new_context().new_page()
    page.goto("/accounts/login/")
    switch_language(page, language)
    sign_in(page, HEAD, demo_password, language)
    nav_link = page.locator("#nav-notifications")
    expect(nav_link).to_contain_text(str(unread))
    nav_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text(language, "알림"))
    assert_no_serious_axe_violations(page)
    shoot(page, f"notifications-{language}")

    # One read with htmx: the item and the header change, the page stays.
    page.evaluate("() => { window.sameDocument = 'kept'; }")
    new_badges = page.locator(".notification--unread")
    expect(new_badges).to_have_count(unread)
    page.get_by_role("button", name=ui_text(language, "읽음으로 표시"), exact=True).first.click()
    expect(new_badges).to_have_count(unread - 1)
    expect(nav_link).to_contain_text(str(unread - 1))
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"
    assert_no_serious_axe_violations(page)


def test_marking_all_read_works_without_javascript(
    new_context, demo_password, invitations_delivered
):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, HEAD, demo_password, "ko")
    page.goto("/notifications/")
    mark_all = f"읽지 않은 알림 {invitations_delivered}건 모두 읽음으로 표시"
    with page.expect_navigation():
        page.get_by_role("button", name=mark_all).click()
    expect(page.locator(".messages")).to_contain_text("알림을 모두 읽음으로 표시했습니다.")
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(page.locator("#nav-notifications")).to_have_text("알림")
    assert_no_serious_axe_violations(page)
