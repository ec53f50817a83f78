"""The permission matrix: for every URL pattern, what each role gets back.

``tests/test_permission_matrix.py`` walks every pattern of the URL configuration and requests
each case below as every role of the world (``ROLE_NAMES`` in ``tests/conftest.py``). A pattern
with no row or rule fails, and so does a row for a pattern that no longer exists: when you add
a page, add its row here, with the statuses that MISSION.md's "Who may do what" asks for —
not the ones the view happens to return.

- ``MATRIX`` maps a pattern's full name ("home", "agencies:detail", "admin:index") to its
  cases. A pattern without a name is keyed by its full route: ``"route:admin/(?P<url>.*)$"``.
- A case (``Expect``) says how to build the address from the world, which method to use and
  what every role gets. Several cases per pattern express "X's object" versus "Y's object".
- ``RULES`` cover families of patterns (the Django admin's per-model pages) by regular
  expression. A row in ``MATRIX`` wins over a rule; two rules may not claim one pattern.
- An outcome is a status code, or a ``Redirect`` whose target is checked too; ``LOGIN`` and
  ``ADMIN_LOGIN`` also check that ``next`` names the requested address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from agencies.models import Institution
from portal.roles import InstitutionRole
from tests.conftest import ROLE_NAMES, World
from tests.factories import (
    InstitutionFactory,
    PredecessorBodyFactory,
    admin_user,
    city_staff_user,
    member_of,
)

# --- The world the cases are built from ------------------------------------------------------


@dataclass
class MatrixWorld(World):
    """The ``world`` of conftest, plus what the matrix's cases need besides."""

    former_institution: Institution  # inactive: phase 1 merged it away; only the city sees it
    admin_samples: dict[str, models.Model] = field(default_factory=dict)  # model label -> object


# One existing object for every model registered in the Django admin (its change, delete and
# history pages need an id). A model registered later without a sample fails the test.
ADMIN_SAMPLES: dict[str, Callable[[MatrixWorld], models.Model]] = {
    "agencies.institution": lambda world: world.institution_x,
    "agencies.bureau": lambda world: world.institution_x.bureau,
    "agencies.predecessorbody": lambda world: PredecessorBodyFactory(successor=world.institution_x),
    "agencies.membership": lambda world: world.users["staff_x"].membership,
    "agencies.citystaff": lambda world: world.users["city_staff"].city_staff,
    "agencies.user": lambda world: world.users["head_x"],
    "auth.group": lambda world: Group.objects.create(name="matrix-group"),
    "django_celery_beat.intervalschedule": lambda world: IntervalSchedule.objects.create(
        every=1, period=IntervalSchedule.DAYS
    ),
    "django_celery_beat.crontabschedule": lambda world: CrontabSchedule.objects.create(
        minute="0", hour="9"
    ),
    "django_celery_beat.solarschedule": lambda world: SolarSchedule.objects.create(
        event="sunrise", latitude="35.160000", longitude="126.851000"
    ),
    "django_celery_beat.clockedschedule": lambda world: ClockedSchedule.objects.create(
        clocked_time=timezone.now()
    ),
    "django_celery_beat.periodictask": lambda world: PeriodicTask.objects.create(
        name="matrix-task",
        task="portal.tasks.clear_expired_sessions",
        interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS),
    ),
}


def build_matrix_world() -> MatrixWorld:
    """The same people as conftest's ``world``, a former institution and the admin samples."""
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
    world = MatrixWorld(
        institution_x=institution_x,
        institution_y=institution_y,
        users=users,
        former_institution=InstitutionFactory(code="OLDINST", name_ko="옛기관", is_active=False),
    )
    for label, make_sample in ADMIN_SAMPLES.items():
        world.admin_samples[label] = make_sample(world)
    return world


# --- Outcomes and cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A redirect to ``to``: a URL name reversed without arguments, or a function of the world
    giving the path. ``login``: a sign-in page, whose ``next`` must name the requested address."""

    to: str | Callable[[MatrixWorld], str]
    status: int = 302
    login: bool = False

    def path(self, world: MatrixWorld) -> str:
        return reverse(self.to) if isinstance(self.to, str) else self.to(world)

    def __str__(self) -> str:
        target = self.to if isinstance(self.to, str) else "…"
        return f"{self.status} → {target}"


Outcome = int | Redirect

LOGIN = Redirect("login", login=True)
ADMIN_LOGIN = Redirect("admin:login", login=True)
HOME = Redirect("home")

X_PEOPLE = ("staff_x", "deputy_x", "head_x")
Y_PEOPLE = ("staff_y", "head_y")
CITY_POWERS = ("city_staff", "admin")
SIGNED_IN = (*X_PEOPLE, *Y_PEOPLE, *CITY_POWERS)


def statuses(default: Outcome, /, **by_role: Outcome) -> dict[str, Outcome]:
    """``default`` for every role, except those named: ``statuses(200, anonymous=LOGIN)``."""
    unknown = set(by_role) - set(ROLE_NAMES)
    if unknown:
        raise ValueError(f"unknown roles in the permission matrix: {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLE_NAMES}


def grant(roles: Iterable[str], outcome: Outcome) -> dict[str, Outcome]:
    """For ``statuses(404, **grant(X_PEOPLE, 200))``."""
    return dict.fromkeys(roles, outcome)


PUBLIC = statuses(200)
SIGNED_IN_ONLY = statuses(200, anonymous=LOGIN)
# Django admin, as its own site guards it: only the superuser gets in.
ADMIN_ONLY = statuses(ADMIN_LOGIN, admin=200)
# A model's admin pages are wrapped by the ModelAdmin, which (unlike the admin site's own
# views) does not tell LoginRequiredMiddleware about the admin's login page: anonymous
# visitors are sent to the portal's sign-in, signed-in non-staff to the admin's.
ADMIN_MODEL_PAGE = statuses(ADMIN_LOGIN, anonymous=LOGIN, admin=200)


def _no_arguments(world: MatrixWorld) -> dict:
    return {}


@dataclass(frozen=True)
class Expect:
    """One request to try as every role, and what each role gets.

    ``url_kwargs(world)`` fills the pattern's arguments; a pattern without a name gives
    ``path(world)`` instead. ``query`` is added to the address; ``data(world)`` is the POST body.
    ``case`` names the case in test ids ("y-institution").
    """

    statuses: Mapping[str, Outcome]
    url_kwargs: Callable[[MatrixWorld], dict] = _no_arguments
    method: str = "get"
    query: Mapping[str, str] = field(default_factory=dict)
    data: Callable[[MatrixWorld], dict] = _no_arguments
    path: Callable[[MatrixWorld], str] | None = None
    case: str = ""

    @property
    def label(self) -> str:
        parts = [part for part in (self.case, self.method if self.method != "get" else "") if part]
        return ",".join(parts)


@dataclass(frozen=True)
class Rule:
    """Cases for every pattern whose key fully matches the regular expression ``pattern``."""

    pattern: str
    cases: Callable[[re.Match], list[Expect]]
    why: str = ""

    def match(self, key: str) -> re.Match | None:
        return re.fullmatch(self.pattern, key)


# --- The table ---------------------------------------------------------------------------------


def _slug(code_of: Callable[[MatrixWorld], str]) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"code": code_of(world)}


MATRIX: dict[str, list[Expect]] = {
    "home": [Expect(PUBLIC)],
    "healthz": [Expect(PUBLIC)],
    "agencies:directory": [Expect(PUBLIC)],
    # Members only have an institution; city staff and admins are told where to go instead.
    "agencies:mine": [Expect(SIGNED_IN_ONLY)],
    "agencies:detail": [
        # Institution pages are public: X's and Y's alike, for everyone.
        Expect(PUBLIC, _slug(lambda world: world.institution_x.slug), case="x"),
        Expect(PUBLIC, _slug(lambda world: world.institution_y.slug), case="y"),
        # A former (inactive) institution is not public: only the city sees it.
        Expect(
            statuses(404, **grant(CITY_POWERS, 200)),
            _slug(lambda world: world.former_institution.slug),
            case="former",
        ),
        # The code in capitals is the same page: a permanent redirect to the lower-case address.
        Expect(
            statuses(Redirect(lambda world: world.institution_x.get_absolute_url(), status=301)),
            _slug(lambda world: world.institution_x.code),
            case="x-upper-case",
        ),
        Expect(statuses(404), _slug(lambda world: "nosuch"), case="unknown"),
    ],
    "login": [
        # Someone already signed in is sent on to the home page.
        Expect(statuses(HOME, anonymous=200)),
        # A wrong password shows the form again, with its error.
        Expect(
            statuses(HOME, anonymous=200),
            method="post",
            data=lambda world: {"username": "staff-x", "password": "not-the-password"},
            case="wrong-password",
        ),
    ],
    # Signing out is POST only. LogoutView is not marked login_not_required, so the middleware
    # sends anonymous visitors to sign in before the method is even looked at.
    "logout": [
        Expect(statuses(405, anonymous=LOGIN)),
        Expect(statuses(HOME, anonymous=LOGIN), method="post"),
    ],
    "password_change": [Expect(SIGNED_IN_ONLY)],
    "password_change_done": [Expect(SIGNED_IN_ONLY)],
    # The language switch works before signing in; without "next" it goes home.
    "set_language": [
        Expect(statuses(HOME)),
        Expect(
            statuses(Redirect("agencies:directory")),
            method="post",
            data=lambda world: {"language": "en", "next": reverse("agencies:directory")},
        ),
    ],
    # --- Django admin: the superuser only (MISSION.md: "Django admin … admin ✔").
    "admin:index": [Expect(ADMIN_ONLY)],
    # The admin's sign-in form is open; a signed-in non-staff user sees it with a note that
    # they lack access. The superuser is sent to the index.
    "admin:login": [Expect(statuses(200, admin=Redirect("admin:index")))],
    # Admin sign-out is POST only; a signed-in non-staff user is sent to the index (and from
    # there to the admin's sign-in). After signing out the admin lands on LOGOUT_REDIRECT_URL.
    "admin:logout": [
        Expect(statuses(Redirect("admin:index"), anonymous=ADMIN_LOGIN, admin=405)),
        Expect(
            statuses(Redirect("admin:index"), anonymous=ADMIN_LOGIN, admin=HOME),
            method="post",
        ),
    ],
    "admin:password_change": [Expect(ADMIN_ONLY)],
    "admin:password_change_done": [Expect(ADMIN_ONLY)],
    "admin:jsi18n": [Expect(ADMIN_ONLY)],
    "admin:autocomplete": [
        Expect(
            ADMIN_ONLY,
            query={"app_label": "agencies", "model_name": "membership", "field_name": "user"},
            case="membership-user",
        ),
        # Without naming a field the admin refuses even the superuser.
        Expect(statuses(ADMIN_LOGIN, admin=403), case="no-field"),
    ],
    "admin:view_on_site": [
        Expect(
            statuses(
                ADMIN_LOGIN,
                admin=Redirect(lambda world: world.institution_x.get_absolute_url()),
            ),
            lambda world: {
                "content_type_id": ContentType.objects.get_for_model(Institution).pk,
                "object_id": world.institution_x.pk,
            },
        ),
    ],
    "admin:app_list": [Expect(ADMIN_ONLY, lambda world: {"app_label": "agencies"})],
    "admin:auth_user_password_change": [
        Expect(ADMIN_MODEL_PAGE, lambda world: {"id": world.users["head_x"].pk}),
    ],
    # The admin's catch-all: an unknown address is a 404 (to the superuser only: the others
    # must not learn which addresses exist); a missing slash is added.
    "route:admin/(?P<url>.*)$": [
        Expect(
            statuses(ADMIN_LOGIN, admin=404),
            path=lambda world: reverse("admin:index") + "no-such-page/",
            case="unknown",
        ),
        Expect(
            statuses(
                ADMIN_LOGIN,
                admin=Redirect("admin:agencies_institution_changelist", status=301),
            ),
            path=lambda world: reverse("admin:agencies_institution_changelist").rstrip("/"),
            case="no-slash",
        ),
    ],
}


# --- Rules for the Django admin's per-model pages ----------------------------------------------


def admin_model_label(url_prefix: str) -> str:
    """``"agencies_institution"`` (as in the admin's URL names) -> ``"agencies.institution"``."""
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == url_prefix:
            return model._meta.label_lower
    raise LookupError(f"no model registered in the admin answers to {url_prefix!r}")


def _admin_sample(world: MatrixWorld, label: str) -> models.Model:
    try:
        return world.admin_samples[label]
    except KeyError:
        raise LookupError(f"add a sample object for {label!r} to ADMIN_SAMPLES") from None


def _admin_model_list_cases(match: re.Match) -> list[Expect]:
    return [Expect(ADMIN_MODEL_PAGE)]


def _admin_object_cases(match: re.Match) -> list[Expect]:
    label = admin_model_label(match["model"])
    return [
        Expect(
            ADMIN_MODEL_PAGE,
            lambda world: {"object_id": _admin_sample(world, label).pk},
        )
    ]


def _admin_object_redirect_cases(match: re.Match) -> list[Expect]:
    label = f"{match['app']}.{match['model']}"
    change = f"admin:{match['app']}_{match['model']}_change"

    def change_url(world: MatrixWorld) -> str:
        return reverse(change, args=[_admin_sample(world, label).pk])

    return [
        Expect(
            statuses(ADMIN_LOGIN, anonymous=LOGIN, admin=Redirect(change_url)),
            path=lambda world: change_url(world).removesuffix("change/"),
        )
    ]


RULES: list[Rule] = [
    Rule(
        r"admin:(?P<model>\w+)_(changelist|add)",
        _admin_model_list_cases,
        why="a model's list and add pages: the superuser only",
    ),
    Rule(
        r"admin:(?P<model>\w+)_(change|delete|history)",
        _admin_object_cases,
        why="a model's object pages, on the model's sample object: the superuser only",
    ),
    Rule(
        r"route:admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/",
        _admin_object_redirect_cases,
        why="an object's bare admin address redirects to its change page",
    ),
]


def cases_for(key: str) -> list[Expect]:
    """The cases of the pattern keyed ``key``: its row, else the one rule that matches it."""
    if key in MATRIX:
        return MATRIX[key]
    matches = [(rule, match) for rule in RULES if (match := rule.match(key))]
    if len(matches) > 1:
        raise LookupError(f"{key!r} is claimed by several rules: {[r.pattern for r, _ in matches]}")
    if not matches:
        return []
    rule, match = matches[0]
    return rule.cases(match)
