"""The evaluation data model's invariants, held by the database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from evaluations.models import (
    Answer,
    Campaign,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    answer_points,
)
from tests.evaluation_factories import CampaignFactory, response_with_scores


@pytest.mark.parametrize(
    ("question_type", "value", "points"),
    [
        (QuestionType.LIKERT_5, 1, "0.00"),
        (QuestionType.LIKERT_5, 4, "75.00"),
        (QuestionType.LIKERT_5, 5, "100.00"),
        (QuestionType.LIKERT_7, 2, "16.67"),
        (QuestionType.LIKERT_7, 7, "100.00"),
        (QuestionType.SCALE_0_10, 0, "0.00"),
        (QuestionType.SCALE_0_10, 7, "70.00"),
    ],
)
def test_answer_points_map_each_scale_linearly_onto_0_100(question_type, value, points):
    assert answer_points(question_type, value) == Decimal(points)


@pytest.mark.parametrize(("question_type", "value"), [(QuestionType.LIKERT_5, 0), ("scale10", 11)])
def test_answer_points_refuse_values_off_the_scale(question_type, value):
    with pytest.raises(ValueError, match="outside"):
        answer_points(question_type, value)


def test_campaign_weights_must_add_up_to_100(db):
    campaign = CampaignFactory()
    campaign.weight_citizen = Decimal(50)  # 50 + 20 + 20 + 10 + 10 = 110
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign.save()
    # Moving weight from one component to another keeps the total, and is allowed.
    Campaign.objects.filter(pk=campaign.pk).update(
        weight_citizen=Decimal(30), weight_stakeholder=Decimal(30)
    )
    assert Campaign.objects.get(pk=campaign.pk).weights["weight_stakeholder"] == Decimal(30)


def test_a_stakeholder_response_comes_by_token_only(world):
    campaign = CampaignFactory(institutions=[world.institution_x])
    with pytest.raises(IntegrityError), transaction.atomic():
        response_with_scores(
            campaign,
            world.institution_x,
            [5],
            respondent_type=RespondentType.STAKEHOLDER,
            channel=ResponseChannel.CAMPAIGN_LINK,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        response_with_scores(campaign, world.institution_x, [5], channel=ResponseChannel.TOKEN)


def test_a_question_is_answered_once_per_response_but_options_once_each(world):
    campaign = CampaignFactory(institutions=[world.institution_x])
    response = response_with_scores(campaign, world.institution_x, [4, 6, 9])
    assert [a.points for a in response.answers.order_by("question__position")] == [
        Decimal("75.00"),
        Decimal("83.33"),
        Decimal("90.00"),
    ]
    scale_answer = response.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            response=response, question=scale_answer.question, value=1, points=Decimal(0)
        )
    multiple = campaign.questionnaire.sections.get(position=2).questions.get(
        question_type=QuestionType.MULTIPLE_CHOICE
    )
    first, second, _third = multiple.choices.all()
    Answer.objects.create(response=response, question=multiple, choice=first)
    Answer.objects.create(response=response, question=multiple, choice=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=multiple, choice=first)
    assert Response.objects.get().answers.count() == 5


def test_frozen_once_answered(world):
    campaign = CampaignFactory(institutions=[world.institution_x])
    assert not campaign.questionnaire.is_frozen
    response_with_scores(campaign, world.institution_x, [3])
    assert campaign.questionnaire.is_frozen
