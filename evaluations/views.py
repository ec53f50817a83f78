"""Evaluation pages: thin views over services, selectors and permissions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations import exports, links, permissions, selectors, services
from evaluations.forms import (
    CampaignForm,
    ExclusionForm,
    InvitationForm,
    ModerationFilterForm,
    MoveForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
)
from evaluations.models import CampaignStatus, Question

# --- Questionnaires & campaign management (E1) ------------------------------------------------

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


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
