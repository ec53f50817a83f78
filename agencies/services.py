"""Actions that change institutions, bureaus and people.

Each function is keyword-only, runs in one transaction, and is idempotent where it says so:
running it again with the same input leaves the database as it was.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions, uploads
from agencies.models import (
    Bureau,
    CityStaff,
    EvidenceFile,
    Institution,
    JointProject,
    KpiValue,
    LineageChange,
    Membership,
    PredecessorBody,
    Report,
    ReportingInterval,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    ReportVersion,
    User,
)
from portal.roles import CityUnit, InstitutionRole, has_city_powers

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTITUTIONS_CSV = DATA_DIR / "institutions.csv"
BUREAUS_CSV = DATA_DIR / "bureaus.csv"

_STRENGTHENED = re.compile(r"^\s*(?P<name>.+?)\s*\(strengthened\)\s*$")


class SeedDataError(Exception):
    """The demo CSV files are inconsistent; the message says where."""


def parse_lineage(formed_from: str) -> list[tuple[str, LineageChange]]:
    """``"A+B"`` → merged from A and B; ``"A (strengthened)"`` → A reorganised; ``""`` → none."""
    formed_from = formed_from.strip()
    if not formed_from:
        return []
    strengthened = _STRENGTHENED.match(formed_from)
    if strengthened:
        return [(strengthened["name"], LineageChange.STRENGTHENED)]
    names = [name.strip() for name in formed_from.split("+") if name.strip()]
    return [(name, LineageChange.MERGED) for name in names]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def bureaus_load(*, path: Path = BUREAUS_CSV) -> dict[str, Bureau]:
    """Create or update the bureaus in ``path``, keyed by Korean name. Idempotent."""
    bureaus = {}
    for row in _read_csv(path):
        bureau, _ = Bureau.objects.update_or_create(
            name_ko=row["name_ko"].strip(),
            defaults={"name_en": row["name_en"].strip(), "kind": row["kind"].strip()},
        )
        bureaus[bureau.name_ko] = bureau
    return bureaus


@transaction.atomic
def institutions_load(
    *, path: Path = INSTITUTIONS_CSV, bureaus: dict[str, Bureau]
) -> list[Institution]:
    """Create or update the institutions in ``path`` with their lineage. Idempotent.

    Rows are matched by code. Predecessors not named by the file any more are removed, so the
    database mirrors the file after every run.
    """
    institutions = []
    for line_number, row in enumerate(_read_csv(path), start=2):
        bureau_name = row["supervising_bureau_ko"].strip()
        if bureau_name not in bureaus:
            raise SeedDataError(f"{path.name}:{line_number}: unknown bureau {bureau_name!r}")
        institution, _ = Institution.objects.update_or_create(
            code=row["code"].strip().upper(),
            defaults={
                "name_ko": row["name_ko"].strip(),
                "name_en": row["name_en"].strip(),
                "kind": row["kind"].strip(),
                "bureau": bureaus[bureau_name],
                "in_field_dialogue": row["field_dialogue_2024"].strip() == "yes",
                "is_demo": row["demo"].strip() == "yes",
            },
        )
        lineage = parse_lineage(row["formed_from"])
        for name, change in lineage:
            PredecessorBody.objects.update_or_create(
                successor=institution, name_ko=name, defaults={"change": change, "year": 2023}
            )
        institution.predecessors.exclude(name_ko__in=[name for name, _ in lineage]).delete()
        institutions.append(institution)
    return institutions


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    institution: str


class _DemoPasswordHashes:
    """The hash to store for the demo password: the stored one when it already matches, so a
    second run changes no row and signs no one out (Django ends a user's sessions when the
    password hash changes).

    Hashing is deliberately slow; the demo accounts share one hash, so each distinct stored
    hash is checked once and a new hash is made at most once per run.
    """

    def __init__(self, password: str) -> None:
        self._password = password
        self._matches: dict[str, bool] = {}
        self._new_hash = ""

    def for_user(self, username: str) -> str:
        stored = User.objects.filter(username=username).values_list("password", flat=True).first()
        if stored:
            if stored not in self._matches:
                self._matches[stored] = check_password(self._password, stored)
            if self._matches[stored]:
                return stored
        if not self._new_hash:
            self._new_hash = make_password(self._password)
        return self._new_hash


def _ensure_user(
    *, username: str, name: str, hashes: _DemoPasswordHashes, superuser: bool = False
) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "name": name,
            "password": hashes.for_user(username),
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    return user


@transaction.atomic
def demo_accounts_ensure(*, password: str, institutions: list[Institution]) -> list[DemoAccount]:
    """Create or reset the demo accounts, all with ``password``. Idempotent.

    ``admin`` (superuser), ``staff`` (city strategy team) and, for every institution,
    ``head-<code>``, ``deputy-<code>`` and ``staff-<code>``.
    """
    hashes = _DemoPasswordHashes(password)
    accounts = []

    _ensure_user(username="admin", name="관리자", hashes=hashes, superuser=True)
    accounts.append(DemoAccount("admin", "관리자 (superuser)", "—"))

    city_user = _ensure_user(username="staff", name="전략추진단 담당자", hashes=hashes)
    Membership.objects.filter(user=city_user).delete()
    CityStaff.objects.update_or_create(
        user=city_user,
        defaults={"unit": CityUnit.STRATEGY_TEAM, "bureau": None, "position": "주무관"},
    )
    accounts.append(DemoAccount("staff", "시 직원 (전략추진단)", "광주광역시"))

    for institution in institutions:
        for role, label in (
            (InstitutionRole.HEAD, "기관장"),
            (InstitutionRole.DEPUTY_HEAD, "부기관장"),
            (InstitutionRole.STAFF, "직원"),
        ):
            username = f"{role.value}-{institution.slug}"
            user = _ensure_user(
                username=username,
                name=f"{institution.name_ko} {label}",
                hashes=hashes,
            )
            CityStaff.objects.filter(user=user).delete()
            # Another account may hold the head or deputy seat (set by an administrator);
            # the demo account only takes a free seat, so a real record is never displaced.
            seat_taken = (
                role != InstitutionRole.STAFF
                and Membership.objects.filter(institution=institution, role=role)
                .exclude(user=user)
                .exists()
            )
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "institution": institution,
                    "role": InstitutionRole.STAFF if seat_taken else role,
                },
            )
            accounts.append(DemoAccount(username, label, institution.name_ko))
    return accounts


# --- Reporting periods ------------------------------------------------------------------------

# A report is due this many days after its period ends, unless the caller says otherwise.
REPORT_DUE_DAYS_AFTER_PERIOD = 10


class ReportWorkflowError(Exception):
    """An action on a report that is not allowed now. ``message`` is for the user (Korean
    source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def period_label(*, starts_on: datetime.date, interval: int) -> str:
    """The Korean name of the calendar period that starts on ``starts_on``.

    Labels are stored as data in Korean, like institution names, not translated per visitor.
    """
    year = starts_on.year
    if interval == ReportingInterval.QUARTERLY:
        return f"{year}년 {(starts_on.month - 1) // 3 + 1}분기"
    if interval == ReportingInterval.HALF_YEARLY:
        return f"{year}년 {'상반기' if starts_on.month <= 6 else '하반기'}"
    if interval == ReportingInterval.YEARLY:
        return f"{year}년"
    return f"{year}년 {starts_on.month}월"


@transaction.atomic
def reporting_periods_generate(
    *, project: JointProject, due_days_after_end: int = REPORT_DUE_DAYS_AFTER_PERIOD
) -> list[ReportingPeriod]:
    """Cut the project's time into calendar periods of ``project.reporting_interval`` months
    (quarters by default), clipped to its start and end, each with an empty report.

    Running it again rebuilds the periods (after the interval or the dates changed) as long as
    no report has content yet; once one has, it refuses rather than lose anyone's work.
    """
    if ReportVersion.objects.filter(report__period__project=project).exists():
        raise ReportWorkflowError(
            _("이미 작성된 보고서가 있어 보고 기간을 다시 만들 수 없습니다."), code="has_reports"
        )
    project.periods.all().delete()
    periods = ReportingPeriod.objects.bulk_create(
        reporting_periods_plan(project=project, due_days_after_end=due_days_after_end)
    )
    Report.objects.bulk_create([Report(period=period) for period in periods])
    return periods


def reporting_periods_plan(
    *, project: JointProject, due_days_after_end: int = REPORT_DUE_DAYS_AFTER_PERIOD
) -> list[ReportingPeriod]:
    """The periods ``reporting_periods_generate`` writes, unsaved and without reports; reads
    and writes nothing, so a caller creating many projects at once (``seed_demo``) can save
    the periods of all of them in one query."""
    interval = project.reporting_interval
    first_month = (project.starts_on.month - 1) // interval * interval + 1
    calendar_start = project.starts_on.replace(month=first_month, day=1)
    periods = []
    sequence = 1
    while calendar_start <= project.ends_on:
        calendar_end = _add_months(calendar_start, interval) - datetime.timedelta(days=1)
        ends_on = min(calendar_end, project.ends_on)
        periods.append(
            ReportingPeriod(
                project=project,
                sequence=sequence,
                label=period_label(starts_on=calendar_start, interval=interval),
                starts_on=max(calendar_start, project.starts_on),
                ends_on=ends_on,
                due_on=ends_on + datetime.timedelta(days=due_days_after_end),
            )
        )
        sequence += 1
        calendar_start = _add_months(calendar_start, interval)
    return periods


# --- The report workflow ----------------------------------------------------------------------
#
#   draft ──submit──▶ submitted ──accept──▶ accepted
#     ▲                  │
#     │                return (with a comment)
#     │                  ▼
#     └─── (edit) ─── returned ──submit──▶ submitted …
#
# Every change takes the report's row lock and bumps ``Report.version``, so two people acting
# on one report at once are serialised, and the second one, holding an older version, is told.


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("period__project__lead_institution")
        .get(pk=report.pk)
    )


def _refuse_stale(locked: Report, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise ReportWorkflowError(
            _(
                "다른 사람이 먼저 저장했습니다. 내 변경은 저장되지 않았습니다. "
                "페이지를 새로 불러와 최신 내용을 확인한 뒤 다시 고쳐 주세요."
            ),
            code="stale",
        )


def _advance(
    *,
    report: Report,
    locked: Report,
    to_state: str,
    by: User,
    version: ReportVersion,
    comment: str = "",
) -> None:
    """Record the transition, move the report, and bring the caller's object up to date."""
    ReportTransition.objects.create(
        report=locked,
        report_version=version,
        from_state=locked.state,
        to_state=to_state,
        by=by,
        at=timezone.now(),
        comment=comment,
    )
    locked.state = to_state
    locked.version += 1
    locked.save(update_fields=["state", "version", "accepted_version", "updated_at"])
    report.state, report.version = locked.state, locked.version
    report.accepted_version = locked.accepted_version
    report.updated_at = locked.updated_at


def working_draft_of(report: Report) -> ReportVersion | None:
    return report.versions.filter(submitted_at__isnull=True).first()


def latest_submitted_version_of(report: Report) -> ReportVersion | None:
    return report.versions.filter(submitted_at__isnull=False).order_by("-number").first()


def _open_working_draft(locked: Report, *, by: User) -> ReportVersion:
    """The report's working draft, created as the next version when there is none.

    A revision after a return starts from the returned version: its KPI values and its
    evidence (rows pointing at the same stored files) are carried over.
    """
    draft = working_draft_of(locked)
    if draft is not None:
        return draft
    previous = latest_submitted_version_of(locked)
    draft = ReportVersion.objects.create(
        report=locked,
        number=(previous.number if previous else 0) + 1,
        created_by=by,
        updated_by=by,
        narrative=previous.narrative if previous else "",
        difficulties=previous.difficulties if previous else "",
        has_difficulties=previous.has_difficulties if previous else False,
    )
    if previous is not None:
        project_kpi_ids = locked.project.kpis.values_list("pk", flat=True)
        KpiValue.objects.bulk_create(
            KpiValue(version=draft, kpi_id=value.kpi_id, actual=value.actual)
            for value in previous.values.filter(kpi_id__in=project_kpi_ids)
        )
        EvidenceFile.objects.bulk_create(
            EvidenceFile(
                version=draft,
                file=evidence.file.name,
                original_name=evidence.original_name,
                content_type=evidence.content_type,
                size=evidence.size,
                sha256=evidence.sha256,
                uploaded_by=evidence.uploaded_by,
                uploaded_at=evidence.uploaded_at,
            )
            for evidence in previous.evidence.all()
        )
    return draft


def _refuse_unless_editable(locked: Report, by: User) -> None:
    if not permissions.can_edit_report_draft(by, locked):
        raise ReportWorkflowError(
            _("이 보고서는 지금 고칠 수 없습니다. 제출되었거나 고칠 권한이 없습니다."),
            code="forbidden",
        )


def _bump_version(*, report: Report, locked: Report) -> None:
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    report.version = locked.version


@transaction.atomic
def report_save_draft(
    *,
    report: Report,
    by: User,
    expected_version: int,
    narrative: str,
    difficulties: str,
    has_difficulties: bool,
    kpi_values: Mapping[int, Decimal | None],
) -> ReportVersion:
    """Save the working draft (creating it, as the next version, if there is none).

    Refused, with nothing written, when ``expected_version`` is not the report's current
    version: someone else saved in between. ``kpi_values`` maps KPI ids of the report's
    project to actual values (``None`` for "not known yet").
    """
    locked = _locked(report)
    _refuse_unless_editable(locked, by)
    _refuse_stale(locked, expected_version)
    project_kpi_ids = set(locked.project.kpis.values_list("pk", flat=True))
    if not set(kpi_values) <= project_kpi_ids:
        raise ReportWorkflowError(_("이 사업의 지표가 아닌 값이 있습니다."), code="unknown_kpi")

    draft = _open_working_draft(locked, by=by)
    draft.narrative = narrative
    draft.difficulties = difficulties
    draft.has_difficulties = has_difficulties
    draft.updated_by = by
    draft.save()
    for kpi_id, actual in kpi_values.items():
        KpiValue.objects.update_or_create(version=draft, kpi_id=kpi_id, defaults={"actual": actual})
    _bump_version(report=report, locked=locked)
    return draft


@transaction.atomic
def evidence_attach(
    *, report: Report, by: User, expected_version: int | None, upload
) -> EvidenceFile:
    """Check an uploaded file and attach it to the working draft as evidence.

    The file must be one of the allowed types by name and by content, within the size cap
    (``agencies.uploads``); it is stored under a server-made name. A file that fails a check
    is refused with ``ReportWorkflowError`` and nothing is stored.
    """
    locked = _locked(report)
    _refuse_unless_editable(locked, by)
    _refuse_stale(locked, expected_version)
    try:
        inspected = uploads.inspect_upload(upload)
    except uploads.UploadRejected as rejected:
        raise ReportWorkflowError(str(rejected), code="upload_rejected") from rejected
    draft = _open_working_draft(locked, by=by)
    evidence = EvidenceFile(
        version=draft,
        original_name=inspected.original_name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
    )
    evidence.file.save(f"upload.{inspected.extension}", upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    _bump_version(report=report, locked=locked)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: EvidenceFile, by: User, expected_version: int | None) -> None:
    """Take a file off the working draft. Submitted versions keep their evidence for good.

    The stored file stays: earlier versions may point at it.
    """
    locked = _locked(evidence.version.report)
    _refuse_unless_editable(locked, by)
    _refuse_stale(locked, expected_version)
    if evidence.version.is_frozen:
        raise ReportWorkflowError(
            _("제출된 판의 증빙은 지울 수 없습니다."), code="frozen"
        )
    evidence.delete()
    _bump_version(report=evidence.version.report, locked=locked)


@transaction.atomic
def report_submit(
    *, report: Report, by: User, expected_version: int | None = None
) -> ReportVersion:
    """Freeze the working draft as a submitted version that never changes again.

    Only the lead institution's head, or the deputy head standing in (or an administrator),
    submits; the draft needs a narrative and a value for every KPI.
    """
    locked = _locked(report)
    if not permissions.can_submit_report(by, locked):
        raise ReportWorkflowError(
            _("보고서 제출은 주관 기관의 기관장 또는 기관장을 대신하는 부기관장만 할 수 있습니다.")
            if locked.state in permissions.EDITABLE_REPORT_STATES
            else _("이미 제출되었거나 승인된 보고서입니다."),
            code="forbidden",
        )
    _refuse_stale(locked, expected_version)
    draft = working_draft_of(locked)
    if draft is None:
        raise ReportWorkflowError(
            _("제출할 초안이 없습니다. 먼저 초안을 저장해 주세요."), code="no_draft"
        )
    if not draft.narrative.strip():
        raise ReportWorkflowError(_("추진 실적을 적어야 제출할 수 있습니다."), code="incomplete")
    filled = set(
        draft.values.filter(actual__isnull=False).values_list("kpi_id", flat=True)
    )
    missing = [kpi.name for kpi in locked.project.kpis.all() if kpi.pk not in filled]
    if missing:
        raise ReportWorkflowError(
            _("다음 지표의 실적값을 입력해야 제출할 수 있습니다: %(names)s")
            % {"names": ", ".join(missing)},
            code="incomplete",
        )
    draft.submitted_at = timezone.now()
    draft.submitted_by = by
    draft.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
    _advance(report=report, locked=locked, to_state=ReportState.SUBMITTED, by=by, version=draft)
    return draft


def _refuse_unless_reviewable(locked: Report, by: User) -> ReportVersion:
    if not has_city_powers(by):
        raise ReportWorkflowError(_("보고서 검토는 시 직원만 할 수 있습니다."), code="forbidden")
    if not permissions.can_review_report(by, locked):
        raise ReportWorkflowError(
            _("제출된 보고서만 승인하거나 반려할 수 있습니다."), code="not_submitted"
        )
    return latest_submitted_version_of(locked)


@transaction.atomic
def report_accept(
    *, report: Report, by: User, comment: str = "", expected_version: int | None = None
) -> Report:
    """Accept the submitted version: its KPI values become the project's official progress."""
    locked = _locked(report)
    version = _refuse_unless_reviewable(locked, by)
    _refuse_stale(locked, expected_version)
    locked.accepted_version = version
    _advance(
        report=report,
        locked=locked,
        to_state=ReportState.ACCEPTED,
        by=by,
        version=version,
        comment=comment.strip(),
    )
    return report


@transaction.atomic
def report_return(
    *, report: Report, by: User, comment: str, expected_version: int | None = None
) -> Report:
    """Return the submitted version to the institution with a comment saying what to fix.

    The returned version stays readable; the institution's revision becomes a new version.
    """
    locked = _locked(report)
    version = _refuse_unless_reviewable(locked, by)
    _refuse_stale(locked, expected_version)
    if not comment.strip():
        raise ReportWorkflowError(
            _("반려할 때는 무엇을 고쳐야 하는지 의견을 적어 주세요."), code="comment_required"
        )
    _advance(
        report=report,
        locked=locked,
        to_state=ReportState.RETURNED,
        by=by,
        version=version,
        comment=comment.strip(),
    )
    return report
