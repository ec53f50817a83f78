"""Run the portal in a child process with its own environment.

Settings are read once, from the environment, when Django starts; a test that needs other
settings (a database that is down, DEBUG off) starts a fresh Python with that environment
instead of faking the outcome in this process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent

# Ports nothing listens on: connecting fails at once with "connection refused".
CLOSED_DATABASE_URL = "postgres://postgres@127.0.0.1:1/nowhere"
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"

_REQUEST_SCRIPT = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.test import Client
response = Client().get(sys.argv[1], HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def reachable_database_url() -> str:
    """A URL for the database this test session uses (it exists and answers)."""
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(settings['NAME'], safe='')}"


def portal_environment(**overrides: str | None) -> dict[str, str]:
    """This process's environment with ``overrides``; ``None`` removes a variable."""
    environment = dict(os.environ)
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    # The child reads its Redis database from REDIS_URL as given, not offset again as a
    # pytest-xdist worker's would be (see REDIS_URL in portal/settings.py).
    environment.pop("PYTEST_XDIST_WORKER", None)
    # Set by the browser tests for Playwright's event loop; a real deployment never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in overrides.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def run_python(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python(["manage.py", *args], environment)


def get_in_subprocess(path: str, environment: dict[str, str]) -> tuple[int, str]:
    """GET ``path`` through Django's test client in a fresh process; (status, body)."""
    result = run_python(["-c", _REQUEST_SCRIPT, path], environment)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"]
