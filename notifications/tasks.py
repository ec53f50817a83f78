"""Beat tasks: thin shells over ``notifications.services``. Every one is idempotent (a
second run, or two at once, changes nothing more), so Celery's late acknowledgement may run
one again after a lost worker without harm."""

from celery import shared_task

from notifications import services


@shared_task(soft_time_limit=50, time_limit=58)
def deliver_due_notifications() -> dict[str, int]:
    """Every minute: send what is due. The limits keep one run within its minute; a run
    stopped mid-row rolls that row back, and the next run sends it."""
    outcome = services.notifications_deliver_due()
    return {"sent": outcome.sent, "failed": outcome.failed}


@shared_task(soft_time_limit=240, time_limit=300)
def plan_meeting_notifications() -> dict[str, int]:
    """Every 15 minutes: re-plan upcoming meetings (changes made in the Django admin)."""
    outcome = services.meetings_notifications_plan()
    return {"created": outcome.created, "updated": outcome.updated, "dropped": outcome.dropped}


@shared_task(soft_time_limit=240, time_limit=300)
def plan_weekly_digest() -> dict[str, int]:
    """Monday 08:00 Asia/Seoul: this week's digest of overdue items and reports."""
    outcome = services.weekly_digest_plan()
    return {"created": outcome.created}
