"""Demo meetings for ``manage.py seed_demo``: this year's regular series, and the 2024
field-dialogue programme the article describes (the first on 22 February 2024 at
광주사회서비스원, eleven institutions by April). Safe to run again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Institution, Membership
from meetings.models import (
    DifficultyHeard,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Rsvp,
)
from meetings.services import SeriesOutcome, meeting_series_schedule
from portal.roles import InstitutionRole

# The programme visits the institutions in the order of the CSV file, the first one on the day
# of the article; the dates after it are the demo's own, Thursdays and one Tuesday, all working
# days (1 March and the 10 April election are skipped).
FIELD_DIALOGUE_DAYS_2024 = [
    datetime.date(2024, 2, 22),
    datetime.date(2024, 2, 29),
    datetime.date(2024, 3, 7),
    datetime.date(2024, 3, 14),
    datetime.date(2024, 3, 21),
    datetime.date(2024, 3, 28),
    datetime.date(2024, 4, 4),
    datetime.date(2024, 4, 11),
    datetime.date(2024, 4, 18),
    datetime.date(2024, 4, 25),
    datetime.date(2024, 4, 30),
]
FIELD_DIALOGUE_START = datetime.time(15, 0)
FIELD_DIALOGUE_LENGTH = datetime.timedelta(minutes=90)
FIELD_DIALOGUE_HOST = "광주광역시장"
# What the first dialogue heard, as the demo tells it (the article names no difficulty).
DIFFICULTIES_HEARD_AT_FIRST = [
    "통합돌봄 대상자를 찾는 데 자치구와 기관 사이 정보 공유가 늦습니다.",
    "야간·주말 돌봄 인력을 구하기 어렵고 처우 개선이 필요합니다.",
]


class DemoMeetingsError(Exception):
    """The demo data does not fit the programme; the message says how."""


@dataclass(frozen=True)
class DemoMeetingsResult:
    series: SeriesOutcome
    field_dialogues: list[Meeting]
    held: int  # meetings in the past, now marked held with their invitees' attendance


def field_dialogue_title(institution: Institution) -> str:
    return f"현장 대화: {institution.name_ko}"


def field_dialogue_description(institution: Institution) -> str:
    """Who attends, by role, as the article names them for the first dialogue."""
    return (
        f"참석: 광주광역시장, {institution.name_ko} 기관장, {institution.bureau.name_ko}장, "
        "전략추진단장. 시-공공기관 공동사업의 목표와 현안을 공유하고 현장의 어려움을 듣습니다."
    )


@transaction.atomic
def demo_meetings_ensure(*, institutions: list[Institution]) -> DemoMeetingsResult:
    """This year's series (``meeting_series_schedule``) and the 2024 field dialogues with the
    participating institutions' heads invited; meetings already past are marked held, their
    invitees as having attended. Idempotent."""
    series = meeting_series_schedule(year=timezone.localdate().year)
    dialogues = _field_dialogues_2024(institutions)
    held = _hold_past_meetings()
    return DemoMeetingsResult(series=series, field_dialogues=dialogues, held=held)


def _field_dialogues_2024(institutions: list[Institution]) -> list[Meeting]:
    seoul = ZoneInfo(settings.TIME_ZONE)
    visited = [i for i in institutions if i.in_field_dialogue and i.is_active]
    if len(visited) > len(FIELD_DIALOGUE_DAYS_2024):
        raise DemoMeetingsError(
            f"{len(visited)} institutions take part in the 2024 field dialogues, "
            f"but the programme has {len(FIELD_DIALOGUE_DAYS_2024)} days."
        )
    heads = {
        membership.institution_id: membership.user
        for membership in Membership.objects.filter(
            institution__in=visited, role=InstitutionRole.HEAD
        ).select_related("user")
    }
    dialogues = []
    for institution, day in zip(visited, FIELD_DIALOGUE_DAYS_2024, strict=False):
        starts_at = datetime.datetime.combine(day, FIELD_DIALOGUE_START, tzinfo=seoul)
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + FIELD_DIALOGUE_LENGTH,
            "place": institution.name_ko,
            "host": FIELD_DIALOGUE_HOST,
            "description": field_dialogue_description(institution),
        }
        meeting, created = Meeting.objects.get_or_create(
            kind=MeetingKind.FIELD_DIALOGUE,
            visited_institution=institution,
            title=field_dialogue_title(institution),
            defaults=values,
        )
        # Saved only when something differs, so a second run leaves every row as it was.
        if not created and any(getattr(meeting, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(meeting, key, value)
            meeting.save()
        head = heads.get(institution.pk)
        if head is not None:
            Invitation.objects.get_or_create(meeting=meeting, user=head, institution=institution)
        dialogues.append(meeting)
    if dialogues:
        for text in DIFFICULTIES_HEARD_AT_FIRST:
            DifficultyHeard.objects.get_or_create(meeting=dialogues[0], text=text)
    return dialogues


def _hold_past_meetings() -> int:
    """Meetings that have ended are held, and their invitees attended (the demo's record)."""
    past = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__lt=timezone.now())
    past_ids = list(past.values_list("pk", flat=True))
    Invitation.objects.filter(meeting_id__in=past_ids, attended=None).update(
        rsvp=Rsvp.ATTENDING, delegate_name="", attended=True
    )
    return past.update(status=MeetingStatus.HELD)
