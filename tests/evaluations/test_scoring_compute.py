"""compute_scores against results worked out by hand (the arithmetic is written beside each
case), plus the snapshot's determinism, exclusions, insufficient samples and grade bands."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from agencies.models import Report, ReportState, ReportTransition
from evaluations.models import (
    GRADE_LABELS,
    SCORED_QUESTION_TYPES,
    CampaignStatus,
    GradeScheme,
    InstitutionScore,
    Question,
    RespondentType,
    ScoreSnapshot,
)
from evaluations.scoring import (
    COMPONENTS,
    ScoringError,
    competition_ranks,
    composite_of,
    compute_scores,
    confidence_interval,
    grade_for,
    parse_grade_thresholds,
    t_quantile_975,
)
from meetings.models import ActionItem, ActionItemStatus, ActionItemUpdate, Meeting, MeetingKind
from tests.evaluation_factories import closed_campaign, response_with_scores
from tests.factories import InstitutionFactory, project_with_reports, report_in_state

SEOUL = ZoneInfo("Asia/Seoul")
D = Decimal


def scale_question_ids(campaign) -> list[int]:
    return list(
        Question.objects.filter(
            section__questionnaire=campaign.questionnaire,
            question_type__in=SCORED_QUESTION_TYPES,
        )
        .order_by("section__position", "position")
        .values_list("pk", flat=True)
    )


def score_of(snapshot: ScoreSnapshot, institution) -> InstitutionScore:
    return snapshot.scores.get(institution=institution)


# The standard questionnaire's scored questions, in order: Likert 1–5, Likert 1–7, 0–10.
# points = (value − low) / (high − low) × 100, so (5, 7, 10) → 100, 100, 100;
# (3, 4, 5) → 50, 50, 50; (1, 1, 0) → 0, 0, 0; (4,) → 75 (the others unanswered).
ALL_TOP = (5, 7, 10)
ALL_MIDDLE = (3, 4, 5)
ALL_BOTTOM = (1, 1, 0)


@pytest.fixture
def survey_campaign(world):
    """X: four citizens (100, 50, 0, 75) and one stakeholder (100); Y: two citizens counted
    (100, 50) and one excluded (0); Z: one citizen (50). Minimum sample 2; one excellent."""
    z = InstitutionFactory(code="ZINST", name_ko="제트기관")
    campaign = closed_campaign(
        institutions=[world.institution_x, world.institution_y, z],
        minimum_sample=2,
        excellent_count=1,
    )
    x, y = world.institution_x, world.institution_y
    for values in (ALL_TOP, ALL_MIDDLE, ALL_BOTTOM, (4,)):
        response_with_scores(campaign, x, values)
    response_with_scores(campaign, x, ALL_TOP, respondent_type=RespondentType.STAKEHOLDER)
    response_with_scores(campaign, y, ALL_TOP)
    response_with_scores(campaign, y, ALL_MIDDLE)
    response_with_scores(campaign, y, ALL_BOTTOM, excluded=True, flag_reasons="burst")
    response_with_scores(campaign, z, ALL_MIDDLE)
    return campaign, z


def test_survey_indices_by_hand(survey_campaign, world):
    campaign, z = survey_campaign
    snapshot = compute_scores(campaign=campaign)
    x = score_of(snapshot, world.institution_x)
    # Respondent scores: 100, 50, 0, and 75 (one answer only: its mean is 75, it counts once).
    # mean = (100 + 50 + 0 + 75) / 4 = 56.25
    assert x.citizen_n == 4
    assert x.citizen_index == D("56.25")
    # s² = (43.75² + 6.25² + 56.25² + 18.75²) / 3 = 5468.75 / 3 = 1822.9167; s = 42.6956
    # half width = t(0.975, 3) · s / √4 = 3.182446 · 42.6956 / 2 = 67.94
    # 56.25 − 67.94 < 0 → clamped to 0; 56.25 + 67.94 > 100 → clamped to 100
    assert (x.citizen_ci_low, x.citizen_ci_high) == (D("0.00"), D("100.00"))
    assert x.breakdown["components"]["citizen"]["sd"] == "42.6956"
    # One stakeholder: index 100, no interval for n = 1.
    assert (x.stakeholder_n, x.stakeholder_index) == (1, D("100.00"))
    assert (x.stakeholder_ci_low, x.stakeholder_ci_high) == (None, None)
    # No projects, reports or action items: only the two survey components count.
    # composite = (40 · 56.25 + 20 · 100) / (40 + 20) = 4250 / 60 = 70.8333 → 70.83
    assert x.composite == D("70.83")
    assert x.breakdown["missing"] == ["kpi", "timeliness", "follow_through"]
    # The weights scaled to 100 over what is present: 40/60 = 66.67 %, 20/60 = 33.33 %.
    assert x.breakdown["weights_used"] == {"citizen": "66.67", "stakeholder": "33.33"}

    y = score_of(snapshot, world.institution_y)
    # The excluded response (0) is ignored: (100 + 50) / 2 = 75; s = 35.3553;
    # half width = t(0.975, 1) · 35.3553 / √2 = 12.706205 · 25 = 317.66 → clamped 0–100.
    assert (y.citizen_n, y.citizen_index) == (2, D("75.00"))
    assert (y.citizen_ci_low, y.citizen_ci_high) == (D("0.00"), D("100.00"))
    assert y.composite == D("75.00")  # the citizen index alone

    # Ranking: Y 75.00 first, X 70.83 second; Z has one citizen (< 2): not ranked.
    assert (y.rank, x.rank) == (1, 2)
    # Bands 90, 80, 70, 60 → S, A, B, C, D: both are B (70 ≤ composite < 80).
    assert (y.grade, x.grade) == ("B", "B")
    # One excellent institution: Y, incentive tier 1.
    assert (y.incentive_tier, x.incentive_tier) == (1, None)
    assert y.breakdown["excellent"] is True
    assert x.breakdown["excellent"] is False

    zs = score_of(snapshot, z)
    assert zs.insufficient_sample is True
    assert (zs.citizen_n, zs.citizen_index) == (1, D("50.00"))
    assert (zs.rank, zs.grade, zs.incentive_tier) == (None, "", None)
    assert zs.composite == D("50.00")  # kept for the institution's own information


def test_dimension_means_in_the_breakdown(survey_campaign, world):
    campaign, _ = survey_campaign
    x = score_of(compute_scores(campaign=campaign), world.institution_x)
    # Means over the answers given. Process (the Likert-5 question) was answered by all
    # four: (100 + 50 + 0 + 75) / 4 = 56.25; outcome (Likert-7) and overall (0–10) by three:
    # (100 + 50 + 0) / 3 = 50. Per question the same figures, keyed by the question's id.
    assert x.breakdown["dimensions"]["citizen"] == {
        "outcome": {"answers": 3, "mean": "50.00"},
        "overall": {"answers": 3, "mean": "50.00"},
        "process": {"answers": 4, "mean": "56.25"},
    }
    likert5, likert7, scale10 = scale_question_ids(campaign)
    assert x.breakdown["questions"]["citizen"] == {
        str(likert5): {"answers": 4, "mean": "56.25"},
        str(likert7): {"answers": 3, "mean": "50.00"},
        str(scale10): {"answers": 3, "mean": "50.00"},
    }
    # Y's stakeholders gave nothing: empty, not missing.
    assert score_of(compute_scores(campaign=campaign), world.institution_y).breakdown[
        "dimensions"
    ]["stakeholder"] == {}


def test_the_same_data_gives_the_same_snapshot(survey_campaign):
    campaign, _ = survey_campaign
    first = compute_scores(campaign=campaign)
    again = compute_scores(campaign=campaign)
    assert again.pk == first.pk
    assert ScoreSnapshot.objects.filter(campaign=campaign).count() == 1
    assert InstitutionScore.objects.filter(snapshot__campaign=campaign).count() == 3


def test_changed_data_writes_a_new_current_snapshot_and_keeps_the_old(survey_campaign, world):
    campaign, _ = survey_campaign
    first = compute_scores(campaign=campaign)
    response_with_scores(campaign, world.institution_x, ALL_TOP)
    second = compute_scores(campaign=campaign)
    assert second.pk != first.pk
    assert second.content_hash != first.content_hash
    first.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    # X now has 100, 50, 0, 75, 100: mean 325 / 5 = 65.
    assert score_of(second, world.institution_x).citizen_index == D("65.00")
    assert score_of(first, world.institution_x).citizen_index == D("56.25")


def test_a_separately_built_identical_campaign_hashes_alike(world):
    """Same questionnaire, institutions, settings and answers → the same content hash."""
    first = closed_campaign(slug="first", institutions=[world.institution_x])
    second = closed_campaign(
        slug="second", institutions=[world.institution_x], questionnaire=first.questionnaire
    )
    for campaign in (first, second):
        for values in (ALL_TOP, ALL_MIDDLE):
            response_with_scores(campaign, world.institution_x, values)
    a = compute_scores(campaign=first)
    b = compute_scores(campaign=second)
    assert a.content_hash == b.content_hash
    assert a.pk != b.pk


def test_excluding_a_response_changes_the_result_and_restoring_it_restores_the_hash(world):
    campaign = closed_campaign(institutions=[world.institution_x], minimum_sample=1)
    response_with_scores(campaign, world.institution_x, ALL_TOP)
    doubtful = response_with_scores(campaign, world.institution_x, ALL_BOTTOM)
    before = compute_scores(campaign=campaign)
    assert score_of(before, world.institution_x).citizen_index == D("50.00")
    doubtful.excluded = True
    doubtful.save()
    excluded = compute_scores(campaign=campaign)
    assert score_of(excluded, world.institution_x).citizen_index == D("100.00")
    assert score_of(excluded, world.institution_x).citizen_n == 1
    doubtful.excluded = False
    doubtful.save()
    restored = compute_scores(campaign=campaign)
    assert restored.content_hash == before.content_hash


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SEOUL)


@pytest.fixture
def programme_2024(world):
    """X's 2024 record: a project with two KPIs and four quarterly reports, and action items.

    KPIs (report values are 40 for every KPI, see ``report_in_state``):
    - a: baseline 0, target 100, weight 1 → rate 40 / 100 = 0.4
    - b: baseline 0, target 50, weight 3 → rate 40 / 50 = 0.8
    Reports: Q1 accepted, submitted on time; Q2 submitted late; Q3 and Q4 never submitted.
    Action items due in 2024: one done on time, one done late, one still open; a dropped one
    and one due in 2025 do not count.
    """
    users = world.users
    project = project_with_reports(
        lead_institution=world.institution_x,
        kpis=[{"target": D("100"), "weight": D("1")}, {"target": D("50"), "weight": D("3")}],
    )
    quarters = list(Report.objects.filter(period__project=project).order_by("period__sequence"))
    people = {"drafter": users["staff_x"], "submitter": users["head_x"]}
    report_in_state(quarters[0], ReportState.ACCEPTED, reviewer=users["city_staff"], **people)
    report_in_state(quarters[1], ReportState.SUBMITTED, reviewer=users["city_staff"], **people)
    # The workflow stamped "now" (late for 2024); move Q1's submission before its due date.
    q1 = quarters[0].period
    ReportTransition.objects.filter(
        report=quarters[0], to_state=ReportState.SUBMITTED
    ).update(at=_at(q1.due_on))
    meeting = Meeting.objects.create(
        kind=MeetingKind.FIELD_DIALOGUE,
        title="현장 대화",
        visited_institution=world.institution_x,
        starts_at=_at(datetime.date(2024, 2, 1)),
        ends_at=_at(datetime.date(2024, 2, 1)) + datetime.timedelta(hours=1),
    )

    def item(due: datetime.date, status: str, done_on: datetime.date | None = None):
        action = ActionItem.objects.create(
            description=f"조치 {due}",
            meeting=meeting,
            owner_institution=world.institution_x,
            due_on=due,
            status=status,
        )
        if done_on is not None:
            update = ActionItemUpdate.objects.create(
                item=action, from_status=ActionItemStatus.OPEN, to_status=status, note="끝"
            )
            ActionItemUpdate.objects.filter(pk=update.pk).update(at=_at(done_on))
        return action

    item(datetime.date(2024, 3, 31), ActionItemStatus.DONE, datetime.date(2024, 3, 1))
    item(datetime.date(2024, 4, 30), ActionItemStatus.DONE, datetime.date(2024, 5, 10))
    item(datetime.date(2024, 6, 30), ActionItemStatus.IN_PROGRESS)
    item(datetime.date(2024, 7, 31), ActionItemStatus.DROPPED, datetime.date(2024, 7, 1))
    item(datetime.date(2025, 6, 30), ActionItemStatus.OPEN)
    return project


def test_programme_components_by_hand(world, programme_2024):
    campaign = closed_campaign(
        year=2024,
        opens_at=_at(datetime.date(2025, 1, 2)),
        closes_at=_at(datetime.date(2025, 2, 1)),
        institutions=[world.institution_x],
        minimum_sample=2,
    )
    response_with_scores(campaign, world.institution_x, ALL_TOP)
    response_with_scores(campaign, world.institution_x, ALL_MIDDLE)
    x = score_of(compute_scores(campaign=campaign), world.institution_x)
    # KPI: (1 · 0.4 + 3 · 0.8) / (1 + 3) = 2.8 / 4 = 0.7 → 70.00
    assert x.kpi_achievement == D("70.00")
    assert x.breakdown["components"]["kpi"]["rate"] == "0.7000"
    # Timeliness: 4 periods due by 1 Feb 2025 (Q4 is due 10 Jan 2025); only Q1 on time: 25 %.
    assert x.timeliness == D("25.00")
    assert x.breakdown["components"]["timeliness"] | {"weight": None} == {
        "value": "25.00",
        "due": 4,
        "on_time": 1,
        "weight": None,
    }
    # Follow-through: 3 items count (dropped and 2025 left out); 1 done by its date: 33.33 %.
    assert x.follow_through == D("33.33")
    # Composite, no stakeholders: citizen (100 + 50) / 2 = 75 (40), KPI 70 (20),
    # timeliness 25 (10), follow-through 33.33 (10):
    # (40·75 + 20·70 + 10·25 + 10·33.33) / 80 = (3000 + 1400 + 250 + 333.3) / 80 = 62.29
    assert x.composite == D("62.29")
    assert x.breakdown["weights_used"] == {
        "citizen": "50.00",
        "kpi": "25.00",
        "timeliness": "12.50",
        "follow_through": "12.50",
    }
    assert x.breakdown["missing"] == ["stakeholder"]


def test_kpi_overshoot_counts_as_the_target(world):
    # Target 20, reported 40: rate 2.0, capped at 1.2 by achievement.py; the component is
    # min(1.2, 1) · 100 = 100, the breakdown keeps the rate 1.2.
    users = world.users
    project = project_with_reports(
        lead_institution=world.institution_x, kpis=[{"target": D("20")}]
    )
    first = Report.objects.filter(period__project=project).order_by("period__sequence").first()
    report_in_state(
        first,
        ReportState.ACCEPTED,
        drafter=users["staff_x"],
        submitter=users["head_x"],
        reviewer=users["city_staff"],
    )
    campaign = closed_campaign(
        year=2024,
        opens_at=_at(datetime.date(2025, 1, 2)),
        closes_at=_at(datetime.date(2025, 2, 1)),
        institutions=[world.institution_x],
    )
    x = score_of(compute_scores(campaign=campaign), world.institution_x)
    assert x.kpi_achievement == D("100.00")
    assert x.breakdown["components"]["kpi"]["rate"] == "1.2000"


def test_hangul_grades_and_bands(world):
    """Five institutions, one in each band of "85,75,65,55" → 가, 나, 다, 라, 마."""
    institutions = [InstitutionFactory(code=f"G{index}") for index in range(5)]
    campaign = closed_campaign(
        institutions=institutions,
        grade_scheme=GradeScheme.HANGUL,
        grade_thresholds="85,75,65,55",
        minimum_sample=1,
        excellent_count=2,
    )
    # One answer each, to the Likert-5 question: 5 → 100, 4 → 75, 3 → 50, 1 → 0.
    for institution, value in zip(institutions, (5, 4, 4, 3, 1), strict=True):
        response_with_scores(campaign, institution, (value,))
    snapshot = compute_scores(campaign=campaign)
    got = [
        (score.composite, score.rank, score.grade, score.incentive_tier)
        for score in snapshot.scores.order_by("institution__code")
    ]
    # 100 → 가 (≥ 85), 75 → 나 (≥ 75: the minimum belongs to the band), 75 → 나 (tied rank 2),
    # 50 → 마 (< 55), 0 → 마. Two excellent: rank 1 and both tied at rank 2 (ties included).
    assert got == [
        (D("100.00"), 1, "가", 1),
        (D("75.00"), 2, "나", 2),
        (D("75.00"), 2, "나", 2),
        (D("50.00"), 4, "마", None),
        (D("0.00"), 5, "마", None),
    ]


@pytest.mark.parametrize(
    ("composite", "latin", "hangul"),
    [
        ("100", "S", "가"),
        ("90", "S", "가"),
        ("89.99", "A", "나"),
        ("80", "A", "나"),
        ("79.99", "B", "다"),
        ("70", "B", "다"),
        ("60", "C", "라"),
        ("59.99", "D", "마"),
        ("0", "D", "마"),
    ],
)
def test_grade_bands(composite, latin, hangul):
    thresholds = parse_grade_thresholds("90,80,70,60")
    for labels, expected in ((GRADE_LABELS["latin"], latin), (GRADE_LABELS["hangul"], hangul)):
        assert grade_for(D(composite), thresholds=thresholds, labels=labels) == expected


@pytest.mark.parametrize(
    "text", ["90,80,70", "90,80,80,60", "60,70,80,90", "a,b,c,d", "101,80,70,60", "90,80,70,-1"]
)
def test_bad_grade_thresholds_are_refused(text):
    with pytest.raises(ScoringError) as refused:
        parse_grade_thresholds(text)
    assert refused.value.code == "grade_thresholds"


def test_confidence_interval_by_hand():
    # n = 5, mean 70, s = 10: t(0.975, 4) = 2.776445; half = 2.776445 · 10 / √5 = 12.4167
    assert confidence_interval(n=5, mean=D("70"), sd=D("10")) == (D("57.58"), D("82.42"))
    # n = 100, mean 80, s = 15: t(0.975, 99) = 1.984217; half = 1.984217 · 15 / 10 = 2.9763
    assert confidence_interval(n=100, mean=D("80"), sd=D("15")) == (D("77.02"), D("82.98"))
    assert confidence_interval(n=1, mean=D("80"), sd=None) == (None, None)


@pytest.mark.parametrize(
    ("degrees", "table"),
    [
        (30, "2.042272"),
        (31, "2.039513"),
        (40, "2.021075"),
        (60, "2.000298"),
        (99, "1.984217"),
        (1000, "1.962339"),
    ],
)
def test_t_quantiles_match_the_tables(degrees, table):
    assert abs(t_quantile_975(degrees) - D(table)) <= D("0.00001")


def test_composite_and_ranks_helpers():
    weights = dict(zip(COMPONENTS, (D(40), D(20), D(20), D(10), D(10)), strict=True))
    values = dict(zip(COMPONENTS, (D(80), None, D(60), None, D(100)), strict=True))
    # (40·80 + 20·60 + 10·100) / 70 = (3200 + 1200 + 1000) / 70 = 77.142857 → 77.14
    composite, used = composite_of(values, weights)
    assert composite == D("77.14")
    assert used == {"citizen": D("57.14"), "kpi": D("28.57"), "follow_through": D("14.29")}
    assert composite_of(dict.fromkeys(weights), weights) == (None, {})
    assert competition_ranks({1: D(80), 2: D(90), 3: D(80), 4: D(70)}) == {2: 1, 1: 2, 3: 2, 4: 4}


@pytest.mark.parametrize(
    "status", [CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.PUBLISHED]
)
def test_scores_are_not_computed_while_open_or_after_publication(world, status):
    campaign = closed_campaign(status=status, institutions=[world.institution_x])
    with pytest.raises(ScoringError) as refused:
        compute_scores(campaign=campaign)
    assert refused.value.code == "status"
    assert not ScoreSnapshot.objects.filter(campaign=campaign).exists()


def test_computed_at_is_now(world):
    campaign = closed_campaign(institutions=[world.institution_x])
    before = timezone.now()
    snapshot = compute_scores(campaign=campaign)
    assert snapshot.computed_at >= before
    x = score_of(snapshot, world.institution_x)
    # Nobody answered: no index, insufficient sample, nothing to rank.
    assert (x.citizen_n, x.citizen_index, x.composite) == (0, None, None)
    assert x.insufficient_sample is True
