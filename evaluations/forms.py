"""Forms of the evaluation pages; every field validated on the server."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import SCALE_BOUNDS, AgeBand, District, QuestionType
from evaluations.survey import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, clean_answer

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------

# Words at the ends (and middle) of the scales, so a number is never the only label.
_LIKERT_5_LABELS = {
    1: _("전혀 그렇지 않다"),
    2: _("그렇지 않다"),
    3: _("보통이다"),
    4: _("그렇다"),
    5: _("매우 그렇다"),
}


def _scale_choices(question_type: str) -> list[tuple[str, str]]:
    low, high = SCALE_BOUNDS[question_type]
    if question_type == QuestionType.LIKERT_5:
        return [(str(value), f"{value} {_LIKERT_5_LABELS[value]}") for value in range(1, 6)]
    anchors = {low: _("전혀 그렇지 않다"), high: _("매우 그렇다")}
    if question_type == QuestionType.LIKERT_7:
        anchors[4] = _("보통이다")
    return [
        (str(value), f"{value} {anchors[value]}" if value in anchors else str(value))
        for value in range(low, high + 1)
    ]


class _DescribedForm(forms.Form):
    """Links each input to its hint and error (``aria-describedby``) and marks invalid ones
    (``aria-invalid``); fieldsets of choices get the same in the template."""

    def full_clean(self):
        super().full_clean()
        for name, bound in self.visible_fields_by_name().items():
            described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            if name in self.errors:
                described.append(f"{bound.auto_id}_error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if described and not bound.field.widget.use_fieldset:
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)

    def visible_fields_by_name(self):
        return {bound.name: bound for bound in self.visible_fields()}

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, question, message) for the error summary above the form: the anchor is
        the field's first input (the first option of a group), as GOV.UK's summary links."""
        entries = [("", "", error) for error in self.non_field_errors()]
        for bound in self.visible_fields():
            if bound.errors:
                anchor = bound.auto_id
                if bound.field.widget.use_fieldset and getattr(bound.field, "choices", None):
                    anchor = f"{bound.auto_id}_0"
                entries.append((anchor, bound.label, bound.errors[0]))
        return entries


class SurveyInstitutionForm(_DescribedForm):
    """Which institution the respondent used (the campaign's institutions only)."""

    institution = forms.ModelChoiceField(
        queryset=None,
        label=_("이용한 기관"),
        empty_label=_("기관을 고르세요"),
        to_field_name="code",
        error_messages={
            "required": _("평가할 기관을 골라 주세요."),
            "invalid_choice": _("이 평가의 대상 기관 가운데에서 골라 주세요."),
        },
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = campaign.institutions.order_by("name_ko")


class SurveyConsentForm(_DescribedForm):
    """Consent (PIPA art. 15) to the optional demographics. Refusing still lets the
    respondent answer; what was typed before refusing is discarded."""

    AGREE = "agree"
    REFUSE = "refuse"

    consent = forms.ChoiceField(
        label=_("선택 정보 수집·이용에 동의하십니까?"),
        choices=[
            (AGREE, _("동의합니다 (연령대와 거주 지역을 알려 줍니다)")),
            (REFUSE, _("동의하지 않습니다 (선택 정보 없이 답합니다)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("동의하는지 골라 주세요.")},
    )
    age_band = forms.ChoiceField(
        label=_("연령대"),
        choices=[("", _("알려 주지 않음")), *AgeBand.choices],
        required=False,
        help_text=_("동의한 경우에만 저장합니다."),
    )
    district = forms.ChoiceField(
        label=_("거주 지역"),
        choices=[("", _("알려 주지 않음")), *District.choices],
        required=False,
        help_text=_("동의한 경우에만 저장합니다."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent") != self.AGREE:
            cleaned["age_band"] = cleaned["district"] = ""
        return cleaned


class SurveySectionForm(_DescribedForm):
    """One section's questions (fields ``q<id>``), validated as ``survey.clean_answer``
    validates them at submission: required, ranges, options of the question, maximum
    choices, length of text. ``website`` is a honeypot: hidden from people, filled by bots."""

    website = forms.CharField(
        label=_("이 칸은 비워 두세요"), required=False, widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1"}
        )
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.questions = {}
        for question in section.questions.all():
            name = f"q{question.pk}"
            self.questions[name] = question
            self.fields[name] = self._field_for(question)
            # For the template: "(required)" beside the question, numbers laid out in a row.
            self.fields[name].survey_required = question.required
            self.fields[name].survey_scale = question.question_type in (
                QuestionType.LIKERT_7,
                QuestionType.SCALE_0_10,
            )
        # The honeypot goes last, after the questions.
        self.fields["website"] = self.fields.pop("website")

    @staticmethod
    def _field_for(question) -> forms.Field:
        common = {
            "label": question.text,
            "help_text": question.help_text,
            "required": False,  # checked by clean_answer, with the survey's own message
        }
        pick = {"invalid_choice": _("보기 가운데 하나를 골라 주세요.")}
        kind = question.question_type
        if kind in SCALE_BOUNDS:
            return forms.ChoiceField(
                choices=_scale_choices(kind),
                widget=forms.RadioSelect,
                error_messages=pick,
                **common,
            )
        choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
        if kind == QuestionType.SINGLE_CHOICE:
            return forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, error_messages=pick, **common
            )
        if kind == QuestionType.MULTIPLE_CHOICE:
            if question.max_choices and not question.help_text:
                common["help_text"] = _("%(count)d개까지 고를 수 있습니다.") % {
                    "count": question.max_choices
                }
            return forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("보기 가운데에서 골라 주세요."),
                    "invalid_list": _("보기 가운데에서 골라 주세요."),
                },
                **common,
            )
        if kind == QuestionType.SHORT_TEXT:
            return forms.CharField(
                max_length=SHORT_TEXT_MAX_LENGTH, widget=forms.TextInput, **common
            )
        return forms.CharField(
            max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}), **common
        )

    def clean(self):
        cleaned = super().clean()
        for name, question in self.questions.items():
            if name in self.errors:
                continue
            raw = cleaned.get(name)
            choice_ids = [choice.pk for choice in question.choices.all()]
            try:
                cleaned[name] = clean_answer(question, raw, choice_ids)
            except ValueError as error:
                self.add_error(name, str(error))
        return cleaned

    @property
    def trapped(self) -> bool:
        return bool(self.data.get("website"))

    def answers(self) -> dict[str, object]:
        """The cleaned answers by question id (as text, for the session)."""
        return {
            str(question.pk): self.cleaned_data.get(name)
            for name, question in self.questions.items()
        }

    def drafts(self) -> dict[str, object]:
        """The fields as typed, to show again when the respondent comes back."""
        kept = {}
        for name, bound in self.visible_fields_by_name().items():
            if name == "website":
                continue
            if isinstance(bound.field, forms.MultipleChoiceField):
                picked = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                kept[name] = [str(value)[:20] for value in picked[: len(bound.field.choices)]]
            else:
                kept[name] = str(self.data.get(name, ""))[:LONG_TEXT_MAX_LENGTH]
        return kept



# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
