"""Benchmark: peak memory of the streamed response exports (CSV and XLSX) at 1,000,000 answers.

Run with ``.venv/bin/python bench/export_memory.py`` (``--answers N`` for another size). It

1. creates the PostgreSQL database ``portal_bench_e1`` if missing (``--database-url`` or
   ``BENCH_DATABASE_URL`` for another), migrates it and, when it has no institutions, loads
   the demo data (``seed_demo --force``);
2. fills one campaign, ``bench-export``, with the standard questionnaire (three scale
   questions, single and multiple choice, two text questions: eight answers per response)
   and enough responses for the answers asked for, in a few ``INSERT … SELECT
   generate_series`` statements (seconds, not minutes); a second run reuses them;
3. measures each export in a fresh child process: it sets Django up, imports what the export
   needs, notes its resident memory (the baseline) and resets its peak (VmHWM), then runs the
   export view as a city staff member would and reads the whole body; the child's peak RSS
   during the export is the figure (the whole process's, Django included), with the bytes
   written and the time taken;
4. prints the figures and PASS when each peak stays below ``--limit-mb`` (150 MB), and writes
   ``bench/results/export_memory.json``.

Only the local PostgreSQL is contacted; nothing is dropped but the benchmark's own campaign.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_e1"
CAMPAIGN_SLUG = "bench-export"
ANSWERS_PER_RESPONSE = 8
DEFAULT_LIMIT_MB = 150
FORMATS = ("csv", "xlsx")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--limit-mb", type=float, default=DEFAULT_LIMIT_MB)
    parser.add_argument("--measure", choices=FORMATS, help=argparse.SUPPRESS)  # the child
    return parser.parse_args()


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "true")  # no query log is kept: see CONN settings below
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.conf import settings

    # DEBUG keeps every query in memory: the measurement must not count that.
    settings.DEBUG = False


def ensure_database(database_url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

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


# --- Filling -------------------------------------------------------------------------------------


def fill(answers_wanted: int) -> dict:
    """The benchmark campaign with at least ``answers_wanted`` answers (reused if there)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from agencies.models import Institution
    from evaluations.models import Answer, Campaign, Question, QuestionType, Response

    call_command("migrate", verbosity=0)
    if not Institution.objects.exists():
        print("· loading the demo data (seed_demo --force)", flush=True)
        call_command("seed_demo", "--force", verbosity=0)
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is not None:
        have = Answer.objects.filter(response__campaign=campaign).count()
        if have >= answers_wanted:
            print(f"· reusing {have:,} answers of campaign {CAMPAIGN_SLUG}", flush=True)
            return {"answers": have, "responses": campaign.responses.count(), "fill_s": 0.0}
        print(f"· {have:,} answers are too few: filling again", flush=True)
    started = time.perf_counter()
    responses_wanted = -(-answers_wanted // ANSWERS_PER_RESPONSE)
    with transaction.atomic():
        if campaign is not None:
            Answer.objects.filter(response__campaign=campaign)._raw_delete(Answer.objects.db)
            Response.objects.filter(campaign=campaign)._raw_delete(Response.objects.db)
            questionnaire = campaign.questionnaire
            campaign.delete()
        else:
            questionnaire = None
        from tests.evaluation_factories import CampaignFactory, standard_questionnaire

        campaign = CampaignFactory(
            slug=CAMPAIGN_SLUG,
            title="내보내기 벤치마크",
            questionnaire=questionnaire or standard_questionnaire("내보내기 벤치마크 설문"),
            institutions=list(Institution.objects.order_by("pk")),
        )
        questions = {
            question.question_type: question
            for question in Question.objects.filter(
                section__questionnaire=campaign.questionnaire
            )
        }
        institution_ids = list(Institution.objects.order_by("pk").values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO evaluations_response (
                    campaign_id, institution_id, respondent_type, channel, submitted_at,
                    age_band, district, client_ip_hash, device_hash, answers_fingerprint,
                    flag_reasons, excluded)
                SELECT %(campaign)s, (%(institutions)s::bigint[])[1 + g %% %(k)s],
                       'citizen', 'campaign_link', now() - (g || ' seconds')::interval,
                       (ARRAY['', '20s', '30s', '40s', '50s'])[1 + g %% 5],
                       (ARRAY['', 'dong', 'seo', 'nam', 'buk', 'gwangsan'])[1 + g %% 6],
                       md5(g::text) || md5(g::text), '', '',
                       CASE WHEN g %% 97 = 0 THEN 'burst' ELSE '' END, false
                FROM generate_series(1, %(n)s) AS g
                """,
                {
                    "campaign": campaign.pk,
                    "institutions": institution_ids,
                    "k": len(institution_ids),
                    "n": responses_wanted,
                },
            )
            scales = [
                (questions[QuestionType.LIKERT_5], 1, 5),
                (questions[QuestionType.LIKERT_7], 1, 7),
                (questions[QuestionType.SCALE_0_10], 0, 10),
            ]
            for question, low, high in scales:
                cursor.execute(
                    """
                    INSERT INTO evaluations_answer (response_id, question_id, value, points, text)
                    SELECT r.id, %(question)s, v.value,
                           round((v.value - %(low)s) * 100.0 / (%(high)s - %(low)s), 2), ''
                    FROM evaluations_response r,
                         LATERAL (SELECT %(low)s + (r.id %% (%(high)s - %(low)s + 1))::int
                                  AS value) v
                    WHERE r.campaign_id = %(campaign)s
                    """,
                    {"question": question.pk, "low": low, "high": high, "campaign": campaign.pk},
                )
            single = questions[QuestionType.SINGLE_CHOICE]
            multiple = questions[QuestionType.MULTIPLE_CHOICE]
            single_choices = list(single.choices.order_by("position").values_list("pk", flat=True))
            multiple_choices = list(
                multiple.choices.order_by("position").values_list("pk", flat=True)
            )
            cursor.execute(
                """
                INSERT INTO evaluations_answer (response_id, question_id, choice_id, text)
                SELECT r.id, %(single)s, (%(single_choices)s::bigint[])[1 + r.id %% 3], ''
                FROM evaluations_response r WHERE r.campaign_id = %(campaign)s
                UNION ALL
                SELECT r.id, %(multiple)s, (%(multiple_choices)s::bigint[])[c], ''
                FROM evaluations_response r, generate_series(1, 2) AS c
                WHERE r.campaign_id = %(campaign)s
                """,
                {
                    "single": single.pk,
                    "single_choices": single_choices,
                    "multiple": multiple.pk,
                    "multiple_choices": multiple_choices,
                    "campaign": campaign.pk,
                },
            )
            for question_type, text in (
                (QuestionType.SHORT_TEXT, "'친절했습니다 ' || r.id"),
                (
                    QuestionType.LONG_TEXT,
                    "'대기 시간이 짧아지면 좋겠습니다. 안내 창구가 더 있으면 합니다. ' || r.id",
                ),
            ):
                cursor.execute(
                    f"""
                    INSERT INTO evaluations_answer (response_id, question_id, text)
                    SELECT r.id, %(question)s, {text}
                    FROM evaluations_response r WHERE r.campaign_id = %(campaign)s
                    """,  # noqa: S608 -- the two expressions above, no input
                    {"question": questions[question_type].pk, "campaign": campaign.pk},
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE evaluations_response")
            cursor.execute("ANALYZE evaluations_answer")
    answers = Answer.objects.filter(response__campaign=campaign).count()
    elapsed = time.perf_counter() - started
    print(f"· filled {answers:,} answers of {responses_wanted:,} responses in {elapsed:.1f} s")
    return {"answers": answers, "responses": responses_wanted, "fill_s": round(elapsed, 1)}


# --- Measuring (in a child process) ---------------------------------------------------------------


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> bool:
    """Reset the peak RSS (VmHWM) to the current RSS, so that the peak measured is the
    export's and not Django's start-up (Linux 4.0+: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def measure(file_format: str) -> dict:
    """Run one export as a city staff member and read all of it; return the memory figures."""
    import openpyxl  # noqa: F401 -- imported before the baseline, as a running server has it
    from django.test import RequestFactory

    from agencies.models import User
    from evaluations import exports, views  # noqa: F401

    user = User.objects.filter(is_superuser=True).first()
    if user is None:
        user = User.objects.create_superuser("bench-export-admin", password=None)
    request = RequestFactory().get(f"/evaluations/manage/{CAMPAIGN_SLUG}/responses.{file_format}")
    request.user = user
    view = views.responses_csv if file_format == "csv" else views.responses_xlsx
    baseline_kb = _status_kb("VmRSS")
    peak_reset = _reset_peak()
    started = time.perf_counter()
    response = view(request, slug=CAMPAIGN_SLUG)
    size = 0
    for piece in response.streaming_content:
        size += len(piece)
    response.close()
    elapsed = time.perf_counter() - started
    # The process's peak since the reset; without a reset, its peak since it started (which
    # may be start-up's, so the figure is an upper bound of the export's).
    peak_kb = (
        _status_kb("VmHWM") if peak_reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    )
    return {
        "format": file_format,
        "baseline_rss_mb": round(baseline_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "growth_mb": round((peak_kb - baseline_kb) / 1024, 1),
        "peak_since": "export start" if peak_reset else "process start",
        "bytes": size,
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    arguments = parse_arguments()
    if arguments.measure:
        setup_django(arguments.database_url)
        print(json.dumps(measure(arguments.measure)))
        return
    ensure_database(arguments.database_url)
    setup_django(arguments.database_url)
    filled = fill(arguments.answers)
    results = []
    for file_format in FORMATS:
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                file_format,
                "--database-url",
                arguments.database_url,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if completed.returncode != 0:
            sys.exit(f"measuring {file_format} failed:\n{completed.stdout}\n{completed.stderr}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        result["pass"] = result["peak_rss_mb"] < arguments.limit_mb
        results.append(result)
        print(
            f"{file_format:>4}: peak RSS {result['peak_rss_mb']:6.1f} MB "
            f"(baseline {result['baseline_rss_mb']:.1f} MB, +{result['growth_mb']:.1f} MB), "
            f"{result['bytes'] / 1e6:6.1f} MB written in {result['seconds']:5.1f} s  "
            f"{'PASS' if result['pass'] else 'FAIL'} (< {arguments.limit_mb:g} MB)",
            flush=True,
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    report = {
        "benchmark": "export_memory",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "data": filled,
        "limit_mb": arguments.limit_mb,
        "results": results,
    }
    (RESULTS_DIR / "export_memory.json").write_text(json.dumps(report, indent=2) + "\n")
    if not all(result["pass"] for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
