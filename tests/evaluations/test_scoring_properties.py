"""Property tests (hypothesis): whatever the answers, indices and composites stay within
0–100, intervals hold the index, and raising one answer raises the institution's index."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.scoring import COMPONENTS, composite_of, compute_scores, confidence_interval
from tests.evaluation_factories import closed_campaign, response_with_scores

# The standard questionnaire's scale questions: Likert 1–5, Likert 1–7, 0–10.
BOUNDS = ((1, 5), (1, 7), (0, 10))

one_response = st.integers(min_value=1, max_value=3).flatmap(
    lambda answered: st.tuples(
        *(st.integers(low, high) for low, high in BOUNDS[:answered])
    )
)
responses = st.lists(one_response, min_size=1, max_size=12)

DATABASE_EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _index_of(institution, answers: list[tuple[int, ...]]):
    """Score one institution's citizen answers in a campaign rolled back afterwards."""
    with transaction.atomic():
        campaign = closed_campaign(institutions=[institution], minimum_sample=1)
        for values in answers:
            response_with_scores(campaign, institution, values)
        score = compute_scores(campaign=campaign).scores.get()
        transaction.set_rollback(True)
    return score


@pytest.mark.django_db
@DATABASE_EXAMPLES
@given(answers=responses)
def test_indices_stay_within_0_and_100(world, answers):
    score = _index_of(world.institution_x, answers)
    assert score.citizen_n == len(answers)
    assert 0 <= score.citizen_index <= 100
    assert 0 <= score.composite <= 100
    if len(answers) >= 2:
        assert 0 <= score.citizen_ci_low <= score.citizen_index <= score.citizen_ci_high <= 100
    else:
        assert score.citizen_ci_low is None


@pytest.mark.django_db
@DATABASE_EXAMPLES
@given(answers=responses, data=st.data())
def test_raising_one_answer_raises_the_index(world, answers, data):
    raisable = [
        (row, column)
        for row, values in enumerate(answers)
        for column, value in enumerate(values)
        if value < BOUNDS[column][1]
    ]
    if not raisable:
        return  # every answer is already the best one: nothing can rise
    row, column = data.draw(st.sampled_from(raisable))
    raised = [list(values) for values in answers]
    raised[row][column] += 1
    before = _index_of(world.institution_x, answers)
    after = _index_of(world.institution_x, [tuple(values) for values in raised])
    # One step is at least 10 points (0–10 scale), so the respondent's score rises by at
    # least 10/3 and the mean of at most 12 by more than the 0.01 of rounding.
    assert after.citizen_index > before.citizen_index
    assert after.composite > before.composite


percent = st.decimals(min_value=0, max_value=100, places=2)


@given(
    n=st.integers(min_value=2, max_value=100_000),
    mean=percent,
    sd=st.decimals(min_value=0, max_value=60, places=4),
)
def test_intervals_hold_the_mean_and_stay_within_0_and_100(n, mean, sd):
    low, high = confidence_interval(n=n, mean=mean, sd=sd)
    assert Decimal(0) <= low <= mean <= high <= Decimal(100)


@given(
    values=st.lists(st.one_of(st.none(), percent), min_size=5, max_size=5),
    weights=st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5),
)
def test_composite_is_a_weighted_mean_within_the_components(values, weights):
    values = dict(zip(COMPONENTS, values, strict=True))
    weights = {name: Decimal(weight) for name, weight in zip(COMPONENTS, weights, strict=True)}
    composite, used = composite_of(values, weights)
    present = [value for name, value in values.items() if value is not None and weights[name]]
    if not present:
        assert composite is None
        return
    assert min(present) <= composite <= max(present)
    assert abs(sum(used.values()) - 100) <= Decimal("0.05")
