"""Django admin for evaluations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin import ViewOnlyAdmin
from evaluations.models import (
    WEIGHT_FIELDS,
    Campaign,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireSection,
    Response,
    ResponseExclusion,
    StakeholderInvitation,
)
from evaluations.services import questionnaire_is_locked

# --- Questionnaires & campaign management (E1) ------------------------------------------------


class QuestionnaireLockedMixin:
    """A questionnaire that respondents answered (or are answering) is not edited in the admin
    either: clone it into the next version from the builder."""

    def _questionnaire_of(self, obj) -> Questionnaire | None:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj) if obj is not None else None
        if questionnaire is not None and questionnaire_is_locked(questionnaire):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj) if obj is not None else None
        if questionnaire is not None and questionnaire_is_locked(questionnaire):
            return False
        return super().has_delete_permission(request, obj)


class SectionInline(admin.TabularInline):
    model = QuestionnaireSection
    extra = 0
    fields = ["position", "title", "description"]
    show_change_link = False


@admin.register(Questionnaire)
class QuestionnaireAdmin(QuestionnaireLockedMixin, admin.ModelAdmin):
    list_display = ["title", "version", "previous_version", "created_at"]
    search_fields = ["title", "description"]
    list_select_related = ["previous_version"]
    readonly_fields = ["previous_version", "created_by", "created_at"]
    fields = ["title", "description", "version", "previous_version", "created_by", "created_at"]
    inlines = [SectionInline]

    def _questionnaire_of(self, obj):
        return obj


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "label"]


@admin.register(Question)
class QuestionAdmin(QuestionnaireLockedMixin, admin.ModelAdmin):
    list_display = ["text", "questionnaire", "section", "position", "question_type", "required"]
    list_filter = ["question_type", "dimension", "required"]
    search_fields = ["text", "section__title", "section__questionnaire__title"]
    list_select_related = ["section__questionnaire"]
    fields = [
        "section", "position", "text", "help_text", "question_type", "required", "dimension",
        "max_choices",
    ]
    inlines = [ChoiceInline]

    def _questionnaire_of(self, obj):
        return obj.section.questionnaire

    @admin.display(description=_("설문지"), ordering="section__questionnaire__title")
    def questionnaire(self, question):
        return question.section.questionnaire


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "status", "opens_at", "closes_at", "questionnaire"]
    list_filter = ["status", "year"]
    search_fields = ["title", "slug", "description"]
    list_select_related = ["questionnaire"]
    filter_horizontal = ["institutions"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "description", "questionnaire"]}),
        (_("기간과 상태"), {
            "fields": ["opens_at", "closes_at", "status", "appeal_deadline", "published_at"],
        }),
        (_("평가 대상 기관"), {"fields": ["institutions"]}),
        (_("가중치와 등급"), {
            "fields": [
                *WEIGHT_FIELDS, "minimum_sample", "grade_scheme", "grade_thresholds",
                "excellent_count",
            ],
        }),
        (_("기록"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(StakeholderInvitation)
class StakeholderInvitationAdmin(admin.ModelAdmin):
    """Invitations are made by the management page (a token must reach its e-mail); the
    admin shows whether they were sent and used, never the token or its hash."""

    list_display = ["__str__", "campaign", "institution", "sent_at", "used_on", "created_at"]
    list_filter = ["campaign", "institution", "used_on"]
    search_fields = ["campaign__title", "institution__name_ko"]
    list_select_related = ["campaign", "institution"]
    fields = ["campaign", "institution", "email", "sent_at", "used_on", "created_at"]
    readonly_fields = ["campaign", "institution", "sent_at", "used_on", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Response)
class ResponseAdmin(ViewOnlyAdmin):
    """Anonymised: what moderation needs; no IP or device hash, no answer fingerprint."""

    list_display = [
        "__str__", "campaign", "institution", "respondent_type", "channel", "submitted_at",
        "flag_reasons", "excluded",
    ]
    list_filter = ["campaign", "respondent_type", "channel", "excluded"]
    search_fields = ["campaign__title", "institution__name_ko", "flag_reasons"]
    list_select_related = ["campaign", "institution"]
    fields = [
        "campaign", "institution", "respondent_type", "channel", "submitted_at", "age_band",
        "district", "flag_reasons", "excluded",
    ]


@admin.register(ResponseExclusion)
class ResponseExclusionAdmin(ViewOnlyAdmin):
    """The log of exclusions, written by the moderation service only."""

    list_display = ["__str__", "response", "excluded", "reason", "by", "at"]
    list_filter = ["excluded"]
    search_fields = ["reason", "response__campaign__title"]
    list_select_related = ["response", "by"]
    fields = ["response", "excluded", "reason", "by", "at"]


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
