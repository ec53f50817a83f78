"""Production settings, security headers, the TLS proxy, and the language rule."""

import re
import secrets

import pytest
from django.test import RequestFactory

from tests.pages import visible_text
from tests.subprocesses import manage, portal_environment, reachable_database_url

PRODUCTION_HOST = "portal.example.kr"


def production_environment(**overrides: str | None) -> dict[str, str]:
    values = {
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 random characters
        "ALLOWED_HOSTS": PRODUCTION_HOST,
        "DATABASE_URL": reachable_database_url(),
    }
    values.update(overrides)
    return portal_environment(**values)


def test_production_settings_pass_the_deployment_check(db):
    environment = production_environment()
    assert len(environment["SECRET_KEY"]) == 60

    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_as_the_portal_sees_them(db):
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DATABASES['default']['CONN_MAX_AGE'], "
        "s.DATABASES['default']['ENGINE'])"
    )
    result = manage("shell", "--no-imports", "-c", script, environment=production_environment())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", f"['{PRODUCTION_HOST}']", "True", "True", "True", "31536000", "60",
        "django.db.backends.postgresql",
    ]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set when DEBUG is off."),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set when DEBUG is off."),
    ],
)
def test_debug_off_without_a_required_setting_refuses_to_start(db, missing, message):
    result = manage("check", environment=production_environment(**{missing: None}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_on_without_secret_key_starts_for_development(db):
    environment = portal_environment(
        DEBUG="True", SECRET_KEY=None, ALLOWED_HOSTS=None, DATABASE_URL=reachable_database_url()
    )
    result = manage("check", environment=environment)
    assert result.returncode == 0, result.stderr


# --- Content-Security-Policy -------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/agencies/", "/accounts/login/", "/nowhere/"])
def test_responses_carry_a_csp_without_inline_script(db, client, path):
    response = client.get(path)

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/", "/agencies/", "/accounts/login/"])
def test_pages_have_no_inline_script_the_csp_would_block(db, client, path):
    html = client.get(path).text
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads htmx"
    assert all(" src=" in tag for tag in scripts), scripts
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are inline script"
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "//unpkg.com" not in html
    assert "cdn" not in html.lower()


def test_security_headers(db, client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- The TLS proxy in front -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("forwarded_proto", "secure"), [("https", True), ("http", False), (None, False)]
)
def test_x_forwarded_proto_tells_https_from_http(forwarded_proto, secure):
    headers = {"HTTP_X_FORWARDED_PROTO": forwarded_proto} if forwarded_proto else {}
    request = RequestFactory().get("/", **headers)
    assert request.is_secure() is secure
    assert request.build_absolute_uri("/").startswith("https://" if secure else "http://")


def test_ssl_redirect_spares_requests_the_proxy_received_over_https(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True

    plain = client.get("/agencies/")
    forwarded = client.get("/agencies/", headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/agencies/"
    assert forwarded.status_code == 200
    assert "기관 안내" in visible_text(forwarded.text)


# --- Language: Korean first, English on request ---------------------------------------------------


def test_korean_by_default_even_for_an_english_browser(db, client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert '<html lang="ko">' in response.text
    assert "기관 안내" in visible_text(response.text)
    assert response["Content-Language"] == "ko"


def test_english_after_choosing_it_with_the_cookie(db, client):
    client.cookies["django_language"] = "en"

    response = client.get("/")

    assert '<html lang="en">' in response.text
    text = visible_text(response.text)
    assert "Institutions" in text
    assert "Sign in" in text
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_korean(db, client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="ko">' in client.get("/").text


def test_language_switch_works_before_signing_in(db, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/agencies/"})

    assert response.status_code == 302
    assert response["Location"] == "/agencies/"
    assert client.cookies["django_language"].value == "en"
    page = client.get(response["Location"])
    assert '<html lang="en">' in page.text

    back = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert back["Location"] == "/"
    assert '<html lang="ko">' in client.get("/").text


def test_language_switch_refuses_an_outside_next_address(db, client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_language_switch_form_is_on_every_page(db, client):
    html = client.get("/agencies/").text
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    assert 'name="next" value="/agencies/"' in html
