"""KPI achievement: the one home for the numbers that incentive scoring will use.

The formula
-----------
For one KPI with baseline ``b``, target ``t`` and an actual value ``a``:

- higher is better:  rate = (a − b) / (t − b)
- lower is better:   rate = (b − a) / (b − t)

so the baseline scores 0, the target scores 1, and halfway scores 0.5. The rate is clamped
to ``[0, ACHIEVEMENT_CAP]``: going backwards is 0 (never negative), and overshooting earns at
most 20 % extra, so one runaway KPI cannot hide the others. When the target equals the
baseline ("keep the level"), a value at or on the good side of it is 1, anything worse is 0.

A project's achievement is the weighted mean of its KPIs' rates,
``Σ weightᵢ · rateᵢ / Σ weightᵢ``, taken from the **latest accepted report** (the accepted
report of the latest period). A KPI without an accepted value counts as 0 — not yet shown
means not yet achieved — and a project without any accepted report has no achievement
(``None``) rather than 0, so the page can say "not reported yet".

An institution's achievement for a year is the same weighted mean over every KPI of every
project it leads in that year; projects without an accepted report contribute 0 for their
KPIs (an institution cannot raise its score by not reporting). ``None`` if it leads no
project with KPIs that year.

Rates are ``Decimal`` rounded half-up to 4 places (0.1234 = 12.34 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agencies.models import Institution, JointProject, Kpi, KpiDirection, KpiValue

ACHIEVEMENT_CAP = Decimal("1.2")
_PLACES = Decimal("0.0001")
_ZERO = Decimal(0)
_ONE = Decimal(1)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def kpi_achievement_rate(
    *, baseline: Decimal, target: Decimal, actual: Decimal | None, direction: str
) -> Decimal | None:
    """The direction-aware achievement rate of one KPI, in ``[0, ACHIEVEMENT_CAP]``.

    ``None`` when there is no actual value.
    """
    if actual is None:
        return None
    if direction == KpiDirection.HIGHER_IS_BETTER:
        progress, span = actual - baseline, target - baseline
    else:
        progress, span = baseline - actual, baseline - target
    if span == 0:
        return _ONE if progress >= 0 else _ZERO
    rate = progress / span
    return _rounded(min(max(rate, _ZERO), ACHIEVEMENT_CAP))


def weighted_achievement(
    weighted_rates: Iterable[tuple[Decimal, Decimal | None]],
) -> Decimal | None:
    """``Σ weight · rate / Σ weight``; a missing rate counts as 0. ``None`` without weights."""
    total_weight = _ZERO
    total = _ZERO
    for weight, rate in weighted_rates:
        total_weight += weight
        total += weight * (rate if rate is not None else _ZERO)
    if total_weight == 0:
        return None
    return _rounded(total / total_weight)


@dataclass(frozen=True)
class KpiProgress:
    """One KPI with its latest accepted value and rate, for pages and exports."""

    kpi: Kpi
    actual: Decimal | None
    rate: Decimal | None

    @property
    def percent(self) -> int | None:
        """The rate as a whole percentage (0–120), for progress bars."""
        return None if self.rate is None else int((self.rate * 100).to_integral_value())


@dataclass(frozen=True)
class ProjectAchievement:
    kpis: list[KpiProgress]
    rate: Decimal | None  # None: no accepted report yet
    period_label: str | None  # the period of the accepted report the values come from

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else int((self.rate * 100).to_integral_value())


def _latest_accepted_values(project_ids: list[int]) -> dict[int, tuple[str, dict[int, Decimal]]]:
    """project id -> (period label, {kpi id: actual}) from its latest accepted report.

    One query, whatever the number of projects.
    """
    rows = (
        KpiValue.objects.filter(version__accepted_for__period__project_id__in=project_ids)
        .values_list(
            "version__accepted_for__period__project_id",
            "version__accepted_for__period__ends_on",
            "version__accepted_for__period__label",
            "kpi_id",
            "actual",
        )
        .order_by("version__accepted_for__period__ends_on")
    )
    latest: dict[int, tuple] = {}
    for project_id, ends_on, label, kpi_id, actual in rows:
        current = latest.get(project_id)
        if current is None or current[0] < ends_on:
            latest[project_id] = (ends_on, label, {})
            current = latest[project_id]
        if current[0] == ends_on:
            current[2][kpi_id] = actual
    return {pid: (label, values) for pid, (_, label, values) in latest.items()}


def project_achievements(projects: Iterable[JointProject]) -> dict[int, ProjectAchievement]:
    """Achievement of each project, keyed by id. Two queries: KPIs and accepted values.

    Uses ``project.kpis.all()`` when the caller prefetched it.
    """
    projects = list(projects)
    if not projects:
        return {}
    ids = [project.pk for project in projects]
    prefetched = all("kpis" in getattr(p, "_prefetched_objects_cache", {}) for p in projects)
    if prefetched:
        kpis_by_project = {project.pk: list(project.kpis.all()) for project in projects}
    else:
        kpis_by_project = {pk: [] for pk in ids}
        for kpi in Kpi.objects.filter(project_id__in=ids).order_by("position", "pk"):
            kpis_by_project[kpi.project_id].append(kpi)
    accepted = _latest_accepted_values(ids)
    result = {}
    for pk in ids:
        label, values = accepted.get(pk, (None, None))
        progress = [
            KpiProgress(
                kpi=kpi,
                actual=values.get(kpi.pk) if values is not None else None,
                rate=kpi_achievement_rate(
                    baseline=kpi.baseline,
                    target=kpi.target,
                    actual=values.get(kpi.pk) if values is not None else None,
                    direction=kpi.direction,
                ),
            )
            for kpi in kpis_by_project[pk]
        ]
        rate = (
            weighted_achievement((item.kpi.weight, item.rate) for item in progress)
            if values is not None
            else None
        )
        result[pk] = ProjectAchievement(kpis=progress, rate=rate, period_label=label)
    return result


def institution_achievement(*, institution: Institution, year: int) -> Decimal | None:
    """Weighted achievement over every KPI of the projects ``institution`` leads in ``year``."""
    projects = list(
        JointProject.objects.filter(lead_institution=institution, year=year).prefetch_related(
            "kpis"
        )
    )
    achievements = project_achievements(projects)
    return weighted_achievement(
        (item.kpi.weight, item.rate)
        for achievement in achievements.values()
        for item in achievement.kpis
    )
