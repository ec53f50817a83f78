"""Forms of the evaluation pages; every field validated on the server."""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import EmailValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies import uploads
from agencies.models import Institution, JointProject
from evaluations.models import (
    CHOICE_QUESTION_TYPES,
    SCALE_BOUNDS,
    WEIGHT_FIELDS,
    AgeBand,
    AppealStatus,
    BestPractice,
    Campaign,
    CampaignStatus,
    Dimension,
    District,
    InnovationArea,
    Question,
    Questionnaire,
    QuestionnaireSection,
    QuestionType,
)
from evaluations.services import CAMPAIGN_DRAFT_ONLY_FIELDS, QuestionData
from evaluations.survey import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, clean_answer

# --- Questionnaires & campaign management -----------------------------------------------------

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


# --- Public survey ----------------------------------------------------------------------------

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


# --- Scoring & lifecycle ----------------------------------------------------------------------


# --- Results & appeals ------------------------------------------------------------------------


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


# --- Best practices ---------------------------------------------------------------------------


class PracticeFilterForm(forms.Form):
    """The best-practice list's filters, submitted by GET: every filtered list has an address."""

    q = forms.CharField(
        label=_("검색"),
        required=False,
        max_length=100,
        help_text=_("제목, 요약, 내용, 기관명으로 찾습니다."),
    )
    area = forms.ChoiceField(
        label=_("혁신 분야"), required=False, choices=[("", _("전체")), *InnovationArea.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("기관"),
        required=False,
        queryset=Institution.objects.none(),
        to_field_name="code",
        empty_label=_("전체"),
    )
    year = forms.TypedChoiceField(label=_("연도"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("전체")), *((year, year) for year in years)]
        self.fields["institution"].queryset = institutions


class _ProjectChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.year} · {obj.lead_institution.name_ko} · {obj.title}"


class BestPracticeForm(forms.Form):
    """City staff write or edit a best practice; errors sit next to their field."""

    title = forms.CharField(label=_("제목"), max_length=200)
    summary = forms.CharField(
        label=_("요약"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("목록에 보이는 두세 문장입니다."),
    )
    body = forms.CharField(
        label=_("내용"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        required=False,
        help_text=_("추진 배경, 방법, 성과, 다른 기관이 배울 점을 적습니다."),
    )
    area = forms.ChoiceField(label=_("혁신 분야"), choices=InnovationArea.choices)
    institution = forms.ModelChoiceField(label=_("기관"), queryset=Institution.objects.none())
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100)
    campaign = forms.ModelChoiceField(
        label=_("선정 평가"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("없음"),
        help_text=_("이 사례를 우수사례로 뽑은 평가가 있으면 고릅니다(연도가 같아야 합니다)."),
    )
    joint_projects = _ProjectChoiceField(
        label=_("관련 공동사업"),
        queryset=JointProject.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "이 기관이 주관하거나 협력하는 사업만 연결할 수 있습니다. "
            "Ctrl(맥은 Command) 키를 누른 채 여러 개를 고릅니다."
        ),
    )
    is_published = forms.BooleanField(
        label=_("공개"),
        required=False,
        help_text=_("공개하면 누구나 목록과 상세 화면에서 볼 수 있습니다."),
    )

    def __init__(self, *args, practice: BestPractice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Active institutions, and the practice's own even after it closed (phase-1 mergers).
        current = Q(pk=practice.institution_id) if practice else Q(pk__in=[])
        self.fields["institution"].queryset = Institution.objects.filter(
            Q(is_active=True) | current
        ).order_by("name_ko")
        self.fields["campaign"].queryset = Campaign.objects.order_by("-year", "title")
        self.fields["joint_projects"].queryset = JointProject.objects.select_related(
            "lead_institution"
        ).order_by("-year", "lead_institution__name_ko", "title")

    @classmethod
    def initial_from(cls, practice: BestPractice) -> dict:
        return {
            "title": practice.title,
            "summary": practice.summary,
            "body": practice.body,
            "area": practice.area,
            "institution": practice.institution_id,
            "year": practice.year,
            "campaign": practice.campaign_id,
            "joint_projects": [project.pk for project in practice.joint_projects.all()],
            "is_published": practice.is_published,
        }


class PracticeAttachmentForm(forms.Form):
    """One file for a best practice; checked by ``agencies.uploads`` in the service."""

    file = forms.FileField(label=_("올릴 파일"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = uploads.ACCEPT_ATTRIBUTE
        self.fields["file"].help_text = _(
            "PDF, 한글(HWP·HWPX), 워드(DOCX), 엑셀(XLSX), PNG, JPEG 파일을 "
            "%(limit)s까지 올릴 수 있습니다."
        ) % {"limit": filesizeformat(uploads.max_upload_bytes())}
