"""/healthz/ for the load balancer: real database and broker, and real outages.

The outages are real too: a child process is started with a ``DATABASE_URL`` or ``REDIS_URL``
naming a port where nothing listens, and asks for /healthz/ there.
"""

import json

import pytest
from django.conf import settings

from tests.subprocesses import (
    CLOSED_DATABASE_URL,
    CLOSED_REDIS_URL,
    get_in_subprocess,
    portal_environment,
    reachable_database_url,
)

HEALTHZ = "/healthz/"


def test_healthz_reports_database_and_broker_ok(db, client):
    assert settings.REDIS_URL, "the test suite runs with REDIS_URL set (see the Makefile)"

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in_and_no_https(db, client, settings):
    """The load balancer probes over plain http inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    # ... while a page is redirected to https.
    assert client.get("/").status_code == 301


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(db, client, method):
    assert getattr(client, method)(HEALTHZ).status_code == 405


def test_healthz_is_503_when_the_database_is_down(db):
    status, body = get_in_subprocess(
        HEALTHZ, portal_environment(DATABASE_URL=CLOSED_DATABASE_URL)
    )

    assert status == 503
    report = json.loads(body)
    assert report["database"] == "unavailable"
    assert report["broker"] == "ok"


def test_healthz_reports_the_broker_down_but_stays_up(db):
    environment = portal_environment(
        DATABASE_URL=reachable_database_url(), REDIS_URL=CLOSED_REDIS_URL
    )

    status, body = get_in_subprocess(HEALTHZ, environment)

    assert status == 200
    assert json.loads(body) == {"database": "ok", "broker": "unavailable"}


def test_healthz_reports_both_down(db):
    environment = portal_environment(
        DATABASE_URL=CLOSED_DATABASE_URL, REDIS_URL=CLOSED_REDIS_URL
    )
    status, body = get_in_subprocess(HEALTHZ, environment)
    assert status == 503
    assert json.loads(body) == {"database": "unavailable", "broker": "unavailable"}


def test_healthz_without_redis_reports_the_broker_disabled(db):
    environment = portal_environment(DATABASE_URL=reachable_database_url(), REDIS_URL=None)

    status, body = get_in_subprocess(HEALTHZ, environment)

    assert status == 200
    assert json.loads(body) == {"database": "ok", "broker": "disabled"}


def test_subprocess_sees_the_same_healthy_portal(db):
    """The child process itself is sound: with the real services it answers like this one."""
    environment = portal_environment(DATABASE_URL=reachable_database_url())
    status, body = get_in_subprocess(HEALTHZ, environment)
    assert status == 200
    assert json.loads(body) == {"database": "ok", "broker": "ok"}
