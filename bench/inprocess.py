"""Where a page's time goes, measured inside one process (no HTTP server, no load generator).

``python -m bench.inprocess /bench/bare/ / …`` prints one JSON object: for every path, the
status, response size, number of SQL queries (transaction control left out), and the mean
time per request split into time spent executing SQL (round trips included; transaction
control and server-side cursor fetches are not counted) and the rest (Python: views,
middleware, template rendering). ``bench/run.py`` runs it with the same environment as the
gunicorn it measures, so the figures explain the requests per second it reports.

``python -m bench.inprocess --cprofile /agencies/`` prints instead where the Python time of
that page goes (cProfile, sorted by cumulative time). It needs the environment ``run.py``
sets: DJANGO_SETTINGS_MODULE=bench.settings, DATABASE_URL of the seeded portal_bench,
DEBUG=False, SECRET_KEY, ALLOWED_HOSTS=127.0.0.1.
"""

import cProfile
import json
import pstats
import sys
import time

import django

REPEATS = 200
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def measure(path: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(10):  # warm: compiled templates, resolved URLs, an open connection
        client.get(path)

    with CaptureQueriesContext(connection) as one_request:
        response = client.get(path)
    queries = [
        query["sql"]
        for query in one_request.captured_queries
        if not query["sql"].startswith(TRANSACTION_CONTROL)
    ]

    # Timed without the debug cursor, which would add its own cost to every query.
    started = time.perf_counter()
    for _ in range(REPEATS):
        client.get(path)
    total_ms = (time.perf_counter() - started) * 1000 / REPEATS

    # The debug cursor rounds each query's time to the millisecond; time them here instead.
    sql_seconds = 0.0

    def timed(execute, sql, params, many, context):
        nonlocal sql_seconds
        query_started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds += time.perf_counter() - query_started

    with connection.execute_wrapper(timed):
        for _ in range(REPEATS):
            client.get(path)
    sql_ms = sql_seconds * 1000 / REPEATS

    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
        "sql": queries,
        "ms_per_request": round(total_ms, 3),
        "sql_ms_per_request": round(sql_ms, 3),
        "python_ms_per_request": round(max(total_ms - sql_ms, 0.0), 3),
    }


def profile(path: str, *, lines: int = 45) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(10):
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEATS):
        client.get(path)
    profiler.disable()
    print(f"{path}: {REPEATS} requests")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def main(arguments: list[str]) -> None:
    django.setup()
    if arguments and arguments[0] == "--cprofile":
        for path in arguments[1:]:
            profile(path)
        return
    print(json.dumps({path: measure(path) for path in arguments}))


if __name__ == "__main__":
    main(sys.argv[1:])
