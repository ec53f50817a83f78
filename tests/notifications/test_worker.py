"""Delivery by real processes against real PostgreSQL and Redis: two Celery workers given two
delivery tasks at once send every notification exactly once; a delivery process killed right
after handing a message to the mail server leaves its row unsent, and the next run sends it.

The processes write their e-mail with Django's file backend, so the test counts what they
sent by reading the files (each message names its notification in a header)."""

import re
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings

from meetings.models import Invitation, Meeting, MeetingKind
from notifications.models import Notification
from notifications.services import meeting_notifications_plan
from notifications.tasks import deliver_due_notifications
from portal.celery import app as celery_app
from tests.notifications.conftest import YEAR, seoul
from tests.portal.test_celery_worker import (
    _celery_command,
    _running,
    _subprocess_environment,
    _test_database_url,
    _wait_until,
)
from tests.subprocesses import manage

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL (make test does)"
    ),
]

HEADER = re.compile(r"^X-Portal-Notification: (\d+)$", re.MULTILINE)


def mailed(directory: Path) -> Counter:
    """How many times each notification (by id) was written out as an e-mail."""
    counts = Counter()
    for path in directory.glob("*"):
        counts.update(int(number) for number in HEADER.findall(path.read_text()))
    return counts


def due_invitation_notices(world, count: int) -> set[int]:
    """``count`` meetings with X's and Y's heads invited: their invitation notices are due
    now (the reminders, two years ahead, are not)."""
    for user in (world.users["head_x"], world.users["head_y"]):
        user.email = f"{user.username}@example.kr"
        user.save(update_fields=["email"])
    for number in range(count):
        starts_at = seoul(YEAR, 6, 1 + number % 28, 10)
        meeting = Meeting.objects.create(
            kind=MeetingKind.OTHER,
            title=f"간담회 {number}",
            starts_at=starts_at,
            ends_at=starts_at.replace(hour=11),
        )
        for who in ("head_x", "head_y"):
            Invitation.objects.create(meeting=meeting, user=world.users[who])
        meeting_notifications_plan(meeting=meeting)
    return set(Notification.objects.filter(kind="invitation").values_list("pk", flat=True))


def test_two_workers_with_two_tasks_send_each_notification_once(
    transactional_db, world, tmp_path
):
    assert not celery_app.conf.task_always_eager, "the tasks must go through the broker"
    notices = due_invitation_notices(world, 15)
    assert len(notices) == 30
    mail_dir = tmp_path / "mail"
    environment = _subprocess_environment(
        DATABASE_URL=_test_database_url(),
        EMAIL_BACKEND="tests.notifications.backends.SlowFileBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    run_id = uuid.uuid4().hex[:12]
    queue = f"test-deliver-{run_id}"
    logs = [tmp_path / f"worker-{number}.log" for number in (1, 2)]
    commands = [
        _celery_command(
            "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", f"--queues={queue}",
            f"--hostname=test-{run_id}-{number}@%h",
        )
        for number in (1, 2)
    ]
    results = []
    try:
        with (
            _running(commands[0], environment, logs[0]) as first,
            _running(commands[1], environment, logs[1]) as second,
        ):
            for worker, log in ((first, logs[0]), (second, logs[1])):
                _wait_until(
                    lambda log=log: " ready." in log.read_text(errors="replace"),
                    process=worker, log_path=log, what="the worker starting",
                )
            # Two delivery runs at once, as two beat ticks or a retry would make them.
            results = [deliver_due_notifications.apply_async(queue=queue) for _ in range(2)]
            for result in results:
                _wait_until(result.ready, process=first, log_path=logs[0], what="delivery")
            outcomes = [result.get(timeout=5) for result in results]
    finally:
        for result in results:
            result.forget()
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()

    assert sum(outcome["sent"] for outcome in outcomes) == 30, outcomes
    assert all(outcome["failed"] == 0 for outcome in outcomes)
    assert mailed(mail_dir) == Counter(dict.fromkeys(notices, 1))
    assert not Notification.objects.filter(pk__in=notices, sent_at__isnull=True).exists()


def test_a_delivery_process_killed_after_sending_leaves_the_row_to_the_next_run(
    transactional_db, world, tmp_path
):
    notices = due_invitation_notices(world, 3)
    mail_dir = tmp_path / "mail"
    database_url = _test_database_url()

    # The mail server takes the first message, then the process is killed before it commits.
    killed = manage(
        "deliver_notifications",
        environment=_subprocess_environment(
            DATABASE_URL=database_url,
            EMAIL_BACKEND="tests.notifications.backends.ExitsAfterSendingFileBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
    )

    assert killed.returncode == 137, killed.stdout + killed.stderr
    first_try = mailed(mail_dir)
    assert sum(first_try.values()) == 1
    [in_flight] = first_try
    row = Notification.objects.get(pk=in_flight)
    assert row.sent_at is None  # rolled back with the connection: not sent, not skipped
    assert row.attempts == 0

    # The next run (no beat in the embedded mode: the management command) sends them all.
    again = manage(
        "deliver_notifications",
        environment=_subprocess_environment(
            DATABASE_URL=database_url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
    )

    assert again.returncode == 0, again.stderr
    assert "delivered: 6 sent, 0 failed" in again.stdout
    # Every notice went out; the one in flight at the kill went out twice (at-least-once).
    assert mailed(mail_dir) == Counter({**dict.fromkeys(notices, 1), in_flight: 2})
    assert not Notification.objects.filter(pk__in=notices, sent_at__isnull=True).exists()
