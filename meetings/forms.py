from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Bureau, Institution
from meetings.models import ActionItemStatus, Rsvp

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
