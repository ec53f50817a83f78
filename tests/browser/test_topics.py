"""The agenda in real Chromium under the real CSP: city staff move a discussion topic up;
htmx swaps the agenda in place (the page is not reloaded), the new order is stored, and
axe-core finds no serious problem."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import Institution
from meetings.models import DiscussionTopic, Invitation, Meeting, MeetingKind, TopicStatus
from tests.browser.helpers import assert_no_serious_axe_violations, shoot, sign_in

CITY_STAFF = "staff"
TITLES = ["합동 채용 일정 조율", "공공건물 에너지 절감", "재난 비상연락망 정비"]


def _meeting_with_an_agenda() -> Meeting:
    starts_at = timezone.now() + datetime.timedelta(days=14)
    meeting = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="현안 간담회",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        topics_deadline=starts_at - datetime.timedelta(days=3),
    )
    institutions = list(Institution.objects.order_by("name_ko")[: len(TITLES)])
    for position, (title, institution) in enumerate(zip(TITLES, institutions, strict=True), 1):
        head = institution.memberships.get(role="head").user
        Invitation.objects.create(meeting=meeting, user=head, institution=institution)
        DiscussionTopic.objects.create(
            meeting=meeting,
            institution=institution,
            title=title,
            background="기관 사이 협력이 필요합니다.",
            status=TopicStatus.ACCEPTED,
            agenda_position=position,
        )
    return meeting


def test_city_staff_move_a_topic_up_with_htmx(new_context, demo_password):
    meeting = _meeting_with_an_agenda()
    page = new_context().new_page()
    page.goto("/accounts/login/")
    sign_in(page, CITY_STAFF, demo_password, "ko")
    page.goto(f"/meetings/{meeting.pk}/topics/")
    titles = page.locator("#agenda .agenda-list__title")
    expect(titles).to_have_text(TITLES)
    assert_no_serious_axe_violations(page)

    page.evaluate("() => { window.sameDocument = 'kept'; }")
    page.get_by_role("button", name=f"위로 {TITLES[2]}").click()

    expect(titles).to_have_text([TITLES[0], TITLES[2], TITLES[1]])
    assert page.evaluate("() => window.sameDocument") == "kept", "the page was reloaded"
    positions = dict(meeting.topics.values_list("title", "agenda_position"))
    assert positions == {TITLES[0]: 1, TITLES[2]: 2, TITLES[1]: 3}
    # The swapped agenda keeps working: the moved topic goes on up to the top.
    page.get_by_role("button", name=f"위로 {TITLES[2]}").click()
    expect(titles).to_have_text([TITLES[2], TITLES[0], TITLES[1]])
    expect(page.get_by_role("button", name=f"위로 {TITLES[2]}")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    shoot(page, "meeting-agenda-moved")
