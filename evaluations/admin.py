"""Django admin for evaluations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin import ReadOnlyInline, ViewOnlyAdmin
from evaluations.models import InstitutionScore, ScoreSnapshot

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------
# Snapshots are written by evaluations/scoring.py only (their hash vouches for their content):
# the admin shows them and never adds, edits or deletes one.

SCORE_COLUMNS = [
    "institution",
    "citizen_n",
    "citizen_index",
    "stakeholder_n",
    "stakeholder_index",
    "kpi_achievement",
    "timeliness",
    "follow_through",
    "composite",
    "insufficient_sample",
    "rank",
    "grade",
    "incentive_tier",
]


class InstitutionScoreInline(ReadOnlyInline):
    model = InstitutionScore
    fields = SCORE_COLUMNS
    readonly_fields = fields
    ordering = ["rank", "institution__code"]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ViewOnlyAdmin):
    list_display = ["campaign", "computed_at", "is_current", "short_hash"]
    list_filter = ["is_current", "campaign"]
    list_select_related = ["campaign"]
    search_fields = ["campaign__title", "campaign__slug", "content_hash"]
    fields = ["campaign", "computed_at", "is_current", "content_hash", "parameters"]
    readonly_fields = fields
    inlines = [InstitutionScoreInline]

    @admin.display(description=_("내용 해시"))
    def short_hash(self, snapshot: ScoreSnapshot) -> str:
        return snapshot.content_hash[:12]


@admin.register(InstitutionScore)
class InstitutionScoreAdmin(ViewOnlyAdmin):
    list_display = ["snapshot", *SCORE_COLUMNS]
    list_filter = ["snapshot__campaign", "snapshot__is_current", "insufficient_sample"]
    list_select_related = ["snapshot__campaign", "institution"]
    search_fields = ["institution__name_ko", "institution__code", "snapshot__campaign__title"]
    fields = ["snapshot", *SCORE_COLUMNS, "citizen_interval", "stakeholder_interval", "breakdown"]
    readonly_fields = fields

    @admin.display(description=_("시민 만족도 95% 신뢰구간"))
    def citizen_interval(self, score: InstitutionScore) -> str:
        return _interval(score.citizen_ci_low, score.citizen_ci_high)

    @admin.display(description=_("이해관계자 만족도 95% 신뢰구간"))
    def stakeholder_interval(self, score: InstitutionScore) -> str:
        return _interval(score.stakeholder_ci_low, score.stakeholder_ci_high)


def _interval(low, high) -> str:
    return "–" if low is None else f"{low} – {high}"


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
