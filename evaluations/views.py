"""Evaluation pages: thin views over services, selectors and permissions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies.apps import INSTITUTIONS_CONTENT
from agencies.permissions import get_institution_for
from evaluations import permissions, selectors, services
from evaluations.charts import bar_chart, line_chart
from evaluations.forms import AppealAnswerForm, AppealFileForm, AppealWindowForm
from evaluations.models import Appeal, AppealStatus, CampaignStatus, ScoreSnapshot
from evaluations.results import RankingPage, component_rows, csv_rows, csv_text, dimension_rows
from portal.content_cache import content_version
from portal.roles import affiliation_of

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


@require_GET
@login_not_required
def index(request):
    """The campaigns, newest first, with their status and where to go next: the survey while
    open, the ranking once published; a head or deputy head also gets their own breakdown
    once a campaign has closed."""
    affiliation = affiliation_of(request.user)
    own_institution = affiliation.institution if affiliation.leads_institution else None
    context = {
        "campaigns": selectors.campaign_index(permissions.campaigns_visible_to(request.user)),
        "own_institution": own_institution,
        "own_campaign_ids": selectors.campaigns_evaluating(own_institution),
        "runs_campaigns": permissions.can_run_campaigns(request.user),
    }
    return render(request, "evaluations/index.html", context)


@require_GET
@login_not_required
def results(request, slug: str):
    """The public ranking with every component, read from the current snapshot. The rendered
    ranking is cached per snapshot: a snapshot never changes once written."""
    campaign = permissions.get_published_campaign(request.user, slug)
    context = {
        "campaign": campaign,
        "ranking": RankingPage(campaign),  # read only when the cached fragment is rendered
        "fragment_key": [
            campaign.pk,
            campaign.current_snapshot_id,
            campaign.updated_at.isoformat(),
            content_version(INSTITUTIONS_CONTENT),
        ],
    }
    return render(request, "evaluations/results.html", context)


@require_GET
@login_not_required
def results_csv(request, slug: str):
    """The published ranking as CSV with the documented columns (UTF-8 with a BOM)."""
    campaign = permissions.get_published_campaign(request.user, slug)
    ranking = selectors.results_ranking(campaign.current_snapshot_id)
    response = HttpResponse(
        csv_text(csv_rows(ranking)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-results.csv"'
    return response


def _render_breakdown(
    request, campaign, institution, *, appeal_form=None, appeal_error: str = "", status: int = 200
):
    score = selectors.institution_result(campaign.current_snapshot_id, institution)
    if score is None and (
        campaign.current_snapshot_id is not None
        or not campaign.institutions.filter(pk=institution.pk).exists()
    ):
        raise Http404  # not evaluated in this campaign
    sees_appeals = permissions.can_see_appeals_of(request.user, campaign, institution)
    appeals = selectors.appeals_of(campaign, institution=institution) if sees_appeals else []
    may_appeal = (
        permissions.can_file_appeal(request.user, campaign, institution)
        and campaign.appeal_deadline is not None
        and timezone.now() < campaign.appeal_deadline
        and not any(appeal.status == AppealStatus.PENDING for appeal in appeals)
    )
    if may_appeal and appeal_form is None:
        appeal_form = AppealFileForm()
    components = component_rows(score, campaign) if score else []
    chart = None
    if score is not None:
        chart = bar_chart(
            chart_id="breakdown-chart",
            title=_("%(institution)s 점수 구성") % {"institution": institution.name_ko},
            description=_(
                "0점에서 100점 사이의 구성 요소별 점수입니다. 같은 값이 아래 표에 있습니다."
            ),
            items=[(row.label, row.value) for row in components]
            + [(_("종합 점수"), score.composite)],
            highlighted=str(_("종합 점수")),
            no_value=_("값 없음"),
        )
    context = {
        "campaign": campaign,
        "institution": institution,
        "score": score,
        "components": components,
        "dimensions": dimension_rows(score.breakdown) if score else [],
        "chart": chart,
        "is_public": permissions.results_are_public(campaign),
        "sees_appeals": sees_appeals,
        "appeals": appeals,
        "appeal_form": appeal_form if may_appeal else None,
        "appeal_error": appeal_error,
    }
    return render(request, "evaluations/breakdown.html", context, status=status)


@require_GET
@login_not_required
def breakdown(request, slug: str, code: str):
    """An institution's result with every component: public once published; before that for
    its head and deputy head (who may appeal) and the city, once the campaign has closed."""
    institution = get_institution_for(request.user, code)
    campaign = permissions.get_breakdown_campaign(request.user, slug, institution)
    return _render_breakdown(request, campaign, institution)


@require_POST
def appeal_file(request, slug: str, code: str):
    """The institution's head or deputy head files an appeal from its breakdown page."""
    institution = get_institution_for(request.user, code)
    campaign = permissions.get_breakdown_campaign(request.user, slug, institution)
    if not permissions.can_file_appeal(request.user, campaign, institution):
        raise PermissionDenied
    form = AppealFileForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_file(
                campaign=campaign,
                institution=institution,
                by=request.user,
                text=form.cleaned_data["text"],
            )
        except services.ResultsError as error:
            if error.code != "text":  # the window closed, or an appeal is already pending
                return _render_breakdown(
                    request, campaign, institution, appeal_error=error.message, status=400
                )
            form.add_error("text", error.message)
        else:
            messages.success(
                request, _("이의신청을 접수했습니다. 시의 답변을 이 쪽에서 볼 수 있습니다.")
            )
            return redirect("evaluations:breakdown", slug=campaign.slug, code=institution.slug)
    return _render_breakdown(request, campaign, institution, appeal_form=form, status=400)


@require_GET
@login_not_required
def institution_trend(request, code: str):
    """An institution's published results across the years, as a chart and a table."""
    institution = get_institution_for(request.user, code)
    scores = selectors.institution_trend(institution)
    chart = None
    if scores:
        chart = line_chart(
            chart_id="trend-chart",
            title=_("%(institution)s 연도별 점수") % {"institution": institution.name_ko},
            description=_(
                "공개된 평가의 종합 점수와 시민 만족도를 연도별로 잇는 선입니다. "
                "같은 값이 아래 표에 있습니다."
            ),
            years=[score.snapshot.campaign.year for score in scores],
            series=[
                (_("종합 점수"), "series--composite", [score.composite for score in scores]),
                (_("시민 만족도"), "series--citizen", [score.citizen_index for score in scores]),
            ],
        )
    context = {"institution": institution, "scores": scores, "chart": chart}
    return render(request, "evaluations/trend.html", context)


def _render_appeals(
    request, campaign, *, window_form=None, failed=None, failed_form=None, status: int = 200
):
    snapshot_id = (
        ScoreSnapshot.objects.filter(campaign=campaign, is_current=True)
        .values_list("pk", flat=True)
        .first()
    )
    rows = []
    for appeal in selectors.appeals_of(campaign):
        form = None
        if appeal.status == AppealStatus.PENDING:
            if failed is not None and failed.pk == appeal.pk:
                form = failed_form
            else:
                form = AppealAnswerForm(prefix=f"appeal-{appeal.pk}")
        rows.append((appeal, form))
    opens_window = campaign.status in (CampaignStatus.CLOSED, CampaignStatus.UNDER_APPEAL)
    if opens_window and window_form is None:
        initial = (
            {"last_day": timezone.localdate(campaign.appeal_deadline - datetime.timedelta(days=1))}
            if campaign.appeal_deadline
            else {}
        )
        window_form = AppealWindowForm(initial=initial)
    context = {
        "campaign": campaign,
        "rows": rows,
        "window_form": window_form if opens_window else None,
        "blockers": services.publication_blockers(campaign),
        "ranking": (
            selectors.results_ranking(snapshot_id)
            if campaign.results_visible_to_institutions
            else []
        ),
    }
    return render(request, "evaluations/appeals.html", context, status=status)


@require_GET
def appeals(request, slug: str):
    """City staff: the appeal window, the appeals with their answers, a preview of the
    ranking, and the publish button with what still stands in its way."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    return _render_appeals(request, campaign)


@require_POST
def appeals_open(request, slug: str):
    campaign = permissions.get_managed_campaign(request.user, slug)
    form = AppealWindowForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_open_appeals(
                campaign=campaign, by=request.user, deadline=form.deadline
            )
        except services.ResultsError as error:
            form.add_error("last_day", error.message)
        else:
            messages.success(request, _("이의신청 기간을 정했습니다."))
            return redirect("evaluations:appeals", slug=campaign.slug)
    return _render_appeals(request, campaign, window_form=form, status=400)


@require_POST
def appeal_answer(request, slug: str, pk: int):
    campaign = permissions.get_managed_campaign(request.user, slug)
    appeal = get_object_or_404(Appeal, campaign=campaign, pk=pk)
    form = AppealAnswerForm(request.POST, prefix=f"appeal-{appeal.pk}")
    if form.is_valid():
        try:
            services.appeal_answer(
                appeal=appeal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                answer=form.cleaned_data["answer"],
            )
        except services.ResultsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("이의신청에 답했습니다."))
            return redirect("evaluations:appeals", slug=campaign.slug)
    return _render_appeals(request, campaign, failed=appeal, failed_form=form, status=400)


@require_POST
def publish(request, slug: str):
    campaign = permissions.get_managed_campaign(request.user, slug)
    try:
        services.campaign_publish(campaign=campaign, by=request.user)
    except services.ResultsError as error:
        messages.error(request, error.message)
        return _render_appeals(request, campaign, status=400)
    messages.success(request, _("결과를 공개했습니다."))
    return redirect("evaluations:results", slug=campaign.slug)



# --- Best practices (E3) ----------------------------------------------------------------------
