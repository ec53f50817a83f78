"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by the environment
(see the Makefile's ``test`` target); nothing here mocks the database, broker or browser."""

from dataclasses import dataclass

import pytest

from portal.celery import app as celery_app
from portal.roles import InstitutionRole
from tests.factories import (
    InstitutionFactory,
    admin_user,
    city_staff_user,
    member_of,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@dataclass
class World:
    """Two institutions and one user for every role in the permission matrix."""

    institution_x: object
    institution_y: object
    users: dict  # role name -> User, or None for anonymous


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


@pytest.fixture
def world(db):
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
    return World(institution_x=institution_x, institution_y=institution_y, users=users)


@pytest.fixture
def client_as(client):
    """``client_as(user)`` signs the test client in as ``user`` (``None`` stays anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
