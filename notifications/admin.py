from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.admin import ViewOnlyAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    """The outbox, read-only: rows are planned and sent by ``notifications.services``. An
    administrator may send again a row whose attempts ran out (after fixing the mail server)."""

    list_display = ["subject", "recipient", "kind", "send_at", "sent_at", "attempts", "read_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "read_at"]
    search_fields = ["purpose", "subject", "recipient__username", "recipient__name"]
    list_select_related = ["recipient"]
    date_hierarchy = "send_at"
    fields = [
        "recipient", "purpose", "kind", "subject", "body", "link", "send_at", "sent_at",
        "attempts", "last_error", "read_at", "created_at",
    ]
    readonly_fields = fields
    actions = ["retry_failed"]

    @admin.action(description=_("실패한 알림 다시 보내기"))
    def retry_failed(self, request, queryset):
        count = queryset.filter(sent_at__isnull=True, attempts__gt=0).update(
            attempts=0, send_at=timezone.now(), last_error=""
        )
        self.message_user(
            request,
            ngettext(
                "알림 %(count)d건을 다시 보냅니다.", "알림 %(count)d건을 다시 보냅니다.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
