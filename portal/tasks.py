from celery import shared_task
from django.core.management import call_command


@shared_task(soft_time_limit=300, time_limit=360)
def clear_expired_sessions() -> None:
    """Delete expired sessions (beat runs it daily); a second run finds nothing to delete."""
    call_command("clearsessions")


@shared_task
def ping() -> str:
    """Round trip through the broker; used by the deployment check and the worker test."""
    return "pong"
