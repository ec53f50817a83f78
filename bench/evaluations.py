"""Benchmark: scoring a campaign with 1,000,000 answers.

Issue 5, point 12: with 1,000,000 answers stored, ``compute_scores`` must finish within 2 s
on these 2-core machines and within 3× the time of a plain SQL GROUP BY over the same rows,
in the same run. Run it with::

    .venv/bin/python bench/evaluations.py            # --help for the options

It

1. creates the PostgreSQL database ``portal_bench_e2`` if missing (``--database-url`` or
   ``BENCH_EVALUATIONS_DATABASE_URL``; nothing is ever dropped) and migrates it;
2. loads the 27 institutions, a questionnaire of ``--questions`` scale questions (Likert 5,
   Likert 7 and 0–10, over four dimensions) and a closed campaign ``bench-1m``, and fills it
   with ``--responses`` responses × questions answers in two ``INSERT … SELECT
   generate_series`` statements (values drawn from a hash, so every run stores the same
   data); 5 % stakeholders, 1 % excluded. A second run reuses the data when the count is
   right. Then ``VACUUM ANALYZE``;
3. times, in rounds, (a) the yardstick — one plain ``GROUP BY`` over the same rows: the
   answers joined to their responses, averaged per institution and respondent type — and
   (b) ``compute_scores(campaign=…)``, the whole service (survey statistics with the
   per-respondent step and dimensions, KPI, timeliness and follow-through, ranks, hash, the
   snapshot). Each figure is the median of its rounds; the rounds alternate (a, b, a, b, …)
   so other work on the machine weighs on both alike;
4. prints the figures and PASS/FAIL; exit status 1 on FAIL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_e2"
CAMPAIGN_SLUG = "bench-1m"
LIMIT_SECONDS = 2.0
LIMIT_RATIO = 3.0

# (question type, low, high, dimension), cycled over the questions.
QUESTION_PLAN = [
    ("likert5", 1, 5, "process"),
    ("likert7", 1, 7, "outcome"),
    ("scale10", 0, 10, "overall"),
    ("likert5", 1, 5, "environment"),
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_EVALUATIONS_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL database to create and use (default: {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--responses", type=int, default=100_000, help="responses (100000)")
    parser.add_argument("--questions", type=int, default=10, help="scale questions (10)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (7)")
    return parser.parse_args()


def setup_django(database_url: str) -> None:
    from bench.run import ensure_database

    ensure_database(database_url)
    settings = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    environment = {**os.environ, **settings}
    environment.pop("REDIS_URL", None)  # tasks in-process; nothing here needs a broker
    print("· migrating", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        timeout=600,
    )
    os.environ.update(settings)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def load_data(*, responses: int, questions: int):
    """The campaign with ``responses × questions`` answers; reused when already there."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from agencies import services as agency_services
    from evaluations.models import (
        Answer,
        Campaign,
        CampaignStatus,
        Question,
        Questionnaire,
        QuestionnaireSection,
        Response,
    )

    with transaction.atomic():
        bureaus = agency_services.bureaus_load()
        institutions = agency_services.institutions_load(bureaus=bureaus)
        questionnaire, _ = Questionnaire.objects.get_or_create(
            title=f"벤치마크 설문 {questions}문항", version=1
        )
        section, _ = QuestionnaireSection.objects.get_or_create(
            questionnaire=questionnaire, position=1, defaults={"title": "만족도"}
        )
        for position in range(1, questions + 1):
            plan = QUESTION_PLAN[(position - 1) % len(QUESTION_PLAN)]
            question_type, _low, _high, dimension = plan
            Question.objects.get_or_create(
                section=section,
                position=position,
                defaults={
                    "text": f"질문 {position}",
                    "question_type": question_type,
                    "dimension": dimension,
                },
            )
        now = timezone.now()
        campaign, _ = Campaign.objects.get_or_create(
            slug=CAMPAIGN_SLUG,
            defaults={
                "year": timezone.localdate().year,
                "title": "벤치마크 평가",
                "questionnaire": questionnaire,
                "opens_at": now - datetime.timedelta(days=30),
                "closes_at": now - datetime.timedelta(days=1),
                "status": CampaignStatus.CLOSED,
            },
        )
        campaign.institutions.set(institutions)
    expected = responses * questions
    stored = Answer.objects.filter(response__campaign=campaign).count()
    if stored == expected:
        print(f"· reusing {stored:,} answers", flush=True)
        return campaign
    print(f"· loading {responses:,} responses and {expected:,} answers", flush=True)
    started = time.perf_counter()
    institution_ids = sorted(institution.pk for institution in institutions)
    response_table = Response._meta.db_table
    answer_table = Answer._meta.db_table
    question_table = Question._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {answer_table} WHERE response_id IN "  # noqa: S608
            f"(SELECT id FROM {response_table} WHERE campaign_id = %s)",
            [campaign.pk],
        )
        cursor.execute(f"DELETE FROM {response_table} WHERE campaign_id = %s", [campaign.pk])  # noqa: S608
        # Institutions get uneven shares (i² mod 27 skews them); every 20th is a stakeholder
        # (by token), every 100th is excluded.
        cursor.execute(
            f"""
            INSERT INTO {response_table}
                (campaign_id, institution_id, respondent_type, channel, submitted_at, age_band,
                 district, client_ip_hash, device_hash, answers_fingerprint, flag_reasons,
                 excluded)
            SELECT %s, (%s::bigint[])[1 + (i::bigint * i + i / 7) %% %s],
                   CASE WHEN i %% 20 = 0 THEN 'stakeholder' ELSE 'citizen' END,
                   CASE WHEN i %% 20 = 0 THEN 'token' ELSE 'campaign_link' END,
                   now() - make_interval(secs => i), '', '', '', '', '', '',
                   i %% 100 = 0
              FROM generate_series(1, %s) AS i
            """,  # noqa: S608
            [campaign.pk, institution_ids, len(institution_ids), responses],
        )
        cursor.execute(
            f"""
            WITH q AS (
                SELECT id,
                       CASE question_type WHEN 'likert5' THEN 1 WHEN 'likert7' THEN 1 ELSE 0 END
                           AS low,
                       CASE question_type WHEN 'likert5' THEN 5 WHEN 'likert7' THEN 7 ELSE 10 END
                           AS high
                  FROM {question_table} WHERE section_id = %s
            ), v AS (
                SELECT r.id AS response_id, q.id AS question_id, q.low, q.high,
                       q.low + abs(hashtext(r.id::text || ':' || q.id::text)::bigint)
                           %% (q.high - q.low + 1) AS value
                  FROM {response_table} r CROSS JOIN q
                 WHERE r.campaign_id = %s
            )
            INSERT INTO {answer_table} (response_id, question_id, choice_id, value, points, text)
            SELECT response_id, question_id, NULL, value,
                   round((value - low) * 100.0 / (high - low), 2), ''
              FROM v ORDER BY response_id, question_id
            """,  # noqa: S608
            [section.pk, campaign.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {response_table}")
        cursor.execute(f"VACUUM ANALYZE {answer_table}")
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    return campaign


def plain_group_by(campaign) -> float:
    from django.db import connection

    from evaluations.models import Answer, Response

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.institution_id, r.respondent_type, COUNT(*), AVG(a.points)
              FROM {Answer._meta.db_table} a
              JOIN {Response._meta.db_table} r ON r.id = a.response_id
             WHERE r.campaign_id = %s AND NOT r.excluded AND a.points IS NOT NULL
             GROUP BY r.institution_id, r.respondent_type
            """,  # noqa: S608
            [campaign.pk],
        )
        cursor.fetchall()
    return time.perf_counter() - started


def scoring(campaign) -> float:
    from evaluations.scoring import compute_scores

    started = time.perf_counter()
    compute_scores(campaign=campaign)
    return time.perf_counter() - started


def main() -> int:
    arguments = parse_arguments()
    setup_django(arguments.database_url)
    from django.db import connection

    from evaluations.models import Answer, ScoreSnapshot

    campaign = load_data(responses=arguments.responses, questions=arguments.questions)
    answers = Answer.objects.filter(response__campaign=campaign).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(f"· {answers:,} answers; {server}; {os.cpu_count()} CPUs", flush=True)
    # Warm-up: one of each (fills caches, the first snapshot is written here).
    plain_group_by(campaign)
    scoring(campaign)
    plain, full = [], []
    for _ in range(arguments.rounds):
        plain.append(plain_group_by(campaign))
        full.append(scoring(campaign))
    plain_median = statistics.median(plain)
    full_median = statistics.median(full)
    ratio = full_median / plain_median
    snapshots = ScoreSnapshot.objects.filter(campaign=campaign).count()
    print()
    print(f"plain GROUP BY   median {plain_median * 1000:7.0f} ms  (rounds: "
          + ", ".join(f"{value * 1000:.0f}" for value in plain) + ")")
    print(f"compute_scores   median {full_median * 1000:7.0f} ms  (rounds: "
          + ", ".join(f"{value * 1000:.0f}" for value in full) + ")")
    print(f"ratio            {ratio:.2f}× (limit {LIMIT_RATIO:.0f}×); "
          f"limit {LIMIT_SECONDS:.0f} s; snapshots stored: {snapshots} (unchanged data: 1)")
    passed = full_median < LIMIT_SECONDS and ratio < LIMIT_RATIO
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
