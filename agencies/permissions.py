"""Who may see and do what with institutions. Views, templates and tests ask here."""

from django.db.models import QuerySet
from django.http import Http404

from agencies.models import Institution, Membership
from agencies.selectors import institution_by_code
from portal.roles import affiliation_of, has_city_powers, sees_private_records_of


def institutions_visible_to(user) -> QuerySet[Institution]:
    """Active institutions are public; inactive (former) ones only to city staff."""
    if has_city_powers(user):
        return Institution.objects.all()
    return Institution.objects.active()


def institution_audience(user) -> str:
    """Users who see the same institutions alike share cached pages: "city" or "public"."""
    return "city" if has_city_powers(user) else "public"


def get_institution_for(user, code: str) -> Institution:
    """The institution with this code if the user may see it, else 404."""
    institution = institution_by_code(code, include_inactive=has_city_powers(user))
    if institution is None:
        raise Http404
    return institution


def can_see_members(user, institution: Institution) -> bool:
    """Who works where is not public: the institution's own people and the city see it."""
    return sees_private_records_of(user, institution)


def members_visible_to(user, institution: Institution) -> QuerySet[Membership]:
    if not can_see_members(user, institution):
        return Membership.objects.none()
    return institution.memberships.select_related("user").order_by("role", "user__name")


def own_institution_of(user) -> Institution | None:
    """The institution the user belongs to, for the "my institution" page."""
    return affiliation_of(user).institution
