"""Actions that change institutions, bureaus and people.

Each function is keyword-only, runs in one transaction, and is idempotent where it says so:
running it again with the same input leaves the database as it was.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from agencies.models import (
    Bureau,
    CityStaff,
    Institution,
    LineageChange,
    Membership,
    PredecessorBody,
    User,
)
from portal.roles import CityUnit, InstitutionRole

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTITUTIONS_CSV = DATA_DIR / "institutions.csv"
BUREAUS_CSV = DATA_DIR / "bureaus.csv"

_STRENGTHENED = re.compile(r"^\s*(?P<name>.+?)\s*\(strengthened\)\s*$")


class SeedDataError(Exception):
    """The demo CSV files are inconsistent; the message says where."""


def parse_lineage(formed_from: str) -> list[tuple[str, LineageChange]]:
    """``"A+B"`` → merged from A and B; ``"A (strengthened)"`` → A reorganised; ``""`` → none."""
    formed_from = formed_from.strip()
    if not formed_from:
        return []
    strengthened = _STRENGTHENED.match(formed_from)
    if strengthened:
        return [(strengthened["name"], LineageChange.STRENGTHENED)]
    names = [name.strip() for name in formed_from.split("+") if name.strip()]
    return [(name, LineageChange.MERGED) for name in names]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def bureaus_load(*, path: Path = BUREAUS_CSV) -> dict[str, Bureau]:
    """Create or update the bureaus in ``path``, keyed by Korean name. Idempotent."""
    bureaus = {}
    for row in _read_csv(path):
        bureau, _ = Bureau.objects.update_or_create(
            name_ko=row["name_ko"].strip(),
            defaults={"name_en": row["name_en"].strip(), "kind": row["kind"].strip()},
        )
        bureaus[bureau.name_ko] = bureau
    return bureaus


@transaction.atomic
def institutions_load(
    *, path: Path = INSTITUTIONS_CSV, bureaus: dict[str, Bureau]
) -> list[Institution]:
    """Create or update the institutions in ``path`` with their lineage. Idempotent.

    Rows are matched by code. Predecessors not named by the file any more are removed, so the
    database mirrors the file after every run.
    """
    institutions = []
    for line_number, row in enumerate(_read_csv(path), start=2):
        bureau_name = row["supervising_bureau_ko"].strip()
        if bureau_name not in bureaus:
            raise SeedDataError(f"{path.name}:{line_number}: unknown bureau {bureau_name!r}")
        institution, _ = Institution.objects.update_or_create(
            code=row["code"].strip().upper(),
            defaults={
                "name_ko": row["name_ko"].strip(),
                "name_en": row["name_en"].strip(),
                "kind": row["kind"].strip(),
                "bureau": bureaus[bureau_name],
                "in_field_dialogue": row["field_dialogue_2024"].strip() == "yes",
                "is_demo": row["demo"].strip() == "yes",
            },
        )
        lineage = parse_lineage(row["formed_from"])
        for name, change in lineage:
            PredecessorBody.objects.update_or_create(
                successor=institution, name_ko=name, defaults={"change": change, "year": 2023}
            )
        institution.predecessors.exclude(name_ko__in=[name for name, _ in lineage]).delete()
        institutions.append(institution)
    return institutions


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    institution: str


class _DemoPasswordHashes:
    """The hash to store for the demo password: the stored one when it already matches, so a
    second run changes no row and signs no one out (Django ends a user's sessions when the
    password hash changes).

    Hashing is deliberately slow; the demo accounts share one hash, so each distinct stored
    hash is checked once and a new hash is made at most once per run.
    """

    def __init__(self, password: str) -> None:
        self._password = password
        self._matches: dict[str, bool] = {}
        self._new_hash = ""

    def for_user(self, username: str) -> str:
        stored = User.objects.filter(username=username).values_list("password", flat=True).first()
        if stored:
            if stored not in self._matches:
                self._matches[stored] = check_password(self._password, stored)
            if self._matches[stored]:
                return stored
        if not self._new_hash:
            self._new_hash = make_password(self._password)
        return self._new_hash


def _ensure_user(
    *, username: str, name: str, hashes: _DemoPasswordHashes, superuser: bool = False
) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "name": name,
            "password": hashes.for_user(username),
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    return user


@transaction.atomic
def demo_accounts_ensure(*, password: str, institutions: list[Institution]) -> list[DemoAccount]:
    """Create or reset the demo accounts, all with ``password``. Idempotent.

    ``admin`` (superuser), ``staff`` (city strategy team) and, for every institution,
    ``head-<code>``, ``deputy-<code>`` and ``staff-<code>``.
    """
    hashes = _DemoPasswordHashes(password)
    accounts = []

    _ensure_user(username="admin", name="관리자", hashes=hashes, superuser=True)
    accounts.append(DemoAccount("admin", "관리자 (superuser)", "—"))

    city_user = _ensure_user(username="staff", name="전략추진단 담당자", hashes=hashes)
    Membership.objects.filter(user=city_user).delete()
    CityStaff.objects.update_or_create(
        user=city_user,
        defaults={"unit": CityUnit.STRATEGY_TEAM, "bureau": None, "position": "주무관"},
    )
    accounts.append(DemoAccount("staff", "시 직원 (전략추진단)", "광주광역시"))

    for institution in institutions:
        for role, label in (
            (InstitutionRole.HEAD, "기관장"),
            (InstitutionRole.DEPUTY_HEAD, "부기관장"),
            (InstitutionRole.STAFF, "직원"),
        ):
            username = f"{role.value}-{institution.slug}"
            user = _ensure_user(
                username=username,
                name=f"{institution.name_ko} {label}",
                hashes=hashes,
            )
            CityStaff.objects.filter(user=user).delete()
            # Another account may hold the head or deputy seat (set by an administrator);
            # the demo account only takes a free seat, so a real record is never displaced.
            seat_taken = (
                role != InstitutionRole.STAFF
                and Membership.objects.filter(institution=institution, role=role)
                .exclude(user=user)
                .exists()
            )
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "institution": institution,
                    "role": InstitutionRole.STAFF if seat_taken else role,
                },
            )
            accounts.append(DemoAccount(username, label, institution.name_ko))
    return accounts
