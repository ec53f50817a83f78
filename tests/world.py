"""The people every permission test speaks of: two institutions, X and Y, and one user for
each role of MISSION.md's table. conftest's ``world`` fixture and the permission matrix
both build it here, so the roles cannot drift apart."""

from dataclasses import dataclass

from portal.roles import InstitutionRole
from tests.factories import InstitutionFactory, admin_user, city_staff_user, member_of

ROLE_NAMES = (
    "anonymous",
    "staff_x",
    "deputy_x",
    "head_x",
    "staff_y",
    "head_y",
    "city_staff",
    "admin",
)


@dataclass
class World:
    """Two institutions and one user for every role in the permission matrix."""

    institution_x: object
    institution_y: object
    users: dict  # role name -> User, or None for anonymous


def build_world_parts() -> dict:
    """Keyword arguments for ``World`` (or a subclass): institutions X and Y and the users."""
    institution_x = InstitutionFactory(code="XINST", name_ko="엑스기관")
    institution_y = InstitutionFactory(code="YINST", name_ko="와이기관")
    users = {
        "anonymous": None,
        "staff_x": member_of(institution_x, InstitutionRole.STAFF, "staff-x"),
        "deputy_x": member_of(institution_x, InstitutionRole.DEPUTY_HEAD, "deputy-x"),
        "head_x": member_of(institution_x, InstitutionRole.HEAD, "head-x"),
        "staff_y": member_of(institution_y, InstitutionRole.STAFF, "staff-y"),
        "head_y": member_of(institution_y, InstitutionRole.HEAD, "head-y"),
        "city_staff": city_staff_user(),
        "admin": admin_user(),
    }
    return {"institution_x": institution_x, "institution_y": institution_y, "users": users}
