"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by the environment
(see the Makefile's ``test`` target); nothing here mocks the database, broker or browser."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from evaluations.models import Answer, Response, ResponseExclusion
from portal.celery import app as celery_app
from tests.world import World, build_world_parts

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache. The database rolls back after each test but
    the cache (Redis under ``make test``) keeps what it holds; a page cached by one test must
    not be served in the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process unless a test asks for the real worker (``real_worker`` mark)."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def world(db):
    return World(**build_world_parts())


@pytest.fixture
def client_as(client):
    """``client_as(user)`` signs the test client in as ``user`` (``None`` stays anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# The demo's survey responses: too many rows to replay for every test that wants the demo.
UNREPLAYED_DEMO_MODELS = (Response, Answer, ResponseExclusion)


@pytest.fixture(scope="session")
def _seed_demo_rows(django_db_setup, django_db_blocker):
    """The rows ``manage.py seed_demo`` writes, made once per session by the real command
    (in a transaction rolled back at once): it takes about a second, ``seeded`` replays them
    in a few queries. Every table of ``agencies``, ``meetings``, ``evaluations`` and
    ``notifications`` (the series' invitation notices and reminders) is recorded, many-to-many
    links (a project's partner institutions) included, except the demo's survey responses and
    their answers (``UNREPLAYED_DEMO_MODELS``: hundreds of thousands of rows no test needs;
    tests build their own, or call ``evaluations.demo``); seed_demo writes nowhere else."""
    models = [
        model
        for app in ("agencies", "meetings", "evaluations", "notifications")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model not in UNREPLAYED_DEMO_MODELS
    ]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        transaction.atomic(),
    ):
        assert not any(model.objects.exists() for model in models)
        # pytest-django runs with DEBUG off, where seed_demo refuses unless forced.
        call_command("seed_demo", "--force", stdout=StringIO())
        rows = [(model, list(model.objects.order_by("pk").values())) for model in models]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def seeded(db, _seed_demo_rows):
    """The demo data of ``manage.py seed_demo``: 27 institutions, 12 bureaus, 83 accounts
    (every password ``DEFAULT_DEMO_PASSWORD``), 81 joint projects with their KPIs and 324
    reports in every state, with versions and timelines; this year's 12 regular meetings with
    27 invitations each and the 11 field dialogues of 2024; six best practices."""
    # Rows go in table by table; foreign keys between them (a report's accepted version)
    # are checked at commit, as Django creates them deferrable.
    for model, rows in _seed_demo_rows:
        model.objects.bulk_create(model(**row) for row in rows)
    # Rows came with their ids: move the id sequences past them for rows made later.
    models = [model for model, _ in _seed_demo_rows]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
