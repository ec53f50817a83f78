"""Exports of joint projects with KPI achievement for city staff: CSV (UTF-8 with BOM, so
Excel reads Korean) and XLSX (openpyxl). One row per KPI, with the project's columns."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from agencies.achievement import project_achievements
from agencies.models import JointProject

CHUNK_SIZE = 500
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header() -> list[str]:
    return [
        _("연도"), _("사업명"), _("주관 기관"), _("혁신 분야"), _("추진 상태"), _("공개"),
        _("종합 달성률(%)"), _("실적 기준 보고 기간"), _("지표"), _("단위"), _("방향"),
        _("가중치"), _("기준값"), _("목표값"), _("실적"), _("달성률(%)"),
    ]


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


def project_rows(projects: QuerySet[JointProject]) -> Iterator[list]:
    """Rows in chunks, so the query count grows with the chunks, not the projects."""
    projects = projects.select_related("lead_institution").prefetch_related("kpis")
    ordered = projects.order_by("-year", "title", "pk")
    total = ordered.count()
    for start in range(0, total, CHUNK_SIZE):
        chunk = list(ordered[start : start + CHUNK_SIZE])
        achievements = project_achievements(chunk)
        for project in chunk:
            achievement = achievements[project.pk]
            base = [
                project.year,
                project.title,
                project.lead_institution.name_ko,
                project.get_area_display(),
                project.get_status_display(),
                _("예") if project.is_published else _("아니요"),
                _percent(achievement.rate),
                achievement.period_label or "",
            ]
            if not achievement.kpis:
                yield [*base, "", "", "", None, None, None, None, None]
            for item in achievement.kpis:
                yield [
                    *base,
                    item.kpi.name,
                    item.kpi.unit,
                    item.kpi.get_direction_display(),
                    item.kpi.weight,
                    item.kpi.baseline,
                    item.kpi.target,
                    item.actual,
                    _percent(item.rate),
                ]


def _safe_text(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """The CSV, line by line, starting with a BOM so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header())
    for row in rows:
        yield writer.writerow(
            ["" if value is None else _safe_text(value) for value in row]
        )


def xlsx_file(rows: Iterable[list]):
    """A temporary file holding the workbook (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("공동사업"))
    sheet.append(header())
    for row in rows:
        sheet.append([_safe_text(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle
