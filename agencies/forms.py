from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Bureau, InstitutionKind


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
