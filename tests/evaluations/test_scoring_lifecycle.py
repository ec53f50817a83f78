"""Opening, closing (by a person or by the beat task) and recomputing a campaign; the close
enqueues scoring after commit (tasks run in-process here: eager mode is the test default);
the lifecycle buttons; ``manage.py compute_scores``."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import CampaignStatus, RespondentType, ScoreSnapshot
from evaluations.services import LifecycleError
from evaluations.tasks import close_due_campaigns, compute_campaign_scores
from evaluations.views import campaign_manage_path
from tests.evaluation_factories import (
    CampaignFactory,
    QuestionnaireFactory,
    closed_campaign,
    response_with_scores,
)


def _campaign_with_answers(world, **kwargs):
    campaign = CampaignFactory(institutions=[world.institution_x], minimum_sample=1, **kwargs)
    response_with_scores(campaign, world.institution_x, (5, 7, 10))
    response_with_scores(campaign, world.institution_x, (3, 4, 5))
    return campaign


# --- Opening ----------------------------------------------------------------------------------


def test_opening_a_draft_brings_a_future_opening_forward(world):
    later = timezone.now() + datetime.timedelta(days=2)
    campaign = CampaignFactory(
        status=CampaignStatus.DRAFT,
        opens_at=later,
        closes_at=later + datetime.timedelta(days=10),
        institutions=[world.institution_x],
    )
    services.campaign_open(campaign=campaign, by=world.users["city_staff"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.opens_at <= timezone.now()


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("open", "status"),
        ("past", "closed"),
        ("no-institutions", "institutions"),
        ("no-scale-question", "questionnaire"),
    ],
)
def test_opening_is_refused_when_it_cannot_work(world, setup, code):
    kwargs = {"status": CampaignStatus.DRAFT, "institutions": [world.institution_x]}
    if setup == "open":
        kwargs["status"] = CampaignStatus.OPEN
    elif setup == "past":
        kwargs.update(
            opens_at=timezone.now() - datetime.timedelta(days=5),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
    elif setup == "no-institutions":
        kwargs["institutions"] = []
    elif setup == "no-scale-question":
        kwargs["questionnaire"] = QuestionnaireFactory()
    campaign = CampaignFactory(**kwargs)
    with pytest.raises(LifecycleError) as refused:
        services.campaign_open(campaign=campaign, by=world.users["city_staff"])
    assert refused.value.code == code
    campaign.refresh_from_db()
    assert campaign.status == kwargs["status"]


def test_only_city_staff_run_campaigns(world):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, institutions=[world.institution_x])
    with pytest.raises(LifecycleError) as refused:
        services.campaign_open(campaign=campaign, by=world.users["head_x"])
    assert refused.value.code == "forbidden"


# --- Closing enqueues scoring -------------------------------------------------------------------


def test_closing_enqueues_scoring_after_commit(world, django_capture_on_commit_callbacks):
    campaign = _campaign_with_answers(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.campaign_close(campaign=campaign, by=world.users["city_staff"])
    # Nothing is scored before the commit: the task is only queued for it (beside the
    # results cache's version bump, which every campaign save queues).
    assert callbacks
    assert not ScoreSnapshot.objects.filter(campaign=campaign).exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert campaign.closes_at <= timezone.now()  # closed early: the date tells the truth
    for callback in callbacks:  # the commit: the task runs (in-process, eager mode)
        callback()
    snapshot = ScoreSnapshot.objects.get(campaign=campaign, is_current=True)
    # (100 + 50) / 2 = 75
    assert snapshot.scores.get(institution=world.institution_x).citizen_index == 75


def test_closing_through_the_button(world, client_as, django_capture_on_commit_callbacks):
    campaign = _campaign_with_answers(world)
    client = client_as(world.users["city_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluations:campaign_close", args=[campaign.slug]))
    assert response.status_code == 302
    assert response["Location"] == campaign_manage_path(campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert ScoreSnapshot.objects.filter(campaign=campaign, is_current=True).count() == 1


def test_a_refused_step_is_explained_on_a_page(world, client_as):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, institutions=[world.institution_x])
    response = client_as(world.users["city_staff"]).post(
        reverse("evaluations:campaign_close", args=[campaign.slug])
    )
    assert response.status_code == 400
    assert "응답을 받는 중인 평가만 마감할 수 있습니다." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


@pytest.mark.parametrize("role", ["anonymous", "staff_x", "head_x", "head_y"])
def test_others_cannot_close(world, client_as, role):
    campaign = _campaign_with_answers(world)
    response = client_as(world.users[role]).post(
        reverse("evaluations:campaign_close", args=[campaign.slug])
    )
    assert response.status_code == (302 if role == "anonymous" else 404)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_the_beat_task_closes_due_campaigns_once(world, django_capture_on_commit_callbacks):
    due = _campaign_with_answers(world)
    due.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    due.save()
    running = _campaign_with_answers(world)
    with django_capture_on_commit_callbacks(execute=True):
        closed = close_due_campaigns.delay().get()
    assert closed == [due.pk]
    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, running.status) == (CampaignStatus.CLOSED, CampaignStatus.OPEN)
    assert ScoreSnapshot.objects.filter(campaign=due).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_campaigns.delay().get() == []


# --- Recomputing --------------------------------------------------------------------------------


def test_recompute_button_keeps_an_unchanged_snapshot(
    world, client_as, django_capture_on_commit_callbacks
):
    campaign = closed_campaign(institutions=[world.institution_x], minimum_sample=1)
    response_with_scores(campaign, world.institution_x, (5, 7, 10))
    client = client_as(world.users["city_staff"])
    url = reverse("evaluations:campaign_recompute", args=[campaign.slug])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302
    assert ScoreSnapshot.objects.filter(campaign=campaign).count() == 1
    # A late stakeholder answer changes the data: the next recompute writes a new snapshot.
    response_with_scores(
        campaign, world.institution_x, (1, 1, 0), respondent_type=RespondentType.STAKEHOLDER
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert ScoreSnapshot.objects.filter(campaign=campaign).count() == 2
    assert ScoreSnapshot.objects.filter(campaign=campaign, is_current=True).count() == 1


@pytest.mark.parametrize("status", [CampaignStatus.OPEN, CampaignStatus.PUBLISHED])
def test_recompute_is_refused_while_open_and_after_publication(world, status):
    campaign = closed_campaign(status=status, institutions=[world.institution_x])
    with pytest.raises(LifecycleError):
        services.campaign_recompute(campaign=campaign, by=world.users["city_staff"])


def test_the_task_skips_a_campaign_published_meanwhile(world):
    campaign = closed_campaign(status=CampaignStatus.PUBLISHED, institutions=[world.institution_x])
    assert compute_campaign_scores.delay(campaign.pk).get() is None
    assert compute_campaign_scores.delay(0).get() is None
    assert not ScoreSnapshot.objects.filter(campaign=campaign).exists()


# --- The buttons --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "button", "action"),
    [
        (CampaignStatus.DRAFT, "응답 받기 시작", "campaign_open"),
        (CampaignStatus.OPEN, "지금 마감", "campaign_close"),
        (CampaignStatus.CLOSED, "점수 다시 계산", "campaign_recompute"),
        (CampaignStatus.UNDER_APPEAL, "점수 다시 계산", "campaign_recompute"),
    ],
)
def test_lifecycle_buttons_follow_the_status(world, status, button, action):
    campaign = closed_campaign(status=status, institutions=[world.institution_x])
    request = RequestFactory().get("/")
    request.user = world.users["city_staff"]
    html = render_to_string(
        "evaluations/_lifecycle_actions.html", {"campaign": campaign}, request=request
    )
    assert button in html
    assert f'action="{reverse(f"evaluations:{action}", args=[campaign.slug])}"' in html
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_published_campaign_has_no_buttons(world):
    campaign = closed_campaign(status=CampaignStatus.PUBLISHED, institutions=[world.institution_x])
    html = render_to_string("evaluations/_lifecycle_actions.html", {"campaign": campaign})
    assert "<form" not in html
    assert "결과를 공개했습니다" in html


# --- manage.py compute_scores -------------------------------------------------------------------


def test_compute_scores_command(world):
    campaign = closed_campaign(institutions=[world.institution_x], minimum_sample=1)
    response_with_scores(campaign, world.institution_x, (5, 7, 10))
    out = StringIO()
    call_command("compute_scores", campaign=campaign.slug, stdout=out)
    assert "XINST" in out.getvalue()
    assert "a new snapshot is now current" in out.getvalue()
    out = StringIO()
    call_command("compute_scores", campaign=campaign.slug, stdout=out)
    assert "unchanged: the current snapshot was kept" in out.getvalue()
    assert ScoreSnapshot.objects.filter(campaign=campaign).count() == 1


def test_compute_scores_command_refuses_clearly(world):
    open_campaign = CampaignFactory(institutions=[world.institution_x])
    with pytest.raises(CommandError, match="No campaign"):
        call_command("compute_scores", campaign="no-such-campaign")
    with pytest.raises(CommandError, match="점수는 응답을 마감한 뒤"):
        call_command("compute_scores", campaign=open_campaign.slug)


def test_beat_closes_due_campaigns_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["close-due-campaigns"]
    assert entry["task"] == close_due_campaigns.name
    assert entry["schedule"] <= 10 * 60
