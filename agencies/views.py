from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from agencies import exports, permissions, selectors, services
from agencies.achievement import project_achievements
from agencies.apps import INSTITUTIONS_CONTENT
from agencies.forms import (
    DirectoryFilterForm,
    EvidenceUploadForm,
    ProjectFilterForm,
    ReportForm,
    ReviewForm,
)
from agencies.models import Institution, ReportState
from evaluations import permissions as evaluation_permissions
from evaluations import selectors as evaluation_selectors
from portal.content_cache import content_version
from portal.htmx import wants_fragment
from portal.roles import affiliation_of

PROJECTS_PER_PAGE = 20


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
def directory(request):
    """The directory of institutions; htmx requests get only the results partial."""
    form = DirectoryFilterForm(request.GET or None, bureaus=selectors.bureaus_with_institutions())
    visible = permissions.institutions_visible_to(request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        institutions = visible.none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        institutions = selectors.institution_directory(
            visible,
            kind=filters.get("kind", ""),
            bureau=filters.get("bureau"),
            query=filters.get("q", ""),
        )
    template = "agencies/directory.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "form": form,
        "institutions": institutions,
        # Called by the template only when the cached fragment has to be rendered again.
        "total": visible.count,
        "fragment_key": _fragment_key(request, request.GET.urlencode()),
    }
    return render(request, template, context, status=status)


def _fragment_key(request, *parts: str) -> list[str]:
    """What a cached public fragment depends on: the institutions' data version and the
    audience (city staff also see former institutions), plus the page's own ``parts``."""
    return [
        content_version(INSTITUTIONS_CONTENT),
        permissions.institution_audience(request.user),
        *parts,
    ]


@require_GET
@login_not_required
def detail(request, code: str):
    institution = permissions.get_institution_for(request.user, code)
    if code != institution.slug:
        return redirect(institution, permanent=True)
    context = {
        "institution": institution,
        "fragment_key": _fragment_key(request, institution.code),
        "members": permissions.members_visible_to(request.user, institution),
        "can_see_members": permissions.can_see_members(request.user, institution),
        # One count, outside the cached summary: publishing a best practice shows at once.
        "practice_count": evaluation_selectors.practice_count_of(
            evaluation_permissions.practices_visible_to(request.user), institution
        ),
    }
    return render(request, "agencies/detail.html", context)


@require_GET
def mine(request):
    """The signed-in member's own institution; others are told where to go instead."""
    institution = permissions.own_institution_of(request.user)
    context = {
        "institution": institution,
        "affiliation": affiliation_of(request.user),
        "members": (
            permissions.members_visible_to(request.user, institution) if institution else []
        ),
        "reports_due": selectors.reports_due_for(institution) if institution else None,
    }
    return render(request, "agencies/mine.html", context)


# --- Joint projects ---------------------------------------------------------------------------


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
def project_list(request):
    """Joint projects the user may see, filtered and paginated; htmx gets the results only."""
    form = ProjectFilterForm(
        request.GET or None,
        years=selectors.project_years(),
        institutions=Institution.objects.active(),
    )
    visible = permissions.projects_visible_to(request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        projects = visible.none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        projects = selectors.project_list(
            visible,
            year=filters.get("year"),
            area=filters.get("area", ""),
            institution=filters.get("institution"),
            status=filters.get("status", ""),
            query=filters.get("q", ""),
        )
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    achievements = project_achievements(page.object_list)
    rows = [(project, achievements[project.pk]) for project in page.object_list]
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    template = "agencies/project_list.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query_without_page": query_without_page.urlencode(),
    }
    return render(request, template, context, status=status)


@require_GET
@login_not_required
def project_detail(request, pk: int):
    """A project with its KPIs' accepted progress; its own people and the city also see
    every report's state and the timeline."""
    project = permissions.get_project_for(request.user, pk)
    sees_workflow = permissions.sees_report_workflow(request.user, project)
    periods = selectors.project_periods_with_reports(project)
    context = {
        "project": project,
        "partners": project.partner_institutions.order_by("name_ko"),
        "achievement": project_achievements([project])[project.pk],
        "periods": periods,
        "sees_workflow": sees_workflow,
        "timeline": (
            selectors.report_timeline(project.periods.values("report"))
            if sees_workflow
            else []
        ),
        "accepted": ReportState.ACCEPTED,
    }
    return render(request, "agencies/project_detail.html", context)


def _render_report(request, report, *, review_form=None, status=200):
    sees_workflow = permissions.sees_report_workflow(request.user, report.project)
    can_review = permissions.can_review_report(request.user, report)
    if can_review and review_form is None:
        review_form = ReviewForm(initial={"version": report.version})
    context = {
        "report": report,
        "project": report.project,
        "sees_workflow": sees_workflow,
        "versions": selectors.report_versions(report, with_history=sees_workflow),
        "timeline": (
            selectors.report_timeline(type(report).objects.filter(pk=report.pk))
            if sees_workflow
            else []
        ),
        "can_edit": permissions.can_edit_report_draft(request.user, report),
        "can_review": can_review,
        "review_form": review_form,
    }
    return render(request, "agencies/report_detail.html", context, status=status)


@require_GET
@login_not_required
def report_detail(request, pk: int):
    """A report: the public see its accepted version; its people and the city see every
    version, the draft and the timeline."""
    return _render_report(request, permissions.get_report_for(request.user, pk))


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def report_edit(request, pk: int):
    """Write the draft and, for the head or deputy head, submit it.

    A value that is not a number is a form error (400); a save over someone else's newer
    save is refused (409) with nothing overwritten.
    """
    report = permissions.get_report_for(request.user, pk)
    if not permissions.can_edit_report_draft(request.user, report):
        raise PermissionDenied
    kpis = list(report.project.kpis.order_by("position", "pk"))
    status = 200
    workflow_error = None
    if request.method == "POST" and request.POST.get("action") == "validate":
        # Inline validation while typing: report the errors, save nothing.
        form = ReportForm(request.POST, kpis=kpis)
        form.is_valid()
        return _render_report_form(request, report, form=form)
    if request.method == "POST":
        form = ReportForm(request.POST, kpis=kpis)
        if form.is_valid():
            try:
                services.report_save_draft(
                    report=report,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    narrative=form.cleaned_data["narrative"],
                    difficulties=form.cleaned_data["difficulties"],
                    has_difficulties=form.cleaned_data["has_difficulties"],
                    kpi_values=form.kpi_values(),
                )
                if request.POST.get("action") == "submit":
                    services.report_submit(
                        report=report, by=request.user, expected_version=report.version
                    )
                    messages.success(request, _("보고서를 제출했습니다. 시의 검토를 기다립니다."))
                    destination = report.get_absolute_url()
                else:
                    messages.success(request, _("초안을 저장했습니다."))
                    destination = request.path
                if request.htmx:
                    return HttpResponseClientRedirect(destination)
                return redirect(destination)
            except services.ReportWorkflowError as error:
                workflow_error = error
                if error.code == "stale":
                    # Keep what this person typed on the page so nothing is lost; the
                    # database still holds the other person's save.
                    status = 409
                else:
                    # The save stood and the submit was refused: show the saved draft.
                    status = 400
                    form = ReportForm(
                        initial=ReportForm.initial_from(
                            services.working_draft_of(report), report_version=report.version
                        ),
                        kpis=kpis,
                    )
        else:
            status = 400
    else:
        current = services.working_draft_of(report) or services.latest_submitted_version_of(
            report
        )
        form = ReportForm(
            initial=ReportForm.initial_from(current, report_version=report.version), kpis=kpis
        )
    return _render_report_form(
        request, report, form=form, status=status, workflow_error=workflow_error
    )


def _render_report_form(
    request,
    report,
    *,
    form,
    status: int = 200,
    workflow_error=None,
    upload_form: EvidenceUploadForm | None = None,
):
    template = "agencies/report_form.html"
    if wants_fragment(request):
        template += "#report-form"
    form.validate_inline_at(reverse("projects:report_edit", kwargs={"pk": report.pk}))
    shown = services.working_draft_of(report) or services.latest_submitted_version_of(report)
    context = {
        "report": report,
        "project": report.project,
        "form": form,
        "upload_form": upload_form or EvidenceUploadForm(initial={"version": report.version}),
        "evidence": list(shown.evidence.all()) if shown else [],
        # Files of a submitted version stay; uploading starts a new draft that copies them.
        "evidence_editable": shown is not None and not shown.is_frozen,
        "can_submit": permissions.can_submit_report(request.user, report),
        "workflow_error": workflow_error,
        "last_return": (
            report.transitions.filter(to_state=ReportState.RETURNED).order_by("-at").first()
        ),
    }
    return render(request, template, context, status=status)


def _report_form_for(report) -> ReportForm:
    kpis = list(report.project.kpis.order_by("position", "pk"))
    current = services.working_draft_of(report) or services.latest_submitted_version_of(report)
    return ReportForm(
        initial=ReportForm.initial_from(current, report_version=report.version), kpis=kpis
    )


@require_POST
def evidence_upload(request, pk: int):
    """Attach an evidence file to the report's working draft.

    A refused file (type, content, size) is a form error next to the file field (400); a
    stale page is a 409, and nothing is stored in either case.
    """
    report = permissions.get_report_for(request.user, pk)
    if not permissions.can_edit_report_draft(request.user, report):
        raise PermissionDenied
    upload_form = EvidenceUploadForm(request.POST, request.FILES)
    status = 400
    if upload_form.is_valid():
        try:
            evidence = services.evidence_attach(
                report=report,
                by=request.user,
                expected_version=upload_form.cleaned_data["version"],
                upload=upload_form.cleaned_data["file"],
            )
        except services.ReportWorkflowError as error:
            upload_form.add_error("file", str(error))
            status = 409 if error.code == "stale" else 400
        else:
            uploaded = _("증빙 파일 %(name)s을(를) 올렸습니다.")
            messages.success(request, uploaded % {"name": evidence.original_name})
            return redirect("projects:report_edit", pk=report.pk)
    return _render_report_form(
        request, report, form=_report_form_for(report), status=status, upload_form=upload_form
    )


@require_POST
def evidence_delete(request, pk: int):
    evidence = permissions.get_evidence_for(request.user, pk)
    report = evidence.version.report
    if not permissions.can_edit_report_draft(request.user, report):
        raise PermissionDenied
    try:
        expected_version = int(request.POST.get("version", ""))
    except ValueError:
        expected_version = -1
    try:
        services.evidence_remove(
            evidence=evidence, by=request.user, expected_version=expected_version
        )
    except services.ReportWorkflowError as error:
        messages.error(request, str(error))
        return _render_report_form(
            request,
            report,
            form=_report_form_for(report),
            status=409 if error.code == "stale" else 400,
            workflow_error=error,
        )
    messages.success(request, _("증빙 파일을 지웠습니다."))
    return redirect("projects:report_edit", pk=report.pk)


@require_GET
def evidence_download(request, pk: int):
    """The file, as an attachment under its cleaned name, to those who may see it."""
    evidence = permissions.get_evidence_for(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_review(request, pk: int):
    """City staff accept or return a submitted report."""
    report = permissions.get_report_for(request.user, pk)
    if not permissions.can_use_review_queue(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, review_form=form, status=400)
    action = (
        services.report_accept
        if form.cleaned_data["decision"] == ReviewForm.ACCEPT
        else services.report_return
    )
    try:
        action(
            report=report,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except services.ReportWorkflowError as error:
        form.add_error(None, error.message)
        return _render_report(
            request, report, review_form=form, status=409 if error.code == "stale" else 400
        )
    if report.state == ReportState.ACCEPTED:
        messages.success(request, _("보고서를 승인했습니다."))
    else:
        messages.success(request, _("보고서를 반려했습니다. 기관에 의견이 전달됩니다."))
    return redirect(report)


@require_GET
def review_queue(request):
    """The city's queue: submitted reports to review, overdue ones to chase, returned ones."""
    if not permissions.can_use_review_queue(request.user):
        raise PermissionDenied
    queue = selectors.review_queue(permissions.reports_visible_to(request.user))
    return render(request, "agencies/review_queue.html", {"queue": queue})


@require_GET
def project_export(request, file_format: str):
    """Projects with KPI achievement for city staff, with the list's filters applied."""
    if not permissions.can_export_projects(request.user):
        raise PermissionDenied
    form = ProjectFilterForm(
        request.GET or None,
        years=selectors.project_years(),
        institutions=Institution.objects.active(),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    projects = selectors.project_list(
        permissions.projects_visible_to(request.user),
        year=filters.get("year"),
        area=filters.get("area", ""),
        institution=filters.get("institution"),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    rows = exports.project_rows(projects)
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="joint-projects.csv"'
        return response
    if file_format == "xlsx":
        return FileResponse(
            exports.xlsx_file(rows),
            as_attachment=True,
            filename="joint-projects.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise Http404
