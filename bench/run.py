"""Benchmark: do the portal's pages keep up with a bare Django view on the same stack?

Run with ``make bench`` (or ``.venv/bin/python bench/run.py``). It

1. creates the PostgreSQL database ``portal_bench`` if missing, migrates it, loads the demo
   data (``seed_demo --force``) and collects static files into a temporary directory;
2. starts gunicorn (2 sync workers) on a free port of 127.0.0.1 with production settings
   (DEBUG off, a random secret) and ``bench.settings``, which adds one URL, ``/bench/bare/``:
   one query for the institutions' names rendered through a tiny template;
3. loads each URL as an anonymous visitor with ``wrk`` (or, if wrk is missing, a small
   Python load generator), after a warm-up, all in this one run. The measured time is cut
   into rounds that visit the URLs in turn (bare, home, directory, institution, bare, …), and
   each URL's figure is the median of its rounds, so a burst of other work on the machine
   weighs on every URL alike instead of on whichever URL it happened to hit;
4. prints requests per second, p50/p99 latency and the ratio to the bare view, with PASS when
   a page serves at least half the bare view's rate; writes ``bench/results/latest.json``;
5. measures each page in-process (query count, SQL time, Python time) to explain the figures.

gunicorn is stopped whatever happens. Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
HOST = "127.0.0.1"
GUNICORN_WORKERS = 2
PASS_RATIO = 0.5
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
SETUP_TIMEOUT_SECONDS = 300

BARE = ("bare view", "/bench/bare/")
PAGES = [
    ("home", "/"),
    ("directory", "/agencies/"),
    ("institution", "/agencies/gjssa/"),
]
# The public ranking of the demo's newest published evaluation, measured after the directory
# (issue 5: no slower than the directory page); its address is read from the seeded data.
RESULTS_SLUG_SCRIPT = (
    "from evaluations.models import Campaign, CampaignStatus; "
    "campaign = Campaign.objects.filter(status=CampaignStatus.PUBLISHED)"
    ".order_by('-year', '-published_at').first(); "
    "print(campaign.slug if campaign else '')"
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL database to create and use (default: {DEFAULT_DATABASE_URL}; "
        "or set BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="measured seconds per URL, all rounds (10)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the URLs (5)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per URL (2)")
    parser.add_argument("--connections", type=int, default=4, help="open connections (4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="use the built-in Python load generator even if wrk is installed",
    )
    return parser.parse_args()


# --- setup ------------------------------------------------------------------------------------


def run_step(description: str, command: list[str], environment: dict[str, str]) -> str:
    print(f"· {description}", flush=True)
    completed = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"{description} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def ensure_database(database_url: str) -> None:
    """Create the benchmark database if it does not exist (never drops anything)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"· creating database {name}", flush=True)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def production_environment(database_url: str, static_root: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the caller's portal configuration leaks into the measured server.
        if key not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "CONN_MAX_AGE", "LOG_LEVEL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        # Plain http on 127.0.0.1: no TLS proxy in front, so no https redirect or secure cookies.
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        STATIC_ROOT=str(static_root),
        PYTHONUNBUFFERED="1",
    )
    return environment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(environment: dict[str, str], port: int, log_path: Path):
    """gunicorn with the portal's WSGI app, stopped (then killed if need be) on the way out."""
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--workers", str(GUNICORN_WORKERS),
        "--worker-class", "sync",
        "--bind", f"{HOST}:{port}",
        "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: workers go down with it
        )
        try:
            wait_until_serving(server, port, log_path)
            yield server
        finally:
            stop(server)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=STOP_TIMEOUT_SECONDS)
    print("· gunicorn stopped", flush=True)


def wait_until_serving(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer /healthz/ within {START_TIMEOUT_SECONDS} s")


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- load generators --------------------------------------------------------------------------

_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _WRK_UNITS_MS[unit]


def load_with_wrk(url: str, *, seconds: int, connections: int, threads: int) -> dict:
    command = [
        "wrk", f"--threads={threads}", f"--connections={connections}",
        f"--duration={seconds}s", "--latency", "--timeout=10s", url,
    ]  # fmt: skip
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, flags=re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "latency_p50_ms": _wrk_ms(percentiles["50"]),
        "latency_p99_ms": _wrk_ms(percentiles["99"]),
        "errors": int(errors.group(1)) if errors else 0,
    }


def load_with_python(url: str, *, seconds: int, connections: int, threads: int) -> dict:
    """A fallback for machines without wrk: one thread per connection, bounded in time.

    Python's own overhead caps what it can send, so its figures are lower than wrk's; the
    ratios between URLs measured the same way still compare like with like.
    """
    parts = urlsplit(url)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    connection.request("GET", parts.path)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()  # reopened by the next request
                    errors[index] += 1
                    continue
                latencies[index].append((time.perf_counter() - started) * 1000)
                if response.status >= 400:
                    errors[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(index,)) for index in range(connections)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    every = sorted(latency for per_connection in latencies for latency in per_connection)
    if not every:
        sys.exit(f"no request to {url} succeeded")
    cut_points = statistics.quantiles(every, n=100, method="inclusive")
    return {
        "requests_per_second": len(every) / elapsed,
        "requests": len(every),
        "latency_p50_ms": cut_points[49],
        "latency_p99_ms": cut_points[98],
        "errors": sum(errors),
    }


def combine(name: str, rounds: list[dict]) -> dict:
    """One URL's figures: the median round, with every round's rate kept for the record."""
    rates = [one["requests_per_second"] for one in rounds]
    return {
        "name": name,
        "requests_per_second": statistics.median(rates),
        "requests_per_second_by_round": [round(rate, 1) for rate in rates],
        "requests": sum(one["requests"] for one in rounds),
        "latency_p50_ms": statistics.median(one["latency_p50_ms"] for one in rounds),
        "latency_p99_ms": statistics.median(one["latency_p99_ms"] for one in rounds),
        "errors": sum(one["errors"] for one in rounds),
    }


# --- report -----------------------------------------------------------------------------------


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'URL':<20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'queries':>7} "
        f"{'ms/req':>7} {'SQL ms':>7} {'KiB':>6}  result"
    )
    print()
    print(header)
    print("-" * len(header))
    # req/s, p50, p99: gunicorn under load (median of the rounds). ratio: to the bare view.
    # queries, ms/req, SQL ms: one request measured in-process (bench/inprocess.py).
    for row in rows:
        print(
            f"{row['path']:<20} {row['requests_per_second']:>9.1f} "
            f"{row['latency_p50_ms']:>8.2f} {row['latency_p99_ms']:>8.2f} "
            f"{row['ratio']:>6.2f} {row['queries']:>7} {row['ms_per_request']:>7.2f} "
            f"{row['sql_ms_per_request']:>7.2f} {row['bytes'] / 1024:>6.1f}  {row['result']}"
        )
    print()


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def pages_to_measure(environment: dict[str, str]) -> list[tuple[str, str]]:
    """PAGES with the public results page after the directory, if the demo published one."""
    output = run_step(
        "find the demo's published evaluation",
        [sys.executable, "manage.py", "shell", "-c", RESULTS_SLUG_SCRIPT],
        environment,
    ).strip()
    slug = output.splitlines()[-1].strip() if output else ""
    if not slug:
        print("! the demo data has no published evaluation: results page not measured")
        return list(PAGES)
    directory_at = [name for name, _ in PAGES].index("directory")
    results = ("results", f"/evaluations/{slug}/results/")
    return [*PAGES[: directory_at + 1], results, *PAGES[directory_at + 1 :]]


def results_against_directory(rows: list[dict]) -> float | None:
    """Requests per second of the results page over the directory's (>= 1: no slower)."""
    rates = {row["path"]: row["requests_per_second"] for row in rows}
    results = [path for path in rates if path.startswith("/evaluations/")]
    if not results or "/agencies/" not in rates:
        return None
    return round(rates[results[0]] / rates["/agencies/"], 3)


def main() -> int:
    arguments = parse_arguments()
    wrk = None if arguments.python_load else shutil.which("wrk")
    if wrk:
        load, generator = load_with_wrk, "wrk"
    else:
        load, generator = load_with_python, "python threads"
        if not arguments.python_load:
            print(
                "! wrk is not installed (Debian: sudo apt-get install -y wrk); using the "
                "slower built-in Python load generator.",
                flush=True,
            )

    ensure_database(arguments.database_url)
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        scratch_dir = Path(scratch)
        environment = production_environment(arguments.database_url, scratch_dir / "static")
        manage = [sys.executable, "manage.py"]
        run_step("migrate", [*manage, "migrate", "--noinput"], environment)
        run_step("seed_demo", [*manage, "seed_demo", "--force"], environment)
        run_step("collectstatic", [*manage, "collectstatic", "--noinput"], environment)
        pages = pages_to_measure(environment)
        profile_output = run_step(
            "in-process profile (queries, SQL and Python time per request)",
            [sys.executable, "-m", "bench.inprocess", BARE[1], *(p for _, p in pages)],
            environment,
        )
        profile = json.loads(profile_output.strip().splitlines()[-1])

        port = free_port()
        log_path = scratch_dir / "gunicorn.log"
        print(f"· gunicorn, {GUNICORN_WORKERS} sync workers, on {HOST}:{port}", flush=True)
        with gunicorn(environment, port, log_path):
            for _, path in [BARE, *pages]:
                status, body = fetch(port, path)
                if status != 200:
                    sys.exit(f"{path} answered {status}, not 200:\n{body[:2000]!r}")
            options = {"connections": arguments.connections, "threads": arguments.threads}
            for name, path in [BARE, *pages]:
                print(f"· warm-up {name} {path}: {arguments.warmup} s", flush=True)
                load(f"http://{HOST}:{port}{path}", seconds=arguments.warmup, **options)
            round_seconds = max(1, round(arguments.duration / arguments.rounds))
            rounds: dict[str, list[dict]] = {path: [] for _, path in [BARE, *pages]}
            for number in range(1, arguments.rounds + 1):
                print(f"· round {number}/{arguments.rounds}: {round_seconds} s per URL", flush=True)
                for _, path in [BARE, *pages]:
                    url = f"http://{HOST}:{port}{path}"
                    rounds[path].append(load(url, seconds=round_seconds, **options))
            measured = {path: combine(name, rounds[path]) for name, path in [BARE, *pages]}
            server_log = log_path.read_text(errors="replace")

    bare_rate = measured[BARE[1]]["requests_per_second"]
    rows = []
    for path, figures in measured.items():
        ratio = figures["requests_per_second"] / bare_rate
        is_bare = path == BARE[1]
        passed = ratio >= PASS_RATIO and figures["errors"] == 0
        page_profile = profile[path]
        rows.append(
            {
                "path": path,
                **figures,
                "ratio": round(ratio, 3),
                "result": ("baseline" if is_bare else "PASS" if passed else "FAIL")
                + (f" ({figures['errors']} errors)" if figures["errors"] else ""),
                "passed": passed,
                **{key: value for key, value in page_profile.items() if key != "status"},
            }
        )

    print_table(rows)
    results_ratio = results_against_directory(rows)
    if results_ratio is not None:
        print(f"results page / directory page: {results_ratio:.2f} (>= 1.00: no slower)")
    if "Traceback" in server_log or "ERROR" in server_log:
        print("gunicorn logged errors:\n" + server_log)

    RESULTS_DIR.mkdir(exist_ok=True)
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "server": f"gunicorn, {GUNICORN_WORKERS} sync workers, DEBUG=False, PostgreSQL",
        "load_generator": generator,
        "connections": arguments.connections,
        "threads": arguments.threads,
        "warmup_seconds": arguments.warmup,
        "duration_seconds": arguments.duration,
        "rounds": arguments.rounds,
        "pass_ratio": PASS_RATIO,
        "results_over_directory": results_ratio,
        "results": rows,
    }
    latest = RESULTS_DIR / "latest.json"
    latest.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {latest.relative_to(PROJECT_DIR)}")
    measured_pages = [row for row in rows if row["path"] != BARE[1]]
    return 0 if all(row["passed"] for row in measured_pages) else 1


if __name__ == "__main__":
    sys.exit(main())
