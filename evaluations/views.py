"""Evaluation pages: thin views over services, selectors and permissions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import services
from evaluations.permissions import get_managed_campaign
from evaluations.services import LifecycleError

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------
# Buttons on the campaign management page (templates/evaluations/_lifecycle_actions.html):
# POST only, city staff only (anyone else gets a 404, as for every management page).


def campaign_manage_path(campaign) -> str:
    """The campaign's management page (E1's ``evaluations:campaign_manage``); its plain path
    until that page is part of the URL configuration."""
    try:
        return reverse("evaluations:campaign_manage", kwargs={"slug": campaign.slug})
    except NoReverseMatch:
        return f"/evaluations/manage/{campaign.slug}/"


def _lifecycle_action(request, slug: str, action, done_message: str):
    campaign = get_managed_campaign(request.user, slug)
    try:
        action(campaign=campaign, by=request.user)
    except LifecycleError as error:
        return render(
            request,
            "evaluations/lifecycle_refused.html",
            {
                "campaign": campaign,
                "message": error.message,
                "back": campaign_manage_path(campaign),
            },
            status=400,
        )
    messages.success(request, done_message)
    return redirect(campaign_manage_path(campaign))


@require_POST
def lifecycle_open(request, slug: str):
    """Open a draft campaign to answers."""
    return _lifecycle_action(
        request, slug, services.campaign_open, _("평가를 시작했습니다. 이제 응답을 받습니다.")
    )


@require_POST
def lifecycle_close(request, slug: str):
    """Close an open campaign now; its scores are computed in the background."""
    return _lifecycle_action(
        request,
        slug,
        services.campaign_close,
        _("응답을 마감했습니다. 점수를 계산하고 있습니다."),
    )


@require_POST
def lifecycle_recompute(request, slug: str):
    """Compute the scores again (after exclusions or an upheld appeal)."""
    return _lifecycle_action(
        request,
        slug,
        services.campaign_recompute,
        _("점수를 다시 계산하고 있습니다. 자료가 그대로이면 결과도 그대로입니다."),
    )


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
