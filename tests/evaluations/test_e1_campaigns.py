"""Campaign management for city staff: create and edit (what is asked and how it is scored is
fixed once a campaign opens), the overview's participation counts, links and QR codes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import Campaign, CampaignStatus, RespondentType
from evaluations.services import ManagementError
from tests.evaluation_factories import (
    CampaignFactory,
    closed_campaign,
    response_with_scores,
    standard_questionnaire,
)
from tests.factories import InstitutionFactory
from tests.pages import section_text, visible_text


def _form_data(world, **changes) -> dict:
    data = {
        "title": "2030 시민 평가",
        "slug": "citizen-2030",
        "year": "2030",
        "description": "공공기관 서비스를 시민이 평가합니다.",
        "questionnaire": standard_questionnaire().pk,
        "institutions": [world.institution_x.pk, world.institution_y.pk],
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-31T18:00",
        "weight_citizen": "40",
        "weight_stakeholder": "20",
        "weight_kpi": "20",
        "weight_timeliness": "10",
        "weight_follow_through": "10",
        "minimum_sample": "30",
        "grade_scheme": "hangul",
        "grade_thresholds": "90, 80, 70, 60",
        "excellent_count": "3",
    }
    return data | changes


def test_city_staff_create_a_draft_campaign(world, client_as):
    client = client_as(world.users["city_staff"])
    response = client.post(reverse("evaluations:campaign_new"), _form_data(world))

    campaign = Campaign.objects.get(slug="citizen-2030")
    assert response["Location"] == reverse(
        "evaluations:campaign_manage", kwargs={"slug": "citizen-2030"}
    )
    assert campaign.status == CampaignStatus.DRAFT
    assert set(campaign.institutions.all()) == {world.institution_x, world.institution_y}
    assert campaign.grade_thresholds == "90,80,70,60"
    assert timezone.localtime(campaign.opens_at).hour == 9  # entered in Asia/Seoul


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight_kpi": "25"}, None, "가중치의 합은 100이어야 합니다."),
        ({"closes_at": "2030-02-01T09:00"}, None, ""),
        ({"grade_thresholds": "80,90,70,60"}, "grade_thresholds", "높은 순서로"),
        ({"grade_thresholds": "90,80"}, "grade_thresholds", "네 개"),
        ({"slug": "questionnaires"}, "slug", "다른 이름"),
    ],
)
def test_invalid_settings_are_refused_on_the_form(world, client_as, changes, field, message):
    client = client_as(world.users["city_staff"])
    response = client.post(reverse("evaluations:campaign_new"), _form_data(world, **changes))
    assert response.status_code == 400
    assert not Campaign.objects.filter(slug=changes.get("slug", "citizen-2030")).exists()
    if field:
        errors = re.search(rf'id="id_{field}_error">(.*?)</p>', response.text, re.S)
        assert errors
        assert message in errors.group(1)
    elif message:
        assert message in visible_text(response.text)


def test_an_open_campaign_keeps_what_is_asked_and_how_it_is_scored(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    questionnaire = campaign.questionnaire
    client = client_as(world.users["city_staff"])
    response = client.post(
        reverse("evaluations:campaign_edit", kwargs={"slug": campaign.slug}),
        _form_data(
            world,
            title="새 제목",
            weight_citizen="60",
            weight_stakeholder="0",
            closes_at="2099-01-01T18:00",
        ),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "새 제목"
    assert timezone.localtime(campaign.closes_at).year == 2099
    # The disabled fields kept their values whatever was posted.
    assert campaign.weight_citizen == 40
    assert campaign.questionnaire == questionnaire
    assert list(campaign.institutions.all()) == [world.institution_x]
    assert campaign.slug != "citizen-2030"
    # The service refuses them too.
    with pytest.raises(ManagementError) as refused:
        services.campaign_update(
            campaign=campaign, by=world.users["city_staff"], weight_kpi=30, weight_citizen=30
        )
    assert refused.value.code == "locked"
    with pytest.raises(ManagementError):
        services.campaign_update(
            campaign=campaign,
            by=world.users["city_staff"],
            institutions=[world.institution_x, world.institution_y],
        )


def test_a_draft_campaign_changes_its_institutions_and_questionnaire(world):
    campaign = CampaignFactory(status="draft", institutions=[world.institution_x])
    other = standard_questionnaire("다른 설문")
    services.campaign_update(
        campaign=campaign,
        by=world.users["city_staff"],
        institutions=[world.institution_y],
        questionnaire=other,
    )
    campaign.refresh_from_db()
    assert list(campaign.institutions.all()) == [world.institution_y]
    assert campaign.questionnaire == other


def test_a_closed_campaign_is_not_edited(world):
    campaign = closed_campaign(institutions=[world.institution_x])
    with pytest.raises(ManagementError) as refused:
        services.campaign_update(campaign=campaign, by=world.users["city_staff"], title="x")
    assert refused.value.code == "closed"


def test_the_overview_counts_participation_not_results(world, client_as):
    campaign = CampaignFactory(
        institutions=[world.institution_x, world.institution_y], minimum_sample=2
    )
    for _ in range(3):
        response_with_scores(campaign, world.institution_x, [5, 7, 10])
    response_with_scores(
        campaign, world.institution_x, [1], respondent_type=RespondentType.STAKEHOLDER
    )
    response_with_scores(campaign, world.institution_y, [3], flag_reasons="burst")
    client = client_as(world.users["city_staff"])
    page = client.get(reverse("evaluations:campaign_manage", kwargs={"slug": campaign.slug}))

    table = section_text(page.text, "participation-title")
    assert "엑스기관 3 1 0 (0) 0 0" in table
    assert "와이기관 1 최소 응답 수 미달 0 0 (0) 1 0" in table
    assert "점수" not in table.replace("점수는 평가를 마감한 뒤에 계산합니다", "")


@pytest.mark.parametrize("count", [1, 15])
def test_manage_list_query_count(world, client_as, django_assert_max_num_queries, count):
    for number in range(count):
        campaign = CampaignFactory(
            institutions=[world.institution_x, world.institution_y],
            opens_at=timezone.now() - datetime.timedelta(days=number + 1),
        )
        response_with_scores(campaign, world.institution_x, [4])
    client = client_as(world.users["city_staff"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("evaluations:manage"))
    assert response.status_code == 200
    assert visible_text(response.text).count("공공기관 시민 평가") == count


@pytest.mark.parametrize("institutions", [1, 20])
def test_overview_query_count(world, client_as, django_assert_max_num_queries, institutions):
    evaluated = [InstitutionFactory() for _ in range(institutions)]
    campaign = CampaignFactory(institutions=evaluated)
    for institution in evaluated:
        response_with_scores(campaign, institution, [2])
    client = client_as(world.users["city_staff"])
    overview = reverse("evaluations:campaign_manage", kwargs={"slug": campaign.slug})
    # + 1 for the header's unread-notification count (cold cache in a test).
    with django_assert_max_num_queries(11):
        response = client.get(overview)
    assert response.status_code == 200


def test_links_page_shows_every_institutions_link_and_qr_code(world, client_as):
    campaign = CampaignFactory(slug="citizen-qr", institutions=[world.institution_x])
    client = client_as(world.users["city_staff"])
    page = client.get(reverse("evaluations:campaign_links", kwargs={"slug": campaign.slug}))

    assert "http://testserver/evaluations/citizen-qr/" in page.text
    assert "http://testserver/evaluations/citizen-qr/i/xinst/" in page.text
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "<title>" in page.text
    assert "엑스기관 설문 QR 코드" in page.text
    assert " style=" not in page.text  # CSP: no inline styles, in the SVG either


def test_qr_code_download_is_an_svg_of_the_link(world, client_as):
    campaign = CampaignFactory(slug="citizen-qr", institutions=[world.institution_x])
    client = client_as(world.users["city_staff"])
    response = client.get(
        reverse("evaluations:campaign_qr", kwargs={"slug": campaign.slug}),
        {"institution": "xinst"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert 'filename="qr-citizen-qr-xinst.svg"' in response["Content-Disposition"]
    assert response.content.decode().startswith("<svg")
