"""Meetings of the programme. The regular series alternates by month (see MISSION.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("예정")
    HELD = "held", _("개최")
    POSTPONED = "postponed", _("연기")
    CANCELLED = "cancelled", _("취소")


def parse_reminder_days(text: str) -> list[int]:
    """``"7,1"`` -> ``[7, 1]``: distinct whole days before a meeting, largest first."""
    days = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 60:
            raise ValueError(part)
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_reminder_days(text: str) -> None:
    try:
        parse_reminder_days(text)
    except ValueError:
        raise ValidationError(
            _("미리 알림은 1에서 60 사이의 날 수를 쉼표로 나누어 적어 주세요. 예: 7,1"),
            code="invalid_reminder_days",
        ) from None


class Meeting(models.Model):
    """A meeting of the programme: a field dialogue, a heads' or deputy heads' meeting, or
    another meeting. Times are stored in UTC and shown in Asia/Seoul.

    A meeting of the regular series carries its ``series_year`` and ``series_month``; the
    series is built by ``meetings.services.meeting_series_schedule`` and never holds two
    meetings of one kind in one month. ``moved_by_hand`` marks a series meeting that city
    staff rescheduled: the series leaves it alone from then on.
    """

    kind = models.CharField(_("회의 종류"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    place = models.CharField(_("장소"), max_length=200, blank=True)
    host = models.CharField(
        _("주관"), max_length=100, blank=True, help_text=_("회의를 주관하는 부서나 사람입니다.")
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    visited_institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("방문 기관"),
        on_delete=models.PROTECT,
        related_name="field_dialogues",
        null=True,
        blank=True,
        help_text=_("현장 대화에서 시장과 시 관계자가 찾아가는 기관입니다."),
    )
    description = models.TextField(
        _("안내"), blank=True, help_text=_("참석 대상, 진행 방식 등 회의 안내입니다.")
    )
    series_year = models.PositiveSmallIntegerField(_("정례 회의 연도"), null=True, blank=True)
    series_month = models.PositiveSmallIntegerField(_("정례 회의 월"), null=True, blank=True)
    moved_by_hand = models.BooleanField(
        _("일정 직접 변경"),
        default=False,
        help_text=_("직접 옮긴 정례 회의는 일정 자동 생성이 다시 바꾸지 않습니다."),
    )
    topics_deadline = models.DateTimeField(
        _("과제 제안 마감"),
        null=True,
        blank=True,
        help_text=_(
            "기관이 토론 과제를 제안할 수 있는 마지막 때입니다. 비우면 제안을 받지 않습니다."
        ),
    )
    reminder_days_before = models.CharField(
        _("미리 알림(일 전)"),
        max_length=40,
        default="7,1",
        blank=True,
        validators=[validate_reminder_days],
        help_text=_(
            "초대받은 사람에게 회의 며칠 전에 알릴지 쉼표로 적습니다. 예: 7,1. "
            "비우면 알리지 않습니다."
        ),
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("회의")
        verbose_name_plural = _("회의")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("회의는 시작한 뒤에 끝나야 합니다."),
            ),
            # A series meeting names its year and month; no other meeting does.
            models.CheckConstraint(
                condition=(
                    models.Q(series_year__isnull=True, series_month__isnull=True)
                    | models.Q(
                        series_year__isnull=False,
                        series_month__isnull=False,
                        series_month__gte=1,
                        series_month__lte=12,
                        kind__in=[MeetingKind.HEADS, MeetingKind.DEPUTY_HEADS],
                    )
                ),
                name="meeting_series_key_valid",
            ),
            # A field dialogue is held at the institution it visits.
            models.CheckConstraint(
                condition=(
                    ~models.Q(kind=MeetingKind.FIELD_DIALOGUE)
                    | models.Q(visited_institution__isnull=False)
                ),
                name="meeting_field_dialogue_visits_an_institution",
                violation_error_message=_("현장 대화는 방문 기관이 있어야 합니다."),
            ),
            models.UniqueConstraint(
                fields=["kind", "series_year", "series_month"],
                name="meeting_series_unique_per_month",
                violation_error_message=_("이 달의 정례 회의가 이미 있습니다."),
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_at_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    @property
    def is_series_meeting(self) -> bool:
        return self.series_year is not None

    @property
    def reminder_days(self) -> list[int]:
        return parse_reminder_days(self.reminder_days_before)


class Rsvp(models.TextChoices):
    PENDING = "pending", _("응답 전")
    ATTENDING = "attending", _("참석")
    NOT_ATTENDING = "not_attending", _("불참")
    DELEGATE = "delegate", _("대리 참석")


class Invitation(models.Model):
    """One person invited to a meeting on behalf of an institution, with their answer and,
    on the day, whether they (or their delegate) attended."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("초대받은 사람"),
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("기관"),
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
        null=True,
        blank=True,
    )
    rsvp = models.CharField(
        _("참석 회신"), max_length=15, choices=Rsvp.choices, default=Rsvp.PENDING
    )
    delegate_name = models.CharField(_("대리 참석자"), max_length=100, blank=True)
    responded_at = models.DateTimeField(_("회신한 때"), null=True, blank=True)
    attended = models.BooleanField(_("참석 확인"), null=True, blank=True)

    class Meta:
        verbose_name = _("회의 초대")
        verbose_name_plural = _("회의 초대")
        ordering = ["meeting__starts_at", "institution__name_ko", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="invitation_unique_per_meeting_user",
                violation_error_message=_("이 사람은 이미 이 회의에 초대되었습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(rsvp__in=Rsvp.values), name="invitation_rsvp_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(rsvp=Rsvp.DELEGATE) & ~models.Q(delegate_name="")
                    | ~models.Q(rsvp=Rsvp.DELEGATE) & models.Q(delegate_name="")
                ),
                name="invitation_delegate_name_iff_delegate",
                violation_error_message=_("대리 참석일 때에만 대리 참석자 이름을 적습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.user}"


class CalendarFeed(models.Model):
    """A personal calendar subscription: a secret address that serves the meetings its owner
    may see as an iCalendar feed, for calendar apps that cannot sign in. Revoking it (or
    issuing a new one) makes the old address answer 404 at once.

    The token is the only credential, so it is long and random; it is stored as issued
    because the owner must be able to copy the address again later.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(_("비밀 주소 토큰"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("해지한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("달력 구독")
        verbose_name_plural = _("달력 구독")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DifficultyHeard(models.Model):
    """A difficulty on site (현장의 어려움) that staff raised in a field dialogue, as city staff
    recorded it. It names no one: what was said, not who said it."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("현장 대화"),
        on_delete=models.CASCADE,
        related_name="difficulties",
        limit_choices_to={"kind": MeetingKind.FIELD_DIALOGUE},
    )
    text = models.TextField(_("들은 어려움"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("기록한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("기록한 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("현장의 어려움")
        verbose_name_plural = _("현장의 어려움")
        ordering = ["meeting__starts_at", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text=""), name="difficulty_heard_text_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 40 else f"{self.text[:39]}…"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("접수")
    IN_PROGRESS = "in_progress", _("진행 중")
    DONE = "done", _("완료")
    DROPPED = "dropped", pgettext_lazy("action item", "중단")


# An item in one of these states is settled: it leaves the agendas of later meetings.
ACTION_ITEM_CLOSED_STATUSES = (ActionItemStatus.DONE, ActionItemStatus.DROPPED)


class ActionItem(models.Model):
    """A follow-up (후속 조치) of a difficulty heard in a field dialogue or of a meeting's
    decision, owned by an institution and/or a city bureau, with a timeline of updates
    (``ActionItemUpdate``). Its ``outcome_summary`` is shown on the public "you said, we did"
    page, so it names no one."""

    description = models.TextField(_("조치 내용"))
    difficulty = models.ForeignKey(
        DifficultyHeard,
        verbose_name=_("들은 어려움"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("결정한 회의"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
        help_text=_("회의의 결정에서 나온 조치이면 그 회의입니다."),
    )
    decision = models.ForeignKey(
        "meetings.Decision",
        verbose_name=_("회의 결정"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
        help_text=_("회의록에 적은 결정에서 나온 조치이면 그 결정입니다."),
    )
    owner_institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("담당 기관"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
    )
    owner_bureau = models.ForeignKey(
        "agencies.Bureau",
        verbose_name=_("담당 실·국"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
    )
    due_on = models.DateField(_("기한"))
    status = models.CharField(
        _("상태"),
        max_length=12,
        choices=ActionItemStatus.choices,
        default=ActionItemStatus.OPEN,
    )
    outcome_summary = models.TextField(
        _("공개 결과 요약"),
        blank=True,
        help_text=_("공개 페이지에 실립니다. 사람의 이름 등 개인정보를 적지 않습니다."),
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("후속 조치")
        verbose_name_plural = _("후속 조치")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionItemStatus.values),
                name="action_item_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""), name="action_item_description_not_empty"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(difficulty__isnull=False)
                    | models.Q(decision__isnull=False)
                    | models.Q(meeting__isnull=False)
                ),
                name="action_item_has_a_source",
                violation_error_message=_(
                    "후속 조치는 들은 어려움이나 회의 결정 가운데 하나에서 나와야 합니다."
                ),
            ),
            # An item of a recorded decision names the decision's meeting too (set by
            # ``meetings.services.action_item_create``), so agendas can leave it out there.
            models.CheckConstraint(
                condition=models.Q(decision__isnull=True) | models.Q(meeting__isnull=False),
                name="action_item_decision_names_its_meeting",
                violation_error_message=_("회의 결정에서 나온 조치는 그 회의를 함께 적습니다."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(owner_institution__isnull=False)
                    | models.Q(owner_bureau__isnull=False)
                ),
                name="action_item_has_an_owner",
                violation_error_message=_("담당 기관이나 담당 실·국을 정해 주세요."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="action_item_status_due_idx")]

    def __str__(self) -> str:
        text = self.description
        return text if len(text) <= 40 else f"{text[:39]}…"

    def get_absolute_url(self) -> str:
        return reverse("meetings:action_item", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in ACTION_ITEM_CLOSED_STATUSES


class ActionItemUpdate(models.Model):
    """One entry of an action item's timeline: who, when, the status before and after (the
    same when it is a progress note), and the note. Written by services only; never edited."""

    item = models.ForeignKey(
        ActionItem, verbose_name=_("후속 조치"), on_delete=models.CASCADE, related_name="updates"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("작성한 때"), auto_now_add=True)
    from_status = models.CharField(
        _("이전 상태"), max_length=12, choices=ActionItemStatus.choices, blank=True
    )
    to_status = models.CharField(_("바뀐 상태"), max_length=12, choices=ActionItemStatus.choices)
    note = models.TextField(_("메모"), blank=True)

    class Meta:
        verbose_name = _("후속 조치 경과")
        verbose_name_plural = _("후속 조치 경과")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.at:%Y-%m-%d}"


# --- Discussion topics, minutes and decisions --------------------------------------------------

# Heads' and deputy heads' meetings are run as issue-centred discussion: institutions propose
# the topics (과제·현안) beforehand. Other meetings may take proposals too; field dialogues
# have the visited institution's joint projects as their agenda instead.
TOPIC_MEETING_KINDS = (MeetingKind.HEADS, MeetingKind.DEPUTY_HEADS, MeetingKind.OTHER)


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("검토 중")
    ACCEPTED = "accepted", _("채택")
    MERGED = "merged", _("통합")
    DECLINED = "declined", _("반려")


class DiscussionTopic(models.Model):
    """A discussion topic (과제·현안) an invited institution proposes for a meeting, until the
    meeting's ``topics_deadline``. City staff accept it (it is then on the agenda, at
    ``agenda_position``), merge it into another topic of the meeting, or decline it with a
    reason the proposing institution reads. Other institutions see it only once accepted."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="topics"
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("제안 기관"),
        on_delete=models.PROTECT,
        related_name="discussion_topics",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("제안한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("과제명"), max_length=200)
    background = models.TextField(
        _("배경과 현황"), help_text=_("과제를 제안하는 까닭과 지금 상황입니다.")
    )
    request = models.TextField(
        _("요청 사항"),
        blank=True,
        help_text=_("시나 다른 기관에 바라는 것입니다."),
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("통합한 과제"),
        on_delete=models.PROTECT,
        related_name="merged_topics",
        null=True,
        blank=True,
    )
    decline_reason = models.TextField(_("반려 사유"), blank=True)
    agenda_position = models.PositiveSmallIntegerField(_("안건 순서"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("검토한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("검토한 때"), null=True, blank=True)
    created_at = models.DateTimeField(_("제안한 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("토론 과제")
        verbose_name_plural = _("토론 과제")
        ordering = ["meeting__starts_at", "agenda_position", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TopicStatus.values),
                name="discussion_topic_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(title="") & ~models.Q(background=""),
                name="discussion_topic_title_and_background",
            ),
            # Merged topics name the topic they went into; no other topic does.
            models.CheckConstraint(
                condition=(
                    models.Q(status=TopicStatus.MERGED, merged_into__isnull=False)
                    | (~models.Q(status=TopicStatus.MERGED) & models.Q(merged_into__isnull=True))
                ),
                name="discussion_topic_merged_into_iff_merged",
                violation_error_message=_("통합한 과제일 때에만 통합 대상을 적습니다."),
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="discussion_topic_not_merged_into_itself",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=TopicStatus.DECLINED) & ~models.Q(decline_reason="")
                    | ~models.Q(status=TopicStatus.DECLINED) & models.Q(decline_reason="")
                ),
                name="discussion_topic_reason_iff_declined",
                violation_error_message=_("반려할 때에만, 반드시 반려 사유를 적습니다."),
            ),
            # Accepted topics are the agenda, each at its own place.
            models.CheckConstraint(
                condition=(
                    models.Q(status=TopicStatus.ACCEPTED, agenda_position__isnull=False)
                    | (
                        ~models.Q(status=TopicStatus.ACCEPTED)
                        & models.Q(agenda_position__isnull=True)
                    )
                ),
                name="discussion_topic_position_iff_accepted",
            ),
            models.UniqueConstraint(
                fields=["meeting", "agenda_position"],
                name="discussion_topic_unique_agenda_position",
                violation_error_message=_("안건 순서가 겹칩니다."),
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status"], name="discussion_topic_status_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('meetings:topics', kwargs={'pk': self.meeting_id})}#topic-{self.pk}"


class Minutes(models.Model):
    """What a held meeting discussed, as city staff wrote it. Invitees read it once it is
    published (``published_at``); until then only the city sees the draft."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="minutes"
    )
    summary = models.TextField(_("회의 요약"))
    published_at = models.DateTimeField(_("공개한 때"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("회의록")
        verbose_name_plural = _("회의록")
        ordering = ["meeting__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(summary=""), name="minutes_summary_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {_('회의록')}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Decision(models.Model):
    """A decision a held meeting took, in the order of the minutes, optionally on one of its
    agenda topics. Action items can come from it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("회의"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    text = models.TextField(_("결정 내용"))
    topic = models.ForeignKey(
        DiscussionTopic,
        verbose_name=_("관련 안건"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("기록한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("기록한 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("회의 결정")
        verbose_name_plural = _("회의 결정")
        ordering = ["meeting__starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="decision_text_not_empty"),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="decision_unique_position_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 40 else f"{self.text[:39]}…"


# --- Field-dialogue attendees ------------------------------------------------------------------


class AttendeeRole(models.TextChoices):
    MAYOR = "mayor", pgettext_lazy("attendee role", "시장")
    INSTITUTION_HEAD = "institution_head", _("방문 기관장")
    BUREAU_DIRECTOR = "bureau_director", _("소관 실·국장")
    STRATEGY_HEAD = "strategy_head", _("전략추진단장")
    OTHER = "other", _("그 밖의 참석자")


# The attendees a field dialogue has by role (the article names them for the first one);
# each of these roles sits once per dialogue.
FIELD_DIALOGUE_ROLES = (
    AttendeeRole.MAYOR,
    AttendeeRole.INSTITUTION_HEAD,
    AttendeeRole.BUREAU_DIRECTOR,
    AttendeeRole.STRATEGY_HEAD,
)


class FieldDialogueAttendee(models.Model):
    """Who sits at a field dialogue, by role: the mayor, the visited institution's head, the
    supervising bureau's director, the strategy team's head, and others. ``name`` is what the
    page shows (a name or a title); the links are there when the person has an account."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("현장 대화"),
        on_delete=models.CASCADE,
        related_name="attendees",
        limit_choices_to={"kind": MeetingKind.FIELD_DIALOGUE},
    )
    role = models.CharField(_("역할"), max_length=20, choices=AttendeeRole.choices)
    name = models.CharField(_("이름 또는 직함"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("기관"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    bureau = models.ForeignKey(
        "agencies.Bureau",
        verbose_name=_("실·국"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("현장 대화 참석자")
        verbose_name_plural = _("현장 대화 참석자")
        ordering = ["meeting__starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=AttendeeRole.values),
                name="field_dialogue_attendee_role_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="field_dialogue_attendee_name_not_empty"
            ),
            models.UniqueConstraint(
                fields=["meeting", "role"],
                condition=~models.Q(role=AttendeeRole.OTHER),
                name="field_dialogue_attendee_one_per_role",
                violation_error_message=_("이 역할의 참석자는 이미 있습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.name}"
