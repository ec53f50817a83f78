from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from agencies.models import Bureau, CityStaff, Institution, Membership, PredecessorBody, User


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
