"""Django admin for evaluations."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from agencies import uploads
from agencies.admin import ReadOnlyInline, ViewOnlyAdmin
from evaluations import services
from evaluations.models import (
    WEIGHT_FIELDS,
    Appeal,
    AppealStatus,
    BestPractice,
    BestPracticeAttachment,
    Campaign,
    CampaignStatus,
    Choice,
    InstitutionScore,
    Question,
    Questionnaire,
    QuestionnaireSection,
    Response,
    ResponseExclusion,
    ScoreSnapshot,
    StakeholderInvitation,
)
from evaluations.services import (
    BestPracticeError,
    best_practice_check_links,
    practice_attachment_storage_name,
    questionnaire_is_locked,
)

# --- Questionnaires & campaign management -----------------------------------------------------


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


# --- Public survey ----------------------------------------------------------------------------


# --- Scoring & lifecycle ----------------------------------------------------------------------
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


# --- Results & appeals ------------------------------------------------------------------------


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


# --- Best practices ---------------------------------------------------------------------------


class BestPracticeAttachmentInlineForm(forms.ModelForm):
    """A file added in the admin passes the same checks as one added on the staff pages
    (``agencies.uploads``) and is stored under a server-made name."""

    class Meta:
        model = BestPracticeAttachment
        fields = ["file"]

    _inspected: uploads.InspectedUpload | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                self._inspected = uploads.inspect_upload(upload)
            except uploads.UploadRejected as rejected:
                raise ValidationError(str(rejected), code="upload_rejected") from rejected
            upload.name = practice_attachment_storage_name(self._inspected.extension)
        return upload

    def save(self, commit=True):
        if self._inspected is not None:
            self.instance.original_name = self._inspected.original_name
            self.instance.content_type = self._inspected.content_type
            self.instance.size = self._inspected.size
        return super().save(commit=commit)


class BestPracticeAttachmentInline(admin.TabularInline):
    model = BestPracticeAttachment
    form = BestPracticeAttachmentInlineForm
    fields = ["file", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]
    extra = 1


class BestPracticeAdminForm(forms.ModelForm):
    """The admin keeps the services' rules on linked projects and the selecting campaign."""

    class Meta:
        model = BestPractice
        fields = [
            "title",
            "summary",
            "body",
            "area",
            "institution",
            "campaign",
            "year",
            "joint_projects",
            "is_published",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("institution") is None or cleaned.get("year") is None:
            return cleaned
        try:
            best_practice_check_links(
                institution=cleaned["institution"],
                year=cleaned["year"],
                campaign=cleaned.get("campaign"),
                joint_projects=cleaned.get("joint_projects") or [],
            )
        except BestPracticeError as error:
            field = error.code if error.code in ("joint_projects", "campaign") else None
            self.add_error(field, error.message)
        return cleaned


@admin.register(BestPractice)
class BestPracticeAdmin(admin.ModelAdmin):
    form = BestPracticeAdminForm
    list_display = ["title", "institution", "year", "area", "is_published"]
    list_filter = ["is_published", "area", "year"]
    search_fields = ["title", "summary", "institution__name_ko", "institution__code"]
    autocomplete_fields = ["institution", "joint_projects"]
    list_select_related = ["institution"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [BestPracticeAttachmentInline]
