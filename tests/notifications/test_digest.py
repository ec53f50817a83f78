"""The weekly digest: what is overdue — open action items past their due date and open
reports past theirs — to the people who own it, one digest per person per ISO week
(issue 4, point 7)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agencies.models import Report
from meetings.models import Meeting, MeetingKind
from meetings.services import action_item_create, action_item_update
from notifications.models import Notification, NotificationKind
from notifications.services import digest_purpose, notifications_deliver_due, weekly_digest_plan
from portal.roles import CityUnit
from tests.factories import BureauFactory, CityStaffFactory, project_with_reports

# A Monday, 08:00 in Seoul, as beat plans it.
MONDAY = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def overdue(world):
    """X owns an overdue item and an overdue report; a bureau of Y's owns an overdue item;
    a closed item and an item not yet due are not overdue; Y's report is not open."""
    city = world.users["city_staff"]  # the strategy team
    bureau_x_staff = CityStaffFactory(
        unit=CityUnit.BUREAU, bureau=world.institution_x.bureau, user__username="bureau-x"
    ).user
    meeting = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="점검 회의",
        starts_at=MONDAY - datetime.timedelta(days=60),
        ends_at=MONDAY - datetime.timedelta(days=60, hours=-1),
    )
    items = {
        "x-overdue": action_item_create(
            by=city, description="엑스 야간 돌봄 인력 지원", meeting=meeting,
            due_on=TODAY - datetime.timedelta(days=3), owner_institution=world.institution_x,
        ),
        "bureau-overdue": action_item_create(
            by=city, description="와이 소관 실·국 예산 협의", meeting=meeting,
            due_on=TODAY - datetime.timedelta(days=10), owner_bureau=BureauFactory(),
        ),
        "x-done": action_item_create(
            by=city, description="끝난 조치", meeting=meeting,
            due_on=TODAY - datetime.timedelta(days=30), owner_institution=world.institution_x,
        ),
        "x-later": action_item_create(
            by=city, description="아직 기한 전인 조치", meeting=meeting,
            due_on=TODAY + datetime.timedelta(days=1), owner_institution=world.institution_x,
        ),
    }
    action_item_update(item=items["x-done"], by=city, status="done", note="마쳤습니다.")
    x_project = project_with_reports(
        lead_institution=world.institution_x, title="엑스 통합돌봄 사업", year=2026,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 3, 31),
    )
    project_with_reports(
        lead_institution=world.institution_y, title="와이 사업", year=2026,
        starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2027, 2, 28),
    )
    return {
        "items": items,
        "report": Report.objects.get(period__project=x_project),
        "bureau_x_staff": bureau_x_staff,
    }


def digest_of(user) -> Notification:
    return Notification.objects.get(recipient=user, kind=NotificationKind.DIGEST)


def test_the_digest_goes_to_those_who_own_what_is_overdue(world, overdue):
    weekly_digest_plan(now=MONDAY)

    recipients = set(
        Notification.objects.filter(purpose="digest:2026-W48").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"staff-x", "deputy-x", "head-x", "city-staff", "bureau-x"}

    head_x = digest_of(world.users["head_x"])
    assert head_x.send_at == MONDAY
    assert "2026-11-23 기준" in head_x.body
    assert "엑스 야간 돌봄 인력 지원" in head_x.body
    assert "3일 지남" in head_x.body
    assert f"http://localhost:8000/meetings/action-items/{overdue['items']['x-overdue'].pk}/" in (
        head_x.body
    )
    assert "엑스 통합돌봄 사업" in head_x.body  # the report of Q1, due in April
    assert f"http://localhost:8000{overdue['report'].get_absolute_url()}" in head_x.body
    for not_overdue in ("끝난 조치", "아직 기한 전인 조치", "와이 사업", "와이 소관"):
        assert not_overdue not in head_x.body
    # The strategy team sees everything overdue; the bureau what it supervises.
    strategy = digest_of(world.users["city_staff"]).body
    assert "와이 소관 실·국 예산 협의" in strategy
    assert "10일 지남" in strategy
    assert "엑스 야간 돌봄 인력 지원" in strategy
    bureau = digest_of(overdue["bureau_x_staff"]).body
    assert "엑스 야간 돌봄 인력 지원" in bureau
    assert "와이 소관" not in bureau


def test_one_digest_per_person_per_week(world, overdue):
    weekly_digest_plan(now=MONDAY)
    first = set(Notification.objects.values_list("pk", flat=True))

    again = weekly_digest_plan(now=MONDAY + datetime.timedelta(days=2, hours=3))
    assert again.created == 0
    assert set(Notification.objects.values_list("pk", flat=True)) == first

    next_week = weekly_digest_plan(now=MONDAY + datetime.timedelta(days=7))
    assert next_week.created == 5
    assert set(Notification.objects.values_list("purpose", flat=True)) == {
        "digest:2026-W48", "digest:2026-W49",
    }


def test_nothing_overdue_no_digest(world):
    assert weekly_digest_plan(now=MONDAY).created == 0
    assert not Notification.objects.exists()


def test_the_digest_is_delivered_like_any_notification(world, overdue):
    world.users["head_x"].email = "head-x@example.kr"
    world.users["head_x"].save(update_fields=["email"])
    weekly_digest_plan(now=MONDAY)

    outcome = notifications_deliver_due(now=MONDAY + datetime.timedelta(minutes=1))

    assert outcome.sent == 5  # in the portal for all; by e-mail to the one with an address
    [message] = mail.outbox
    assert message.to == ["head-x@example.kr"]
    assert "2026-W48 기한 지난 일 요약" in message.subject
    assert "Overdue digest 2026-W48" in message.subject


def test_the_week_is_the_iso_week_in_seoul():
    # Sunday 23:30 UTC is Monday 08:30 in Seoul: the new week.
    sunday_utc = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    assert digest_purpose(timezone.localtime(sunday_utc).date()) == "digest:2026-W49"
    assert digest_purpose(datetime.date(2027, 1, 1)) == "digest:2026-W53"
