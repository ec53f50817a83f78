"""How delivery is driven: beat's schedule in settings (every minute; the weekly digest on
Monday 08:00 Asia/Seoul; the meetings' re-planning sweep), the tasks as thin shells with time
limits, and the management command for the embedded mode, which has no beat."""

from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from notifications import tasks
from notifications.models import Notification
from portal.celery import app as celery_app

ENTRIES = {
    "deliver-due-notifications": tasks.deliver_due_notifications,
    "plan-meeting-notifications": tasks.plan_meeting_notifications,
    "plan-weekly-digest": tasks.plan_weekly_digest,
}


@pytest.mark.parametrize("entry", ENTRIES)
def test_beat_runs_each_task_with_time_limits(entry):
    task = ENTRIES[entry]
    assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] == task.name
    assert task.name in celery_app.tasks
    assert 0 < task.soft_time_limit < task.time_limit


def test_the_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["deliver-due-notifications"]["schedule"] == 60
    # A delivery run ends before the next one starts.
    assert tasks.deliver_due_notifications.time_limit < 60
    assert schedule["plan-meeting-notifications"]["schedule"] == 15 * 60
    assert schedule["plan-weekly-digest"]["schedule"] == crontab(
        minute=0, hour=8, day_of_week="mon"
    )
    assert settings.CELERY_TIMEZONE == "Asia/Seoul"


def test_the_tasks_call_the_services(with_emails, meeting):
    assert tasks.plan_meeting_notifications.delay().get() == {
        "created": 11, "updated": 0, "dropped": 0,
    }
    assert tasks.deliver_due_notifications.delay().get() == {"sent": 3, "failed": 0}
    assert tasks.plan_weekly_digest.delay().get() == {"created": 0}
    assert len(mail.outbox) == 3


def test_the_command_plans_and_delivers(with_emails, meeting):
    out = StringIO()
    call_command("deliver_notifications", "--plan", stdout=out)

    assert "planned: 11 created, 0 updated, 0 dropped" in out.getvalue()
    assert "delivered: 3 sent, 0 failed" in out.getvalue()
    assert Notification.objects.delivered().count() == 3

    out = StringIO()
    call_command("deliver_notifications", stdout=out)
    assert "delivered: 0 sent, 0 failed" in out.getvalue()
    assert len(mail.outbox) == 3


def test_the_command_refuses_a_busy_loop(db):
    with pytest.raises(CommandError, match="at least 10 seconds"):
        call_command("deliver_notifications", "--loop", "1")
