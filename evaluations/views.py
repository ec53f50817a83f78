"""Evaluation pages: thin views over services, selectors and permissions."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from agencies import permissions as agency_permissions
from evaluations import permissions, selectors, services, survey
from evaluations.forms import (
    BestPracticeForm,
    PracticeAttachmentForm,
    PracticeFilterForm,
    SurveyConsentForm,
    SurveyInstitutionForm,
    SurveySectionForm,
)
from evaluations.models import RespondentType, ResponseChannel, StakeholderInvitation
from portal.htmx import wants_fragment

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

PRACTICES_PER_PAGE = 20


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
def practice_list(request):
    """Best practices the user may see, searched and filtered; htmx gets the results only
    (with the count for the live region out of band)."""
    visible = permissions.practices_visible_to(request.user)
    form = PracticeFilterForm(
        request.GET or None,
        years=selectors.practice_years(visible),
        institutions=selectors.practice_institutions(visible),
    )
    status = 200
    if form.is_bound and not form.is_valid():
        practices = visible.none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        practices = selectors.practice_list(
            visible,
            query=filters.get("q", ""),
            area=filters.get("area", ""),
            institution=filters.get("institution"),
            year=filters.get("year"),
        )
    page = Paginator(practices, PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    template = "evaluations/practice_list.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "form": form,
        "page": page,
        "query_without_page": query_without_page.urlencode(),
        "can_manage": permissions.can_manage_practices(request.user),
    }
    return render(request, template, context, status=status)


@require_GET
@login_not_required
def practice_detail(request, pk: int):
    """A best practice with the linked joint projects the user may see and its files."""
    practice = permissions.get_practice_for(request.user, pk)
    context = {
        "practice": practice,
        "projects": selectors.practice_linked_projects(
            practice, agency_permissions.projects_visible_to(request.user)
        ),
        "attachments": practice.attachments.all(),
        "can_manage": permissions.can_manage_practices(request.user),
    }
    return render(request, "evaluations/practice_detail.html", context)


@require_GET
@login_not_required
def practice_attachment_download(request, pk: int):
    """The file, always as a download under its cleaned name, never rendered in the page's
    origin; unpublished practices' files are the city's only (404 for anyone else)."""
    attachment = permissions.get_practice_attachment_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Which form field a refused change belongs beside (else: above the form).
_PRACTICE_ERROR_FIELDS = {"joint_projects": "joint_projects", "campaign": "campaign"}


def _render_practice_form(request, form, *, practice=None, upload_form=None, status=200):
    context = {
        "form": form,
        "practice": practice,
        "attachments": practice.attachments.all() if practice else [],
        "upload_form": upload_form or PracticeAttachmentForm(),
    }
    return render(request, "evaluations/practice_form.html", context, status=status)


def _managed_practice(request, pk: int):
    """The practice for its management pages: 404 if the user may not see it (unpublished,
    not city staff), 403 if they see it but may not manage it."""
    practice = permissions.get_practice_for(request.user, pk)
    if not permissions.can_manage_practices(request.user):
        raise PermissionDenied
    return practice


@require_http_methods(["GET", "POST"])
def practice_new(request):
    """City staff write a best practice; files are added on its edit page afterwards."""
    if not permissions.can_manage_practices(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = BestPracticeForm(initial={"year": timezone.localdate().year})
        return _render_practice_form(request, form)
    form = BestPracticeForm(request.POST)
    if form.is_valid():
        try:
            practice = services.best_practice_create(by=request.user, **form.cleaned_data)
        except services.BestPracticeError as error:
            form.add_error(_PRACTICE_ERROR_FIELDS.get(error.code), error.message)
        else:
            messages.success(request, _("우수사례를 만들었습니다. 첨부 파일을 올릴 수 있습니다."))
            return redirect("evaluations:practice_edit", pk=practice.pk)
    return _render_practice_form(request, form, status=400)


@require_http_methods(["GET", "POST"])
def practice_edit(request, pk: int):
    practice = _managed_practice(request, pk)
    if request.method == "GET":
        form = BestPracticeForm(initial=BestPracticeForm.initial_from(practice), practice=practice)
        return _render_practice_form(request, form, practice=practice)
    form = BestPracticeForm(request.POST, practice=practice)
    if form.is_valid():
        try:
            services.best_practice_update(
                practice=practice, by=request.user, **form.cleaned_data
            )
        except services.BestPracticeError as error:
            form.add_error(_PRACTICE_ERROR_FIELDS.get(error.code), error.message)
        else:
            messages.success(request, _("우수사례를 고쳤습니다."))
            return redirect(practice)
    return _render_practice_form(request, form, practice=practice, status=400)


@require_POST
def practice_attachment_add(request, pk: int):
    """Attach a file. A refused file (type, content, size) is an error next to the file field
    (400) and nothing is stored."""
    practice = _managed_practice(request, pk)
    upload_form = PracticeAttachmentForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            attachment = services.best_practice_attachment_add(
                practice=practice, by=request.user, upload=upload_form.cleaned_data["file"]
            )
        except services.BestPracticeError as error:
            upload_form.add_error("file", error.message)
        else:
            uploaded = _("첨부 파일 %(name)s을(를) 올렸습니다.")
            messages.success(request, uploaded % {"name": attachment.original_name})
            return redirect("evaluations:practice_edit", pk=practice.pk)
    form = BestPracticeForm(initial=BestPracticeForm.initial_from(practice), practice=practice)
    return _render_practice_form(
        request, form, practice=practice, upload_form=upload_form, status=400
    )


@require_POST
def practice_attachment_delete(request, pk: int):
    attachment = permissions.get_practice_attachment_for(request.user, pk)
    practice = _managed_practice(request, attachment.practice_id)
    services.best_practice_attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, _("첨부 파일을 지웠습니다."))
    return redirect("evaluations:practice_edit", pk=practice.pk)
