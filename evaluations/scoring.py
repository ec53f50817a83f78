"""Scoring a campaign: from answers to a snapshot of every institution's result.

``compute_scores(campaign=...)`` is the one home of the method; README.md ("Scoring") says
the same in prose. In short:

1. **Answers → points.** A scale answer was mapped linearly onto 0–100 when it was stored
   (``answer_points``: Likert 1–5, Likert 1–7, 0–10). Choice and text answers carry no points
   and do not count.
2. **Respondent → score.** Each response's score is the mean of its points (every scored
   question weighs the same). A respondent who answered more questions does not weigh more.
3. **Institution → index.** Per institution and respondent type (citizens, stakeholders):
   ``n`` responses, the mean of their scores (the *index*, 0–100), the sample standard
   deviation ``s`` and a 95 % confidence interval ``mean ± t(0.975, n−1) · s / √n`` (Student's
   t, since ``s`` is estimated; clamped to 0–100; none for ``n < 2``). Excluded responses
   (``Response.excluded``) are left out. The breakdown adds, per question and per question
   dimension, the mean points of the answers given (from the raw values, see ``_means_by``).
   PostgreSQL aggregates all of this in two queries (``_survey_statistics``); Python sees
   one row per institution, respondent type and question.
4. **Other components, each 0–100** (for the campaign's year, judged as of the day the
   campaign closed, Asia/Seoul, so a later recompute of the same data gives the same result):
   - *KPI achievement*: the weighted achievement of the KPIs of every joint project the
     institution leads that year, as ``agencies/achievement.py`` defines it (0 to 1.2); the
     component is ``min(rate, 1) × 100`` — overshooting shows in the breakdown but does not
     buy composite points beyond the target;
   - *report timeliness*: of the reporting periods of those projects due by then, the share
     whose report was first submitted (``ReportTransition`` to submitted) on or before its
     due date;
   - *action-item follow-through*: of the action items the institution owns that fell due
     that year by then (dropped ones left out), the share marked done on or before the due
     date.
5. **Composite** = ``Σ wᵢ · cᵢ / Σ wᵢ`` over the components the institution *has* (weights
   from the campaign). A missing component (no stakeholder answers, no project with KPIs,
   no report or action item due) is left out and the remaining weights are scaled up to 100,
   so an institution is neither punished nor rewarded for what does not apply to it; the
   breakdown lists the components missing and the weights used.
6. **Ranking.** Institutions with fewer than ``minimum_sample`` citizen responses are marked
   *insufficient sample*: their composite is kept for their own information but they are not
   ranked, graded or rewarded. The others are ranked by composite (ties share a rank:
   1, 2, 2, 4) and graded by the campaign's bands (``grade_thresholds``, four minimum
   composites from the top; ``GRADE_LABELS`` S–D or 가–마).
7. **Excellence.** The ranked institutions with ``rank ≤ excellent_count`` are excellent
   (우수기관); a tie at the boundary includes everyone tied. Their incentive tier is their
   rank (1 is the highest tier); other institutions get none.

**Determinism.** The aggregation stays in exact ``numeric`` arithmetic (no floating point
summation whose order could change a last digit), values are rounded half-up to two places,
and the snapshot's ``content_hash`` is the SHA-256 of a canonical JSON of the parameters and
every institution's stored values and breakdown. Recomputing unchanged data yields the same
hash; ``compute_scores`` then keeps the current snapshot and writes nothing. Changed data
writes a new snapshot and the previous one stays as history (``is_current`` false).

The breakdown (``InstitutionScore.breakdown``) holds decimals as strings with two places
(``"78.25"``) and ``null`` for missing values::

    {"method": ..., "formula": ..., "weights": {component: weight}, "weights_used": {...},
     "missing": [component, ...], "components": {"citizen": {"value", "n", "sd", "ci_low",
     "ci_high", "weight"}, "stakeholder": {...}, "kpi": {"value", "rate", "weight",
     "projects": [{"id", "title", "rate"}]}, "timeliness": {"value", "due", "on_time",
     "weight"}, "follow_through": {"value", "due", "done_on_time", "weight"}},
     "dimensions": {"citizen": {dimension: {"answers", "mean"}}, "stakeholder": {...}},
     "questions": {"citizen": {question id: {"answers", "mean"}}, "stakeholder": {...}},
     "composite", "insufficient_sample", "minimum_sample", "rank", "grade", "excellent",
     "incentive_tier"}
"""

from __future__ import annotations

import hashlib
import itertools
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import (
    GRADE_LABELS,
    SCALE_BOUNDS,
    SCORED_QUESTION_TYPES,
    Answer,
    Campaign,
    CampaignStatus,
    InstitutionScore,
    Question,
    RespondentType,
    Response,
    ScoreSnapshot,
)

# Bumped whenever the method changes, so snapshots of different methods never share a hash.
SCORING_METHOD = "donghaeng-scoring-1"
CONFIDENCE_LEVEL = "0.95"
COMPONENTS = ("citizen", "stakeholder", "kpi", "timeliness", "follow_through")
WEIGHT_OF_COMPONENT = {
    "citizen": "weight_citizen",
    "stakeholder": "weight_stakeholder",
    "kpi": "weight_kpi",
    "timeliness": "weight_timeliness",
    "follow_through": "weight_follow_through",
}
RESPONDENT_COMPONENTS = (
    (RespondentType.CITIZEN.value, "citizen"),
    (RespondentType.STAKEHOLDER.value, "stakeholder"),
)
# Scores may be computed once answering has ended and until the results are published.
COMPUTABLE_STATUSES = (CampaignStatus.CLOSED, CampaignStatus.UNDER_APPEAL)

_CENTS = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

# Two-sided 95 % quantiles of Student's t for 1–30 degrees of freedom (standard tables);
# beyond 30 the Cornish–Fisher expansion below agrees with the tables to 1e-5.
_T_975 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
    2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
    2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)  # fmt: skip


class ScoringError(Exception):
    """Scores cannot be computed now. ``message`` is for the user; ``code`` for code."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Small arithmetic ---------------------------------------------------------------------------


def cents(value: Decimal) -> Decimal:
    """Two decimal places, half up: the precision of every stored score."""
    return Decimal(value).quantize(_CENTS, rounding=ROUND_HALF_UP)


def clamp_percent(value: Decimal) -> Decimal:
    return min(max(value, _ZERO), _HUNDRED)


def t_quantile_975(degrees_of_freedom: int) -> Decimal:
    """The 0.975 quantile of Student's t (the half-width factor of a 95 % interval)."""
    if degrees_of_freedom < 1:
        raise ValueError("at least one degree of freedom")
    if degrees_of_freedom <= len(_T_975):
        value = _T_975[degrees_of_freedom - 1]
    else:
        z = statistics.NormalDist().inv_cdf(0.975)
        v = degrees_of_freedom
        value = (
            z
            + (z**3 + z) / (4 * v)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
        )
    return Decimal(f"{value:.6f}")


def confidence_interval(
    *, n: int, mean: Decimal, sd: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """``mean ± t · sd / √n``, clamped to 0–100, two places; (None, None) for n < 2."""
    if n < 2 or sd is None:
        return None, None
    half_width = t_quantile_975(n - 1) * Decimal(sd) / Decimal(n).sqrt()
    return (
        cents(clamp_percent(Decimal(mean) - half_width)),
        cents(clamp_percent(Decimal(mean) + half_width)),
    )


def parse_grade_thresholds(text: str) -> list[Decimal]:
    """"90,80,70,60" -> the four minimum composites of the first four grades, highest first."""
    try:
        values = [Decimal(part.strip()) for part in text.split(",")]
    except ArithmeticError:
        values = []
    if (
        len(values) != 4
        or any(not value.is_finite() or not _ZERO <= value <= _HUNDRED for value in values)
        or any(higher <= lower for higher, lower in itertools.pairwise(values))
    ):
        raise ScoringError(
            _("등급 경계는 0–100 사이의 네 수를 높은 순서로 쉼표로 적어야 합니다: 예) 90,80,70,60"),
            code="grade_thresholds",
        )
    return values


def grade_for(composite: Decimal, *, thresholds: list[Decimal], labels: tuple[str, ...]) -> str:
    """The label of the first band whose minimum the composite reaches; else the last."""
    for minimum, label in zip(thresholds, labels, strict=False):
        if composite >= minimum:
            return label
    return labels[len(thresholds)]


def composite_of(
    values: dict[str, Decimal | None], weights: dict[str, Decimal]
) -> tuple[Decimal | None, dict[str, Decimal]]:
    """``Σ wᵢ·cᵢ / Σ wᵢ`` over the components present, and the weights scaled to 100."""
    present = {name: weights[name] for name, value in values.items() if value is not None}
    total_weight = sum(present.values(), _ZERO)
    if total_weight == 0:
        return None, {}
    total = sum((weights[name] * values[name] for name in present), _ZERO)
    used = {name: cents(weight * _HUNDRED / total_weight) for name, weight in present.items()}
    return cents(total / total_weight), used


def competition_ranks(composites: dict[int, Decimal]) -> dict[int, int]:
    """Rank by composite, highest first; ties share the rank and the next one skips (1,2,2,4)."""
    ordered = sorted(composites.values(), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in composites.items()}


def _four_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(cents(value))


# --- Reading the data ---------------------------------------------------------------------------


@dataclass
class GroupStatistics:
    n: int = 0
    mean: Decimal | None = None
    sd: Decimal | None = None
    # question id -> (answers, sum of raw values), for the per-question and dimension means
    questions: dict[int, tuple[int, int]] = field(default_factory=dict)


# Session settings for the two scoring queries (PostgreSQL only, for this transaction):
# - JIT compilation costs seconds on a query this size and saves nothing here;
# - a respondent's score needs one group per response. A sorted plan (the answers' response
#   index scanned in parallel into partial group aggregates, merged in order) beats a hash
#   table of 100,000 numeric states by a factor of two, so for that query hash aggregation
#   is off and parallel workers are made cheap enough for the planner to use them. The
#   aggregate sits in a MATERIALIZED CTE, computed once: otherwise the planner may put it on
#   the build side of a parallel hash join, where every process computes all of it.
#   (bench/evaluations.py measures the difference.)
_SESSION_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")
_RESPONDENT_PLAN = (
    "SET LOCAL enable_hashagg = off",
    "SET LOCAL parallel_setup_cost = 0",
    "SET LOCAL parallel_tuple_cost = 0.001",
)
_DEFAULT_PLAN = (
    "SET LOCAL enable_hashagg TO DEFAULT",
    "SET LOCAL parallel_setup_cost TO DEFAULT",
    "SET LOCAL parallel_tuple_cost TO DEFAULT",
)


def _survey_statistics(campaign: Campaign) -> dict[tuple[int, str], GroupStatistics]:
    """(institution id, respondent type) -> n, mean and sample sd of the respondents' scores,
    and per question the answers' count and sum of raw values. Two queries, one row per group.

    The first averages each response's points (its score), then aggregates the scores per
    institution and respondent type; the second sums the raw scale values per question (an
    integer sum, cheaper than summing decimals), from which the breakdown's per-question and
    per-dimension means are taken (``_means_by``).
    """
    answer = Answer._meta.db_table
    response = Response._meta.db_table
    scope = f"""
          FROM {answer} a
          JOIN {response} r ON r.id = a.response_id
         WHERE r.campaign_id = %s AND NOT r.excluded AND a.points IS NOT NULL
    """
    # Table names come from the models; the campaign id is a query parameter.
    # A respondent's score is grouped straight from the answers' response index (streamed
    # in response order, no join on a million rows), within the id range of the campaign's
    # responses; the join to the responses then keeps this campaign's, not excluded.
    respondents_sql = f"""
        WITH respondent AS {{materialized}} (
            SELECT a.response_id AS response_id, SUM(a.points) / COUNT(*) AS score
              FROM {answer} a
             WHERE a.response_id BETWEEN %s AND %s AND a.points IS NOT NULL
             GROUP BY a.response_id
        )
        SELECT r.institution_id, r.respondent_type, COUNT(*), AVG(s.score), {{spread}}
          FROM respondent s
          JOIN {response} r ON r.id = s.response_id
         WHERE r.campaign_id = %s AND NOT r.excluded
         GROUP BY r.institution_id, r.respondent_type
    """  # noqa: S608
    questions_sql = f"""
        SELECT r.institution_id, r.respondent_type, a.question_id, COUNT(*), SUM(a.value)
        {scope}
         GROUP BY r.institution_id, r.respondent_type, a.question_id
    """
    id_range = Response.objects.filter(campaign=campaign).aggregate(
        first=Min("pk"), last=Max("pk")
    )
    if id_range["first"] is None:
        return {}
    id_range = [id_range["first"], id_range["last"]]
    postgresql = connection.vendor == "postgresql"
    # SQLite (the embedded mode) has no STDDEV_SAMP of its own, and Django's stand-in fails
    # on a single value: there the sum of squares comes back and Python finishes the job.
    respondents_sql = respondents_sql.format(
        materialized="MATERIALIZED" if postgresql else "",
        spread="STDDEV_SAMP(s.score)" if postgresql else "SUM(s.score * s.score)",
    )
    groups: dict[tuple[int, str], GroupStatistics] = defaultdict(GroupStatistics)
    with connection.cursor() as cursor:
        if postgresql:
            for statement in (*_SESSION_SETTINGS, *_RESPONDENT_PLAN):
                cursor.execute(statement)
        cursor.execute(respondents_sql, [*id_range, campaign.pk])
        for institution_id, respondent_type, n, mean, spread in cursor.fetchall():
            group = groups[(institution_id, respondent_type)]
            group.n, group.mean = n, Decimal(str(mean))
            if postgresql:
                group.sd = None if spread is None else Decimal(str(spread))
            elif n > 1:
                variance = (Decimal(str(spread)) - n * group.mean * group.mean) / (n - 1)
                group.sd = max(variance, _ZERO).sqrt()
        if postgresql:
            for statement in _DEFAULT_PLAN:
                cursor.execute(statement)
        cursor.execute(questions_sql, [campaign.pk])
        for institution_id, respondent_type, question_id, answers, total in cursor.fetchall():
            groups[(institution_id, respondent_type)].questions[question_id] = (
                answers,
                int(total),
            )
    return groups


def _means_by(
    questions: dict[int, tuple[int, int]],
    key_of: dict[int, str],
    bounds_of: dict[int, tuple[int, int]],
) -> dict[str, dict]:
    """Answers and mean points per key (a question's dimension, or its id as text).

    A question's answers ``v₁…vₙ`` on the scale ``low…high`` give points
    ``Σ (vᵢ − low) · 100 / (high − low) = (Σvᵢ − n·low) · 100 / (high − low)``: exact, from
    the integer sum. (Stored points are rounded per answer; these means are not, so they may
    differ from a mean of stored points by less than half a hundredth.)
    """
    totals: dict[str, list] = defaultdict(lambda: [0, _ZERO])
    for question_id, (answers, value_sum) in questions.items():
        low, high = bounds_of[question_id]
        bucket = totals[key_of[question_id]]
        bucket[0] += answers
        bucket[1] += Decimal(value_sum - answers * low) * _HUNDRED / Decimal(high - low)
    return {
        key: {"answers": answers, "mean": _text(total / answers)}
        for key, (answers, total) in sorted(totals.items())
    }


@dataclass
class KpiComponent:
    rate: Decimal | None
    projects: list[dict]


def _kpi_components(institution_ids: list[int], year: int) -> dict[int, KpiComponent]:
    """Weighted KPI achievement of the projects each institution leads in ``year``. Two
    queries for all institutions together (``project_achievements``) plus the projects."""
    from agencies.achievement import project_achievements, weighted_achievement
    from agencies.models import JointProject

    projects = list(
        JointProject.objects.filter(lead_institution_id__in=institution_ids, year=year)
        .order_by("pk")
        .prefetch_related("kpis")
    )
    achievements = project_achievements(projects)
    by_institution: dict[int, list] = defaultdict(list)
    for project in projects:
        by_institution[project.lead_institution_id].append(project)
    result = {}
    for institution_id in institution_ids:
        led = by_institution.get(institution_id, [])
        rate = weighted_achievement(
            (item.kpi.weight, item.rate)
            for project in led
            for item in achievements[project.pk].kpis
        )
        result[institution_id] = KpiComponent(
            rate=rate,
            projects=[
                {
                    "id": project.pk,
                    "title": project.title,
                    "rate": None
                    if achievements[project.pk].rate is None
                    else str(achievements[project.pk].rate),
                    "kpis": len(achievements[project.pk].kpis),
                }
                for project in led
            ],
        )
    return result


def _timeliness(institution_ids: list[int], year: int, cutoff) -> dict[int, tuple[int, int]]:
    """institution id -> (periods due by ``cutoff``, of them first submitted by their due
    date). One query; the date comparison is on the Asia/Seoul calendar."""
    from agencies.models import ReportingPeriod, ReportState

    periods = (
        ReportingPeriod.objects.filter(
            project__lead_institution_id__in=institution_ids,
            project__year=year,
            due_on__lte=cutoff,
        )
        .annotate(
            first_submitted=Min(
                "report__transitions__at",
                filter=Q(report__transitions__to_state=ReportState.SUBMITTED),
            )
        )
        .values_list("project__lead_institution_id", "due_on", "first_submitted")
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for institution_id, due_on, first_submitted in periods:
        counts[institution_id][0] += 1
        if first_submitted is not None and timezone.localdate(first_submitted) <= due_on:
            counts[institution_id][1] += 1
    return {key: (due, on_time) for key, (due, on_time) in counts.items()}


def _follow_through(institution_ids: list[int], year: int, cutoff) -> dict[int, tuple[int, int]]:
    """institution id -> (action items due in ``year`` by ``cutoff``, not dropped; of them
    done by their due date). One query."""
    from meetings.models import ActionItem, ActionItemStatus

    items = (
        ActionItem.objects.filter(
            owner_institution_id__in=institution_ids, due_on__year=year, due_on__lte=cutoff
        )
        .exclude(status=ActionItemStatus.DROPPED)
        .annotate(
            done_at=Max("updates__at", filter=Q(updates__to_status=ActionItemStatus.DONE))
        )
        .values_list("owner_institution_id", "due_on", "status", "done_at")
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for institution_id, due_on, status, done_at in items:
        counts[institution_id][0] += 1
        if (
            status == ActionItemStatus.DONE
            and done_at is not None
            and timezone.localdate(done_at) <= due_on
        ):
            counts[institution_id][1] += 1
    return {key: (due, done) for key, (due, done) in counts.items()}


def _share(counts: tuple[int, int] | None) -> Decimal | None:
    if not counts or counts[0] == 0:
        return None
    return cents(Decimal(counts[1]) * _HUNDRED / Decimal(counts[0]))


# --- The computation ----------------------------------------------------------------------------


def scoring_parameters(campaign: Campaign, institution_ids: list[int]) -> dict:
    """What the scores depend on besides the data; stored with the snapshot and hashed."""
    cutoff = timezone.localdate(campaign.closes_at)
    return {
        "method": SCORING_METHOD,
        "year": campaign.year,
        "cutoff_date": cutoff.isoformat(),
        "confidence": CONFIDENCE_LEVEL,
        "interval": "student-t",
        "weights": {
            name: str(cents(getattr(campaign, WEIGHT_OF_COMPONENT[name]))) for name in COMPONENTS
        },
        "minimum_sample": campaign.minimum_sample,
        "grade_scheme": campaign.grade_scheme,
        "grade_thresholds": [
            str(cents(value)) for value in parse_grade_thresholds(campaign.grade_thresholds)
        ],
        "grade_labels": list(GRADE_LABELS[campaign.grade_scheme]),
        "excellent_count": campaign.excellent_count,
        "institutions": sorted(institution_ids),
    }


SCORE_FIELDS = (
    "citizen_n",
    "citizen_index",
    "citizen_ci_low",
    "citizen_ci_high",
    "stakeholder_n",
    "stakeholder_index",
    "stakeholder_ci_low",
    "stakeholder_ci_high",
    "kpi_achievement",
    "timeliness",
    "follow_through",
    "composite",
    "insufficient_sample",
    "rank",
    "grade",
    "incentive_tier",
)


def _score_rows(campaign: Campaign, parameters: dict) -> list[dict]:
    """Every evaluated institution's stored values and breakdown, ordered by institution id."""
    institution_ids = parameters["institutions"]
    year = parameters["year"]
    cutoff = timezone.localdate(campaign.closes_at)
    weights = {name: Decimal(value) for name, value in parameters["weights"].items()}
    thresholds = [Decimal(value) for value in parameters["grade_thresholds"]]
    labels = tuple(parameters["grade_labels"])

    survey = _survey_statistics(campaign)
    dimension_of, bounds_of = {}, {}
    for pk, dimension, question_type in Question.objects.filter(
        section__questionnaire_id=campaign.questionnaire_id,
        question_type__in=SCORED_QUESTION_TYPES,
    ).values_list("pk", "dimension", "question_type"):
        dimension_of[pk] = dimension
        bounds_of[pk] = SCALE_BOUNDS[question_type]
    question_key = {pk: str(pk) for pk in dimension_of}
    kpis = _kpi_components(institution_ids, year)
    timeliness = _timeliness(institution_ids, year, cutoff)
    follow_through = _follow_through(institution_ids, year, cutoff)

    rows = []
    for institution_id in institution_ids:
        row: dict = {"institution_id": institution_id}
        breakdown_components: dict[str, dict] = {}
        dimensions: dict[str, dict] = {}
        questions: dict[str, dict] = {}
        for kind, prefix in RESPONDENT_COMPONENTS:
            group = survey.get((institution_id, kind), GroupStatistics())
            index = None if group.mean is None else cents(clamp_percent(group.mean))
            low, high = (
                confidence_interval(n=group.n, mean=group.mean, sd=group.sd)
                if group.mean is not None
                else (None, None)
            )
            row.update(
                {
                    f"{prefix}_n": group.n,
                    f"{prefix}_index": index,
                    f"{prefix}_ci_low": low,
                    f"{prefix}_ci_high": high,
                }
            )
            breakdown_components[prefix] = {
                "value": _text(index),
                "n": group.n,
                "sd": None if group.sd is None else str(_four_places(group.sd)),
                "ci_low": _text(low),
                "ci_high": _text(high),
            }
            dimensions[prefix] = _means_by(group.questions, dimension_of, bounds_of)
            questions[prefix] = _means_by(group.questions, question_key, bounds_of)
        kpi = kpis[institution_id]
        kpi_value = None if kpi.rate is None else cents(min(kpi.rate, Decimal(1)) * _HUNDRED)
        row["kpi_achievement"] = kpi_value
        breakdown_components["kpi"] = {
            "value": _text(kpi_value),
            "rate": None if kpi.rate is None else str(kpi.rate),
            "projects": kpi.projects,
        }
        due, on_time = timeliness.get(institution_id, (0, 0))
        row["timeliness"] = _share((due, on_time))
        breakdown_components["timeliness"] = {
            "value": _text(row["timeliness"]),
            "due": due,
            "on_time": on_time,
        }
        due, done = follow_through.get(institution_id, (0, 0))
        row["follow_through"] = _share((due, done))
        breakdown_components["follow_through"] = {
            "value": _text(row["follow_through"]),
            "due": due,
            "done_on_time": done,
        }
        values = {
            "citizen": row["citizen_index"],
            "stakeholder": row["stakeholder_index"],
            "kpi": row["kpi_achievement"],
            "timeliness": row["timeliness"],
            "follow_through": row["follow_through"],
        }
        composite, weights_used = composite_of(values, weights)
        for name in COMPONENTS:
            breakdown_components[name]["weight"] = str(weights[name])
        row["composite"] = composite
        row["insufficient_sample"] = row["citizen_n"] < parameters["minimum_sample"]
        row["breakdown"] = {
            "method": SCORING_METHOD,
            "formula": "composite = sum(weight_i * component_i) / sum(weight_i), "
            "over the components present",
            "weights": {name: str(weight) for name, weight in weights.items()},
            "weights_used": {name: str(weight) for name, weight in weights_used.items()},
            "missing": [name for name in COMPONENTS if values[name] is None],
            "components": breakdown_components,
            "dimensions": dimensions,
            "questions": questions,
            "composite": _text(composite),
            "insufficient_sample": row["insufficient_sample"],
            "minimum_sample": parameters["minimum_sample"],
        }
        rows.append(row)

    ranked = {
        row["institution_id"]: row["composite"]
        for row in rows
        if not row["insufficient_sample"] and row["composite"] is not None
    }
    ranks = competition_ranks(ranked)
    for row in rows:
        rank = ranks.get(row["institution_id"])
        excellent = rank is not None and rank <= parameters["excellent_count"]
        row["rank"] = rank
        row["grade"] = (
            grade_for(row["composite"], thresholds=thresholds, labels=labels)
            if rank is not None
            else ""
        )
        row["incentive_tier"] = rank if excellent else None
        row["breakdown"].update(
            {
                "rank": rank,
                "grade": row["grade"],
                "excellent": excellent,
                "incentive_tier": row["incentive_tier"],
            }
        )
    return rows


def _canonical(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not canonical JSON")


def content_hash(parameters: dict, rows: list[dict]) -> str:
    """SHA-256 of a canonical JSON (sorted keys, no spaces) of the parameters and rows."""
    payload = json.dumps(
        {"parameters": parameters, "scores": rows},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_canonical,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def compute_scores(*, campaign: Campaign) -> ScoreSnapshot:
    """Compute every evaluated institution's result and store it as the current snapshot.

    Guarantees: the campaign is locked while computing (two runs never interleave); only a
    closed campaign or one under appeal is scored (nobody sees results while it is open, and
    published results do not change); the same data and settings give the same
    ``content_hash``, and then the current snapshot is returned unchanged (no new row).
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in COMPUTABLE_STATUSES:
        raise ScoringError(
            _("점수는 응답을 마감한 뒤, 결과를 공개하기 전에만 계산합니다."), code="status"
        )
    institution_ids = sorted(locked.institutions.values_list("pk", flat=True))
    if not institution_ids:
        raise ScoringError(_("평가 대상 기관이 없습니다."), code="no_institutions")
    parameters = scoring_parameters(locked, institution_ids)
    rows = _score_rows(locked, parameters)
    digest = content_hash(parameters, rows)
    current = ScoreSnapshot.objects.filter(campaign=locked, is_current=True).first()
    if current is not None and current.content_hash == digest:
        return current
    if current is not None:
        ScoreSnapshot.objects.filter(pk=current.pk).update(is_current=False)
    snapshot = ScoreSnapshot.objects.create(
        campaign=locked,
        computed_at=timezone.now(),
        is_current=True,
        parameters=parameters,
        content_hash=digest,
    )
    InstitutionScore.objects.bulk_create(
        InstitutionScore(
            snapshot=snapshot,
            institution_id=row["institution_id"],
            breakdown=json.loads(json.dumps(row["breakdown"], default=_canonical)),
            **{name: row[name] for name in SCORE_FIELDS},
        )
        for row in rows
    )
    return snapshot


def current_snapshot(campaign: Campaign) -> ScoreSnapshot | None:
    return ScoreSnapshot.objects.filter(campaign=campaign, is_current=True).first()

