"""factory-boy factories and builders for evaluations: a questionnaire with one question of
every type, campaigns in any status, and responses written straight to the database (the
survey's own submission service is tested through its pages and service)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

import factory
from django.utils import timezone

from evaluations.models import (
    Answer,
    Campaign,
    CampaignStatus,
    Choice,
    Dimension,
    Question,
    Questionnaire,
    QuestionnaireSection,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    answer_points,
)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"기관 만족도 설문 {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireSection

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"영역 {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"질문 {n}")
    question_type = QuestionType.LIKERT_5
    dimension = Dimension.OVERALL


def standard_questionnaire(title: str = "기관 만족도 설문") -> Questionnaire:
    """Two sections: the scored scale questions (5- and 7-point Likert, 0–10), then one of
    each unscored type. Choice questions get three options; multiple choice allows two."""
    questionnaire = QuestionnaireFactory(title=title)
    scored = SectionFactory(questionnaire=questionnaire, position=1, title="서비스 경험")
    QuestionFactory(
        section=scored, position=1, text="절차가 알기 쉬웠습니까?",
        question_type=QuestionType.LIKERT_5, dimension=Dimension.PROCESS,
    )
    QuestionFactory(
        section=scored, position=2, text="원하는 결과를 얻었습니까?",
        question_type=QuestionType.LIKERT_7, dimension=Dimension.OUTCOME,
    )
    QuestionFactory(
        section=scored, position=3, text="전반적으로 얼마나 만족하십니까?",
        question_type=QuestionType.SCALE_0_10, dimension=Dimension.OVERALL,
    )
    other = SectionFactory(questionnaire=questionnaire, position=2, title="더 알려 주세요")
    single = QuestionFactory(
        section=other, position=1, text="어떤 경로로 이용하셨습니까?",
        question_type=QuestionType.SINGLE_CHOICE, dimension=Dimension.ENVIRONMENT,
    )
    multiple = QuestionFactory(
        section=other, position=2, text="좋았던 점을 두 가지까지 고르세요.",
        question_type=QuestionType.MULTIPLE_CHOICE, dimension=Dimension.PROCESS,
        max_choices=2, required=False,
    )
    for question, labels in (
        (single, ["방문", "전화", "온라인"]),
        (multiple, ["친절", "신속", "정확"]),
    ):
        for position, label in enumerate(labels, start=1):
            Choice.objects.create(question=question, position=position, label=label)
    QuestionFactory(
        section=other, position=3, text="한 줄 소감", question_type=QuestionType.SHORT_TEXT,
        dimension=Dimension.OTHER, required=False,
    )
    QuestionFactory(
        section=other, position=4, text="바라는 점", question_type=QuestionType.LONG_TEXT,
        dimension=Dimension.OTHER, required=False,
    )
    return questionnaire


class CampaignFactory(factory.django.DjangoModelFactory):
    """An open campaign over this week; pass ``status`` and dates for others, and
    ``institutions=[...]`` for the evaluated institutions."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"공공기관 시민 평가 {n}")
    questionnaire = factory.LazyFunction(standard_questionnaire)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=4))
    status = CampaignStatus.OPEN

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            self.institutions.set(extracted)


def closed_campaign(**kwargs) -> Campaign:
    """A campaign whose answering window has passed, in ``status`` (default closed)."""
    now = timezone.now()
    kwargs.setdefault("status", CampaignStatus.CLOSED)
    kwargs.setdefault("opens_at", now - datetime.timedelta(days=30))
    kwargs.setdefault("closes_at", now - datetime.timedelta(days=2))
    if kwargs["status"] == CampaignStatus.PUBLISHED:
        kwargs.setdefault("published_at", now - datetime.timedelta(days=1))
    return CampaignFactory(**kwargs)


def response_with_scores(
    campaign: Campaign,
    institution,
    values: Sequence[int] | Iterable[int],
    *,
    respondent_type: str = RespondentType.CITIZEN,
    submitted_at: datetime.datetime | None = None,
    **fields,
) -> Response:
    """A response whose scale questions (in questionnaire order) got ``values``; the other
    questions are left unanswered. Points follow ``answer_points``."""
    channel = (
        ResponseChannel.TOKEN
        if respondent_type == RespondentType.STAKEHOLDER
        else ResponseChannel.CAMPAIGN_LINK
    )
    response = Response.objects.create(
        campaign=campaign,
        institution=institution,
        respondent_type=respondent_type,
        channel=fields.pop("channel", channel),
        submitted_at=submitted_at or timezone.now(),
        **fields,
    )
    scale_questions = [
        question
        for question in Question.objects.filter(section__questionnaire=campaign.questionnaire)
        .order_by("section__position", "position")
        if question.is_scored
    ]
    values = list(values)
    if len(values) > len(scale_questions):
        raise ValueError("more values than scale questions")
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            value=value,
            points=answer_points(question.question_type, value),
        )
        for question, value in zip(scale_questions, values, strict=False)
    )
    return response
