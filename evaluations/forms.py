"""Forms of the evaluation pages; every field validated on the server."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agencies import uploads
from agencies.models import Institution, JointProject
from evaluations.models import BestPractice, Campaign, InnovationArea

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------


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
