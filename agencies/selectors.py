"""Reads that the institution pages need; query counts do not grow with the rows."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from agencies.apps import INSTITUTIONS_CONTENT
from agencies.models import Bureau, Institution, InstitutionKind, PredecessorBody
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
