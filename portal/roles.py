"""Who a user is in the programme: the one home for roles.

Every view, template and test asks these functions instead of looking at memberships or
flags itself. The matrix in MISSION.md ("who may do what") is written in these roles:

- ``ANONYMOUS``: not signed in (citizens and stakeholders need no account);
- ``CITIZEN``: signed in but neither a member of an institution nor city staff;
- ``INSTITUTION_STAFF`` / ``DEPUTY_HEAD`` / ``HEAD``: a member of one institution;
- ``CITY_STAFF``: the city's strategy team or a supervising bureau;
- ``ADMIN``: a superuser; has every power city staff have, plus Django admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from agencies.models import Bureau, Institution


class InstitutionRole(models.TextChoices):
    HEAD = "head", _("기관장")
    DEPUTY_HEAD = "deputy", _("부기관장")
    STAFF = "staff", _("직원")


class CityUnit(models.TextChoices):
    STRATEGY_TEAM = "strategy", _("전략추진단")
    BUREAU = "bureau", _("소관 실·국")


class Role(models.TextChoices):
    ANONYMOUS = "anonymous", _("방문자")
    CITIZEN = "citizen", _("시민")
    INSTITUTION_STAFF = "institution_staff", _("기관 직원")
    DEPUTY_HEAD = "deputy_head", _("부기관장")
    HEAD = "head", _("기관장")
    CITY_STAFF = "city_staff", _("시 직원")
    ADMIN = "admin", _("관리자")


_ROLE_OF_MEMBERSHIP = {
    InstitutionRole.HEAD: Role.HEAD,
    InstitutionRole.DEPUTY_HEAD: Role.DEPUTY_HEAD,
    InstitutionRole.STAFF: Role.INSTITUTION_STAFF,
}


@dataclass(frozen=True)
class Affiliation:
    """Where a user stands: their role, and the institution or city unit behind it."""

    role: Role
    institution: Institution | None = None
    city_unit: CityUnit | None = None
    bureau: Bureau | None = None

    @property
    def institution_id(self) -> int | None:
        return self.institution.pk if self.institution else None

    @property
    def is_institution_member(self) -> bool:
        return self.institution is not None

    @property
    def has_city_powers(self) -> bool:
        """City staff and administrators run the programme."""
        return self.role in (Role.CITY_STAFF, Role.ADMIN)

    @property
    def leads_institution(self) -> bool:
        """Heads, and deputy heads standing in, act for their institution."""
        return self.role in (Role.HEAD, Role.DEPUTY_HEAD)


_CACHE_ATTRIBUTE = "_portal_affiliation"


def affiliation_of(user) -> Affiliation:
    """The user's affiliation, read once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return Affiliation(role=Role.ANONYMOUS)
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    affiliation = _read_affiliation(user)
    setattr(user, _CACHE_ATTRIBUTE, affiliation)
    return affiliation


def _read_affiliation(user) -> Affiliation:
    from agencies.models import CityStaff, Membership

    membership = (
        Membership.objects.select_related("institution__bureau").filter(user=user).first()
    )
    city_staff = None
    if membership is None:
        city_staff = CityStaff.objects.select_related("bureau").filter(user=user).first()
    if user.is_superuser:
        role = Role.ADMIN
    elif membership is not None:
        role = _ROLE_OF_MEMBERSHIP[InstitutionRole(membership.role)]
    elif city_staff is not None:
        role = Role.CITY_STAFF
    else:
        role = Role.CITIZEN
    return Affiliation(
        role=role,
        institution=membership.institution if membership else None,
        city_unit=CityUnit(city_staff.unit) if city_staff else None,
        bureau=city_staff.bureau if city_staff else None,
    )


def forget_affiliation(user) -> None:
    """Drop the cached affiliation after a membership of this user changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def has_city_powers(user) -> bool:
    return affiliation_of(user).has_city_powers


def is_member_of(user, institution) -> bool:
    return affiliation_of(user).institution_id == institution.pk


def sees_private_records_of(user, institution) -> bool:
    """Drafts, invitations, members: the institution's own people and the city see them."""
    return has_city_powers(user) or is_member_of(user, institution)
