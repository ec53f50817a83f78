"""Who may see and do what with institutions, joint projects and reports.

Views, services, templates and tests ask here; every answer is built on ``portal.roles``.
Lists are querysets (``*_visible_to``); single objects are fetched with the ownership built
into the query (``get_*_for``), so another institution's private record is a 404, not a 403.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from agencies.models import (
    EvidenceFile,
    Institution,
    JointProject,
    Membership,
    Report,
    ReportState,
)
from agencies.selectors import institution_by_code
from portal.roles import Role, affiliation_of, has_city_powers, sees_private_records_of


def institutions_visible_to(user) -> QuerySet[Institution]:
    """Active institutions are public; inactive (former) ones only to city staff."""
    if has_city_powers(user):
        return Institution.objects.all()
    return Institution.objects.active()


def institution_audience(user) -> str:
    """Users who see the same institutions alike share cached pages: "city" or "public"."""
    return "city" if has_city_powers(user) else "public"


def get_institution_for(user, code: str) -> Institution:
    """The institution with this code if the user may see it, else 404."""
    institution = institution_by_code(code, include_inactive=has_city_powers(user))
    if institution is None:
        raise Http404
    return institution


def can_see_members(user, institution: Institution) -> bool:
    """Who works where is not public: the institution's own people and the city see it."""
    return sees_private_records_of(user, institution)


def members_visible_to(user, institution: Institution) -> QuerySet[Membership]:
    if not can_see_members(user, institution):
        return Membership.objects.none()
    return institution.memberships.select_related("user").order_by("role", "user__name")


def own_institution_of(user) -> Institution | None:
    """The institution the user belongs to, for the "my institution" page."""
    return affiliation_of(user).institution


# --- Joint projects and reports ---------------------------------------------------------------

# A report may be edited, and submitted, while it is in one of these states.
EDITABLE_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def projects_visible_to(user) -> QuerySet[JointProject]:
    """Published projects are public; an institution also sees the unpublished projects it
    leads or partners in; the city sees everything."""
    if has_city_powers(user):
        return JointProject.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return JointProject.objects.published()
    own = Q(lead_institution_id=institution_id) | Q(partner_institutions__id=institution_id)
    # A subquery, not a join, so a project with several partners is not listed twice.
    own_ids = JointProject.objects.filter(own).values("pk")
    return JointProject.objects.filter(Q(is_published=True) | Q(pk__in=own_ids))


def get_project_for(user, pk: int) -> JointProject:
    try:
        return (
            projects_visible_to(user)
            .select_related("lead_institution", "bureau")
            .get(pk=pk)
        )
    except JointProject.DoesNotExist:
        raise Http404 from None


def sees_report_workflow(user, project: JointProject) -> bool:
    """Drafts, returns, comments and earlier versions: the lead institution and the city."""
    return sees_private_records_of(user, project.lead_institution)


def reports_visible_to(user) -> QuerySet[Report]:
    """Accepted reports of published projects are public; every other report only to the
    lead institution's people and the city."""
    public = Q(state=ReportState.ACCEPTED, period__project__is_published=True)
    if has_city_powers(user):
        return Report.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return Report.objects.filter(public)
    return Report.objects.filter(public | Q(period__project__lead_institution_id=institution_id))


def get_report_for(user, pk: int, *, for_update: bool = False) -> Report:
    """The report if the user may see it, else 404. ``for_update`` locks the row."""
    reports = reports_visible_to(user).select_related(
        "period__project__lead_institution", "period__project__bureau"
    )
    if for_update:
        reports = reports.select_for_update(of=("self",))
    try:
        return reports.get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def can_edit_report_draft(user, report: Report) -> bool:
    """Any member of the lead institution (and an administrator) drafts, while it is open."""
    if report.state not in EDITABLE_REPORT_STATES:
        return False
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return affiliation.institution_id == report.project.lead_institution_id


def can_submit_report(user, report: Report) -> bool:
    """The head, or the deputy head standing in, submits for the lead institution."""
    if report.state not in EDITABLE_REPORT_STATES:
        return False
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return (
        affiliation.leads_institution
        and affiliation.institution_id == report.project.lead_institution_id
    )


def can_review_report(user, report: Report) -> bool:
    """City staff accept or return a submitted report."""
    return report.state == ReportState.SUBMITTED and has_city_powers(user)


def can_use_review_queue(user) -> bool:
    return has_city_powers(user)


def can_export_projects(user) -> bool:
    return has_city_powers(user)


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Evidence may hold personal data: only the lead institution's people and the city."""
    if has_city_powers(user):
        return EvidenceFile.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return EvidenceFile.objects.none()
    return EvidenceFile.objects.filter(
        version__report__period__project__lead_institution_id=institution_id
    )


def get_evidence_for(user, pk: int) -> EvidenceFile:
    try:
        return evidence_visible_to(user).select_related("version__report").get(pk=pk)
    except EvidenceFile.DoesNotExist:
        raise Http404 from None
