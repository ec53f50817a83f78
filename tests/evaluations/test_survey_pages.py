"""The public survey through its pages: campaign page, the three ways in, consent, one
section per page (back keeps answers), validation beside the fields, submission, thank-you
page, and the clear refusals (closed campaign, used or unknown token, honeypot)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from evaluations.models import (
    Answer,
    CampaignStatus,
    Choice,
    QuestionnaireSection,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    StakeholderInvitation,
    invitation_token_hash,
)
from evaluations.survey import DEVICE_COOKIE
from tests.evaluation_factories import CampaignFactory, QuestionFactory, closed_campaign
from tests.evaluations.survey_helpers import (
    answer_all,
    consent,
    questions_of,
    section_posts,
    section_url,
    start_citizen,
)


@pytest.fixture
def campaign(world):
    return CampaignFactory(
        slug="citizens-2026",
        title="2026 공공기관 시민 평가",
        institutions=[world.institution_x, world.institution_y],
    )


def test_campaign_page_says_what_when_and_offers_the_start(client, campaign):
    page = client.get(campaign.get_absolute_url())
    assertContains(page, "2026 공공기관 시민 평가")
    assertContains(page, "응답 받는 중")
    assertContains(page, timezone.localtime(campaign.closes_at).strftime("%Y-%m-%d %H:%M"))
    assertContains(page, reverse("evaluations:survey_start", args=[campaign.slug]))


def test_a_closed_campaign_shows_no_start_and_refuses_answers(client, world):
    closed = closed_campaign(institutions=[world.institution_x])
    page = client.get(closed.get_absolute_url())
    assertContains(page, "응답을 마감했습니다")
    assertNotContains(page, reverse("evaluations:survey_start", args=[closed.slug]))
    refused = client.get(reverse("evaluations:survey_start", args=[closed.slug]))
    assert refused.status_code == 410
    assertContains(refused, "응답을 마감했습니다", status_code=410)


def test_a_campaign_past_its_closing_time_refuses_answers_before_the_beat_closes_it(
    client, world
):
    late = CampaignFactory(
        institutions=[world.institution_x],
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert late.status == CampaignStatus.OPEN
    page = client.get(reverse("evaluations:survey_institution", args=[late.slug, "xinst"]))
    assert page.status_code == 410


def test_a_draft_campaign_is_hidden_from_the_public(client, world):
    draft = CampaignFactory(status=CampaignStatus.DRAFT, institutions=[world.institution_x])
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluations:survey_start", args=[draft.slug])).status_code == 404


def test_a_citizen_answers_the_whole_survey(client, campaign, world):
    started = start_citizen(client, campaign, world.institution_x)
    assertRedirects(started, reverse("evaluations:survey_consent", args=[campaign.slug]))
    assert client.cookies[DEVICE_COOKIE].value  # the device cookie, a random id
    consent_page = client.get(reverse("evaluations:survey_consent", args=[campaign.slug]))
    assertContains(consent_page, "개인정보 보호법 제15조")
    assertContains(consent_page, "동의하지 않아도 설문에 똑같이 답할 수 있고")
    assertRedirects(
        consent(client, campaign, agree=True, age_band="40s", district="buk"),
        section_url(campaign, 1),
    )
    first = client.get(section_url(campaign, 1))
    assertContains(first, "서비스 경험")
    assertContains(first, "2개 영역 가운데 1번째")
    assertContains(first, '<progress id="survey-progress" max="2" value="1">', html=False)
    assertContains(first, "<legend", count=3)
    first_post, second_post = section_posts(campaign)
    assertRedirects(client.post(section_url(campaign, 1), first_post), section_url(campaign, 2))
    assert not Response.objects.exists()  # nothing stored before the end
    done = client.post(section_url(campaign, 2), second_post)
    assertRedirects(done, reverse("evaluations:survey_thanks", args=[campaign.slug]))
    response = Response.objects.get()
    assert response.institution == world.institution_x
    assert response.respondent_type == RespondentType.CITIZEN
    assert response.channel == ResponseChannel.CAMPAIGN_LINK
    assert (response.age_band, response.district) == ("40s", "buk")
    assert len(response.client_ip_hash) == len(response.device_hash) == 64
    assert "127.0.0.1" not in response.client_ip_hash
    assert response.flag_reasons == ""
    q = questions_of(campaign)
    points = dict(
        Answer.objects.filter(response=response, value__isnull=False).values_list(
            "question__question_type", "points"
        )
    )
    assert {kind: str(value) for kind, value in points.items()} == {
        QuestionType.LIKERT_5: "75.00",
        QuestionType.LIKERT_7: "83.33",
        QuestionType.SCALE_0_10: "80.00",
    }
    assert response.answers.filter(question=q[QuestionType.MULTIPLE_CHOICE]).count() == 2
    assert response.answers.get(question=q[QuestionType.SHORT_TEXT]).text == "친절했습니다"
    assert not response.answers.filter(question=q[QuestionType.LONG_TEXT]).exists()
    thanks = client.get(done["Location"])
    assertContains(thanks, "참여해 주셔서 고맙습니다")
    # The survey in progress is gone: posting the last page again starts over.
    again = client.post(section_url(campaign, 2), second_post)
    assertRedirects(again, reverse("evaluations:survey_start", args=[campaign.slug]))
    assert Response.objects.count() == 1


def test_refusing_consent_still_lets_them_answer_and_stores_no_demographics(
    client, campaign, world
):
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign, agree=False, age_band="40s", district="buk")
    for step, data in enumerate(section_posts(campaign), start=1):
        client.post(section_url(campaign, step), data)
    response = Response.objects.get()
    assert (response.age_band, response.district) == ("", "")


def test_consent_must_be_chosen_with_the_error_beside_it(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    page = client.post(reverse("evaluations:survey_consent", args=[campaign.slug]), {})
    assert page.status_code == 400
    assertContains(page, 'href="#id_consent_0"', status_code=400)
    assertContains(page, 'id="id_consent_error"', status_code=400)
    assertContains(page, "동의하는지 골라 주세요.", count=2, status_code=400)


def test_the_institution_link_evaluates_that_institution(client, campaign, world):
    address = reverse("evaluations:survey_institution", args=[campaign.slug, "yinst"])
    page = client.get(address)
    assertContains(page, "와이기관 평가하기")
    assertRedirects(
        client.post(address), reverse("evaluations:survey_consent", args=[campaign.slug])
    )
    consent(client, campaign)
    for step, data in enumerate(section_posts(campaign), start=1):
        client.post(section_url(campaign, step), data)
    response = Response.objects.get()
    assert response.institution == world.institution_y
    assert response.channel == ResponseChannel.INSTITUTION_LINK


def test_an_institution_the_campaign_does_not_evaluate_is_not_found(client, campaign):
    address = reverse("evaluations:survey_institution", args=[campaign.slug, "nosuch"])
    assert client.get(address).status_code == 404


def test_choosing_no_institution_is_explained_beside_the_field(client, campaign):
    page = client.post(reverse("evaluations:survey_start", args=[campaign.slug]), {})
    assert page.status_code == 400
    assertContains(page, "평가할 기관을 골라 주세요.", count=2, status_code=400)
    assertContains(page, 'href="#id_institution"', status_code=400)


def test_missing_and_invalid_answers_are_shown_next_to_their_questions(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign)
    q = questions_of(campaign)
    first, _second = section_posts(campaign)
    first[f"q{q[QuestionType.LIKERT_5].pk}"] = "9"  # off the scale
    del first[f"q{q[QuestionType.SCALE_0_10].pk}"]  # required, missing
    page = client.post(section_url(campaign, 1), first)
    assert page.status_code == 400
    html = page.content.decode()
    for kind in (QuestionType.LIKERT_5, QuestionType.SCALE_0_10):
        error_id = f'id="id_q{q[kind].pk}_error"'
        assert error_id in html
        # The error sits inside the question's own fieldset, which points at it.
        fieldset_start = html.index(f'id="id_q{q[kind].pk}_field"')
        assert fieldset_start < html.index(error_id) < html.index("</fieldset>", fieldset_start)
        assert f'href="#id_q{q[kind].pk}_0"' in html  # the summary links to the field
    assertContains(page, "이 질문에 답해 주세요.", status_code=400)
    assertContains(page, "보기 가운데 하나를 골라 주세요.", status_code=400)
    # The valid answer is kept in the page.
    likert7 = q[QuestionType.LIKERT_7].pk
    assertContains(page, f'value="6" id="id_q{likert7}_5" checked', status_code=400, html=False)


def test_too_many_choices_and_a_foreign_choice_are_refused(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign)
    first, second = section_posts(campaign)
    client.post(section_url(campaign, 1), first)
    q = questions_of(campaign)
    multiple = q[QuestionType.MULTIPLE_CHOICE]
    second[f"q{multiple.pk}"] = [str(choice.pk) for choice in multiple.choices.all()]
    page = client.post(section_url(campaign, 2), second)
    assertContains(page, "2개까지 고를 수 있습니다.", status_code=400)
    single = q[QuestionType.SINGLE_CHOICE]
    second[f"q{multiple.pk}"] = []
    second[f"q{single.pk}"] = str(multiple.choices.first().pk)  # another question's option
    page = client.post(section_url(campaign, 2), second)
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_back_keeps_the_answers_typed_on_both_pages(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign, agree=True, age_band="30s")
    first, _second = section_posts(campaign)
    client.post(section_url(campaign, 1), first)
    q = questions_of(campaign)
    # Half of page 2 typed, then back: nothing checked, everything kept.
    partial = {f"q{q[QuestionType.SHORT_TEXT].pk}": "아직 쓰는 중", "action": "back"}
    assertRedirects(client.post(section_url(campaign, 2), partial), section_url(campaign, 1))
    page_one = client.get(section_url(campaign, 1))
    likert5 = q[QuestionType.LIKERT_5].pk
    assertContains(page_one, f'value="4" id="id_q{likert5}_3" checked', html=False)
    assertRedirects(
        client.post(section_url(campaign, 1), {"action": "back"}),
        reverse("evaluations:survey_consent", args=[campaign.slug]),
    )
    consent_page = client.get(reverse("evaluations:survey_consent", args=[campaign.slug]))
    assertContains(consent_page, 'value="30s" selected', html=False)
    client.post(section_url(campaign, 1), first)
    page_two = client.get(section_url(campaign, 2))
    assertContains(page_two, "아직 쓰는 중")


def test_skipping_ahead_goes_back_to_the_first_unanswered_section(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    assertRedirects(
        client.get(section_url(campaign, 1)),
        reverse("evaluations:survey_consent", args=[campaign.slug]),
    )
    consent(client, campaign)
    assertRedirects(client.get(section_url(campaign, 2)), section_url(campaign, 1))
    assert client.get(section_url(campaign, 3)).status_code == 404


def test_without_a_survey_in_progress_the_steps_send_to_the_start(client, campaign):
    for address in (
        reverse("evaluations:survey_consent", args=[campaign.slug]),
        section_url(campaign, 1),
    ):
        assertRedirects(
            client.get(address), reverse("evaluations:survey_start", args=[campaign.slug])
        )


def test_the_honeypot_stores_nothing_but_thanks_all_the_same(client, campaign, world):
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign)
    first, second = section_posts(campaign)
    client.post(section_url(campaign, 1), {**first, "website": "http://spam.example"})
    done = client.post(section_url(campaign, 2), second)
    assertRedirects(done, reverse("evaluations:survey_thanks", args=[campaign.slug]))
    assert not Response.objects.exists()


# --- Stakeholders ------------------------------------------------------------------------------


INVITATION_TOKEN = "stakeholder-token-0123456789abcdef"


def _invitation(campaign, institution, token=INVITATION_TOKEN):
    return StakeholderInvitation.objects.create(
        campaign=campaign, institution=institution, token_hash=invitation_token_hash(token)
    ), token


def test_a_stakeholder_answers_once_and_the_token_is_spent_without_a_link(
    client, campaign, world
):
    invitation, token = _invitation(campaign, world.institution_y)
    address = reverse("evaluations:survey_token", args=[token])
    assertContains(client.get(address), "이해관계자로 초대받으셨습니다")
    assertRedirects(
        client.post(address), reverse("evaluations:survey_consent", args=[campaign.slug])
    )
    assert token not in str(dict(client.session))  # only its hash is kept
    consent(client, campaign)
    for step, data in enumerate(section_posts(campaign), start=1):
        client.post(section_url(campaign, step), data)
    response = Response.objects.get()
    assert response.respondent_type == RespondentType.STAKEHOLDER
    assert response.channel == ResponseChannel.TOKEN
    assert response.institution == world.institution_y
    invitation.refresh_from_db()
    assert invitation.used_on == timezone.localdate()
    # The used token is refused with a clear page.
    used = client.get(address)
    assert used.status_code == 410
    assertContains(used, "이미 응답에 쓴 초대 주소입니다", status_code=410)


def test_a_token_spent_while_answering_is_refused_at_submission(client, campaign, world):
    invitation, token = _invitation(campaign, world.institution_x)
    client.post(reverse("evaluations:survey_token", args=[token]))
    consent(client, campaign)
    first, second = section_posts(campaign)
    client.post(section_url(campaign, 1), first)
    StakeholderInvitation.objects.filter(pk=invitation.pk).update(used_on=timezone.localdate())
    refused = client.post(section_url(campaign, 2), second)
    assert refused.status_code == 410
    assertContains(refused, "이미 응답에 쓴 초대 주소입니다", status_code=410)
    assert not Response.objects.exists()


def test_an_unknown_token_is_refused_with_a_clear_page(client, campaign):
    page = client.get(reverse("evaluations:survey_token", args=["not-a-real-token"]))
    assert page.status_code == 404
    assertContains(page, "초대 주소가 올바르지 않습니다", status_code=404)


def test_a_token_of_a_closed_campaign_is_refused(client, world):
    closed = closed_campaign(institutions=[world.institution_x])
    _invitation_row, token = _invitation(closed, world.institution_x)
    page = client.get(reverse("evaluations:survey_token", args=[token]))
    assertContains(page, "응답을 마감했습니다", status_code=410)


# --- Anti-stuffing through the pages ------------------------------------------------------------


def test_one_client_is_capped_with_429_and_its_burst_flagged(client, campaign, world, settings):
    settings.SURVEY_RATE_LIMIT_PER_DEVICE = 3
    settings.SURVEY_BURST_THRESHOLD = 2
    for _attempt in range(3):
        answer_all(client, campaign, world.institution_x)
    assert Response.objects.count() == 3
    refused = start_citizen(client, campaign, world.institution_x)
    assert refused.status_code == 429
    assertContains(refused, "너무 많은 응답이 들어왔습니다", status_code=429)
    flags = list(
        Response.objects.order_by("submitted_at", "pk").values_list("flag_reasons", flat=True)
    )
    assert flags == ["", "burst,duplicate", "burst,duplicate"]


def test_english_pages_are_complete(client, campaign, world):
    client.cookies["django_language"] = "en"
    page = client.get(campaign.get_absolute_url())
    assertContains(page, "Start the survey")
    start_citizen(client, campaign, world.institution_x)
    consent_page = client.get(reverse("evaluations:survey_consent", args=[campaign.slug]))
    assertContains(consent_page, "Personal Information Protection Act")
    client.post(reverse("evaluations:survey_consent", args=[campaign.slug]), {"consent": "refuse"})
    section = client.get(section_url(campaign, 1))
    assertContains(section, "Strongly agree")
    assertContains(section, "Section 1 of 2")


# --- Query counts --------------------------------------------------------------------------------


def _long_section(campaign, questions: int) -> None:
    """Add to the campaign's first section ``questions`` single-choice questions of 5 options."""
    section = QuestionnaireSection.objects.get(questionnaire=campaign.questionnaire, position=1)
    for position in range(10, 10 + questions):
        question = QuestionFactory(
            section=section, position=position, question_type=QuestionType.SINGLE_CHOICE
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=number, label=f"보기 {number}")
            for number in range(1, 6)
        )


@pytest.mark.parametrize("extra_questions", [0, 40])
def test_a_section_page_reads_a_fixed_number_of_queries(
    client, campaign, world, django_assert_max_num_queries, extra_questions
):
    _long_section(campaign, extra_questions)
    start_citizen(client, campaign, world.institution_x)
    consent(client, campaign)
    # The session, the campaign, sections, questions, options, the institution (and the
    # request's savepoint and its release): the same for 3 questions or 43.
    with django_assert_max_num_queries(8):
        page = client.get(section_url(campaign, 1))
    assertContains(page, "<legend", count=3 + extra_questions)


def test_the_campaign_page_reads_a_fixed_number_of_queries(
    client, campaign, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(campaign.get_absolute_url())
