"""Anonymised exports of responses: one row per response, one column per question, no hashes;
streamed, with a query count that grows with pages of responses, not with responses."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import exports
from evaluations.models import Answer, Choice, Question, RespondentType
from evaluations.views import XLSX_CONTENT_TYPE
from tests.evaluation_factories import CampaignFactory, response_with_scores

HEADINGS = [
    "응답 번호", "기관 코드", "기관명", "응답자 유형", "응답 경로", "제출일", "연령대",
    "거주 지역", "의심 표시", "점수 제외",
    "1-1. 절차가 알기 쉬웠습니까?", "1-2. 원하는 결과를 얻었습니까?",
    "1-3. 전반적으로 얼마나 만족하십니까?", "2-1. 어떤 경로로 이용하셨습니까?",
    "2-2. 좋았던 점을 두 가지까지 고르세요.", "2-3. 한 줄 소감", "2-4. 바라는 점",
]
SECRETS = ("a" * 64, "b" * 64, "c" * 64)
# The full response's answers, question by question (text starting "=" is defused).
FULL_ANSWERS = [4, 6, 9, "전화", "친절; 정확", "'=HYPERLINK(1)", "대기 시간이 길었습니다"]


@pytest.fixture
def answered(world):
    """An open campaign with two responses: a full citizen one (flagged, excluded, with
    demographics and hashes) and a stakeholder one with scale answers only."""
    campaign = CampaignFactory(slug="export-me", institutions=[world.institution_x])
    full = response_with_scores(
        campaign,
        world.institution_x,
        [4, 6, 9],
        flag_reasons="duplicate",
        excluded=True,
        age_band="40s",
        district="buk",
        client_ip_hash=SECRETS[0],
        device_hash=SECRETS[1],
        answers_fingerprint=SECRETS[2],
    )
    questions = {
        q.question_type: q
        for q in Question.objects.filter(section__questionnaire=campaign.questionnaire)
    }
    single, multiple = questions["single"], questions["multiple"]
    Answer.objects.bulk_create(
        [
            Answer(response=full, question=single, choice=single.choices.get(label="전화")),
            Answer(response=full, question=multiple, choice=multiple.choices.get(label="친절")),
            Answer(response=full, question=multiple, choice=multiple.choices.get(label="정확")),
            Answer(response=full, question=questions["short_text"], text="=HYPERLINK(1)"),
            Answer(response=full, question=questions["long_text"], text="대기 시간이 길었습니다"),
        ]
    )
    stakeholder = response_with_scores(
        campaign, world.institution_x, [2, 2, 2], respondent_type=RespondentType.STAKEHOLDER
    )
    return campaign, full, stakeholder


def test_csv_has_one_row_per_response_and_one_column_per_question(world, client_as, answered):
    campaign, full, stakeholder = answered
    client = client_as(world.users["city_staff"])
    response = client.get(reverse("evaluations:responses_csv", kwargs={"slug": campaign.slug}))

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="export-me-responses.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == HEADINGS
    first, second = rows[1:]
    assert first[0] == str(full.pk)
    assert first[1:5] == ["XINST", "엑스기관", "시민", "평가 공개 주소"]
    assert first[6:10] == ["40대", "북구", "duplicate", "예"]
    assert first[10:] == [str(answer) for answer in FULL_ANSWERS]
    assert second[0] == str(stakeholder.pk)
    assert second[3:5] == ["이해관계자", "이해관계자 초대"]
    assert second[9:] == ["아니요", "2", "2", "2", "", "", "", ""]
    for secret in SECRETS:
        assert secret not in body


def test_xlsx_holds_the_same_rows(world, client_as, answered):
    campaign, full, _ = answered
    client = client_as(world.users["city_staff"])
    response = client.get(reverse("evaluations:responses_xlsx", kwargs={"slug": campaign.slug}))

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == HEADINGS
    assert rows[1][0] == full.pk
    assert rows[1][10:] == FULL_ANSWERS
    assert len(rows) == 3
    text = " ".join(str(cell) for row in rows for cell in row)
    for secret in SECRETS:
        assert secret not in text


def test_rows_are_read_in_pages(world, monkeypatch, django_assert_max_num_queries):
    """The query count grows with pages of responses (two queries a page), not with them."""
    campaign = CampaignFactory(institutions=[world.institution_x])
    other = CampaignFactory(
        questionnaire=campaign.questionnaire, institutions=[world.institution_x]
    )
    made = []
    for number in range(7):
        made.append(response_with_scores(campaign, world.institution_x, [number % 5 + 1]))
        response_with_scores(other, world.institution_x, [1])  # interleaved: not exported
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    columns = exports.question_columns(campaign)
    with django_assert_max_num_queries(2 * 3 + 1):
        rows = list(exports.response_rows(campaign, columns))
    assert [row[0] for row in rows] == [response.pk for response in made]
    assert [row[10] for row in rows] == [number % 5 + 1 for number in range(7)]


def test_choices_of_a_multiple_choice_question_keep_their_order(world):
    campaign = CampaignFactory(institutions=[world.institution_x])
    response = response_with_scores(campaign, world.institution_x, [])
    multiple = Question.objects.get(
        section__questionnaire=campaign.questionnaire, question_type="multiple"
    )
    for label in ("정확", "친절"):  # stored in the opposite order
        Answer.objects.create(
            response=response, question=multiple, choice=Choice.objects.get(
                question=multiple, label=label
            )
        )
    (row,) = exports.response_rows(campaign, exports.question_columns(campaign))
    assert row[14] == "친절; 정확"
