"""Django admin for evaluations."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.admin import ReadOnlyInline, ViewOnlyAdmin
from evaluations import services
from evaluations.models import (
    Appeal,
    AppealStatus,
    CampaignStatus,
    InstitutionScore,
    ScoreSnapshot,
)

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


SCORE_FIELDS = [
    "institution", "citizen_n", "citizen_index", "citizen_ci", "stakeholder_n",
    "stakeholder_index", "stakeholder_ci",
    "kpi_achievement", "timeliness", "follow_through", "composite", "insufficient_sample",
    "rank", "grade", "incentive_tier",
]


def _interval(low, high) -> str:
    return "-" if low is None or high is None else f"{low} – {high}"


class InstitutionScoreInline(ReadOnlyInline):
    model = InstitutionScore
    fields = ["institution", "citizen_n", "citizen_index", "composite", "rank", "grade"]
    readonly_fields = fields


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ViewOnlyAdmin):
    """Snapshots are written by scoring only: the admin reads them, never edits one (the
    published results must stay what was computed)."""

    list_display = ["__str__", "campaign", "computed_at", "is_current", "content_hash"]
    list_filter = ["is_current", "campaign"]
    search_fields = ["campaign__title", "campaign__slug", "content_hash"]
    list_select_related = ["campaign"]
    fields = ["campaign", "computed_at", "is_current", "content_hash", "parameters"]
    readonly_fields = fields
    inlines = [InstitutionScoreInline]


@admin.register(InstitutionScore)
class InstitutionScoreAdmin(ViewOnlyAdmin):
    list_display = ["institution", "snapshot", "composite", "rank", "grade", "insufficient_sample"]
    list_filter = ["snapshot__campaign", "insufficient_sample", "grade"]
    search_fields = ["institution__name_ko", "institution__code", "snapshot__campaign__title"]
    list_select_related = ["institution", "snapshot__campaign"]
    fields = ["snapshot", *SCORE_FIELDS, "breakdown"]
    readonly_fields = fields

    @admin.display(description=_("시민 만족도 95% 신뢰구간"))
    def citizen_ci(self, score):
        return _interval(score.citizen_ci_low, score.citizen_ci_high)

    @admin.display(description=_("이해관계자 만족도 95% 신뢰구간"))
    def stakeholder_ci(self, score):
        return _interval(score.stakeholder_ci_low, score.stakeholder_ci_high)


class AppealAdminForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["status", "answer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == AppealStatus.PENDING:
            return cleaned
        if not cleaned.get("answer", "").strip():
            self.add_error("answer", _("답변을 적어 주세요."))
        if self.instance.campaign.status == CampaignStatus.PUBLISHED:
            raise ValidationError(_("공개한 평가의 이의신청에는 답할 수 없습니다."))
        return cleaned


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Appeals are filed from the breakdown page (``appeal_file``); the admin may answer a
    pending one, through the same service, and reads decided ones."""

    form = AppealAdminForm
    list_display = ["__str__", "institution", "campaign", "filed_at", "status", "answered_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["institution__name_ko", "campaign__title", "text", "answer"]
    list_select_related = ["institution", "campaign"]
    fields = [
        "campaign", "institution", "filed_by", "filed_at", "text", "status", "answer",
        "answered_by", "answered_at",
    ]

    def has_add_permission(self, request):
        return False  # filed by the institution's head or deputy head on its breakdown page

    def get_object(self, request, object_id, from_field=None):
        appeal = super().get_object(request, object_id, from_field)
        if appeal is not None:
            # The form writes the decision onto the object before it is saved; whether it
            # may still be answered depends on what is stored.
            appeal.stored_status = appeal.status
        return appeal

    @staticmethod
    def _is_pending(appeal) -> bool:
        return getattr(appeal, "stored_status", appeal.status) == AppealStatus.PENDING

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._is_pending(obj))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self._is_pending(obj):
            return self.fields
        return ["campaign", "institution", "filed_by", "filed_at", "text", "answered_by",
                "answered_at"]

    def save_model(self, request, obj, form, change):
        if obj.status == AppealStatus.PENDING:
            return  # nothing decided: nothing to save
        services.appeal_answer(
            appeal=Appeal.objects.get(pk=obj.pk),
            by=request.user,
            decision=obj.status,
            answer=obj.answer,
        )



# --- Best practices (E3) ----------------------------------------------------------------------
