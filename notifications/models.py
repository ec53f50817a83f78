"""Notifications: the outbox of e-mail reminders and, once delivered, the in-app list.

One row is one message to one person for one purpose. The purpose is a stable key
(``meeting:12:invitation``, ``meeting:12:reminder:2026-12-09:7d``, ``digest:2026-W48``) and
``(recipient, purpose)`` is unique in the database, so planning a message twice never makes two
rows, and a row is sent at most once (see ``notifications.services`` for how delivery claims
rows). Nothing waits in Redis: a message planned for later is a row with ``send_at``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", _("회의 초대")
    REMINDER = "reminder", _("회의 미리 알림")
    TOPICS_DEADLINE = "topics_deadline", _("과제 제안 마감 알림")
    DIGEST = "digest", _("주간 기한 지남 요약")


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        """Not sent yet (whether due or not)."""
        return self.filter(sent_at__isnull=True)

    def due(self, *, now, max_attempts: int):
        """Unsent, due, and with attempts left: what delivery claims."""
        return self.filter(sent_at__isnull=True, send_at__lte=now, attempts__lt=max_attempts)

    def delivered(self):
        return self.filter(sent_at__isnull=False)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("받는 사람"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    purpose = models.CharField(
        _("목적 키"),
        max_length=120,
        help_text=_("같은 사람에게 같은 목적의 알림은 하나뿐입니다. 예: meeting:12:invitation"),
    )
    kind = models.CharField(_("종류"), max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(_("제목"), max_length=250)
    body = models.TextField(_("내용"))
    link = models.URLField(_("링크"), max_length=500, blank=True)
    send_at = models.DateTimeField(_("보낼 때"))
    sent_at = models.DateTimeField(_("보낸 때"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("보내기 시도"), default=0)
    last_error = models.TextField(_("마지막 오류"), blank=True)
    read_at = models.DateTimeField(_("읽은 때"), null=True, blank=True)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["-send_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "purpose"],
                name="notification_unique_per_recipient_purpose",
                violation_error_message=_("이 사람에게 같은 목적의 알림이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(purpose=""), name="notification_purpose_not_empty"
            ),
            # Only a delivered notification can have been read.
            models.CheckConstraint(
                condition=models.Q(read_at__isnull=True) | models.Q(sent_at__isnull=False),
                name="notification_read_only_after_sent",
            ),
        ]
        indexes = [
            # The delivery scan: unsent rows by due time (small: sent rows are left out).
            models.Index(
                fields=["send_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_due_idx",
            ),
            # A person's in-app list, newest first.
            models.Index(
                fields=["recipient", "-sent_at"],
                condition=models.Q(sent_at__isnull=False),
                name="notification_inbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
