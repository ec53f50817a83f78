"""Every URL pattern of the portal, requested as every role, against tests/permission_matrix.py.

A pattern missing from the table fails ``test_every_url_pattern_is_in_the_table``, so no page
can be forgotten; a row for a pattern that is gone fails ``test_the_table_has_no_stale_rows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.permission_matrix import (
    ADMIN_SAMPLES,
    MATRIX,
    RULES,
    Expect,
    MatrixWorld,
    Redirect,
    build_matrix_world,
    cases_for,
)
from tests.world import ROLE_NAMES


@dataclass(frozen=True)
class Pattern:
    key: str  # the full name ("agencies:detail"), or "route:<full route>" without a name
    route: str


def _join_route(prefix: str, route: str) -> str:
    # As django.urls.resolvers does: a nested regex's "^" anchors at the prefix's end.
    return prefix + (route[1:] if route.startswith("^") else route)


def url_patterns(patterns=None, prefix: str = "", namespaces: tuple[str, ...] = ()):
    """Every pattern of the URL configuration, through includes and namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = _join_route(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from url_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            key = ":".join((*namespaces, entry.name)) if entry.name else f"route:{route}"
            yield Pattern(key=key, route=route)


PATTERNS = list(url_patterns())
PATTERN_KEYS = [pattern.key for pattern in PATTERNS]


def _matrix_cases():
    for key in dict.fromkeys(PATTERN_KEYS):
        try:
            cases = cases_for(key)
        except LookupError:
            continue  # reported by test_every_url_pattern_is_in_the_table
        for expect in cases:
            for role in ROLE_NAMES:
                label = expect.label or (expect.method if len(cases) > 1 else "")
                label = f"[{label}]" if label else ""
                yield pytest.param(key, expect, role, id=f"{key}{label}-{role}")


# --- The table matches the URL configuration ---------------------------------------------------


def test_every_url_pattern_is_in_the_table():
    missing = []
    for key in PATTERN_KEYS:
        try:
            if not cases_for(key):
                missing.append(key)
        except LookupError as error:
            missing.append(f"{key} ({error})")
    assert not missing, (
        "URL patterns with no row in tests/permission_matrix.py (add their expected statuses "
        "per role):\n  " + "\n  ".join(missing)
    )


def test_pattern_keys_are_unique():
    repeated = sorted({key for key in PATTERN_KEYS if PATTERN_KEYS.count(key) > 1})
    assert not repeated, f"URL pattern names used more than once: {repeated}"


def test_the_table_has_no_stale_rows():
    stale_rows = sorted(set(MATRIX) - set(PATTERN_KEYS))
    assert not stale_rows, f"rows for URL patterns that no longer exist: {stale_rows}"
    idle_rules = [
        rule.pattern
        for rule in RULES
        if not any(rule.match(key) for key in PATTERN_KEYS if key not in MATRIX)
    ]
    assert not idle_rules, f"rules that match no URL pattern: {idle_rules}"


def test_every_case_names_every_role():
    incomplete = []
    for key in PATTERN_KEYS:
        try:
            cases = cases_for(key)
        except LookupError:
            continue  # reported by test_every_url_pattern_is_in_the_table
        incomplete += [
            f"{key}[{number}]: {sorted(set(ROLE_NAMES) ^ set(expect.statuses))}"
            for number, expect in enumerate(cases)
            if set(expect.statuses) != set(ROLE_NAMES)
        ]
    assert not incomplete, f"cases that miss or invent roles: {incomplete}"


def test_every_admin_model_has_a_sample_object():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(ADMIN_SAMPLES) == registered, (
        f"missing: {sorted(registered - set(ADMIN_SAMPLES))}, "
        f"no longer in the admin: {sorted(set(ADMIN_SAMPLES) - registered)}"
    )


# --- Every pattern, every case, every role ----------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at its end; each test runs in a
    savepoint inside it (the ``db`` fixture), so requests that write leave nothing behind.
    Uploaded evidence goes to a directory of the module's own, removed with pytest's."""
    media_root = tmp_path_factory.mktemp("matrix-media")
    with (
        override_settings(MEDIA_ROOT=media_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_matrix_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def matrix_client():
    """One test client for the module: building the middleware (whitenoise scans the static
    files) for each of the hundreds of requests would dominate the run."""
    return Client()


def _address(key: str, expect: Expect, world: MatrixWorld) -> str:
    if expect.path is not None:
        path = expect.path(world)
    else:
        path = reverse(key, kwargs=expect.url_kwargs(world))
    return f"{path}?{urlencode(expect.query)}" if expect.query else path


def _resolves_to(path: str, key: str) -> bool:
    match = resolve(urlsplit(path).path)
    if key.startswith("route:"):
        return match.url_name is None and f"route:{match.route}" == key
    return match.view_name == key


@pytest.mark.parametrize(("key", "expect", "role"), list(_matrix_cases()))
def test_permission_matrix(key, expect: Expect, role, matrix_world, db, matrix_client):
    address = _address(key, expect, matrix_world)
    assert _resolves_to(address, key), f"the case's address {address} is not {key}"
    client = matrix_client
    client.cookies.clear()  # every test starts signed out
    user = matrix_world.users[role]
    if user is not None:
        client.force_login(user)
    send = getattr(client, expect.method)
    if expect.method == "get":
        response = send(address)
    else:
        response = send(address, data=expect.data(matrix_world))

    expected = expect.statuses[role]
    location = response.get("Location", "")
    seen = f"{expect.method.upper()} {address} as {role}: got {response.status_code}"
    if location:
        seen += f" → {location}"
    if not isinstance(expected, Redirect):
        assert response.status_code == expected, f"{seen}; expected {expected}"
        return
    assert response.status_code == expected.status, f"{seen}; expected {expected}"
    target = urlsplit(location)
    assert target.path == expected.path(matrix_world), f"{seen}; expected {expected}"
    if expected.login:
        assert parse_qs(target.query).get("next") == [address], (
            f"{seen}; the sign-in page should send the user back to {address}"
        )
