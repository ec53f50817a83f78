from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    Bureau,
    CityStaff,
    EvidenceFile,
    Institution,
    JointProject,
    Kpi,
    KpiValue,
    Membership,
    PredecessorBody,
    Report,
    ReportingPeriod,
    ReportTransition,
    ReportVersion,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "position"]


class PredecessorInline(admin.TabularInline):
    model = PredecessorBody
    extra = 0
    fields = ["name_ko", "change", "year"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name_ko", "name_en", "kind", "bureau", "in_field_dialogue", "is_active",
        "is_demo", "member_count",
    ]
    list_display_links = ["code", "name_ko"]
    list_filter = ["kind", "bureau", "is_active", "in_field_dialogue", "is_demo"]
    search_fields = ["code", "name_ko", "name_en", "predecessors__name_ko"]
    list_select_related = ["bureau"]
    autocomplete_fields = ["bureau"]
    inlines = [PredecessorInline, MembershipInline]
    # Administrators type addresses without a scheme; assume https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["code", "name_ko", "name_en", "kind", "bureau", "website"]}),
        (_("참여와 상태"), {"fields": ["is_active", "in_field_dialogue", "is_demo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description=_("구성원 수"), ordering="member_total")
    def member_count(self, institution):
        return institution.member_total


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "kind", "institution_count"]
    list_filter = ["kind"]
    search_fields = ["name_ko", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(institution_total=Count("institutions"))

    @admin.display(description=_("소관 기관 수"), ordering="institution_total")
    def institution_count(self, bureau):
        return bureau.institution_total


@admin.register(PredecessorBody)
class PredecessorBodyAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "successor", "change", "year"]
    list_filter = ["change", "year"]
    search_fields = ["name_ko", "successor__name_ko", "successor__code"]
    list_select_related = ["successor"]
    autocomplete_fields = ["successor"]
    ordering = ["successor__name_ko", "name_ko"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "role", "position"]
    list_filter = ["role", "institution__kind", "institution"]
    search_fields = ["user__username", "user__name", "institution__name_ko", "institution__code"]
    list_select_related = ["user", "institution"]
    autocomplete_fields = ["user", "institution"]


@admin.register(CityStaff)
class CityStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "bureau", "position"]
    list_filter = ["unit", "bureau"]
    search_fields = ["user__username", "user__name", "position"]
    list_select_related = ["user", "bureau"]
    autocomplete_fields = ["user", "bureau"]


class UserMembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    max_num = 1
    can_delete = True
    autocomplete_fields = ["institution"]


class UserCityStaffInline(admin.StackedInline):
    model = CityStaff
    extra = 0
    max_num = 1
    autocomplete_fields = ["bureau"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username", "name", "email", "affiliation", "is_active", "is_staff", "is_superuser",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "membership__role", "city_staff__unit"]
    search_fields = ["username", "name", "email", "membership__institution__name_ko"]
    list_select_related = ["membership__institution", "city_staff"]
    inlines = [UserMembershipInline, UserCityStaffInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("개인 정보"), {"fields": ["name", "email"]}),
        (
            _("권한"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("주요 일시"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "name", "password1", "password2"]}),
    ]

    @admin.display(description=_("소속"))
    def affiliation(self, user):
        membership = getattr(user, "membership", None)
        if membership is not None:
            return f"{membership.institution} · {membership.get_role_display()}"
        city_staff = getattr(user, "city_staff", None)
        if city_staff is not None:
            return f"{_('광주광역시')} · {city_staff.get_unit_display()}"
        return "—"


# --- Joint projects and reports ---------------------------------------------------------------


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    fields = ["position", "name", "unit", "baseline", "target", "direction", "weight"]


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    fields = ["sequence", "label", "starts_on", "ends_on", "due_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Periods come from the reporting interval ("보고 기간 다시 만들기" action).
        return False


@admin.register(JointProject)
class JointProjectAdmin(admin.ModelAdmin):
    list_display = [
        "title", "year", "lead_institution", "area", "status", "is_published",
        "reporting_interval",
    ]
    list_filter = ["year", "area", "status", "is_published", "lead_institution"]
    search_fields = ["title", "summary", "lead_institution__name_ko", "lead_institution__code"]
    list_select_related = ["lead_institution"]
    autocomplete_fields = ["lead_institution", "partner_institutions", "bureau"]
    inlines = [KpiInline, ReportingPeriodInline]
    actions = ["generate_periods"]

    @admin.action(description=_("보고 기간 다시 만들기(작성된 보고서가 없을 때)"))
    def generate_periods(self, request, queryset):
        from agencies.services import ReportWorkflowError, reporting_periods_generate

        for project in queryset:
            try:
                reporting_periods_generate(project=project)
            except ReportWorkflowError as error:
                self.message_user(request, f"{project}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(project)s: 보고 기간을 만들었습니다.") % {"project": project}
                )


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "unit", "baseline", "target", "direction", "weight"]
    list_filter = ["direction", "project__year"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["project", "label", "starts_on", "ends_on", "due_on"]
    list_filter = ["project__year"]
    search_fields = ["project__title", "label"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


class ReadOnlyInline(admin.TabularInline):
    """History is written by the workflow services only; the admin shows it."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportVersionInline(ReadOnlyInline):
    model = ReportVersion
    fields = ["number", "submitted_at", "submitted_by", "updated_by", "has_difficulties"]
    readonly_fields = fields


class ReportTransitionInline(ReadOnlyInline):
    model = ReportTransition
    fields = ["at", "from_state", "to_state", "by", "comment", "report_version"]
    readonly_fields = fields


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records written only by the workflow services: the admin shows them and never adds or
    edits one (a "save" would still rewrite timestamps and log a change).
    ``allow_delete`` keeps deletion for records whose removal leaves history intact."""

    allow_delete = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


@admin.register(Report)
class ReportAdmin(ViewOnlyAdmin):
    """Reports move only through the workflow (accept, return, submit) so the timeline stays
    true; the admin reads them."""

    list_display = ["period", "lead_institution", "state", "due_on", "updated_at"]
    list_filter = ["state", "period__project__year", "period__project__lead_institution"]
    search_fields = ["period__project__title", "period__project__lead_institution__name_ko"]
    list_select_related = ["period__project__lead_institution"]
    readonly_fields = ["period", "state", "version", "accepted_version", "updated_at"]
    inlines = [ReportVersionInline, ReportTransitionInline]
    allow_delete = True

    @admin.display(description=_("주관 기관"), ordering="period__project__lead_institution")
    def lead_institution(self, report):
        return report.period.project.lead_institution

    @admin.display(description=_("제출 기한"), ordering="period__due_on")
    def due_on(self, report):
        return report.period.due_on


class KpiValueInline(ReadOnlyInline):
    model = KpiValue
    fields = ["kpi", "actual"]
    readonly_fields = fields
    show_change_link = False


EVIDENCE_FIELDS = ["download", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.display(description=_("파일"))
def evidence_download_link(evidence):
    """Through the permission-checked view: stored files have no public address."""
    url = reverse("projects:evidence_download", kwargs={"pk": evidence.pk})
    return format_html('<a href="{}">{}</a>', url, evidence.original_name)


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = EVIDENCE_FIELDS
    readonly_fields = fields
    show_change_link = False

    download = staticmethod(evidence_download_link)


@admin.register(ReportVersion)
class ReportVersionAdmin(ViewOnlyAdmin):
    list_display = ["report", "number", "submitted_at", "has_difficulties"]
    list_filter = ["has_difficulties", "report__state"]
    search_fields = ["report__period__project__title", "narrative", "difficulties"]
    list_select_related = ["report__period__project"]
    inlines = [KpiValueInline, EvidenceInline]


@admin.register(ReportTransition)
class ReportTransitionAdmin(ViewOnlyAdmin):
    """The timeline is read-only: nobody rewrites history."""

    list_display = ["report", "at", "from_state", "to_state", "by"]
    list_filter = ["to_state"]
    search_fields = ["report__period__project__title", "comment", "by__username"]
    list_select_related = ["report__period__project", "by"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ViewOnlyAdmin):
    """Evidence comes in through the report form's checks; the admin reads and may delete."""

    list_display = [
        "original_name", "version", "content_type", "size", "uploaded_by", "uploaded_at",
    ]
    list_filter = ["content_type", "version__report__period__project__lead_institution"]
    search_fields = ["original_name", "sha256", "version__report__period__project__title"]
    list_select_related = ["version__report__period__project", "uploaded_by"]
    fields = ["version", "original_name", *EVIDENCE_FIELDS]
    readonly_fields = fields

    allow_delete = True

    download = staticmethod(evidence_download_link)
