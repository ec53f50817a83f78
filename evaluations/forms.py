"""Forms of the evaluation pages; every field validated on the server."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Institution
from evaluations.models import (
    CHOICE_QUESTION_TYPES,
    WEIGHT_FIELDS,
    Campaign,
    CampaignStatus,
    Dimension,
    Question,
    Questionnaire,
    QuestionnaireSection,
    QuestionType,
)
from evaluations.services import CAMPAIGN_DRAFT_ONLY_FIELDS, QuestionData

# --- Questionnaires & campaign management (E1) ------------------------------------------------

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_INVITATIONS_AT_ONCE = 500
# Addresses under /evaluations/ and /evaluations/manage/ that a campaign's slug would shadow.
RESERVED_CAMPAIGN_SLUGS = frozenset(
    {"new", "questionnaires", "questions", "practices", "invite", "results", "manage"}
)


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SectionForm(forms.ModelForm):
    class Meta:
        model = QuestionnaireSection
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.Form):
    """A question of the builder; choices are written one per line."""

    text = forms.CharField(label=_("질문"), max_length=500)
    help_text = forms.CharField(label=_("도움말"), max_length=500, required=False)
    question_type = forms.ChoiceField(label=_("질문 유형"), choices=QuestionType.choices)
    dimension = forms.ChoiceField(
        label=_("차원"), choices=Dimension.choices, initial=Dimension.OVERALL
    )
    required = forms.BooleanField(
        label=pgettext_lazy("question flag", "필수"), required=False, initial=True
    )
    choices = forms.CharField(
        label=pgettext_lazy("options of a choice question", "보기"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("고르기 질문의 보기를 한 줄에 하나씩 적습니다."),
    )
    max_choices = forms.IntegerField(
        label=_("최대 선택 수"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("여러 개 고르기 질문에서 고를 수 있는 최대 개수입니다."),
    )

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sections is not None:
            # Adding a question: the builder asks which page it goes on.
            self.fields["section"] = forms.ModelChoiceField(
                label=_("설문 영역"), queryset=sections, empty_label=None
            )
            self.order_fields(["section"])

    @classmethod
    def for_question(cls, question: Question, data=None) -> QuestionForm:
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "question_type": question.question_type,
            "dimension": question.dimension,
            "required": question.required,
            "choices": "\n".join(choice.label for choice in question.choices.all()),
            "max_choices": question.max_choices,
        }
        return cls(data, initial=initial)

    def clean_choices(self) -> tuple[str, ...]:
        labels = tuple(
            line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()
        )
        if any(len(label) > 200 for label in labels):
            raise forms.ValidationError(_("보기는 200자 이내로 적어 주세요."))
        return labels

    def clean(self):
        cleaned = super().clean()
        question_type = cleaned.get("question_type")
        labels = cleaned.get("choices", ())
        if question_type in CHOICE_QUESTION_TYPES:
            if len(labels) < 2:
                self.add_error("choices", _("고르기 질문에는 보기가 둘 이상 있어야 합니다."))
            elif len(set(labels)) != len(labels):
                self.add_error("choices", _("같은 보기를 두 번 적었습니다."))
        elif question_type and labels:
            self.add_error("choices", _("보기는 고르기 질문에만 둡니다."))
        max_choices = cleaned.get("max_choices")
        if max_choices is not None:
            if question_type != QuestionType.MULTIPLE_CHOICE:
                self.add_error("max_choices", _("최대 선택 수는 여러 개 고르기 질문에만 둡니다."))
            elif labels and max_choices > len(labels):
                self.add_error("max_choices", _("최대 선택 수는 보기 수보다 많을 수 없습니다."))
        return cleaned

    def question_data(self) -> QuestionData:
        cleaned = self.cleaned_data
        return QuestionData(
            text=cleaned["text"],
            help_text=cleaned["help_text"],
            question_type=cleaned["question_type"],
            dimension=cleaned["dimension"],
            required=cleaned["required"],
            choices=cleaned["choices"],
            max_choices=cleaned["max_choices"],
        )


class MoveForm(forms.Form):
    """Move a section or question one place up or down; or delete it."""

    kind = forms.ChoiceField(choices=[("section", "section"), ("question", "question")])
    item = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(
        choices=[("up", _("위로")), ("down", _("아래로"))], required=False
    )


def _datetime_field_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class CampaignForm(forms.ModelForm):
    """A campaign's settings. Past its draft, the settings that decide what is asked and how
    it is scored are shown but cannot be changed (``campaign_update`` refuses them too)."""

    class Meta:
        model = Campaign
        fields = [
            "title", "slug", "year", "description", "questionnaire", "institutions",
            "opens_at", "closes_at", *WEIGHT_FIELDS, "minimum_sample", "grade_scheme",
            "grade_thresholds", "excellent_count",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "institutions": forms.CheckboxSelectMultiple,
            "opens_at": _datetime_field_widget(),
            "closes_at": _datetime_field_widget(),
        }
        help_texts = {
            "slug": _("평가 주소에 쓰는 영문 이름입니다. 예: citizen-2025"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = Institution.objects.filter(
            is_active=True
        ).order_by("name_ko")
        self.fields["questionnaire"].queryset = Questionnaire.objects.order_by("title", "-version")
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        campaign = self.instance
        if campaign.pk and campaign.status != CampaignStatus.DRAFT:
            for name in (*CAMPAIGN_DRAFT_ONLY_FIELDS, "institutions", "slug", "year"):
                self.fields[name].disabled = True

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_CAMPAIGN_SLUGS:
            raise forms.ValidationError(_("이 이름은 포털이 쓰고 있습니다. 다른 이름을 고르세요."))
        return slug

    def clean_grade_thresholds(self) -> str:
        raw = self.cleaned_data["grade_thresholds"]
        try:
            bounds = [Decimal(part.strip()) for part in raw.split(",")]
        except InvalidOperation:
            raise forms.ValidationError(_("숫자 네 개를 쉼표로 나눠 적어 주세요.")) from None
        if len(bounds) != 4 or any(not 0 <= bound <= 100 for bound in bounds):
            raise forms.ValidationError(_("0에서 100 사이의 숫자 네 개를 적어 주세요."))
        if any(high <= low for high, low in itertools.pairwise(bounds)):
            raise forms.ValidationError(_("등급 경계는 높은 순서로, 겹치지 않게 적어 주세요."))
        return ",".join(format(bound.normalize(), "f") for bound in bounds)

    def settings(self) -> dict:
        """The Campaign fields the user could change, for the service (the institutions are
        passed apart: ``chosen_institutions``)."""
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "institutions" and not self.fields[name].disabled
        }

    def chosen_institutions(self):
        """The institutions chosen, or None when they could not be changed."""
        if self.fields["institutions"].disabled:
            return None
        return self.cleaned_data["institutions"]


def _split_addresses(raw: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", raw) if part]


class InvitationForm(forms.Form):
    """City staff paste stakeholders' e-mail addresses for one evaluated institution."""

    institution = forms.ModelChoiceField(label=_("평가 기관"), queryset=Institution.objects.none())
    emails = forms.CharField(
        label=_("이메일 주소"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "한 줄에 하나씩, 또는 쉼표로 나눠 적습니다. 주소는 초대 메일을 보낸 뒤 지웁니다."
        ),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = campaign.institutions.order_by("name_ko")

    def clean_emails(self) -> list[str]:
        addresses = _split_addresses(self.cleaned_data["emails"])
        if not addresses:
            raise forms.ValidationError(_("이메일 주소를 하나 이상 적어 주세요."))
        if len(addresses) > MAX_INVITATIONS_AT_ONCE:
            raise forms.ValidationError(
                _("한 번에 %(limit)d개까지 초대할 수 있습니다.")
                % {"limit": MAX_INVITATIONS_AT_ONCE}
            )
        validate = EmailValidator()
        invalid = []
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError:
                invalid.append(address)
        if invalid:
            raise forms.ValidationError(
                _("올바르지 않은 주소가 있습니다: %(addresses)s")
                % {"addresses": ", ".join(invalid[:5])}
            )
        return addresses


class ModerationFilterForm(forms.Form):
    FLAGGED, EXCLUDED, ALL = "flagged", "excluded", "all"

    show = forms.ChoiceField(
        label=_("보기"),
        choices=[
            (FLAGGED, _("의심 표시된 응답")),
            (EXCLUDED, _("제외한 응답")),
            (ALL, _("모든 응답")),
        ],
        required=False,
    )


class ExclusionForm(forms.Form):
    """Exclude a response from scoring, or restore it; the reason is logged."""

    EXCLUDE, RESTORE = "exclude", "restore"

    action = forms.ChoiceField(choices=[(EXCLUDE, _("제외")), (RESTORE, _("되돌리기"))])
    reason = forms.CharField(
        label=_("사유"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("기록에 남습니다. 개인을 알아볼 수 있는 내용은 적지 마세요."),
    )


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
