from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Rsvp

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
