"""Meetings of the programme. The regular series alternates by month (see MISSION.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    FIELD_DIALOGUE = "field_dialogue", _("현장 대화")
    HEADS = "heads", _("기관장 회의")
    DEPUTY_HEADS = "deputy_heads", _("부기관장 회의")
    OTHER = "other", _("기타 회의")


def regular_meeting_kind_for_month(month: int) -> MeetingKind:
    """Heads meet in even months, deputy heads in odd months."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return MeetingKind.HEADS if month % 2 == 0 else MeetingKind.DEPUTY_HEADS
