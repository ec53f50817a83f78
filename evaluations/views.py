"""Evaluation pages: thin views over services, selectors and permissions."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from agencies import permissions as agency_permissions
from agencies.apps import INSTITUTIONS_CONTENT
from agencies.permissions import get_institution_for
from evaluations import exports, links, permissions, selectors, services, survey
from evaluations.charts import bar_chart, line_chart
from evaluations.forms import (
    AppealAnswerForm,
    AppealFileForm,
    AppealWindowForm,
    BestPracticeForm,
    CampaignForm,
    ExclusionForm,
    InvitationForm,
    ModerationFilterForm,
    MoveForm,
    PracticeAttachmentForm,
    PracticeFilterForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    SurveyConsentForm,
    SurveyInstitutionForm,
    SurveySectionForm,
)
from evaluations.models import (
    Appeal,
    AppealStatus,
    CampaignStatus,
    Question,
    RespondentType,
    ResponseChannel,
    ScoreSnapshot,
    StakeholderInvitation,
    invitation_token_hash,
)
from evaluations.permissions import get_managed_campaign
from evaluations.results import RankingPage, component_rows, csv_rows, csv_text, dimension_rows
from evaluations.services import LifecycleError
from portal.content_cache import content_version
from portal.htmx import wants_fragment
from portal.roles import affiliation_of

logger = logging.getLogger(__name__)


# --- Questionnaires & campaign management -----------------------------------------------------

# Responses per page of the moderation list.
RESPONSES_PER_PAGE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render_questionnaire_list(request, form, *, status: int = 200):
    context = {"questionnaires": selectors.questionnaire_list(), "form": form}
    return render(request, "evaluations/questionnaire_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def questionnaire_list(request):
    """City staff's questionnaires, every version, and a form to start a new one."""
    permissions.require_campaign_runner(request.user)
    if request.method == "GET":
        return _render_questionnaire_list(request, QuestionnaireForm())
    form = QuestionnaireForm(request.POST)
    if not form.is_valid():
        return _render_questionnaire_list(request, form, status=400)
    questionnaire = services.questionnaire_create(
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        by=request.user,
    )
    messages.success(request, _("설문지를 만들었습니다. 영역과 질문을 더하세요."))
    return redirect("evaluations:questionnaire", pk=questionnaire.pk)


def _render_builder(
    request,
    questionnaire,
    *,
    section_form=None,
    question_form=None,
    error: str = "",
    status: int = 200,
):
    outline = selectors.questionnaire_outline(questionnaire)
    locked = services.questionnaire_is_locked(questionnaire)
    sections = questionnaire.sections.order_by("position")
    context = {
        "questionnaire": questionnaire,
        "outline": outline,
        "locked": locked,
        "next_version": questionnaire.next_versions.first(),
        "campaigns": list(questionnaire.campaigns.order_by("-year", "title")),
        "section_form": None if locked else section_form or SectionForm(),
        "question_form": (
            None
            if locked or not outline
            else question_form or QuestionForm(sections=sections)
        ),
        "error": error,
    }
    return render(request, "evaluations/questionnaire_builder.html", context, status=status)


@require_GET
def questionnaire_builder(request, pk: int):
    """A questionnaire's sections and questions; while editable, forms to change them; once
    frozen, the button that makes its next version."""
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    return _render_builder(request, questionnaire)


def _builder_anchor(questionnaire, anchor: str = "") -> str:
    url = reverse("evaluations:questionnaire", kwargs={"pk": questionnaire.pk})
    return f"{url}#{anchor}" if anchor else url


@require_POST
def section_add(request, pk: int):
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            section = services.section_add(
                questionnaire=questionnaire,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except services.ManagementError as error:
            return _render_builder(request, questionnaire, error=error.message, status=400)
        messages.success(request, _("설문 영역을 더했습니다."))
        return redirect(_builder_anchor(questionnaire, f"section-{section.pk}"))
    return _render_builder(request, questionnaire, section_form=form, status=400)


@require_POST
def question_add(request, pk: int):
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    form = QuestionForm(request.POST, sections=questionnaire.sections.order_by("position"))
    if form.is_valid():
        try:
            question = services.question_add(
                section=form.cleaned_data["section"], data=form.question_data()
            )
        except services.ManagementError as error:
            return _render_builder(request, questionnaire, error=error.message, status=400)
        messages.success(request, _("질문을 더했습니다."))
        return redirect(_builder_anchor(questionnaire, f"question-{question.pk}"))
    return _render_builder(request, questionnaire, question_form=form, status=400)


def _render_question_edit(request, question, form, *, status: int = 200):
    context = {
        "question": question,
        "questionnaire": question.section.questionnaire,
        "form": form,
        "locked": services.questionnaire_is_locked(question.section.questionnaire),
    }
    return render(request, "evaluations/question_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def question_edit(request, pk: int):
    question = permissions.get_managed_question(request.user, pk)
    if request.method == "GET":
        return _render_question_edit(request, question, QuestionForm.for_question(question))
    form = QuestionForm.for_question(question, request.POST)
    if form.is_valid():
        try:
            services.question_update(question=question, data=form.question_data())
        except services.ManagementError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("질문을 고쳤습니다."))
            return redirect(_builder_anchor(question.section.questionnaire, f"question-{pk}"))
    return _render_question_edit(request, question, form, status=400)


def _builder_item(questionnaire, form):
    """The section or question a builder form names, inside ``questionnaire`` (else 400)."""
    kind, pk = form.cleaned_data["kind"], form.cleaned_data["item"]
    if kind == "section":
        return questionnaire.sections.filter(pk=pk).first()
    return Question.objects.filter(section__questionnaire=questionnaire, pk=pk).first()


@require_POST
def questionnaire_reorder(request, pk: int):
    """Move a section or a question one place up or down."""
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    form = MoveForm(request.POST)
    item = _builder_item(questionnaire, form) if form.is_valid() else None
    if item is None or not form.cleaned_data["direction"]:
        error = _("옮길 항목을 찾을 수 없습니다.")
        return _render_builder(request, questionnaire, error=error, status=400)
    try:
        services.questionnaire_item_move(item=item, direction=form.cleaned_data["direction"])
    except services.ManagementError as error:
        return _render_builder(request, questionnaire, error=error.message, status=400)
    return redirect(_builder_anchor(questionnaire, f"{form.cleaned_data['kind']}-{item.pk}"))


@require_POST
def questionnaire_item_delete(request, pk: int):
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    form = MoveForm(request.POST)
    item = _builder_item(questionnaire, form) if form.is_valid() else None
    if item is None:
        error = _("지울 항목을 찾을 수 없습니다.")
        return _render_builder(request, questionnaire, error=error, status=400)
    try:
        services.questionnaire_item_delete(item=item)
    except services.ManagementError as error:
        return _render_builder(request, questionnaire, error=error.message, status=400)
    messages.success(request, _("지웠습니다."))
    return redirect(_builder_anchor(questionnaire))


@require_POST
def questionnaire_clone(request, pk: int):
    """Make the next version of a questionnaire, to edit instead of the frozen one."""
    questionnaire = permissions.get_managed_questionnaire(request.user, pk)
    try:
        clone = services.questionnaire_clone(questionnaire=questionnaire, by=request.user)
    except services.ManagementError as error:
        return _render_builder(request, questionnaire, error=error.message, status=400)
    messages.success(
        request, _("새 판(%(version)d판)을 만들었습니다.") % {"version": clone.version}
    )
    return redirect("evaluations:questionnaire", pk=clone.pk)


@require_GET
def campaign_manage_list(request):
    """Every campaign, drafts included, for city staff."""
    permissions.require_campaign_runner(request.user)
    context = {"campaigns": selectors.campaigns_for_management()}
    return render(request, "evaluations/manage_list.html", context)


def _render_campaign_form(request, form, *, campaign=None, error: str = "", status: int = 200):
    context = {"form": form, "campaign": campaign, "error": error}
    return render(request, "evaluations/manage_campaign_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    permissions.require_campaign_runner(request.user)
    if request.method == "GET":
        year = timezone.localdate().year
        return _render_campaign_form(
            request, CampaignForm(initial={"year": year, "slug": f"citizen-{year}"})
        )
    form = CampaignForm(request.POST)
    if not form.is_valid():
        return _render_campaign_form(request, form, status=400)
    campaign = services.campaign_create(
        by=request.user, institutions=form.cleaned_data["institutions"], **form.settings()
    )
    messages.success(request, _("평가를 만들었습니다(준비 중)."))
    return redirect("evaluations:campaign_manage", slug=campaign.slug)


@require_http_methods(["GET", "POST"])
def campaign_edit(request, slug: str):
    campaign = permissions.get_managed_campaign(request.user, slug)
    if request.method == "GET":
        return _render_campaign_form(request, CampaignForm(instance=campaign), campaign=campaign)
    form = CampaignForm(request.POST, instance=campaign)
    if form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                by=request.user,
                institutions=form.chosen_institutions(),
                **form.settings(),
            )
        except services.ManagementError as error:
            return _render_campaign_form(
                request, form, campaign=campaign, error=error.message, status=400
            )
        messages.success(request, _("평가 설정을 고쳤습니다."))
        return redirect("evaluations:campaign_manage", slug=slug)
    return _render_campaign_form(request, form, campaign=campaign, status=400)


@require_GET
def campaign_manage(request, slug: str):
    """A campaign's settings and participation (how many answered, never their scores), with
    the lifecycle and appeal actions."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    context = {
        "campaign": campaign,
        "participation": selectors.campaign_participation(campaign),
        "public_link": request.build_absolute_uri(links.campaign_path(campaign)),
    }
    return render(request, "evaluations/manage_campaign.html", context)


def _qr_svg(request, campaign, institution=None) -> str:
    path = (
        links.institution_path(campaign, institution)
        if institution
        else links.campaign_path(campaign)
    )
    title = (
        _("%(campaign)s · %(institution)s 설문 QR 코드")
        % {"campaign": campaign.title, "institution": institution.name_ko}
        if institution
        else _("%(campaign)s 설문 QR 코드") % {"campaign": campaign.title}
    )
    return links.qr_svg(request.build_absolute_uri(path), title=title)


@require_GET
def campaign_links(request, slug: str):
    """The public link and one link per evaluated institution, each with its QR code."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    rows = [
        (
            institution,
            request.build_absolute_uri(links.institution_path(campaign, institution)),
            mark_safe(_qr_svg(request, campaign, institution)),  # noqa: S308 -- segno's SVG, titles escaped
        )
        for institution in campaign.institutions.order_by("name_ko")
    ]
    context = {
        "campaign": campaign,
        "public_link": request.build_absolute_uri(links.campaign_path(campaign)),
        "public_qr": mark_safe(_qr_svg(request, campaign)),  # noqa: S308 -- as above
        "rows": rows,
    }
    return render(request, "evaluations/manage_links.html", context)


@require_GET
def campaign_qr(request, slug: str):
    """A QR code as an SVG file to print: the campaign's, or one institution's
    (``?institution=CODE``)."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    code = request.GET.get("institution", "")
    institution = None
    if code:
        institution = campaign.institutions.filter(code=code.upper()).first()
        if institution is None:
            raise Http404
    response = HttpResponse(
        _qr_svg(request, campaign, institution), content_type="image/svg+xml; charset=utf-8"
    )
    name = f"{campaign.slug}-{institution.slug}" if institution else campaign.slug
    response["Content-Disposition"] = f'attachment; filename="qr-{name}.svg"'
    return response


def _render_invitations(request, campaign, form, *, status: int = 200):
    context = {
        "campaign": campaign,
        "form": form,
        "participation": selectors.campaign_participation(campaign),
        "may_invite": campaign.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN),
    }
    return render(request, "evaluations/manage_invitations.html", context, status=status)


@require_http_methods(["GET", "POST"])
def campaign_invitations(request, slug: str):
    """Invite stakeholders of an institution by e-mail: one single-use link each."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    if request.method == "GET":
        return _render_invitations(request, campaign, InvitationForm(campaign=campaign))
    form = InvitationForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            invitations = services.invitations_create(
                campaign=campaign,
                institution=form.cleaned_data["institution"],
                emails=form.cleaned_data["emails"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except services.ManagementError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("초대 %(count)d건을 만들었습니다. 메일을 보낸 뒤 주소는 지웁니다.")
                % {"count": len(invitations)},
            )
            return redirect("evaluations:campaign_invitations", slug=slug)
    return _render_invitations(request, campaign, form, status=400)


def _render_responses(request, campaign, *, failed=None, failed_form=None, status: int = 200):
    form = ModerationFilterForm(request.GET or None)
    show = ModerationFilterForm.FLAGGED
    if form.is_bound:
        if form.is_valid():
            show = form.cleaned_data["show"] or show
        else:
            status = 400
    page = Paginator(
        selectors.responses_for_moderation(campaign, show=show), RESPONSES_PER_PAGE
    ).get_page(request.GET.get("page"))
    latest = selectors.last_exclusions(page.object_list)
    rows = []
    for response in page.object_list:
        if failed is not None and failed.pk == response.pk:
            exclusion_form = failed_form
        else:
            action = ExclusionForm.RESTORE if response.excluded else ExclusionForm.EXCLUDE
            exclusion_form = ExclusionForm(initial={"action": action}, prefix=f"r{response.pk}")
        rows.append((response, latest.get(response.pk), exclusion_form))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "form": form,
        "show": show,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "may_moderate": campaign.status != CampaignStatus.PUBLISHED,
    }
    return render(request, "evaluations/manage_responses.html", context, status=status)


@require_GET
def campaign_responses(request, slug: str):
    """Moderation: flagged responses (their flags, never personal data), to exclude from
    scoring or restore, with a reason."""
    campaign = permissions.get_managed_campaign(request.user, slug)
    return _render_responses(request, campaign)


@require_POST
def response_exclusion(request, slug: str, pk: int):
    campaign = permissions.get_managed_campaign(request.user, slug)
    response = permissions.get_moderated_response(request.user, campaign, pk)
    form = ExclusionForm(request.POST, prefix=f"r{response.pk}")
    if form.is_valid():
        try:
            services.response_set_excluded(
                response=response,
                excluded=form.cleaned_data["action"] == ExclusionForm.EXCLUDE,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.ManagementError as error:
            form.add_error("reason" if error.code == "reason" else None, error.message)
        else:
            done = (
                _("응답 %(number)d을 점수에서 제외했습니다.")
                if form.cleaned_data["action"] == ExclusionForm.EXCLUDE
                else _("응답 %(number)d을 다시 점수에 넣었습니다.")
            )
            messages.success(request, done % {"number": response.pk})
            back = reverse("evaluations:campaign_responses", kwargs={"slug": slug})
            query = request.GET.urlencode()
            return redirect(f"{back}?{query}" if query else back)
    return _render_responses(request, campaign, failed=response, failed_form=form, status=400)


def _export_rows(request, slug: str):
    campaign = permissions.get_managed_campaign(request.user, slug)
    if not permissions.can_see_raw_responses(request.user):
        raise Http404
    columns = exports.question_columns(campaign)
    return campaign, exports.header(columns), exports.response_rows(campaign, columns)


@require_GET
def responses_csv(request, slug: str):
    """Every response of the campaign, anonymised, as CSV streamed from the database."""
    campaign, header, rows = _export_rows(request, slug)
    response = StreamingHttpResponse(
        exports.csv_pieces(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-responses.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def responses_xlsx(request, slug: str):
    """The same as XLSX: written row by row to a temporary file, then streamed."""
    campaign, header, rows = _export_rows(request, slug)
    response = FileResponse(
        exports.xlsx_file(header, rows, title=str(_("응답"))),
        as_attachment=True,
        filename=f"{campaign.slug}-responses.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public survey ----------------------------------------------------------------------------
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
    hashed = invitation_token_hash(token)
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


# --- Scoring & lifecycle ----------------------------------------------------------------------
# Buttons on the campaign management page (templates/evaluations/_lifecycle_actions.html):
# POST only, city staff only (anyone else gets a 404, as for every management page).


def campaign_manage_path(campaign) -> str:
    return reverse("evaluations:campaign_manage", kwargs={"slug": campaign.slug})


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


# --- Results & appeals ------------------------------------------------------------------------


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


# --- Best practices ---------------------------------------------------------------------------

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
