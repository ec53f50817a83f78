"""Answering the standard questionnaire (tests/evaluation_factories.py) through the survey's
pages, as a respondent would, and the same answers for the submission service."""

from __future__ import annotations

from django.urls import reverse

from evaluations.models import Campaign, Question, QuestionType


def questions_of(campaign: Campaign) -> dict[str, Question]:
    """The standard questionnaire's questions by type ("likert5", "single", ...)."""
    questions = Question.objects.filter(section__questionnaire=campaign.questionnaire)
    return {question.question_type: question for question in questions}


def full_answers(campaign: Campaign, *, likert5: int = 4) -> dict[int, object]:
    """Answers to every question, for ``response_submit``."""
    q = questions_of(campaign)
    single_choice = q[QuestionType.SINGLE_CHOICE].choices.order_by("position").first()
    multiple = list(q[QuestionType.MULTIPLE_CHOICE].choices.order_by("position")[:2])
    return {
        q[QuestionType.LIKERT_5].pk: likert5,
        q[QuestionType.LIKERT_7].pk: 6,
        q[QuestionType.SCALE_0_10].pk: 8,
        q[QuestionType.SINGLE_CHOICE].pk: single_choice.pk,
        q[QuestionType.MULTIPLE_CHOICE].pk: [choice.pk for choice in multiple],
        q[QuestionType.SHORT_TEXT].pk: "친절했습니다",
        q[QuestionType.LONG_TEXT].pk: "",
    }


def section_posts(campaign: Campaign, *, likert5: int = 4) -> list[dict]:
    """The POST bodies of the two sections' pages ("next" on each)."""
    answers = full_answers(campaign, likert5=likert5)
    q = questions_of(campaign)
    first = {
        f"q{q[kind].pk}": str(answers[q[kind].pk])
        for kind in (QuestionType.LIKERT_5, QuestionType.LIKERT_7, QuestionType.SCALE_0_10)
    }
    second = {
        f"q{q[QuestionType.SINGLE_CHOICE].pk}": str(answers[q[QuestionType.SINGLE_CHOICE].pk]),
        f"q{q[QuestionType.MULTIPLE_CHOICE].pk}": [
            str(pk) for pk in answers[q[QuestionType.MULTIPLE_CHOICE].pk]
        ],
        f"q{q[QuestionType.SHORT_TEXT].pk}": "친절했습니다",
        f"q{q[QuestionType.LONG_TEXT].pk}": "",
    }
    return [{**first, "action": "next"}, {**second, "action": "next"}]


def start_citizen(client, campaign: Campaign, institution, **extra):
    return client.post(
        reverse("evaluations:survey_start", args=[campaign.slug]),
        {"institution": institution.code},
        **extra,
    )


def consent(client, campaign: Campaign, agree: bool = False, **fields):
    data = {"consent": "agree" if agree else "refuse", **fields}
    return client.post(reverse("evaluations:survey_consent", args=[campaign.slug]), data)


def section_url(campaign: Campaign, step: int) -> str:
    return reverse("evaluations:survey_section", args=[campaign.slug, step])


def answer_all(client, campaign: Campaign, institution, *, likert5: int = 4, **extra):
    """Start, refuse the demographics, answer both sections; the last response."""
    start_citizen(client, campaign, institution, **extra)
    consent(client, campaign)
    response = None
    for step, data in enumerate(section_posts(campaign, likert5=likert5), start=1):
        response = client.post(section_url(campaign, step), data, **extra)
    return response
