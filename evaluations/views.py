"""Evaluation pages: thin views over services, selectors and permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from agencies import permissions as agency_permissions
from evaluations import permissions, selectors, services
from evaluations.forms import BestPracticeForm, PracticeAttachmentForm, PracticeFilterForm
from portal.htmx import wants_fragment

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


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
