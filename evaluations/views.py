"""Evaluation pages: thin views over services, selectors and permissions."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from evaluations import permissions, selectors, survey
from evaluations.forms import SurveyConsentForm, SurveyInstitutionForm, SurveySectionForm
from evaluations.models import RespondentType, ResponseChannel, StakeholderInvitation

logger = logging.getLogger(__name__)

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------
# The way through: campaign page -> start (choose the institution, or the institution's own
# link / QR code, or a stakeholder's invitation) -> consent to the optional demographics ->
# one page per section (back keeps the answers) -> submission -> thank-you page. The survey in
# progress lives in the session (``survey.SurveyEntry``); nothing is stored before the end.


def _survey_refused(request, campaign, error: survey.SurveyError):
    """The clear page for a survey that cannot be answered, with the error's status."""
    context = {"campaign": campaign, "message": error.message, "status": error.status}
    return render(request, "evaluations/survey_refused.html", context, status=error.status)


def _open_campaign(request, slug: str):
    """The campaign (404 unless the user may see it) and the refusal page if it does not
    take answers now, else None."""
    campaign = permissions.get_campaign_for(request.user, slug)
    try:
        survey.ensure_accepting_answers(campaign)
    except survey.SurveyNotOpen as error:
        return campaign, _survey_refused(request, campaign, error)
    return campaign, None


def _begin(request, campaign, *, institution, respondent_type, channel, hashed_token=""):
    """Start (or restart) the survey and go to the consent step; a client already at its
    rate limit is told now rather than after answering everything."""
    try:
        survey.ensure_under_rate_limit(campaign, survey.client_signals(request))
    except survey.RateLimited as error:
        return _survey_refused(request, campaign, error)
    survey.SurveyEntry(
        institution_id=institution.pk,
        respondent_type=respondent_type,
        channel=channel,
        hashed_token=hashed_token,
    ).save(request, campaign)
    response = redirect("evaluations:survey_consent", slug=campaign.slug)
    survey.remember_device(request, response)
    return response


def _entry_or_restart(request, campaign):
    """The survey in progress and its institution, or a redirect to the start."""
    entry = survey.SurveyEntry.load(request, campaign)
    institution = selectors.survey_institution(entry) if entry else None
    if institution is None:
        messages.info(request, _("설문을 처음부터 시작해 주세요."))
        return None, None, redirect("evaluations:survey_start", slug=campaign.slug)
    return entry, institution, None


@require_GET
@login_not_required
def campaign(request, slug: str):
    """A campaign for the public: what and why, the answering window, its status; a start
    button while it takes answers."""
    campaign = permissions.get_campaign_for(request.user, slug)
    context = {
        "campaign": campaign,
        "accepting": survey.accepting_answers(campaign),
        "in_progress": survey.SurveyEntry.load(request, campaign) is not None,
        "institution_count": campaign.institutions.count(),
    }
    return render(request, "evaluations/campaign.html", context)


@require_http_methods(["GET", "POST"])
@login_not_required
def survey_start(request, slug: str):
    """Choose the institution you used, then begin."""
    campaign, refused = _open_campaign(request, slug)
    if refused:
        return refused
    data = request.POST if request.method == "POST" else None
    form = SurveyInstitutionForm(data, campaign=campaign)
    if request.method == "POST":
        if form.is_valid():
            return _begin(
                request,
                campaign,
                institution=form.cleaned_data["institution"],
                respondent_type=RespondentType.CITIZEN,
                channel=ResponseChannel.CAMPAIGN_LINK,
            )
        status = 400
    else:
        status = 200
    context = {"campaign": campaign, "form": form}
    return render(request, "evaluations/survey_start.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_not_required
def survey_institution(request, slug: str, code: str):
    """An institution's own survey address (its QR code points here): confirm, then begin."""
    campaign, refused = _open_campaign(request, slug)
    if refused:
        return refused
    institution = get_object_or_404(campaign.institutions, code=code.upper())
    if request.method == "POST":
        return _begin(
            request,
            campaign,
            institution=institution,
            respondent_type=RespondentType.CITIZEN,
            channel=ResponseChannel.INSTITUTION_LINK,
        )
    context = {"campaign": campaign, "institution": institution, "stakeholder": False}
    return render(request, "evaluations/survey_entry.html", context)


@require_http_methods(["GET", "POST"])
@login_not_required
def survey_token(request, token: str):
    """A stakeholder's invitation: checked by its hash; an unknown or used one is refused with
    a page saying so. The token itself is never kept, only its hash, in the session."""
    hashed = survey.token_hash(token)
    invitation = (
        StakeholderInvitation.objects.select_related("campaign", "institution")
        .filter(token_hash=hashed)
        .first()
    )
    if invitation is None:
        return _survey_refused(request, None, survey.TokenUnknown())
    campaign = invitation.campaign
    if invitation.used_on is not None:
        return _survey_refused(request, campaign, survey.TokenUsed())
    try:
        survey.ensure_accepting_answers(campaign)
    except survey.SurveyNotOpen as error:
        return _survey_refused(request, campaign, error)
    if request.method == "POST":
        return _begin(
            request,
            campaign,
            institution=invitation.institution,
            respondent_type=RespondentType.STAKEHOLDER,
            channel=ResponseChannel.TOKEN,
            hashed_token=hashed,
        )
    context = {"campaign": campaign, "institution": invitation.institution, "stakeholder": True}
    return render(request, "evaluations/survey_entry.html", context)


@require_http_methods(["GET", "POST"])
@login_not_required
def survey_consent(request, slug: str):
    """The PIPA notice for the optional demographics; agreeing or refusing both go on."""
    campaign, refused = _open_campaign(request, slug)
    if refused:
        return refused
    entry, institution, restart = _entry_or_restart(request, campaign)
    if restart:
        return restart
    if request.method == "POST":
        form = SurveyConsentForm(request.POST)
        if form.is_valid():
            entry.consent = form.cleaned_data["consent"] == SurveyConsentForm.AGREE
            entry.age_band = form.cleaned_data["age_band"]
            entry.district = form.cleaned_data["district"]
            entry.save(request, campaign)
            return redirect("evaluations:survey_section", slug=campaign.slug, step=1)
        status = 400
    else:
        initial = {}
        if entry.consent is not None:
            initial = {
                "consent": SurveyConsentForm.AGREE if entry.consent else SurveyConsentForm.REFUSE,
                "age_band": entry.age_band,
                "district": entry.district,
            }
        form = SurveyConsentForm(initial=initial)
        status = 200
    context = {
        "campaign": campaign,
        "institution": institution,
        "form": form,
        "retention_days": settings.SURVEY_IP_HASH_RETENTION_DAYS,
        "demographics_retention_days": settings.SURVEY_DEMOGRAPHICS_RETENTION_DAYS,
    }
    return render(request, "evaluations/survey_consent.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_not_required
def survey_section(request, slug: str, step: int):
    """One section of the questionnaire. "Back" keeps what was typed without checking it;
    "next" checks the section; on the last one it submits the whole survey."""
    campaign, refused = _open_campaign(request, slug)
    if refused:
        return refused
    entry, institution, restart = _entry_or_restart(request, campaign)
    if restart:
        return restart
    if entry.consent is None:
        return redirect("evaluations:survey_consent", slug=campaign.slug)
    sections = selectors.survey_sections(campaign)
    if not 1 <= step <= len(sections):
        raise Http404
    # Every section before this one must have been passed.
    for earlier, section in enumerate(sections[: step - 1], start=1):
        if str(section.position) not in entry.answers:
            return redirect("evaluations:survey_section", slug=campaign.slug, step=earlier)
    section = sections[step - 1]
    key = str(section.position)
    if request.method == "POST":
        form = SurveySectionForm(request.POST, section=section)
        entry.drafts[key] = form.drafts()
        entry.trapped = entry.trapped or form.trapped
        if request.POST.get("action") == "back":
            entry.save(request, campaign)
            if step == 1:
                return redirect("evaluations:survey_consent", slug=campaign.slug)
            return redirect("evaluations:survey_section", slug=campaign.slug, step=step - 1)
        if form.is_valid():
            entry.answers[key] = form.answers()
            entry.save(request, campaign)
            if step < len(sections):
                return redirect("evaluations:survey_section", slug=campaign.slug, step=step + 1)
            return _submit(request, campaign, entry, institution)
        entry.answers.pop(key, None)
        entry.save(request, campaign)
        status = 400
    else:
        form = SurveySectionForm(initial=entry.drafts.get(key, {}), section=section)
        status = 200
    context = {
        "campaign": campaign,
        "institution": institution,
        "form": form,
        "section": section,
        "step": step,
        "steps": len(sections),
        "is_last": step == len(sections),
    }
    return render(request, "evaluations/survey_section.html", context, status=status)


def _submit(request, campaign, entry: survey.SurveyEntry, institution):
    if entry.trapped:
        # A bot filled the honeypot: store nothing, and say nothing that would teach it.
        logger.info("survey honeypot filled on campaign %s; nothing stored", campaign.pk)
        survey.SurveyEntry.clear(request, campaign)
        return redirect("evaluations:survey_thanks", slug=campaign.slug)
    try:
        survey.response_submit(
            campaign=campaign,
            institution=institution,
            respondent_type=entry.respondent_type,
            channel=entry.channel,
            answers=entry.all_answers(),
            signals=survey.client_signals(request),
            age_band=entry.age_band if entry.consent else "",
            district=entry.district if entry.consent else "",
            hashed_token=entry.hashed_token,
        )
    except survey.AnswersInvalid:
        # The questionnaire changed under the respondent (it should not: answered ones are
        # frozen): go through it again.
        entry.answers.clear()
        entry.save(request, campaign)
        messages.error(request, _("설문이 바뀌었습니다. 답변을 다시 확인해 주세요."))
        return redirect("evaluations:survey_section", slug=campaign.slug, step=1)
    except survey.SurveyError as error:
        if isinstance(error, survey.TokenUsed | survey.TokenUnknown | survey.SurveyNotOpen):
            survey.SurveyEntry.clear(request, campaign)
        return _survey_refused(request, campaign, error)
    survey.SurveyEntry.clear(request, campaign)
    return redirect("evaluations:survey_thanks", slug=campaign.slug)


@require_GET
@login_not_required
def survey_thanks(request, slug: str):
    campaign = permissions.get_campaign_for(request.user, slug)
    context = {"campaign": campaign, "accepting": survey.accepting_answers(campaign)}
    return render(request, "evaluations/survey_thanks.html", context)



# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
