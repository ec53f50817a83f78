"""The Celery worker and beat, started with the documented commands, against real Redis and
PostgreSQL.

Each test starts ``celery -A portal worker|beat`` as a subprocess (the command the README and
docker-compose.yml document), talks to it only through Redis or the database, and always
stops it. Every wait is bounded, so a broken worker fails the test instead of hanging CI.
"""

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.celery import app as celery_app
from portal.tasks import ping
from tests.subprocesses import portal_environment, reachable_database_url

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL (make test does)"
    ),
]

PROJECT_DIR = Path(settings.BASE_DIR)
STARTUP_AND_ROUND_TRIP_SECONDS = 60
STOP_SECONDS = 15


def _celery_command(*arguments: str) -> list[str]:
    """``celery -A portal …`` with the interpreter running the tests (the project's venv)."""
    return [sys.executable, "-m", "celery", "-A", "portal", *arguments]


def _subprocess_environment(**overrides: str) -> dict[str, str]:
    return portal_environment(
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER=None,  # the subprocess must use the broker
        PYTHONUNBUFFERED="1",
        **overrides,
    )


@contextmanager
def _running(command: list[str], environment: dict[str, str], log_path: Path) -> Iterator:
    """Run ``command`` in the background for the ``with`` block; stop it however it ends.

    Output goes to a file, not a pipe, so a chatty process can never block on a full pipe.
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # Celery's warm shutdown
                try:
                    process.wait(timeout=STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=STOP_SECONDS)


def _wait_until(
    condition: Callable[[], bool], *, process: subprocess.Popen, log_path: Path, what: str
) -> None:
    """Poll ``condition`` until it holds; fail early, with the log, if the process dies."""
    deadline = time.monotonic() + STARTUP_AND_ROUND_TRIP_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(
                f"{what}: the process exited with {process.returncode}.\n"
                f"{log_path.read_text(errors='replace')}"
            )
        time.sleep(0.2)
    pytest.fail(
        f"{what}: not within {STARTUP_AND_ROUND_TRIP_SECONDS} s.\n"
        f"{log_path.read_text(errors='replace')}"
    )


def _test_database_url() -> str:
    """DATABASE_URL for the database this test runs in (pytest-django's ``test_…`` copy)."""
    if connection.vendor != "postgresql":
        pytest.skip("beat in a subprocess needs a shared database: set DATABASE_URL to PostgreSQL")
    return reachable_database_url()


def test_worker_answers_ping_through_redis(tmp_path):
    assert not celery_app.conf.task_always_eager, "the task must go through the broker"
    assert celery_app.conf.result_backend == settings.REDIS_URL
    run_id = uuid.uuid4().hex[:12]
    queue = f"test-ping-{run_id}"
    log_path = tmp_path / "worker.log"
    command = _celery_command(
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        f"--queues={queue}",
        f"--hostname=test-{run_id}@%h",
    )

    result = None
    try:
        with _running(command, _subprocess_environment(), log_path) as worker:
            # Sent before the worker is up on purpose: the message waits in Redis.
            result = ping.apply_async(queue=queue)
            _wait_until(result.ready, process=worker, log_path=log_path, what="ping's result")
            assert result.get(timeout=5) == "pong"
            assert result.successful()
    finally:
        if result is not None:
            result.forget()
        # The queue is this run's own: leave nothing of it behind in Redis.
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def test_beat_syncs_the_settings_schedule_into_the_database(transactional_db, tmp_path):
    assert not PeriodicTask.objects.filter(name="clear-expired-sessions").exists()
    log_path = tmp_path / "beat.log"
    command = _celery_command(
        "beat",
        "--loglevel=INFO",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        f"--pidfile={tmp_path / 'beat.pid'}",
        f"--schedule={tmp_path / 'beat-schedule'}",
    )
    environment = _subprocess_environment(DATABASE_URL=_test_database_url())

    with _running(command, environment, log_path) as beat:
        _wait_until(
            PeriodicTask.objects.filter(name="clear-expired-sessions").exists,
            process=beat,
            log_path=log_path,
            what="beat writing the clear-expired-sessions entry",
        )

    entry = PeriodicTask.objects.select_related("interval").get(name="clear-expired-sessions")
    assert entry.task == "portal.tasks.clear_expired_sessions"
    assert entry.enabled
    assert (entry.interval.every, entry.interval.period) == (
        24 * 60 * 60,
        IntervalSchedule.SECONDS,
    )
