"""Sign-in, sign-out and password change, in Korean."""

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from agencies.models import User
from portal.roles import InstitutionRole
from tests.factories import TEST_PASSWORD, InstitutionFactory, member_of
from tests.pages import visible_text

LOGIN = reverse("login")
LOGOUT = reverse("logout")
PASSWORD_CHANGE = reverse("password_change")
PASSWORD_CHANGE_DONE = reverse("password_change_done")
NEW_PASSWORD = "gwangju-new-pass-2024"


@pytest.fixture
def head(db):
    institution = InstitutionFactory(code="GJSSA", name_ko="광주사회서비스원")
    user = member_of(institution, InstitutionRole.HEAD, "head-gjssa")
    user.name = "김기관장"
    user.save()
    return user


def session_user(client):
    """Who the client is signed in as, as the next request sees it."""
    response = client.get(reverse("agencies:mine"))
    if response.status_code == 302:
        return None
    return response.context["user"]


def test_login_page_is_in_korean(db, client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert '<html lang="ko">' in response.text
    text = visible_text(response.text)
    assert "로그인 | 동행 포털" in text
    assert "시 직원과 기관 구성원이 로그인합니다." in text
    assert re.search(r'<label for="id_username"[^>]*>\s*사용자 이름', response.text)
    assert re.search(r'<label for="id_password"[^>]*>\s*비밀번호', response.text)


def test_login_with_the_right_password_redirects_home(head, client):
    response = client.post(LOGIN, {"username": "head-gjssa", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session_user(client) == head
    home = client.get("/")
    assert "김기관장" in visible_text(home.text)


def test_login_follows_next(head, client):
    response = client.post(
        LOGIN, {"username": "head-gjssa", "password": TEST_PASSWORD, "next": "/agencies/mine/"}
    )
    assert response["Location"] == "/agencies/mine/"
    assert "우리 기관: 광주사회서비스원" in visible_text(client.get("/agencies/mine/").text)


def test_login_refuses_an_outside_next(head, client):
    response = client.post(
        LOGIN,
        {"username": "head-gjssa", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"),
    [("head-gjssa", "wrong-password"), ("nobody", TEST_PASSWORD), ("HEAD-GJSSA", TEST_PASSWORD)],
)
def test_login_with_a_wrong_password_shows_a_korean_error(head, client, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "올바른 사용자 이름와/과 비밀번호를 입력하십시오." in text
    assert 'role="alert"' in response.text
    assert f'value="{username}"' in response.text  # the form is filled in again
    assert session_user(client) is None


def test_a_signed_in_user_is_sent_on_from_the_login_page(head, client):
    client.force_login(head)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_requires_post(head, client):
    client.force_login(head)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert session_user(client) == head


def test_logout_by_post_ends_the_session(head, client):
    client.force_login(head)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session_user(client) is None
    assert "로그인" in visible_text(client.get("/").text)


def test_the_header_offers_sign_out_as_a_form(head, client):
    client.force_login(head)
    html = client.get("/").text
    assert f'<form action="{LOGOUT}" method="post"' in html
    assert "로그아웃" in visible_text(html)


def test_password_change_end_to_end(head, client):
    client.force_login(head)

    page = client.get(PASSWORD_CHANGE)
    assert page.status_code == 200
    assert "비밀번호 변경" in visible_text(page.text)
    assert 'name="old_password"' in page.text

    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == PASSWORD_CHANGE_DONE

    done = client.get(PASSWORD_CHANGE_DONE)
    assert done.status_code == 200
    assert "비밀번호를 바꿨습니다" in visible_text(done.text)

    # Still signed in on this browser, and the new password is the one that works.
    assert session_user(client) == head
    assert authenticate(username="head-gjssa", password=NEW_PASSWORD) == head
    assert authenticate(username="head-gjssa", password=TEST_PASSWORD) is None


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (
            {"old_password": "not-my-password", "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD},
            "기존 비밀번호를 잘못 입력하셨습니다. 다시 입력해 주세요.",
        ),
        (
            {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD + "x"},
            "비밀번호가 일치하지 않습니다.",
        ),
        (
            {"old_password": TEST_PASSWORD, "new_password1": "password",
             "new_password2": "password"},
            "너무 흔히 사용되는 비밀번호입니다.",
        ),
    ],
    ids=["wrong-old-password", "mismatch", "too-common"],
)
def test_password_change_errors_in_korean(head, client, form, error):
    client.force_login(head)

    response = client.post(PASSWORD_CHANGE, form)

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "입력한 내용을 확인해 주세요." in text
    assert error in text
    head.refresh_from_db()
    assert head.check_password(TEST_PASSWORD)


def test_password_change_needs_sign_in(db, client):
    response = client.get(PASSWORD_CHANGE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PASSWORD_CHANGE}"


def test_inactive_account_cannot_sign_in(head, client):
    User.objects.filter(pk=head.pk).update(is_active=False)
    response = client.post(LOGIN, {"username": "head-gjssa", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert session_user(client) is None
