from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Bureau, Institution
from meetings.models import ActionItemStatus, DiscussionTopic, Rsvp

FIRST_YEAR, LAST_YEAR = 2023, 2100


class CalendarForm(forms.Form):
    """Which part of the calendar to show: a month, or a year's list."""

    MONTH, LIST = "month", "list"

    view = forms.ChoiceField(
        label=_("보기"),
        choices=[(MONTH, _("달력")), (LIST, _("목록"))],
        required=False,
    )
    year = forms.IntegerField(
        label=_("연도"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    month = forms.IntegerField(label=_("월"), min_value=1, max_value=12, required=False)

    def chosen(self) -> tuple[str, int, int]:
        """The view, year and month asked for, defaulting to this month's calendar."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return (
            data.get("view") or self.MONTH,
            data.get("year") or today.year,
            data.get("month") or today.month,
        )


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        label=_("참석 여부"),
        choices=[
            (Rsvp.ATTENDING, Rsvp.ATTENDING.label),
            (Rsvp.NOT_ATTENDING, Rsvp.NOT_ATTENDING.label),
            (Rsvp.DELEGATE, Rsvp.DELEGATE.label),
        ],
        widget=forms.RadioSelect,
    )
    delegate_name = forms.CharField(
        label=_("대리 참석자 이름"),
        max_length=100,
        required=False,
        help_text=_("대리 참석을 고른 경우에만 적습니다."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rsvp") == Rsvp.DELEGATE and not cleaned.get("delegate_name", "").strip():
            self.add_error("delegate_name", _("대리 참석자의 이름을 적어 주세요."))
        return cleaned


class ScheduleSeriesForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class DifficultyForm(forms.Form):
    text = forms.CharField(
        label=_("들은 어려움"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("말한 사람의 이름 없이, 들은 내용만 적습니다."),
    )


class ActionItemForm(forms.Form):
    """City staff open an action item from a difficulty heard."""

    description = forms.CharField(
        label=_("조치 내용"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    owner_institution = forms.ModelChoiceField(
        label=_("담당 기관"), queryset=Institution.objects.none(), required=False
    )
    owner_bureau = forms.ModelChoiceField(
        label=_("담당 실·국"), queryset=Bureau.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("기한"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_institution"].queryset = Institution.objects.active().order_by(
            "name_ko"
        )
        self.fields["owner_bureau"].queryset = Bureau.objects.order_by("name_ko")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner_institution") and not cleaned.get("owner_bureau"):
            self.add_error("owner_institution", _("담당 기관이나 담당 실·국을 정해 주세요."))
        return cleaned


class ActionItemUpdateForm(forms.Form):
    """A new status and/or a progress note; city staff also write the public outcome."""

    status = forms.ChoiceField(label=_("상태"), choices=ActionItemStatus.choices)
    note = forms.CharField(
        label=_("메모"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("완료나 중단으로 바꿀 때에는 그 까닭을 적습니다."),
    )
    outcome_summary = forms.CharField(
        label=_("공개 결과 요약"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("공개 페이지에 실립니다. 사람의 이름 등 개인정보를 적지 않습니다."),
    )

    def __init__(self, *args, statuses: list[str], writes_summary: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in ActionItemStatus.choices if value in statuses
        ]
        if not writes_summary:
            del self.fields["outcome_summary"]


class OutcomeFilterForm(forms.Form):
    """Filters of the public "you said, we did" page (GET, works without JavaScript)."""

    NO_ACTION_YET = "none"

    status = forms.ChoiceField(
        label=_("조치 상태"),
        choices=[("", _("전체")), (NO_ACTION_YET, _("조치 전")), *ActionItemStatus.choices],
        required=False,
    )
    institution = forms.ModelChoiceField(
        label=_("기관"), queryset=Institution.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(
            field_dialogues__difficulties__isnull=False
        ).distinct().order_by("name_ko")


# --- Discussion topics, minutes and decisions -------------------------------------------------


class TopicForm(forms.Form):
    """An institution proposes (or changes) a discussion topic. An administrator, who
    belongs to no institution, also says which invited institution it is for."""

    institution = forms.ModelChoiceField(
        label=_("제안 기관"), queryset=Institution.objects.none()
    )
    title = forms.CharField(label=_("과제명"), max_length=200)
    background = forms.CharField(
        label=_("배경과 현황"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("과제를 제안하는 까닭과 지금 상황입니다."),
    )
    request = forms.CharField(
        label=_("요청 사항"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("시나 다른 기관에 바라는 것입니다."),
    )

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is None:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = institutions


class TopicDecisionForm(forms.Form):
    """City staff accept, merge or decline a topic."""

    ACCEPT, MERGE, DECLINE = "accept", "merge", "decline"

    decision = forms.ChoiceField(
        label=_("검토 결과"),
        choices=[
            (ACCEPT, pgettext_lazy("topic decision", "채택")),
            (MERGE, _("다른 과제에 통합")),
            (DECLINE, pgettext_lazy("topic decision", "반려")),
        ],
        widget=forms.RadioSelect,
    )
    # Choices, not a queryset: the curation page shows a form for every topic, and the
    # agenda (the possible targets) is read once for all of them.
    merged_into = forms.TypedChoiceField(
        label=_("통합할 과제"), coerce=int, choices=[], required=False, empty_value=None
    )
    reason = forms.CharField(
        label=_("반려 사유"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("제안한 기관에 보입니다."),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].choices = [("", "—")] + [
            (topic.pk, topic.title) for topic in targets
        ]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.MERGE and not cleaned.get("merged_into"):
            self.add_error("merged_into", _("통합할 과제를 고르세요."))
        if decision == self.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("반려 사유를 적어 주세요."))
        return cleaned


class TopicMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("위로")), ("down", _("아래로"))])


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("회의 요약"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    publish = forms.BooleanField(
        label=_("초대받은 기관에 공개"),
        required=False,
        help_text=_("공개하면 초대받은 기관이 회의록과 결정을 봅니다."),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("결정 내용"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    topic = forms.ModelChoiceField(
        label=_("관련 안건"), queryset=DiscussionTopic.objects.none(), required=False
    )

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        if topics is not None:
            self.fields["topic"].queryset = topics
