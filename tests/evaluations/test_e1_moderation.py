"""Moderation: flagged responses are excluded from scoring, or restored, with a reason that
is logged; the page shows the flags and nothing that could identify a person."""

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import CampaignStatus, Response, ResponseExclusion
from evaluations.services import ManagementError
from tests.evaluation_factories import CampaignFactory, closed_campaign, response_with_scores
from tests.pages import section_text, visible_text


def test_exclude_then_restore_keeps_the_log_and_the_flag_in_step(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    flagged = response_with_scores(campaign, world.institution_x, [5], flag_reasons="burst")
    client = client_as(world.users["city_staff"])
    url = reverse(
        "evaluations:response_exclusion", kwargs={"slug": campaign.slug, "pk": flagged.pk}
    )
    prefix = f"r{flagged.pk}"

    response = client.post(url, {f"{prefix}-action": "exclude", f"{prefix}-reason": "몰림"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.excluded is True

    client.post(url, {f"{prefix}-action": "restore", f"{prefix}-reason": "정상 행사 응답"})
    flagged.refresh_from_db()
    assert flagged.excluded is False
    log = list(
        ResponseExclusion.objects.filter(response=flagged)
        .order_by("at", "pk")
        .values_list("excluded", "reason", "by")
    )
    assert log == [
        (True, "몰림", world.users["city_staff"].pk),
        (False, "정상 행사 응답", world.users["city_staff"].pk),
    ]


def test_a_reason_is_required(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    flagged = response_with_scores(campaign, world.institution_x, [5], flag_reasons="burst")
    client = client_as(world.users["city_staff"])
    response = client.post(
        reverse("evaluations:response_exclusion", kwargs={"slug": campaign.slug, "pk": flagged.pk}),
        {f"r{flagged.pk}-action": "exclude", f"r{flagged.pk}-reason": "  "},
    )
    assert response.status_code == 400
    assert f'id="id_r{flagged.pk}-reason_error"' in response.text
    flagged.refresh_from_db()
    assert flagged.excluded is False
    assert not ResponseExclusion.objects.exists()


@pytest.mark.parametrize(
    ("status", "excluded", "code"),
    [
        (CampaignStatus.PUBLISHED, False, "published"),
        (CampaignStatus.CLOSED, True, "unchanged"),
    ],
)
def test_exclusions_refused(world, status, excluded, code):
    campaign = closed_campaign(status=status, institutions=[world.institution_x])
    response = response_with_scores(campaign, world.institution_x, [5], excluded=excluded)
    with pytest.raises(ManagementError) as refused:
        services.response_set_excluded(
            response=response, excluded=True, reason="사유", by=world.users["city_staff"]
        )
    assert refused.value.code == code
    assert Response.objects.get().excluded is excluded


def test_the_page_shows_flags_but_no_personal_data(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    response_with_scores(
        campaign,
        world.institution_x,
        [5],
        flag_reasons="burst,duplicate",
        client_ip_hash="a" * 64,
        device_hash="b" * 64,
        answers_fingerprint="c" * 64,
        age_band="30s",
        district="seo",
    )
    response_with_scores(campaign, world.institution_x, [4])  # not flagged: not listed
    client = client_as(world.users["city_staff"])
    page = client.get(reverse("evaluations:campaign_responses", kwargs={"slug": campaign.slug}))

    listed = section_text(page.text, "responses-title")
    assert "응답 1건" in listed
    assert "burst,duplicate" in listed
    assert "엑스기관" in listed
    for secret in ("a" * 64, "b" * 64, "c" * 64, "30대", "서구"):
        assert secret not in page.text
    everything = client.get(
        reverse("evaluations:campaign_responses", kwargs={"slug": campaign.slug}), {"show": "all"}
    )
    assert "응답 2건" in visible_text(everything.text)


@pytest.mark.parametrize("count", [1, 60])
def test_moderation_query_count(world, client_as, django_assert_max_num_queries, count):
    campaign = CampaignFactory(institutions=[world.institution_x, world.institution_y])
    for number in range(count):
        response = response_with_scores(
            campaign,
            world.institution_x if number % 2 else world.institution_y,
            [3],
            flag_reasons="burst",
        )
        ResponseExclusion.objects.create(
            response=response, excluded=True, reason="몰림", by=world.users["admin"]
        )
    client = client_as(world.users["city_staff"])
    # + 1 for the header's unread-notification count (cold cache in a test).
    with django_assert_max_num_queries(11):
        page = client.get(
            reverse("evaluations:campaign_responses", kwargs={"slug": campaign.slug})
        )
    assert page.status_code == 200
    assert page.text.count('class="card" id="response-') == min(count, 50)
