"""Reads for the notification pages, the header's unread count and the weekly digest."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import QuerySet

from agencies.models import Report, ReportState
from meetings.models import ACTION_ITEM_CLOSED_STATUSES, ActionItem
from notifications.models import Notification

# The header shows the unread count on every page: it is cached per person and forgotten
# when a notification is delivered or read. With the local-memory cache (embedded mode) a
# delivery run in another process shows up within this many seconds.
UNREAD_COUNT_TIMEOUT = 60


def inbox_of(user) -> QuerySet[Notification]:
    """``user``'s delivered notifications, newest first."""
    return (
        Notification.objects.delivered()
        .filter(recipient=user)
        .only("pk", "kind", "subject", "body", "link", "sent_at", "read_at", "recipient_id")
        .order_by("-sent_at", "-pk")
    )


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    """How many of ``user``'s delivered notifications are unread: one query at most a minute."""
    if user is None or not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.delivered().filter(recipient=user, read_at=None).count()
        cache.set(key, count, UNREAD_COUNT_TIMEOUT)
    return count


def forget_unread_count(user_id: int) -> None:
    cache.delete(_unread_key(user_id))


def overdue_for_digest(today: datetime.date) -> tuple[list[ActionItem], list[Report]]:
    """Open action items past their due date, and reports still open (draft or returned)
    past theirs — the same rule as ``agencies.selectors.reports_due_for``, for every
    institution at once. Two queries."""
    items = list(
        ActionItem.objects.exclude(status__in=ACTION_ITEM_CLOSED_STATUSES)
        .filter(due_on__lt=today)
        .select_related("owner_institution", "owner_bureau")
        .order_by("due_on", "pk")
    )
    reports = list(
        Report.objects.filter(
            state__in=(ReportState.DRAFT, ReportState.RETURNED),
            period__starts_on__lte=today,
            period__due_on__lt=today,
        )
        .select_related("period__project__lead_institution")
        .order_by("period__due_on", "pk")
    )
    return items, reports
