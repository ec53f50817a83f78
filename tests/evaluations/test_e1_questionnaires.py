"""The questionnaire builder: sections and questions of every type, reordering, and the rule
that an answered questionnaire is never edited but cloned into its next version."""

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Choice, Question, Questionnaire, QuestionType
from evaluations.services import ManagementError, QuestionData
from tests.evaluation_factories import CampaignFactory, response_with_scores, standard_questionnaire
from tests.pages import section_text, visible_text


def _outline(questionnaire) -> list[tuple[int, str, list[tuple[int, str]]]]:
    return [
        (
            section.position,
            section.title,
            [(q.position, q.text) for q in section.questions.order_by("position")],
        )
        for section in questionnaire.sections.order_by("position")
    ]


@pytest.mark.parametrize("question_type", QuestionType.values)
def test_every_question_type_can_be_added(world, question_type):
    questionnaire = services.questionnaire_create(title="새 설문", by=world.users["city_staff"])
    section = services.section_add(questionnaire=questionnaire, title="첫 쪽")
    choices = ("방문", "전화", "온라인") if question_type in ("single", "multiple") else ()
    question = services.question_add(
        section=section,
        data=QuestionData(
            text="질문",
            question_type=question_type,
            choices=choices,
            max_choices=2 if question_type == "multiple" else None,
            required=False,
        ),
    )
    question.refresh_from_db()
    assert question.position == 1
    assert question.question_type == question_type
    assert question.required is False
    assert list(question.choices.values_list("position", "label")) == list(
        enumerate(choices, start=1)
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (QuestionData(text="q", question_type="single", choices=("하나",)), "choices"),
        (QuestionData(text="q", question_type="single", choices=("가", "가")), "choices"),
        (QuestionData(text="q", question_type="likert5", choices=("가", "나")), "choices"),
        (QuestionData(text="q", question_type="single", choices=("가", "나"), max_choices=1),
         "max_choices"),
        (QuestionData(text="q", question_type="multiple", choices=("가", "나"), max_choices=3),
         "max_choices"),
    ],
)
def test_inconsistent_questions_are_refused(world, data, code):
    section = standard_questionnaire().sections.first()
    with pytest.raises(ManagementError) as refused:
        services.question_add(section=section, data=data)
    assert refused.value.code == code


def test_moving_and_deleting_keep_the_order(world):
    questionnaire = standard_questionnaire()
    first, second = questionnaire.sections.order_by("position")
    services.questionnaire_item_move(item=second, direction="up")
    assert [s[1] for s in _outline(questionnaire)] == [second.title, first.title]
    services.questionnaire_item_move(item=second, direction="up")  # already first: no change
    assert [s[1] for s in _outline(questionnaire)] == [second.title, first.title]

    top = first.questions.order_by("position").first()
    services.questionnaire_item_move(item=top, direction="down")
    texts = [text for _, text in _outline(questionnaire)[1][2]]
    assert texts[:2] == ["원하는 결과를 얻었습니까?", "절차가 알기 쉬웠습니까?"]

    services.questionnaire_item_delete(item=second)
    assert [s[1] for s in _outline(questionnaire)] == [first.title]


def test_an_answered_questionnaire_is_frozen_and_cloned(world):
    campaign = CampaignFactory(institutions=[world.institution_x])
    frozen = campaign.questionnaire
    response_with_scores(campaign, world.institution_x, [5, 7, 10])
    section = frozen.sections.first()
    question = section.questions.first()

    for refused_action in (
        lambda: services.section_add(questionnaire=frozen, title="더"),
        lambda: services.question_add(
            section=section, data=QuestionData(text="q", question_type="likert5")
        ),
        lambda: services.question_update(
            question=question, data=QuestionData(text="바꿈", question_type="likert5")
        ),
        lambda: services.questionnaire_item_move(item=question, direction="down"),
        lambda: services.questionnaire_item_delete(item=section),
    ):
        with pytest.raises(ManagementError) as refused:
            refused_action()
        assert refused.value.code == "locked"
    question.refresh_from_db()
    assert question.text == "절차가 알기 쉬웠습니까?"

    clone = services.questionnaire_clone(questionnaire=frozen, by=world.users["city_staff"])
    assert clone.version == frozen.version + 1
    assert clone.previous_version == frozen
    assert _outline(clone) == _outline(frozen)
    assert list(
        Choice.objects.filter(question__section__questionnaire=clone)
        .order_by("question__section__position", "question__position", "position")
        .values_list("label", flat=True)
    ) == ["방문", "전화", "온라인", "친절", "신속", "정확"]
    multiple = Question.objects.get(section__questionnaire=clone, question_type="multiple")
    assert (multiple.max_choices, multiple.required) == (2, False)
    # The clone is free to edit; the lineage stays a line.
    services.section_add(questionnaire=clone, title="새 쪽")
    with pytest.raises(ManagementError):
        services.questionnaire_clone(questionnaire=frozen, by=world.users["city_staff"])


def test_a_questionnaire_in_an_open_campaign_is_locked_before_any_answer(world):
    campaign = CampaignFactory(institutions=[world.institution_x])  # open, unanswered
    assert not campaign.questionnaire.is_frozen
    assert services.questionnaire_is_locked(campaign.questionnaire)
    draft = CampaignFactory(status="draft")
    assert not services.questionnaire_is_locked(draft.questionnaire)


def test_the_builder_page_adds_a_question_and_shows_it(world, client_as):
    questionnaire = standard_questionnaire()
    client = client_as(world.users["city_staff"])
    url = reverse("evaluations:question_add", kwargs={"pk": questionnaire.pk})
    response = client.post(
        url,
        {
            "section": questionnaire.sections.order_by("position").last().pk,
            "text": "다시 이용하시겠습니까?",
            "question_type": "single",
            "dimension": "overall",
            "choices": "예\n아니요\n",
            "required": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "다시 이용하시겠습니까?" in visible_text(page.text)
    added = Question.objects.get(text="다시 이용하시겠습니까?")
    assert list(added.choices.values_list("label", flat=True)) == ["예", "아니요"]


def test_the_builder_shows_errors_next_to_the_field(world, client_as):
    questionnaire = standard_questionnaire()
    client = client_as(world.users["city_staff"])
    response = client.post(
        reverse("evaluations:question_add", kwargs={"pk": questionnaire.pk}),
        {
            "section": questionnaire.sections.first().pk,
            "text": "골라 주세요",
            "question_type": "multiple",
            "dimension": "overall",
            "choices": "가\n나",
            "max_choices": "5",
        },
    )
    assert response.status_code == 400
    assert "최대 선택 수는 보기 수보다 많을 수 없습니다." in section_text(
        response.text, "add-question-title"
    )


def test_a_frozen_questionnaire_offers_the_next_version(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    response_with_scores(campaign, world.institution_x, [3])
    client = client_as(world.users["city_staff"])
    builder = reverse("evaluations:questionnaire", kwargs={"pk": campaign.questionnaire.pk})
    page = client.get(builder)
    text = visible_text(page.text)
    assert "새 판을 만들어 고치기" in text
    assert "질문 더하기" not in text
    response = client.post(
        reverse("evaluations:questionnaire_clone", kwargs={"pk": campaign.questionnaire.pk})
    )
    clone = Questionnaire.objects.get(previous_version=campaign.questionnaire)
    assert response["Location"] == reverse("evaluations:questionnaire", kwargs={"pk": clone.pk})
    assert "질문 더하기" in visible_text(client.get(response["Location"]).text)


@pytest.mark.parametrize("count", [1, 12])
def test_questionnaire_list_query_count(world, client_as, django_assert_max_num_queries, count):
    for _ in range(count):
        CampaignFactory(institutions=[world.institution_x])
    client = client_as(world.users["city_staff"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("evaluations:questionnaires"))
    assert response.status_code == 200
    assert visible_text(response.text).count("기관 만족도 설문") == count


@pytest.mark.parametrize("extra_questions", [0, 20])
def test_builder_query_count_does_not_grow_with_questions(
    world, client_as, django_assert_max_num_queries, extra_questions
):
    questionnaire = standard_questionnaire()
    section = questionnaire.sections.first()
    for number in range(extra_questions):
        services.question_add(
            section=section,
            data=QuestionData(text=f"추가 {number}", question_type="single", choices=("가", "나")),
        )
    client = client_as(world.users["city_staff"])
    # + 1 for the header's unread-notification count (cold cache in a test).
    with django_assert_max_num_queries(17):
        response = client.get(reverse("evaluations:questionnaire", kwargs={"pk": questionnaire.pk}))
    assert response.status_code == 200
    assert response.text.count('href="/evaluations/manage/questions/') == 7 + extra_questions
