"""Planning and delivering notifications.

**Planning** turns the state of meetings, action items and reports into outbox rows
(``Notification``), one per recipient and purpose. Every planning function is idempotent: it
computes the rows that should exist and reconciles — it creates the missing ones with
``bulk_create(ignore_conflicts=True)`` (the database's unique constraint, not a check in
Python, is what stops a second row), re-times the unsent ones whose time moved, and deletes
the unsent ones no longer wanted. Sent rows are history and never touched.

Reminder purposes carry the meeting's date (``meeting:12:reminder:2026-12-09:7d``): a meeting
moved to another day gets fresh reminders for its new day even when the old day's reminder
was already sent, and moving it back never sends a reminder twice. Cancelling or postponing a
meeting deletes its unsent rows rather than marking them: an unsent row has reached nobody, so
it holds no history worth keeping, and a postponed meeting that is scheduled again is simply
planned again. The deletes and updates name ``sent_at IS NULL`` in the statement, so a row
that a delivery run is sending at that moment (locked) is left alone once it commits as sent.

**Delivery** (``notifications_deliver_due``) claims one due row at a time with ``SELECT … FOR
UPDATE SKIP LOCKED``, sends its e-mail and sets ``sent_at`` in the same transaction, which
holds the row lock throughout. A second beat process or worker skips the locked row and, once
it is committed, no longer sees it as due: each row is sent at most once per commit. A
process killed before the commit leaves the row unsent and unlocked (PostgreSQL rolls the
transaction back when the connection drops): it is sent on the next run, never skipped. The
one window left is between the mail server accepting the message and the commit: a crash
exactly there sends that message again on the next run (at-least-once, never lost).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import CityStaff, Membership, User
from meetings.models import Invitation, Meeting, MeetingStatus
from notifications import selectors
from notifications.models import Notification, NotificationKind
from portal.roles import CityUnit

logger = logging.getLogger(__name__)

# E-mails say where they come from; the in-app list does not need to.
EMAIL_SUBJECT_PREFIX = "[동행 포털] "


class NotificationError(Exception):
    """An action on a notification that is not allowed."""


@dataclass(frozen=True)
class Planned:
    """A row that should exist. ``send_at`` None: as soon as possible (an existing unsent row
    keeps its time, so re-planning never pushes it back)."""

    recipient_id: int
    purpose: str
    kind: str
    subject: str
    body: str
    link: str
    send_at: datetime.datetime | None


@dataclass
class PlanOutcome:
    """What a planning run did: rows created, unsent rows changed, unsent rows dropped."""

    created: int = 0
    updated: int = 0
    dropped: int = 0

    def __iadd__(self, other: PlanOutcome) -> PlanOutcome:
        self.created += other.created
        self.updated += other.updated
        self.dropped += other.dropped
        return self


def _seoul() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _send_time() -> datetime.time:
    return datetime.time.fromisoformat(settings.NOTIFICATION_SEND_TIME)


def _morning_before(day: datetime.date, days: int) -> datetime.datetime:
    """``NOTIFICATION_SEND_TIME`` (Asia/Seoul) ``days`` days before ``day``."""
    return datetime.datetime.combine(
        day - datetime.timedelta(days=days), _send_time(), tzinfo=_seoul()
    )


def _subject(text_of) -> str:
    """The subject in Korean, then in English: ``text_of()`` is called under each language."""
    with translation.override("ko"):
        korean = text_of()
    with translation.override("en"):
        english = text_of()
    return f"{korean} / {english}"[:240]


def _render_body(template: str, context: dict) -> str:
    with translation.override("ko"):
        return render_to_string(f"notifications/email/{template}", context).strip() + "\n"


def _reconcile(pending: list[Notification], desired: list[Planned], now) -> PlanOutcome:
    """Make the outbox hold ``desired``: ``pending`` are the unsent rows in scope (rows in
    scope but not desired are dropped). Sent rows are never touched; a desired row that was
    already sent stays sent (the unique constraint makes its insert a no-op)."""
    outcome = PlanOutcome()
    wanted = {(row.recipient_id, row.purpose): row for row in desired}
    existing = set()
    for row in pending:
        key = (row.recipient_id, row.purpose)
        plan = wanted.get(key)
        unsent = Notification.objects.filter(pk=row.pk, sent_at__isnull=True)
        if plan is None:
            outcome.dropped += unsent.delete()[0]
            continue
        existing.add(key)
        changes = {
            name: value
            for name, value in (
                ("subject", plan.subject),
                ("body", plan.body),
                ("link", plan.link),
                ("kind", plan.kind),
                ("send_at", plan.send_at),
            )
            if value is not None and getattr(row, name) != value
        }
        if changes:
            outcome.updated += unsent.update(**changes)
    new = [
        Notification(
            recipient_id=plan.recipient_id,
            purpose=plan.purpose,
            kind=plan.kind,
            subject=plan.subject,
            body=plan.body,
            link=plan.link,
            send_at=plan.send_at or now,
        )
        for key, plan in wanted.items()
        if key not in existing
    ]
    if new:
        # Rows already there (sent ones, or another planner's) are skipped by the database.
        purposes = {row.purpose for row in new}
        in_scope = Notification.objects.filter(purpose__in=purposes)
        before = in_scope.count()
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        outcome.created += in_scope.count() - before
    return outcome


# --- Meetings ---------------------------------------------------------------------------------


def meeting_purpose_prefix(meeting_pk: int) -> str:
    return f"meeting:{meeting_pk}:"


def _meeting_context(meeting: Meeting) -> dict:
    starts_at = timezone.localtime(meeting.starts_at, _seoul())
    ends_at = timezone.localtime(meeting.ends_at, _seoul())
    return {
        "meeting": meeting,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "link": absolute_url(meeting.get_absolute_url()),
    }


def _planned_for_meeting(
    meeting: Meeting, invitations: list[Invitation], now: datetime.datetime
) -> list[Planned]:
    """The rows a meeting should have: for a scheduled meeting still to come, an invitation
    notice to every invitee at once, a reminder ``N`` days before for every ``N`` of
    ``reminder_days`` whose time is still ahead, and, when topics are proposed until a
    deadline, a reminder to the invited institutions' heads and deputy heads
    ``NOTIFICATION_TOPICS_DEADLINE_DAYS`` before it. Nothing for any other meeting."""
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        return []
    context = _meeting_context(meeting)
    prefix = meeting_purpose_prefix(meeting.pk)
    day = context["starts_at"].date()
    link = context["link"]
    planned = []
    invitation_subject = _subject(lambda: _("회의 초대: %(title)s") % {"title": meeting.title})
    invitation_body = _render_body("invitation.txt", context)
    try:
        reminder_days = meeting.reminder_days
    except ValueError:  # a value the form would refuse, written around it: no reminders
        logger.warning(
            "meeting %s: unreadable reminder days %r", meeting.pk, meeting.reminder_days_before
        )
        reminder_days = []
    reminders = []
    for days in reminder_days:
        send_at = _morning_before(day, days)
        if send_at <= now:
            continue
        reminders.append(
            (
                f"{prefix}reminder:{day.isoformat()}:{days}d",
                send_at,
                _subject(
                    lambda days=days: ngettext(
                        "%(days)d일 뒤 회의: %(title)s", "%(days)d일 뒤 회의: %(title)s", days
                    )
                    % {"days": days, "title": meeting.title}
                ),
                _render_body("reminder.txt", {**context, "days": days}),
            )
        )
    topics = None
    deadline = meeting.topics_deadline
    if deadline is not None and deadline > now:
        local_deadline = timezone.localtime(deadline, _seoul())
        send_at = _morning_before(
            local_deadline.date(), settings.NOTIFICATION_TOPICS_DEADLINE_DAYS
        )
        if send_at > now:
            topics = (
                f"{prefix}topics-deadline:{local_deadline.date().isoformat()}",
                send_at,
                _subject(
                    lambda: _("토론 과제 제안 마감 안내: %(title)s") % {"title": meeting.title}
                ),
                _render_body("topics_deadline.txt", {**context, "deadline": local_deadline}),
            )
    for invitation in invitations:
        recipient = invitation.user_id
        planned.append(
            Planned(
                recipient, f"{prefix}invitation", NotificationKind.INVITATION,
                invitation_subject, invitation_body, link, None,
            )
        )
        for purpose, send_at, subject, body in reminders:
            planned.append(
                Planned(recipient, purpose, NotificationKind.REMINDER, subject, body, link, send_at)
            )
        # Topics are proposed for an institution by its head or deputy head: the people
        # invited on its behalf.
        if topics is not None and invitation.institution_id is not None:
            purpose, send_at, subject, body = topics
            planned.append(
                Planned(
                    recipient, purpose, NotificationKind.TOPICS_DEADLINE, subject, body, link,
                    send_at,
                )
            )
    return planned


@transaction.atomic
def meeting_notifications_plan(
    *, meeting: Meeting, now: datetime.datetime | None = None
) -> PlanOutcome:
    """Bring the meeting's notifications in line with the meeting as it is now: invitation
    notices, reminders and the topic-deadline reminder for its invitees (see
    ``_planned_for_meeting``). Idempotent; safe to call after any change of the meeting or its
    invitations, in the same transaction as the change (so they commit together) or later.
    A moved meeting's unsent reminders are re-planned for its new time; a cancelled,
    postponed or past meeting's unsent notifications are dropped."""
    now = now or timezone.now()
    # One planner per meeting at a time; the read below sees the meeting as committed.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitations = list(meeting.invitations.only("user_id", "institution_id"))
    desired = _planned_for_meeting(meeting, invitations, now)
    pending = list(
        Notification.objects.pending().filter(
            purpose__startswith=meeting_purpose_prefix(meeting.pk)
        )
    )
    return _reconcile(pending, desired, now)


def meetings_notifications_plan(*, now: datetime.datetime | None = None) -> PlanOutcome:
    """Re-plan every meeting that may still need a notification (the beat sweep): meetings
    still to come, and meetings with unsent rows (to drop them). One transaction per meeting,
    so one meeting's trouble does not hold up the others."""
    now = now or timezone.now()
    upcoming = set(Meeting.objects.filter(starts_at__gt=now).values_list("pk", flat=True))
    with_pending = {
        int(purpose.split(":")[1])
        for purpose in Notification.objects.pending()
        .filter(purpose__startswith="meeting:")
        .values_list("purpose", flat=True)
    }
    outcome = PlanOutcome()
    for meeting in Meeting.objects.filter(pk__in=upcoming | with_pending).order_by("pk"):
        outcome += meeting_notifications_plan(meeting=meeting, now=now)
    return outcome


# --- The weekly digest ------------------------------------------------------------------------


def digest_purpose(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"digest:{year}-W{week:02d}"


@transaction.atomic
def weekly_digest_plan(*, now: datetime.datetime | None = None) -> PlanOutcome:
    """One digest per person per ISO week (Asia/Seoul) of what is overdue and theirs:

    - an institution's members: its overdue open action items and its overdue reports (draft
      or returned past the due date, as ``agencies.selectors.reports_due_for`` counts them);
    - a supervising bureau's staff: the overdue action items the bureau owns, and the overdue
      items and reports of the institutions it supervises;
    - the strategy team: everything overdue.

    Someone with nothing overdue gets nothing. Planning again in the same week adds nobody
    twice (the purpose names the week); a digest's content is what was overdue when it was
    first planned."""
    now = now or timezone.now()
    today = timezone.localtime(now, _seoul()).date()
    purpose = digest_purpose(today)
    items, reports = selectors.overdue_for_digest(today)
    if not items and not reports:
        return PlanOutcome()
    by_recipient: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    institution_ids = {item.owner_institution_id for item in items} | {
        report.period.project.lead_institution_id for report in reports
    }
    members: dict[int, list[int]] = defaultdict(list)
    for user_id, institution_id in Membership.objects.filter(
        institution_id__in=institution_ids, user__is_active=True
    ).values_list("user_id", "institution_id"):
        members[institution_id].append(user_id)
    bureau_staff: dict[int, list[int]] = defaultdict(list)
    strategy_team = []
    for user_id, unit, bureau_id in CityStaff.objects.filter(user__is_active=True).values_list(
        "user_id", "unit", "bureau_id"
    ):
        if unit == CityUnit.STRATEGY_TEAM:
            strategy_team.append(user_id)
        else:
            bureau_staff[bureau_id].append(user_id)

    def recipients(institution, bureau_id) -> set[int]:
        people = set(strategy_team)
        if institution is not None:
            people.update(members.get(institution.pk, ()))
            people.update(bureau_staff.get(institution.bureau_id, ()))
        if bureau_id is not None:
            people.update(bureau_staff.get(bureau_id, ()))
        return people

    for item in items:
        for user_id in recipients(item.owner_institution, item.owner_bureau_id):
            by_recipient[user_id][0].append(item)
    for report in reports:
        for user_id in recipients(report.period.project.lead_institution, None):
            by_recipient[user_id][1].append(report)

    subject = _subject(lambda: _("%(week)s 기한 지난 일 요약") % {"week": purpose.split(":")[1]})
    link = absolute_url(reverse("notifications:list"))
    desired = []
    bodies: dict[tuple, str] = {}  # the members of one institution share one text
    for user_id, (user_items, user_reports) in by_recipient.items():
        content = (tuple(item.pk for item in user_items), tuple(r.pk for r in user_reports))
        body = bodies.get(content)
        if body is None:
            body = bodies[content] = _render_body(
                "digest.txt",
                {
                    "today": today,
                    "items": [
                        (item, (today - item.due_on).days, absolute_url(item.get_absolute_url()))
                        for item in user_items
                    ],
                    "reports": [
                        (
                            report,
                            (today - report.period.due_on).days,
                            absolute_url(report.get_absolute_url()),
                        )
                        for report in user_reports
                    ],
                },
            )
        desired.append(
            Planned(user_id, purpose, NotificationKind.DIGEST, subject, body, link, None)
        )
    # Only this week's rows are in scope, and an unsent one keeps its content: pending=[]
    # makes every desired row an insert that the unique constraint turns into a no-op.
    return _reconcile([], desired, now)


# --- Delivery ---------------------------------------------------------------------------------


@dataclass
class DeliveryOutcome:
    sent: int = 0
    failed: int = 0


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.NOTIFICATION_RETRY_MINUTES * 2 ** (attempts - 1))


def _email_of(notification: Notification) -> EmailMessage | None:
    recipient: User = notification.recipient
    if not recipient.is_active or not recipient.email:
        return None  # in-app only
    return EmailMessage(
        subject=f"{EMAIL_SUBJECT_PREFIX}{notification.subject}",
        body=notification.body,  # the link is in the text already
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"X-Portal-Notification": str(notification.pk)},
    )


def notifications_deliver_due(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> DeliveryOutcome:
    """Send the notifications due at ``now``, each exactly once (see the module docstring for
    the guarantee and its one window). Each row is claimed, sent and marked sent in its own
    transaction; a row whose e-mail fails records the error, counts the attempt and waits
    ``NOTIFICATION_RETRY_MINUTES`` (doubling) before it is due again, without holding up the
    rows after it. After ``NOTIFICATION_MAX_ATTEMPTS`` it is no longer due. A recipient
    without an e-mail address (or no longer active) gets the notification in the portal only.
    """
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATION_DELIVERY_BATCH
    outcome = DeliveryOutcome()
    connection = get_connection(fail_silently=False)
    try:
        while outcome.sent + outcome.failed < limit:
            with transaction.atomic():
                notification = (
                    Notification.objects.due(
                        now=now, max_attempts=settings.NOTIFICATION_MAX_ATTEMPTS
                    )
                    .select_related("recipient")
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("send_at", "pk")
                    .first()
                )
                if notification is None:
                    break
                notification.attempts += 1
                fields = ["attempts", "sent_at", "last_error", "send_at"]
                try:
                    message = _email_of(notification)
                    if message is not None:
                        connection.open()  # once per run: the messages share it
                        message.connection = connection
                        message.send()
                except SoftTimeLimitExceeded:
                    raise  # the task's time is up: this row rolls back and waits for the next
                except Exception as error:  # whatever the e-mail backend raises
                    logger.warning("notification %s not sent: %s", notification.pk, error)
                    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
                    notification.send_at = now + _retry_delay(notification.attempts)
                    notification.save(update_fields=fields)
                    outcome.failed += 1
                    connection.close()  # a broken connection is opened afresh for the next
                    continue
                notification.sent_at = timezone.now()
                notification.last_error = ""
                notification.save(update_fields=fields)
                recipient_id = notification.recipient_id
                transaction.on_commit(partial(selectors.forget_unread_count, recipient_id))
                outcome.sent += 1
    finally:
        connection.close()
    return outcome


# --- Reading ----------------------------------------------------------------------------------


def _forget_unread_count(user_id: int) -> None:
    """Now, so that this request's page shows the new count, and after the commit, in case
    another request cached the old count in between."""
    selectors.forget_unread_count(user_id)
    transaction.on_commit(partial(selectors.forget_unread_count, user_id))


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of ``by``'s delivered notifications read. Idempotent."""
    if notification.recipient_id != by.pk or notification.sent_at is None:
        raise NotificationError("only the recipient marks a delivered notification read")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
        _forget_unread_count(by.pk)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every delivered notification of ``user`` read; how many were unread."""
    count = (
        Notification.objects.delivered()
        .filter(recipient=user, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    _forget_unread_count(user.pk)
    return count

