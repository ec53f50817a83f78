"""The in-app list: a person's delivered notifications, newest first, unread marked, read
one by one or all at once (a plain form, enhanced by htmx), and the unread count in the
header. Nobody sees anyone else's (issue 4, point 7)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from tests.pages import page_heading, visible_text

LIST = reverse("notifications:list")


def delivered(user, count: int, *, start=None) -> list[Notification]:
    """``count`` delivered notifications of ``user``, an hour apart, oldest first."""
    start = start or timezone.now() - datetime.timedelta(days=10)
    rows = [
        Notification(
            recipient=user,
            purpose=f"test:{number}",
            kind=NotificationKind.REMINDER,
            subject=f"알림 제목 {number:03d}",
            body=f"알림 내용 {number:03d}",
            link=f"http://localhost:8000/meetings/{number}/",
            send_at=start + datetime.timedelta(hours=number),
            sent_at=start + datetime.timedelta(hours=number),
        )
        for number in range(count)
    ]
    return Notification.objects.bulk_create(rows)


def nav_text(html: str) -> str:
    start = html.index('id="nav-notifications"')
    return visible_text(html[start : html.index("</a>", start)].split(">", 1)[1])


def test_the_list_shows_my_delivered_notifications_newest_first(world, client_as):
    head_x = world.users["head_x"]
    mine = delivered(head_x, 3)
    Notification.objects.filter(pk=mine[0].pk).update(read_at=timezone.now())
    delivered(world.users["head_y"], 2)  # someone else's
    Notification.objects.create(  # planned, not delivered yet
        recipient=head_x, purpose="test:later", kind=NotificationKind.REMINDER,
        subject="아직 보내지 않은 알림", body="나중",
        send_at=timezone.now() + datetime.timedelta(days=1),
    )

    response = client_as(head_x).get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(page)
    assert page_heading(page) == "알림"
    assert text.index("알림 제목 002") < text.index("알림 제목 001") < text.index("알림 제목 000")
    assert "아직 보내지 않은 알림" not in text
    assert text.count("새 알림") == 2  # the two unread ones
    assert text.count("읽음으로 표시") == 3  # two items' buttons and "mark all … as read"
    assert 'href="http://localhost:8000/meetings/2/"' in page
    assert nav_text(page) == "알림 2 읽지 않음"


def test_marking_one_read_with_a_plain_form(world, client_as):
    head_x = world.users["head_x"]
    first, second = delivered(head_x, 2)
    client = client_as(head_x)

    response = client.post(reverse("notifications:read", kwargs={"pk": second.pk}))

    assert response.status_code == 302
    assert response["Location"] == LIST
    second.refresh_from_db()
    assert second.read_at is not None
    assert Notification.objects.get(pk=first.pk).read_at is None
    # The header counts one unread now (the cached count was forgotten).
    assert nav_text(client.get(reverse("home")).content.decode()) == "알림 1 읽지 않음"
    # Again: nothing changes, no error.
    read_at = second.read_at
    client.post(reverse("notifications:read", kwargs={"pk": second.pk}), {"page": "2"})
    second.refresh_from_db()
    assert second.read_at == read_at


def test_marking_one_read_with_htmx_swaps_the_item_and_the_header(world, client_as):
    head_x = world.users["head_x"]
    _first, second = delivered(head_x, 2)

    response = client_as(head_x).post(
        reverse("notifications:read", kwargs={"pk": second.pk}), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert f'id="notification-{second.pk}"' in fragment
    assert "<html" not in fragment
    assert "새 알림" not in visible_text(fragment)
    assert 'hx-swap-oob="true"' in fragment
    assert nav_text(fragment) == "알림 1 읽지 않음"


def test_marking_all_read(world, client_as):
    head_x = world.users["head_x"]
    delivered(head_x, 3)
    others = delivered(world.users["head_y"], 1)
    client = client_as(head_x)

    response = client.post(reverse("notifications:read_all"), follow=True)

    assert Notification.objects.filter(recipient=head_x, read_at=None).count() == 0
    assert Notification.objects.get(pk=others[0].pk).read_at is None
    text = visible_text(response.content.decode())
    assert "알림을 모두 읽음으로 표시했습니다." in text
    assert "새 알림" not in text
    assert nav_text(response.content.decode()) == "알림"

    htmx = client.post(reverse("notifications:read_all"), headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert "<html" not in htmx.content.decode()


def test_another_persons_notification_is_not_found(world, client_as):
    theirs = delivered(world.users["head_y"], 1)[0]
    for who in ("head_x", "city_staff", "admin"):
        response = client_as(world.users[who]).post(
            reverse("notifications:read", kwargs={"pk": theirs.pk})
        )
        assert response.status_code == 404, who
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_undelivered_notification_cannot_be_read(world, client_as):
    head_x = world.users["head_x"]
    pending = Notification.objects.create(
        recipient=head_x, purpose="test:pending", kind=NotificationKind.REMINDER,
        subject="s", body="b", send_at=timezone.now() + datetime.timedelta(days=1),
    )
    response = client_as(head_x).post(reverse("notifications:read", kwargs={"pk": pending.pk}))
    assert response.status_code == 404


def test_pages_of_twenty(world, client_as):
    delivered(world.users["head_x"], 25)
    client = client_as(world.users["head_x"])

    first = visible_text(client.get(LIST).content.decode())
    second = visible_text(client.get(LIST, {"page": "2"}).content.decode())

    assert first.count("알림 제목") == 20
    assert "1 / 2쪽" in first
    assert second.count("알림 제목") == 5
    assert "알림 제목 000" in second
    htmx = client.get(LIST, {"page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in htmx
    assert htmx.count("알림 제목") == 5


def test_the_header_count_is_cached(world, client_as):
    delivered(world.users["head_x"], 2)
    client = client_as(world.users["head_x"])
    home = reverse("home")
    client.get(home)  # counts, and caches the count

    with CaptureQueriesContext(connection) as captured:
        page = client.get(home).content.decode()

    assert nav_text(page) == "알림 2 읽지 않음"
    assert not [q for q in captured.captured_queries if "notifications_notification" in q["sql"]]


@pytest.mark.parametrize("count", [3, 60])
def test_list_query_count_does_not_grow(world, client_as, django_assert_max_num_queries, count):
    delivered(world.users["head_x"], count)
    client = client_as(world.users["head_x"])

    # Session, user, the request's savepoint and its release, affiliation, the page's count
    # and rows, the unread count (cached after this request).
    with django_assert_max_num_queries(8):
        response = client.get(LIST)

    assert response.status_code == 200


def test_the_page_in_english(world, client_as):
    delivered(world.users["head_x"], 1)
    client = client_as(world.users["head_x"])
    client.cookies["django_language"] = "en"

    text = visible_text(client.get(LIST).content.decode())

    assert "Notifications" in text
    assert "Mark as read" in text
    assert "Mark 1 unread notification as read" in text
