from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies import uploads
from agencies.models import (
    Bureau,
    Institution,
    InstitutionKind,
    Kpi,
    ProjectStatus,
    ReportVersion,
)
from evaluations.models import InnovationArea


class DirectoryFilterForm(forms.Form):
    """The directory's filters. Submitted by GET: every filtered list has its own address."""

    q = forms.CharField(
        label=_("검색"),
        required=False,
        max_length=100,
        help_text=_("기관명(한국어·영어), 코드, 통합 전 기관명으로 찾습니다."),
    )
    kind = forms.ChoiceField(
        label=_("기관 유형"),
        required=False,
        choices=[("", _("전체")), *InstitutionKind.choices],
    )
    bureau = forms.ModelChoiceField(
        label=_("소관 실·국"),
        required=False,
        queryset=Bureau.objects.none(),
        empty_label=_("전체"),
    )

    def __init__(self, *args, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus


class ProjectFilterForm(forms.Form):
    """The project list's filters, submitted by GET."""

    q = forms.CharField(
        label=_("검색"),
        required=False,
        max_length=100,
        help_text=_("사업명, 요약, 주관 기관명으로 찾습니다."),
    )
    year = forms.TypedChoiceField(label=_("연도"), required=False, coerce=int, empty_value=None)
    area = forms.ChoiceField(
        label=_("혁신 분야"), required=False, choices=[("", _("전체")), *InnovationArea.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("기관"),
        required=False,
        queryset=Institution.objects.none(),
        empty_label=_("전체"),
        help_text=_("주관 또는 협력 기관"),
    )
    status = forms.ChoiceField(
        label=_("추진 상태"), required=False, choices=[("", _("전체")), *ProjectStatus.choices]
    )

    def __init__(self, *args, years: list[int], institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("전체")), *((year, year) for year in years)]
        self.fields["institution"].queryset = institutions


# Units counted in whole things; a fraction of a person or a case is a typing mistake.
COUNTED_UNITS = frozenset({"명", "건", "회", "개", "곳", "개소", "가구", "세대"})
PERCENT_UNITS = frozenset({"%", "퍼센트"})


def validate_kpi_value(kpi: Kpi, value: Decimal | None) -> None:
    """Check an actual value against its KPI's unit: percentages lie in 0–100, counts are
    whole and not negative."""
    if value is None:
        return
    unit = kpi.unit.strip()
    if unit in PERCENT_UNITS and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("백분율은 0에서 100 사이로 입력하세요."), code="percent_range")
    if unit in COUNTED_UNITS:
        if value < 0:
            raise ValidationError(_("0 이상의 수를 입력하세요."), code="negative_count")
        if value != value.to_integral_value():
            raise ValidationError(
                _("%(unit)s 단위는 소수 없이 정수로 입력하세요.") % {"unit": unit},
                code="whole_count",
            )


class ReportForm(forms.Form):
    """The report's content: one actual value per KPI, the narrative and the difficulties.

    ``version`` carries the report version the page was loaded at (optimistic locking).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    narrative = forms.CharField(
        label=_("추진 실적"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "이번 기간에 한 일과 시민이 느낄 변화를 적어 주세요. 제출할 때는 꼭 필요합니다."
        ),
    )
    difficulties = forms.CharField(
        label=_("애로사항"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("현장의 어려움이나 시에 요청할 일을 적어 주세요."),
    )
    has_difficulties = forms.BooleanField(
        label=_("시의 조치가 필요한 애로사항이 있습니다"), required=False
    )

    def __init__(self, *args, kpis: list[Kpi], **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            self.fields[self.kpi_field_name(kpi)] = forms.DecimalField(
                label=f"{kpi.name} ({kpi.unit})",
                required=False,
                max_digits=14,
                decimal_places=2,
                help_text=_("기준값 %(baseline)s, 목표값 %(target)s")
                % {
                    # localize() writes 1200, where str(Decimal) would write 1.2E+3.
                    "baseline": localize(kpi.baseline.normalize()),
                    "target": localize(kpi.target.normalize()),
                },
                error_messages={
                    "invalid": _("숫자로 입력하세요. 예: 120 또는 85.5"),
                    "max_digits": _("너무 큰 수입니다. 단위와 자릿수를 확인하세요."),
                    "max_whole_digits": _("너무 큰 수입니다. 단위와 자릿수를 확인하세요."),
                    "max_decimal_places": _("소수점 아래는 둘째 자리까지 입력하세요."),
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    @staticmethod
    def kpi_field_name(kpi: Kpi) -> str:
        return f"kpi_{kpi.pk}"

    @classmethod
    def initial_from(cls, version: ReportVersion | None, *, report_version: int) -> dict:
        initial = {"version": report_version}
        if version is not None:
            initial |= {
                "narrative": version.narrative,
                "difficulties": version.difficulties,
                "has_difficulties": version.has_difficulties,
            }
            for value in version.values.all():
                initial[f"kpi_{value.kpi_id}"] = value.actual
        return initial

    def kpi_fields(self):
        return [self[self.kpi_field_name(kpi)] for kpi in self.kpis]

    def validate_inline_at(self, url: str) -> None:
        """Check each KPI value on the server as soon as it is entered (htmx, on change).

        Only that field's block (``includes/field.html``, id ``<field id>_field``) is swapped,
        so the field the person moved on to keeps its focus. Nothing is saved; without
        JavaScript the same checks run when the form is saved.
        """
        for kpi in self.kpis:
            bound = self[self.kpi_field_name(kpi)]
            block = f"#{bound.auto_id}_field"
            bound.field.widget.attrs.update(
                {
                    "hx-post": url,
                    "hx-trigger": "change",
                    "hx-vals": '{"action": "validate"}',
                    "hx-include": "closest form",
                    "hx-target": block,
                    "hx-select": block,
                    "hx-swap": "outerHTML",
                }
            )

    def clean(self):
        cleaned = super().clean()
        for kpi in self.kpis:
            name = self.kpi_field_name(kpi)
            if name in cleaned:
                try:
                    validate_kpi_value(kpi, cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def kpi_values(self) -> dict[int, Decimal | None]:
        return {kpi.pk: self.cleaned_data.get(self.kpi_field_name(kpi)) for kpi in self.kpis}


class ReviewForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("검토 결과"),
        # "Accept" / "Return" as a decision, where the same Korean words elsewhere are states.
        choices=[
            (ACCEPT, pgettext_lazy("review decision", "승인")),
            (RETURN, pgettext_lazy("review decision", "반려")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("의견"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("반려할 때는 무엇을 고쳐야 하는지 꼭 적어 주세요."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("반려할 때는 의견을 적어 주세요."))
        return cleaned


class EvidenceUploadForm(forms.Form):
    """One evidence file for the working draft; checked by ``agencies.uploads``."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    file = forms.FileField(label=_("올릴 파일"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = uploads.ACCEPT_ATTRIBUTE
        self.fields["file"].help_text = _(
            "PDF, 한글(HWP·HWPX), 워드(DOCX), 엑셀(XLSX), PNG, JPEG 파일을 "
            "%(limit)s까지 올릴 수 있습니다."
        ) % {"limit": filesizeformat(uploads.max_upload_bytes())}
