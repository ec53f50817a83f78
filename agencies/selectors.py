"""Reads that the institution pages need; query counts do not grow with the rows."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from agencies.apps import INSTITUTIONS_CONTENT
from agencies.models import (
    Bureau,
    Institution,
    InstitutionKind,
    JointProject,
    KpiValue,
    PredecessorBody,
    Report,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    ReportVersion,
)
from portal.content_cache import FRAGMENT_TIMEOUT, content_version


def institution_directory(
    institutions: QuerySet[Institution],
    *,
    kind: str = "",
    bureau: Bureau | None = None,
    query: str = "",
) -> QuerySet[Institution]:
    """Filter the institutions a user may see by kind, bureau and a free-text query.

    The query matches Korean and English names, the code, and phase-1 predecessor names
    (so searching "김대중컨벤션센터" finds 광주관광공사).
    """
    result = institutions.select_related("bureau")
    if kind:
        result = result.filter(kind=kind)
    if bureau is not None:
        result = result.filter(bureau=bureau)
    query = query.strip()
    if query:
        predecessor_matches = PredecessorBody.objects.filter(
            successor=OuterRef("pk"), name_ko__icontains=query
        )
        result = result.filter(
            Q(name_ko__icontains=query)
            | Q(name_en__icontains=query)
            | Q(code__icontains=query)
            | Exists(predecessor_matches)
        )
    return result.order_by("name_ko")


def bureaus_with_institutions() -> QuerySet[Bureau]:
    """Bureaus that supervise at least one active institution, for the directory filter."""
    return Bureau.objects.filter(institutions__is_active=True).distinct().order_by("name_ko")


@dataclass(frozen=True)
class InstitutionSummary:
    total: int
    by_kind: list[tuple[str, str, int]]  # (kind, label, count) in the order of InstitutionKind


def institution_summary() -> InstitutionSummary:
    """How many active institutions take part, in all and by kind (one query)."""
    counts = dict(
        Institution.objects.active()
        .values_list("kind")
        .annotate(total=Count("pk"))
        .values_list("kind", "total")
    )
    by_kind = [(kind.value, kind.label, counts.get(kind.value, 0)) for kind in InstitutionKind]
    return InstitutionSummary(total=sum(counts.values()), by_kind=by_kind)


def institution_by_code(code: str, *, include_inactive: bool) -> Institution | None:
    """The institution (with its bureau) by code, or None; read through the cache.

    The key carries the institutions' content version, so an edit is seen at once; an
    unknown code is not cached and always asks the database.
    """
    code = code.upper()
    key = f"institution:{content_version(INSTITUTIONS_CONTENT)}:{code}"
    institution = cache.get(key)
    if institution is None:
        institution = Institution.objects.select_related("bureau").filter(code=code).first()
        if institution is None:
            return None
        cache.set(key, institution, FRAGMENT_TIMEOUT)
    if not institution.is_active and not include_inactive:
        return None
    return institution


# --- Joint projects and reports ---------------------------------------------------------------


def project_list(
    projects: QuerySet[JointProject],
    *,
    year: int | None = None,
    area: str = "",
    institution: Institution | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[JointProject]:
    """Filter the projects a user may see. ``institution`` matches lead or partner; the query
    matches the title, the summary and the lead institution's names."""
    result = projects.select_related("lead_institution", "bureau").prefetch_related("kpis")
    if year is not None:
        result = result.filter(year=year)
    if area:
        result = result.filter(area=area)
    if status:
        result = result.filter(status=status)
    if institution is not None:
        partner = JointProject.partner_institutions.through.objects.filter(
            jointproject_id=OuterRef("pk"), institution_id=institution.pk
        )
        result = result.filter(Q(lead_institution=institution) | Exists(partner))
    query = query.strip()
    if query:
        result = result.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(lead_institution__name_ko__icontains=query)
            | Q(lead_institution__name_en__icontains=query)
        )
    return result.order_by("-year", "title", "pk")


def project_years() -> list[int]:
    return list(
        JointProject.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


def project_periods_with_reports(project: JointProject) -> QuerySet[ReportingPeriod]:
    return project.periods.select_related("report").order_by("sequence")


def report_timeline(reports: QuerySet[Report]) -> QuerySet[ReportTransition]:
    return (
        ReportTransition.objects.filter(report__in=reports)
        .select_related("by", "report__period", "report_version")
        .order_by("at", "pk")
    )


def report_versions(report: Report, *, with_history: bool) -> list[ReportVersion]:
    """The versions a reader sees, newest first, with their KPI values.

    Without the history (the public) that is the accepted version only.
    """
    versions = report.versions.prefetch_related(
        Prefetch("values", queryset=KpiValue.objects.select_related("kpi"))
    ).select_related("submitted_by", "updated_by")
    if with_history:
        # Evidence is shown with the history only: the public never sees the files.
        versions = versions.prefetch_related("evidence")
    if not with_history:
        if report.accepted_version_id is None:
            return []
        versions = versions.filter(pk=report.accepted_version_id)
    return list(versions.order_by("-number"))


@dataclass(frozen=True)
class ReviewQueue:
    submitted: list[Report]
    overdue: list[Report]
    returned: list[Report]


def review_queue(reports: QuerySet[Report], *, today: datetime.date | None = None) -> ReviewQueue:
    """What the city has to act on (submitted), chase (overdue) and wait for (returned).

    Overdue: past the due date and still not submitted (a draft or a returned report).
    """
    today = today or timezone.localdate()
    base = reports.select_related("period__project__lead_institution").order_by(
        "period__due_on", "pk"
    )
    open_states = (ReportState.DRAFT, ReportState.RETURNED)
    return ReviewQueue(
        submitted=list(base.filter(state=ReportState.SUBMITTED)),
        overdue=list(base.filter(state__in=open_states, period__due_on__lt=today)),
        returned=list(base.filter(state=ReportState.RETURNED)),
    )


@dataclass(frozen=True)
class ReportsDue:
    overdue: list[Report]
    upcoming: list[Report]


def reports_due_for(
    institution: Institution, *, today: datetime.date | None = None
) -> ReportsDue:
    """The institution's open (draft or returned) reports whose period has started: those
    past their due date, and the rest, soonest due first. One query."""
    today = today or timezone.localdate()
    reports = list(
        Report.objects.filter(
            period__project__lead_institution=institution,
            state__in=(ReportState.DRAFT, ReportState.RETURNED),
            period__starts_on__lte=today,
        )
        .select_related("period__project__lead_institution")
        .order_by("period__due_on", "pk")
    )
    return ReportsDue(
        overdue=[report for report in reports if report.period.due_on < today],
        upcoming=[report for report in reports if report.period.due_on >= today],
    )
