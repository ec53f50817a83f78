"""Forms of the evaluation pages; every field validated on the server."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import AppealStatus

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


class AppealFileForm(forms.Form):
    text = forms.CharField(
        label=_("이의신청 내용"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("어느 점수의 무엇이 왜 잘못되었는지, 근거와 함께 적어 주세요."),
    )


class AppealAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("결정"),
        choices=[
            (AppealStatus.UPHELD, AppealStatus.UPHELD.label),
            (AppealStatus.REJECTED, AppealStatus.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("답변"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("받아들였다면 무엇을 고쳐 다시 계산하는지도 적습니다."),
    )


class AppealWindowForm(forms.Form):
    """The last day institutions may appeal; the window ends at midnight (KST) after it."""

    last_day = forms.DateField(
        label=_("이의신청 마지막 날"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("이날 자정(한국 시각)까지 신청할 수 있습니다."),
    )

    def clean_last_day(self):
        last_day = self.cleaned_data["last_day"]
        if last_day < timezone.localdate():
            raise forms.ValidationError(_("오늘이나 그 뒤의 날을 고르세요."))
        return last_day

    @property
    def deadline(self) -> datetime.datetime:
        """Midnight at the end of the chosen day, in the portal's time zone."""
        next_day = self.cleaned_data["last_day"] + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))



# --- Best practices (E3) ----------------------------------------------------------------------
