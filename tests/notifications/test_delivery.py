"""Delivering the outbox: each due row once, failures retried a bounded number of times
without holding up the others, a run that dies before its commit leaves the row to the next
run, and two runs at once never send one row twice (issue 4, point 7)."""

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from meetings.models import Invitation, Meeting, MeetingKind
from notifications.models import Notification
from notifications.services import meeting_notifications_plan, notifications_deliver_due
from tests.notifications.backends import ProcessDied
from tests.notifications.conftest import NOW, YEAR, seoul


def sent_ids(messages) -> Counter:
    """How many times each notification (by id) was e-mailed."""
    return Counter(int(message.extra_headers["X-Portal-Notification"]) for message in messages)


def test_due_rows_are_sent_once_each_and_in_time(with_emails, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)

    first = notifications_deliver_due(now=NOW)
    again = notifications_deliver_due(now=NOW + datetime.timedelta(minutes=1))

    assert (first.sent, first.failed, again.sent) == (3, 0, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "head-x@example.kr", "head-y@example.kr", "staff-x@example.kr",
    ]
    invitation = mail.outbox[0]
    assert invitation.subject.startswith("[동행 포털] 회의 초대: 3월 기관장 회의 / ")
    assert "Meeting invitation: 3월 기관장 회의" in invitation.subject
    assert f"{YEAR}-03-27" in invitation.body
    assert "14:00 ~ 16:00" in invitation.body
    assert f"http://localhost:8000/meetings/{meeting.pk}/" in invitation.body
    assert Notification.objects.pending().count() == 8  # the rest are not due yet

    # The topic deadline reminder (two mornings before the deadline), to the heads only.
    notifications_deliver_due(now=seoul(YEAR, 3, 18, 9))
    assert sorted(message.to[0] for message in mail.outbox[3:]) == [
        "head-x@example.kr", "head-y@example.kr",
    ]
    assert "과제" in mail.outbox[3].body
    # Both reminders, then nothing more.
    notifications_deliver_due(now=seoul(YEAR, 3, 20, 9))
    notifications_deliver_due(now=seoul(YEAR, 3, 26, 9))
    notifications_deliver_due(now=seoul(YEAR, 3, 27, 9))
    assert len(mail.outbox) == 11
    assert set(sent_ids(mail.outbox).values()) == {1}
    assert not Notification.objects.pending().exists()
    seven_days = [m for m in mail.outbox if "7일 뒤" in m.subject]
    assert len(seven_days) == 3
    assert "7 days" in seven_days[0].subject


def test_a_person_without_an_address_gets_it_in_the_portal_only(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)

    outcome = notifications_deliver_due(now=NOW)

    assert outcome.sent == 3
    assert mail.outbox == []
    assert Notification.objects.delivered().count() == 3


def test_a_failed_send_is_recorded_and_does_not_hold_up_the_others(with_emails, meeting):
    # An address that cannot go into a mail header: Django's mail code refuses it.
    head_y = with_emails.users["head_y"]
    head_y.email = "head-y@example.kr\nBcc: everyone@example.kr"
    head_y.save(update_fields=["email"])
    meeting_notifications_plan(meeting=meeting, now=NOW)

    outcome = notifications_deliver_due(now=NOW)

    assert (outcome.sent, outcome.failed) == (2, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["head-x@example.kr", "staff-x@example.kr"]
    failed = Notification.objects.get(recipient=head_y, kind="invitation")
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert "newline" in failed.last_error.lower() or "header" in failed.last_error.lower()
    # Tried again after NOTIFICATION_RETRY_MINUTES (5), not before.
    assert failed.send_at == NOW + datetime.timedelta(minutes=5)
    assert notifications_deliver_due(now=NOW + datetime.timedelta(minutes=4)).failed == 0

    head_y.email = "head-y@example.kr"
    head_y.save(update_fields=["email"])
    retried = notifications_deliver_due(now=NOW + datetime.timedelta(minutes=5))

    assert retried.sent == 1
    failed.refresh_from_db()
    assert failed.sent_at is not None
    assert failed.attempts == 2
    assert failed.last_error == ""
    assert set(sent_ids(mail.outbox).values()) == {1}


def test_attempts_are_bounded(with_emails, meeting, settings):
    # A mail server that is not there: every attempt fails to connect.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    Invitation.objects.exclude(user=with_emails.users["head_x"]).delete()
    meeting_notifications_plan(meeting=meeting, now=NOW)
    row = Notification.objects.get(kind="invitation")

    now = NOW
    delays = []
    for _attempt in range(settings.NOTIFICATION_MAX_ATTEMPTS):
        assert notifications_deliver_due(now=now).failed == 1
        row.refresh_from_db()
        delays.append(row.send_at - now)
        now = row.send_at
    later = notifications_deliver_due(now=now + datetime.timedelta(days=1))

    assert later.failed == later.sent == 0  # no attempts left: it waits for an administrator
    assert row.attempts == 5
    assert row.sent_at is None
    assert "ConnectionRefusedError" in row.last_error
    assert [delay.total_seconds() / 60 for delay in delays] == [5, 10, 20, 40, 80]


def test_a_run_that_dies_after_sending_leaves_the_row_for_the_next(with_emails, meeting, settings):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    settings.EMAIL_BACKEND = "tests.notifications.backends.DiesAfterSendingBackend"

    with pytest.raises(ProcessDied):
        notifications_deliver_due(now=NOW)

    # The message left, but the transaction that marks it sent rolled back.
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(kind="invitation", sent_at__isnull=False).count() == 0
    assert Notification.objects.filter(attempts__gt=0).count() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = notifications_deliver_due(now=NOW)

    # All three go out; the one in flight when the run died goes out a second time (the
    # at-least-once window between the mail server's accept and the commit). None is lost.
    assert outcome.sent == 3
    assert sorted(sent_ids(mail.outbox).values()) == [1, 1, 2]
    assert Notification.objects.filter(kind="invitation", sent_at__isnull=True).count() == 0


def _many_due_rows(world, count: int) -> set[int]:
    """``count`` meetings with X's head invited: ``count`` invitation notices due at NOW."""
    for number in range(count):
        starts_at = seoul(YEAR, 5, 1 + number % 28, 10 + number % 5)
        meeting = Meeting.objects.create(
            kind=MeetingKind.OTHER,
            title=f"간담회 {number}",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            reminder_days_before="",
        )
        Invitation.objects.create(meeting=meeting, user=world.users["head_x"])
        meeting_notifications_plan(meeting=meeting, now=NOW)
    return set(Notification.objects.values_list("pk", flat=True))


def test_concurrent_runs_send_each_row_once(transactional_db, with_emails, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowLocmemBackend"
    rows = _many_due_rows(with_emails, 30)
    outcomes, errors = [], []
    start = threading.Barrier(3)

    def run():
        try:
            start.wait()
            outcomes.append(notifications_deliver_due(now=NOW))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sent_ids(mail.outbox) == Counter(dict.fromkeys(rows, 1))
    assert sum(outcome.sent for outcome in outcomes) == 30
    # The work was shared: every run sent some (skip_locked let them pass each other).
    assert all(outcome.sent > 0 for outcome in outcomes), [o.sent for o in outcomes]
    assert not Notification.objects.pending().exists()
