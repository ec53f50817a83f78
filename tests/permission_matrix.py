"""The permission matrix: for every URL pattern, what each role gets back.

``tests/test_permission_matrix.py`` walks every pattern of the URL configuration and requests
each case below as every role of the world (``ROLE_NAMES`` in ``tests/conftest.py``). A pattern
with no row or rule fails, and so does a row for a pattern that no longer exists: when you add
a page, add its row here, with the statuses that MISSION.md's "Who may do what" asks for —
not the ones the view happens to return.

- ``MATRIX`` maps a pattern's full name ("home", "agencies:detail", "admin:index") to its
  cases. A pattern without a name is keyed by its full route: ``"route:admin/(?P<url>.*)$"``.
- A case (``Expect``) says how to build the address from the world, which method to use and
  what every role gets. Several cases per pattern express "X's object" versus "Y's object".
- ``RULES`` cover families of patterns (the Django admin's per-model pages) by regular
  expression. A row in ``MATRIX`` wins over a rule; two rules may not claim one pattern.
- An outcome is a status code, or a ``Redirect`` whose target is checked too; ``LOGIN`` and
  ``ADMIN_LOGIN`` also check that ``next`` names the requested address.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from agencies.models import EvidenceFile, Institution, JointProject, Report, ReportState
from evaluations.models import Campaign, CampaignStatus, InstitutionScore
from evaluations.scoring import compute_scores
from meetings.models import (
    ActionItem,
    CalendarFeed,
    DifficultyHeard,
    Invitation,
    Meeting,
    MeetingKind,
)
from meetings.services import action_item_create, calendar_feed_issue, meeting_series_schedule
from tests.evaluation_factories import CampaignFactory, closed_campaign
from tests.factories import (
    InstitutionFactory,
    PredecessorBodyFactory,
    project_with_reports,
    report_in_state,
)
from tests.world import ROLE_NAMES, World, build_world_parts

# --- The world the cases are built from ------------------------------------------------------


@dataclass
class MatrixWorld(World):
    """The ``world`` of conftest, plus what the matrix's cases need besides."""

    former_institution: Institution  # inactive: phase 1 merged it away; only the city sees it
    # Joint projects by name (see ``_build_projects``) and their reports by state.
    projects: dict[str, JointProject] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    evidence: dict[str, EvidenceFile] = field(default_factory=dict)  # by the report's name
    admin_samples: dict[str, models.Model] = field(default_factory=dict)  # model label -> object
    # Meetings by name (see ``_build_meetings``) and invitations by "<meeting>-<institution>".
    meetings: dict[str, Meeting] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    feeds: dict[str, CalendarFeed] = field(default_factory=dict)  # "head_x", "revoked"
    difficulties: dict[str, DifficultyHeard] = field(default_factory=dict)  # "x"
    action_items: dict[str, ActionItem] = field(default_factory=dict)  # "x": X owns it
    # Evaluation campaigns of X and Y by status: "draft", "open", "closed" (scoring, E2a).
    scoring_campaigns: dict[str, Campaign] = field(default_factory=dict)

    def report_pk(self, name: str) -> dict:
        return {"pk": self.reports[name].pk}


# One existing object for every model registered in the Django admin (its change, delete and
# history pages need an id). A model registered later without a sample fails the test.
ADMIN_SAMPLES: dict[str, Callable[[MatrixWorld], models.Model]] = {
    "agencies.institution": lambda world: world.institution_x,
    "agencies.bureau": lambda world: world.institution_x.bureau,
    "agencies.predecessorbody": lambda world: PredecessorBodyFactory(successor=world.institution_x),
    "agencies.membership": lambda world: world.users["staff_x"].membership,
    "agencies.citystaff": lambda world: world.users["city_staff"].city_staff,
    "agencies.user": lambda world: world.users["head_x"],
    "agencies.jointproject": lambda world: world.projects["x"],
    "agencies.kpi": lambda world: world.projects["x"].kpis.first(),
    "agencies.reportingperiod": lambda world: world.reports["returned"].period,
    "agencies.report": lambda world: world.reports["returned"],
    "agencies.reportversion": lambda world: world.reports["returned"].versions.first(),
    "agencies.reporttransition": lambda world: world.reports["returned"].transitions.last(),
    "agencies.evidencefile": lambda world: world.evidence["accepted"],
    "meetings.meeting": lambda world: world.meetings["heads"],
    "meetings.invitation": lambda world: world.meetings["heads"].invitations.first(),
    "meetings.calendarfeed": lambda world: world.feeds["head_x"],
    "meetings.difficultyheard": lambda world: DifficultyHeard.objects.create(
        meeting=world.meetings["dialogue-x"], text="돌봄 인력이 부족합니다."
    ),
    "meetings.actionitem": lambda world: world.action_items["x"],
    "meetings.actionitemupdate": lambda world: world.action_items["x"].updates.first(),
    "evaluations.scoresnapshot": lambda world: compute_scores(
        campaign=world.scoring_campaigns["closed"]
    ),
    "evaluations.institutionscore": lambda world: InstitutionScore.objects.filter(
        snapshot__campaign=world.scoring_campaigns["closed"]
    ).first(),
    "auth.group": lambda world: Group.objects.create(name="matrix-group"),
    "django_celery_beat.intervalschedule": lambda world: IntervalSchedule.objects.create(
        every=1, period=IntervalSchedule.DAYS
    ),
    "django_celery_beat.crontabschedule": lambda world: CrontabSchedule.objects.create(
        minute="0", hour="9"
    ),
    "django_celery_beat.solarschedule": lambda world: SolarSchedule.objects.create(
        event="sunrise", latitude="35.160000", longitude="126.851000"
    ),
    "django_celery_beat.clockedschedule": lambda world: ClockedSchedule.objects.create(
        clocked_time=timezone.now()
    ),
    "django_celery_beat.periodictask": lambda world: PeriodicTask.objects.create(
        name="matrix-task",
        task="portal.tasks.clear_expired_sessions",
        interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS),
    ),
}


# The smallest real PDF: enough for the upload checks, which look at the content too.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def evidence_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("현장 점검표.pdf", EVIDENCE_PDF, content_type="application/pdf")


def _build_projects(world: MatrixWorld) -> None:
    """Joint projects and reports in every state of the workflow, made by its services:

    - ``x``: X's published project, one report per quarter: ``accepted`` (with evidence),
      ``submitted``, ``returned``, ``draft`` (with evidence);
    - ``x-unpublished``: X's project not yet published, its one report ``accepted-unpublished``;
    - ``y-partnered``: Y's unpublished project with X as a partner, its report ``y-draft``.
    """
    users = world.users
    x_people = {"drafter": users["staff_x"], "submitter": users["head_x"]}
    y_people = {"drafter": users["staff_y"], "submitter": users["head_y"]}
    reviewer = users["city_staff"]
    world.projects["x"] = project_with_reports(
        lead_institution=world.institution_x, title="엑스 공개 사업"
    )
    world.projects["x-unpublished"] = project_with_reports(
        lead_institution=world.institution_x,
        title="엑스 준비 중 사업",
        is_published=False,
        ends_on=datetime.date(2024, 3, 31),
    )
    world.projects["y-partnered"] = project_with_reports(
        lead_institution=world.institution_y,
        title="와이 준비 중 협업사업",
        is_published=False,
        ends_on=datetime.date(2024, 3, 31),
    )
    world.projects["y-partnered"].partner_institutions.add(world.institution_x)

    def reports_of(project: str) -> list[Report]:
        return list(
            Report.objects.filter(period__project=world.projects[project]).order_by(
                "period__sequence"
            )
        )

    quarters = reports_of("x")
    plan = [
        ("accepted", quarters[0], ReportState.ACCEPTED, x_people, True),
        ("submitted", quarters[1], ReportState.SUBMITTED, x_people, False),
        ("returned", quarters[2], ReportState.RETURNED, x_people, False),
        ("draft", quarters[3], ReportState.DRAFT, x_people, True),
        (
            "accepted-unpublished",
            reports_of("x-unpublished")[0],
            ReportState.ACCEPTED,
            x_people,
            False,
        ),
        ("y-draft", reports_of("y-partnered")[0], ReportState.DRAFT, y_people, False),
    ]
    for name, report, state, people, with_evidence in plan:
        world.reports[name] = report_in_state(
            report,
            state,
            reviewer=reviewer,
            evidence=[evidence_pdf()] if with_evidence else [],
            **people,
        )
        if with_evidence:
            world.evidence[name] = EvidenceFile.objects.get(version__report=report)


def _build_meetings(world: MatrixWorld) -> None:
    """Next year's regular series, made by its service, and a meeting only Y is invited to:

    - ``heads``: February's heads' meeting, X's and Y's heads invited (``heads-x``, ``heads-y``);
    - ``deputies``: January's deputy heads' meeting: only X has a deputy head to invite;
    - ``y-only``: a meeting with Y's head alone;
    - ``x-past``: yesterday's meeting with X's head (``x-past-x``): attendance may be taken;
    - ``dialogue-x``: yesterday's field dialogue at X: difficulties heard may be recorded.
    """
    year = timezone.localdate().year + 1
    meeting_series_schedule(year=year)
    world.meetings["heads"] = Meeting.objects.get(series_year=year, series_month=2)
    world.meetings["deputies"] = Meeting.objects.get(series_year=year, series_month=1)
    starts_at = world.meetings["heads"].starts_at + datetime.timedelta(days=7)
    y_only = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="와이기관 간담회",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )
    Invitation.objects.create(
        meeting=y_only, user=world.users["head_y"], institution=world.institution_y
    )
    world.meetings["y-only"] = y_only
    yesterday = timezone.now() - datetime.timedelta(days=1)
    x_past = Meeting.objects.create(
        kind=MeetingKind.OTHER,
        title="엑스기관 간담회(지난 회의)",
        starts_at=yesterday,
        ends_at=yesterday + datetime.timedelta(hours=1),
    )
    world.invitations["x-past-x"] = Invitation.objects.create(
        meeting=x_past, user=world.users["head_x"], institution=world.institution_x
    )
    world.meetings["x-past"] = x_past
    dialogue = Meeting.objects.create(
        kind=MeetingKind.FIELD_DIALOGUE,
        title="현장 대화: 엑스기관",
        visited_institution=world.institution_x,
        starts_at=yesterday,
        ends_at=yesterday + datetime.timedelta(hours=1),
    )
    Invitation.objects.create(
        meeting=dialogue, user=world.users["head_x"], institution=world.institution_x
    )
    world.meetings["dialogue-x"] = dialogue
    # What the dialogue heard, and the action item X owns because of it.
    world.difficulties["x"] = DifficultyHeard.objects.create(
        meeting=dialogue, text="야간 돌봄 인력을 구하기 어렵습니다."
    )
    world.action_items["x"] = action_item_create(
        by=world.users["city_staff"],
        description="야간 돌봄 인력 지원",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        difficulty=world.difficulties["x"],
        owner_institution=world.institution_x,
    )
    # X's head's first feed address was replaced: it is revoked; the second one is active.
    world.feeds["revoked"] = calendar_feed_issue(user=world.users["head_x"])
    world.feeds["head_x"] = calendar_feed_issue(user=world.users["head_x"])
    for name, institution in (("x", world.institution_x), ("y", world.institution_y)):
        world.invitations[f"heads-{name}"] = Invitation.objects.get(
            meeting=world.meetings["heads"], institution=institution
        )


def _build_scoring(world: MatrixWorld) -> None:
    """Campaigns evaluating X and Y in the three states the lifecycle buttons act on."""
    for status in (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.CLOSED):
        make = closed_campaign if status == CampaignStatus.CLOSED else CampaignFactory
        world.scoring_campaigns[status] = make(
            slug=f"scoring-{status}",
            status=status,
            institutions=[world.institution_x, world.institution_y],
        )


def build_matrix_world() -> MatrixWorld:
    """The same people as conftest's ``world``, a former institution, joint projects with
    reports in every state, and the admin samples."""
    world = MatrixWorld(
        **build_world_parts(),
        former_institution=InstitutionFactory(code="OLDINST", name_ko="옛기관", is_active=False),
    )
    _build_projects(world)
    _build_meetings(world)
    _build_scoring(world)
    for label, make_sample in ADMIN_SAMPLES.items():
        world.admin_samples[label] = make_sample(world)
    return world


# --- Outcomes and cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A redirect to ``to``: a URL name reversed without arguments, or a function of the world
    giving the path. ``login``: a sign-in page, whose ``next`` must name the requested address."""

    to: str | Callable[[MatrixWorld], str]
    status: int = 302
    login: bool = False

    def path(self, world: MatrixWorld) -> str:
        return reverse(self.to) if isinstance(self.to, str) else self.to(world)

    def __str__(self) -> str:
        target = self.to if isinstance(self.to, str) else "…"
        return f"{self.status} → {target}"


Outcome = int | Redirect

LOGIN = Redirect("login", login=True)
ADMIN_LOGIN = Redirect("admin:login", login=True)
HOME = Redirect("home")

X_PEOPLE = ("staff_x", "deputy_x", "head_x")
Y_PEOPLE = ("staff_y", "head_y")
CITY_POWERS = ("city_staff", "admin")
SIGNED_IN = (*X_PEOPLE, *Y_PEOPLE, *CITY_POWERS)


def statuses(default: Outcome, /, **by_role: Outcome) -> dict[str, Outcome]:
    """``default`` for every role, except those named: ``statuses(200, anonymous=LOGIN)``."""
    unknown = set(by_role) - set(ROLE_NAMES)
    if unknown:
        raise ValueError(f"unknown roles in the permission matrix: {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLE_NAMES}


def grant(roles: Iterable[str], outcome: Outcome) -> dict[str, Outcome]:
    """For ``statuses(404, **grant(X_PEOPLE, 200))``."""
    return dict.fromkeys(roles, outcome)


PUBLIC = statuses(200)
SIGNED_IN_ONLY = statuses(200, anonymous=LOGIN)
# Django admin, as its own site guards it: only the superuser gets in.
ADMIN_ONLY = statuses(ADMIN_LOGIN, admin=200)
# A model's admin pages are wrapped by the ModelAdmin, which (unlike the admin site's own
# views) does not tell LoginRequiredMiddleware about the admin's login page: anonymous
# visitors are sent to the portal's sign-in, signed-in non-staff to the admin's.
ADMIN_MODEL_PAGE = statuses(ADMIN_LOGIN, anonymous=LOGIN, admin=200)


def _no_arguments(world: MatrixWorld) -> dict:
    return {}


@dataclass(frozen=True)
class Expect:
    """One request to try as every role, and what each role gets.

    ``url_kwargs(world)`` fills the pattern's arguments; a pattern without a name gives
    ``path(world)`` instead. ``query`` is added to the address; ``data(world)`` is the POST body.
    ``case`` names the case in test ids ("y-institution").
    """

    statuses: Mapping[str, Outcome]
    url_kwargs: Callable[[MatrixWorld], dict] = _no_arguments
    method: str = "get"
    query: Mapping[str, str] = field(default_factory=dict)
    data: Callable[[MatrixWorld], dict] = _no_arguments
    path: Callable[[MatrixWorld], str] | None = None
    case: str = ""

    @property
    def label(self) -> str:
        parts = [part for part in (self.case, self.method if self.method != "get" else "") if part]
        return ",".join(parts)


@dataclass(frozen=True)
class Rule:
    """Cases for every pattern whose key fully matches the regular expression ``pattern``."""

    pattern: str
    cases: Callable[[re.Match], list[Expect]]
    why: str = ""

    def match(self, key: str) -> re.Match | None:
        return re.fullmatch(self.pattern, key)


# --- The table ---------------------------------------------------------------------------------


def _slug(code_of: Callable[[MatrixWorld], str]) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"code": code_of(world)}


def _project(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.projects[name].pk}


def _report(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: world.report_pk(name)


def _evidence(report_name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.evidence[report_name].pk}


def _report_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: world.reports[name].get_absolute_url()


def _report_edit_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("projects:report_edit", kwargs=world.report_pk(name))


def _report_form_data(name: str, action: str) -> Callable[[MatrixWorld], dict]:
    """A complete report form for the report as the world left it: a narrative and a value
    for every KPI, at the report's current version."""

    def data(world: MatrixWorld) -> dict:
        report = world.reports[name]
        values = {f"kpi_{kpi.pk}": "60" for kpi in report.project.kpis.all()}
        return {
            "version": report.version,
            "narrative": "2분기 추진 실적: 돌봄 대상 60명 발굴",
            "difficulties": "",
            "action": action,
            **values,
        }

    return data


def _review_data(name: str, decision: str, comment: str = "") -> Callable[[MatrixWorld], dict]:
    return lambda world: {
        "version": world.reports[name].version,
        "decision": decision,
        "comment": comment,
    }


def _meeting(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.meetings[name].pk}


def _meeting_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: world.meetings[name].get_absolute_url()


def _difficulty(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.difficulties[name].pk}


def _action_item(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.action_items[name].pk}


def _action_item_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: world.action_items[name].get_absolute_url()


def _latest_action_item_path(world: MatrixWorld) -> str:
    """The item the request just opened (read after the response)."""
    return ActionItem.objects.latest("pk").get_absolute_url()


def _invitation(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.invitations[name].pk}


def _rsvp_data(name: str, rsvp: str, delegate_name: str = "") -> Callable[[MatrixWorld], dict]:
    def data(world: MatrixWorld) -> dict:
        prefix = f"invitation-{world.invitations[name].pk}"
        return {f"{prefix}-rsvp": rsvp, f"{prefix}-delegate_name": delegate_name}

    return data


def _answers_for_x(meeting: str) -> dict[str, Outcome]:
    """Answering X's invitation: X's head or deputy head (and the admin) land on the meeting;
    X's staff and city staff see the invitation but may not answer (403); Y's people 404."""
    return statuses(
        403,
        anonymous=LOGIN,
        **grant(Y_PEOPLE, 404),
        **grant(("head_x", "deputy_x", "admin"), Redirect(_meeting_path(meeting))),
    )


# X's private records (drafts, returns, unpublished projects): X's people and the city.
X_PRIVATE = statuses(404, **grant((*X_PEOPLE, *CITY_POWERS), 200))
Y_PRIVATE = statuses(404, **grant((*Y_PEOPLE, *CITY_POWERS), 200))
# The same for pages that are not public at all: anonymous visitors are asked to sign in.
X_PRIVATE_SIGNED_IN = X_PRIVATE | {"anonymous": LOGIN}
Y_PRIVATE_SIGNED_IN = Y_PRIVATE | {"anonymous": LOGIN}
# An open report of X: its people and the admin draft it; city staff see it but do not.
X_DRAFTS = statuses(404, anonymous=LOGIN, city_staff=403, **grant((*X_PEOPLE, "admin"), 200))
# Pages only city staff and the admin use; everyone else signed in is refused.
CITY_ONLY = statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 200))


def _x_submits(name: str) -> dict[str, Outcome]:
    """Save and submit X's open report: the head, the deputy standing in and the admin
    land on the submitted report. X's staff may save but not submit: the draft is saved and
    the submission refused with a message on the form (400). City staff see the report but
    do not write it (403); Y's people do not see it (404)."""
    return statuses(
        Redirect(_report_path(name)),
        anonymous=LOGIN,
        staff_x=400,
        city_staff=403,
        **grant(Y_PEOPLE, 404),
    )


def _reviews(name: str) -> dict[str, Outcome]:
    """Reviewing X's report: city staff and the admin land on the report; X's people see it
    but may not review it (403); Y's people do not see it (404)."""
    return statuses(
        403,
        anonymous=LOGIN,
        **grant(Y_PEOPLE, 404),
        **grant(CITY_POWERS, Redirect(_report_path(name))),
    )


def _scoring_campaign(status: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.scoring_campaigns[status].slug}


def _runs_campaign(status: str) -> dict[str, Outcome]:
    """City staff and the admin land on the campaign's management page; others get a 404."""
    from evaluations.views import campaign_manage_path

    return statuses(
        404,
        anonymous=LOGIN,
        **grant(
            CITY_POWERS,
            Redirect(lambda world: campaign_manage_path(world.scoring_campaigns[status])),
        ),
    )


def _runs_campaign_refused() -> dict[str, Outcome]:
    return statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, 400))


MATRIX: dict[str, list[Expect]] = {
    "home": [Expect(PUBLIC)],
    "healthz": [Expect(PUBLIC)],
    "agencies:directory": [Expect(PUBLIC)],
    # Members only have an institution; city staff and admins are told where to go instead.
    "agencies:mine": [Expect(SIGNED_IN_ONLY)],
    "agencies:detail": [
        # Institution pages are public: X's and Y's alike, for everyone.
        Expect(PUBLIC, _slug(lambda world: world.institution_x.slug), case="x"),
        Expect(PUBLIC, _slug(lambda world: world.institution_y.slug), case="y"),
        # A former (inactive) institution is not public: only the city sees it.
        Expect(
            statuses(404, **grant(CITY_POWERS, 200)),
            _slug(lambda world: world.former_institution.slug),
            case="former",
        ),
        # The code in capitals is the same page: a permanent redirect to the lower-case address.
        Expect(
            statuses(Redirect(lambda world: world.institution_x.get_absolute_url(), status=301)),
            _slug(lambda world: world.institution_x.code),
            case="x-upper-case",
        ),
        Expect(statuses(404), _slug(lambda world: "nosuch"), case="unknown"),
    ],
    # --- Joint projects and reports (issue 3) -------------------------------------------------
    # MISSION.md: published projects and accepted progress are public; X's drafts, returns and
    # comments are for X's people and the city; another institution's private record is a 404.
    "projects:list": [Expect(PUBLIC)],
    "projects:detail": [
        Expect(PUBLIC, _project("x"), case="published"),
        Expect(X_PRIVATE, _project("x-unpublished"), case="x-unpublished"),
        # A partner institution sees the unpublished project it works on, as its lead does.
        Expect(
            statuses(404, **grant((*X_PEOPLE, *Y_PEOPLE, *CITY_POWERS), 200)),
            _project("y-partnered"),
            case="y-unpublished-x-partner",
        ),
        Expect(statuses(404), lambda world: {"pk": 0}, case="unknown"),
    ],
    "projects:report_detail": [
        # Accepted progress of a published project is public.
        Expect(PUBLIC, _report("accepted"), case="accepted"),
        Expect(X_PRIVATE, _report("submitted"), case="submitted"),
        Expect(X_PRIVATE, _report("returned"), case="returned"),
        Expect(X_PRIVATE, _report("draft"), case="draft"),
        # Accepted, but its project is not published yet: still private.
        Expect(X_PRIVATE, _report("accepted-unpublished"), case="accepted-unpublished"),
        # Partners see the project, not the lead's drafts: only the lead institution's people.
        Expect(Y_PRIVATE, _report("y-draft"), case="y-draft-x-partner"),
        Expect(statuses(404), lambda world: {"pk": 0}, case="unknown"),
    ],
    # Staff, deputy and head of X draft X's open reports (and the admin); city staff see the
    # report but do not write it (403); Y's people do not see it (404).
    "projects:report_edit": [
        Expect(X_DRAFTS, _report("draft"), case="draft"),
        Expect(X_DRAFTS, _report("returned"), case="returned"),
        # A submitted or accepted report is frozen: nobody edits it, not even the admin.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404)),
            _report("submitted"),
            case="submitted",
        ),
        # Accepted progress of a published project is public, so Y's people see it too (403).
        Expect(statuses(403, anonymous=LOGIN), _report("accepted"), case="accepted"),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404)),
            _report("accepted-unpublished"),
            case="accepted-unpublished",
        ),
        # X partners in Y's project but does not draft Y's report.
        Expect(
            statuses(
                404, anonymous=LOGIN, city_staff=403, **grant(("staff_y", "head_y", "admin"), 200)
            ),
            _report("y-draft"),
            case="y-draft-x-partner",
        ),
        # Saving a draft: everyone who drafts is sent back to the form.
        Expect(
            statuses(
                Redirect(_report_edit_path("draft")),
                anonymous=LOGIN,
                city_staff=403,
                **grant(Y_PEOPLE, 404),
            ),
            _report("draft"),
            method="post",
            data=_report_form_data("draft", "save"),
            case="draft-save",
        ),
        # "Save and submit": the head or the deputy standing in (or the admin); not staff.
        Expect(
            _x_submits("draft"),
            _report("draft"),
            method="post",
            data=_report_form_data("draft", "submit"),
            case="draft-submit",
        ),
        # A returned report is revised and submitted again by the same people.
        Expect(
            _x_submits("returned"),
            _report("returned"),
            method="post",
            data=_report_form_data("returned", "submit"),
            case="returned-submit",
        ),
    ],
    # City staff (and the admin) accept or return a submitted report; X's people see it but
    # may not review it (403); Y's people do not see it (404).
    "projects:report_review": [
        Expect(statuses(405, anonymous=LOGIN), _report("submitted"), case="submitted"),
        Expect(
            _reviews("submitted"),
            _report("submitted"),
            method="post",
            data=_review_data("submitted", "accept"),
            case="submitted-accept",
        ),
        Expect(
            _reviews("submitted"),
            _report("submitted"),
            method="post",
            data=_review_data("submitted", "return", "실적 근거를 붙여 주세요."),
            case="submitted-return",
        ),
        # Only a submitted report is reviewed: a draft is refused on the page (400).
        Expect(
            _reviews("draft") | grant(CITY_POWERS, 400),
            _report("draft"),
            method="post",
            data=_review_data("draft", "accept"),
            case="draft-accept",
        ),
    ],
    "projects:review_queue": [Expect(CITY_ONLY)],
    # Exports of every project's achievement are for the city.
    "projects:export": [
        Expect(CITY_ONLY, lambda world: {"file_format": "csv"}, case="csv"),
        Expect(CITY_ONLY, lambda world: {"file_format": "xlsx"}, case="xlsx"),
        Expect(
            CITY_ONLY | grant(CITY_POWERS, 404),
            lambda world: {"file_format": "pdf"},
            case="unknown-format",
        ),
    ],
    # Evidence may hold personal data: never public, not even on accepted progress. Those who
    # draft attach and remove it while the report is open.
    "projects:evidence_upload": [
        Expect(
            statuses(
                Redirect(_report_edit_path("draft")),
                anonymous=LOGIN,
                city_staff=403,
                **grant(Y_PEOPLE, 404),
            ),
            _report("draft"),
            method="post",
            data=lambda world: {
                "version": world.reports["draft"].version,
                "file": evidence_pdf(),
            },
            case="draft",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404)),
            _report("submitted"),
            method="post",
            data=lambda world: {
                "version": world.reports["submitted"].version,
                "file": evidence_pdf(),
            },
            case="submitted",
        ),
    ],
    "projects:evidence_download": [
        Expect(X_PRIVATE_SIGNED_IN, _evidence("draft"), case="draft"),
        Expect(X_PRIVATE_SIGNED_IN, _evidence("accepted"), case="accepted"),
    ],
    "projects:evidence_delete": [
        Expect(
            statuses(
                Redirect(_report_edit_path("draft")),
                anonymous=LOGIN,
                city_staff=403,
                **grant(Y_PEOPLE, 404),
            ),
            _evidence("draft"),
            method="post",
            data=lambda world: {"version": world.reports["draft"].version},
            case="draft",
        ),
        # Accepted evidence stays: the report is no longer open.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404)),
            _evidence("accepted"),
            method="post",
            data=lambda world: {"version": world.reports["accepted"].version},
            case="accepted",
        ),
    ],
    # --- Meetings (issue 4) --------------------------------------------------------------------
    # MISSION.md: an institution sees its own invitations; the city sees every meeting and
    # schedules them; the head or the deputy head standing in answers for the institution.
    # Meetings are not public: an institution sees the meetings it is invited to.
    "meetings:list": [
        Expect(SIGNED_IN_ONLY, case="this-month"),
        Expect(SIGNED_IN_ONLY, query={"view": "list", "year": "2024"}, case="year-list"),
        Expect(statuses(400, anonymous=LOGIN), query={"month": "13"}, case="bad-month"),
    ],
    "meetings:detail": [
        Expect(SIGNED_IN_ONLY, _meeting("heads"), case="heads-x-and-y-invited"),
        Expect(X_PRIVATE_SIGNED_IN, _meeting("deputies"), case="deputies-x-invited"),
        Expect(Y_PRIVATE_SIGNED_IN, _meeting("y-only"), case="y-only"),
        Expect(statuses(404, anonymous=LOGIN), lambda world: {"pk": 0}, case="unknown"),
    ],
    "meetings:ics": [
        Expect(SIGNED_IN_ONLY, _meeting("heads"), case="heads-x-and-y-invited"),
        Expect(Y_PRIVATE_SIGNED_IN, _meeting("y-only"), case="y-only"),
    ],
    "meetings:rsvp": [
        Expect(statuses(405, anonymous=LOGIN), _invitation("heads-x"), case="get"),
        Expect(
            _answers_for_x("heads"),
            _invitation("heads-x"),
            method="post",
            data=_rsvp_data("heads-x", "attending"),
            case="x-attending",
        ),
        Expect(
            _answers_for_x("heads"),
            _invitation("heads-x"),
            method="post",
            data=_rsvp_data("heads-x", "delegate", "김대리"),
            case="x-delegate",
        ),
        # A delegate without a name is a form error for those who may answer.
        Expect(
            _answers_for_x("heads") | grant(("head_x", "deputy_x", "admin"), 400),
            _invitation("heads-x"),
            method="post",
            data=_rsvp_data("heads-x", "delegate"),
            case="x-delegate-unnamed",
        ),
        Expect(
            statuses(
                404,
                anonymous=LOGIN,
                staff_y=403,
                city_staff=403,
                **grant(("head_y", "admin"), Redirect(_meeting_path("heads"))),
            ),
            _invitation("heads-y"),
            method="post",
            data=_rsvp_data("heads-y", "not_attending"),
            case="y-not-attending",
        ),
    ],
    # City staff take attendance from the meeting's day on; the invited see the meeting but
    # may not (403); another institution gets a 404.
    "meetings:attendance": [
        Expect(statuses(405, anonymous=LOGIN), _meeting("x-past"), case="get"),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_meeting_path("x-past"))),
            ),
            _meeting("x-past"),
            method="post",
            data=lambda world: {"present": [world.invitations["x-past-x"].pk]},
            case="x-past",
        ),
        # Next year's meeting has not begun: refused on the page (400) for the city.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _meeting("heads"),
            method="post",
            data=lambda world: {"present": [world.invitations["heads-x"].pk]},
            case="heads-future",
        ),
    ],
    # City staff record the difficulties heard in a field dialogue; X's people see them but
    # do not write them (403); Y does not see X's dialogue (404).
    "meetings:difficulty_add": [
        Expect(statuses(405, anonymous=LOGIN), _meeting("dialogue-x"), case="get"),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_meeting_path("dialogue-x"))),
            ),
            _meeting("dialogue-x"),
            method="post",
            data=lambda world: {"text": "야간 돌봄 인력을 구하기 어렵습니다."},
            case="dialogue-x",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(CITY_POWERS, 400)),
            _meeting("dialogue-x"),
            method="post",
            data=lambda world: {"text": " "},
            case="empty",
        ),
        # Not a field dialogue: refused on the page for the city.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(CITY_POWERS, 400)),
            _meeting("x-past"),
            method="post",
            data=lambda world: {"text": "들은 내용"},
            case="not-a-dialogue",
        ),
    ],
    # Any signed-in user may have a feed of the meetings they see (none, for a citizen).
    # Action items (point 5). The public "you said, we did" page is for everyone; an action
    # item is the city's and its owner institution's (X here): Y's people get a 404. Only the
    # city opens items; X's people leave progress notes but do not close them.
    "meetings:you_said_we_did": [
        Expect(PUBLIC, case="all"),
        Expect(PUBLIC, query={"status": "open", "institution": "XINST"}, case="filtered"),
        Expect(PUBLIC, query={"status": "none"}, case="no-action-yet"),
        Expect(statuses(400), query={"status": "unknown"}, case="bad-status"),
    ],
    "meetings:action_item_new": [
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(CITY_POWERS, 200)),
            _difficulty("x"),
            case="x",
        ),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_latest_action_item_path)),
            ),
            _difficulty("x"),
            method="post",
            data=lambda world: {
                "description": "야간 돌봄 인력 지원 방안",
                "owner_institution": world.institution_x.pk,
                "due_on": "2030-06-30",
            },
            case="x",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(CITY_POWERS, 400)),
            _difficulty("x"),
            method="post",
            data=lambda world: {"description": "주인 없는 조치", "due_on": "2030-06-30"},
            case="no-owner",
        ),
    ],
    "meetings:action_item": [Expect(X_PRIVATE_SIGNED_IN, _action_item("x"), case="x")],
    "meetings:action_item_update": [
        Expect(statuses(405, anonymous=LOGIN), _action_item("x"), case="get"),
        Expect(
            statuses(
                Redirect(_action_item_path("x")), anonymous=LOGIN, **grant(Y_PEOPLE, 404)
            ),
            _action_item("x"),
            method="post",
            data=lambda world: {"status": "in_progress", "note": "채용 공고를 냈습니다."},
            case="progress",
        ),
        Expect(
            statuses(
                400,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_action_item_path("x"))),
            ),
            _action_item("x"),
            method="post",
            data=lambda world: {"status": "done", "note": "두 명을 채용했습니다."},
            case="close",
        ),
        # Closing without a note is refused on the page, even for the city.
        Expect(
            statuses(400, anonymous=LOGIN, **grant(Y_PEOPLE, 404)),
            _action_item("x"),
            method="post",
            data=lambda world: {"status": "dropped", "note": ""},
            case="close-without-note",
        ),
    ],
    "meetings:feed_issue": [
        Expect(statuses(405, anonymous=LOGIN), case="get"),
        Expect(
            statuses(Redirect("meetings:list"), anonymous=LOGIN), method="post", case="issue"
        ),
    ],
    "meetings:feed_revoke": [
        Expect(statuses(405, anonymous=LOGIN), case="get"),
        Expect(
            statuses(Redirect("meetings:list"), anonymous=LOGIN), method="post", case="revoke"
        ),
    ],
    # The secret address is the credential: whoever holds it gets the owner's meetings, with
    # no sign-in; a revoked or unknown address is a 404 to everyone.
    "meetings:feed_ics": [
        Expect(PUBLIC, lambda world: {"token": world.feeds["head_x"].token}, case="active"),
        Expect(
            statuses(404), lambda world: {"token": world.feeds["revoked"].token}, case="revoked"
        ),
        Expect(statuses(404), lambda world: {"token": "no-such-token"}, case="unknown"),
    ],
    "meetings:schedule_series": [
        Expect(statuses(405, anonymous=LOGIN), case="get"),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, Redirect("meetings:list"))),
            method="post",
            data=lambda world: {"year": "2030"},
            case="year",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            method="post",
            data=lambda world: {"year": "내년"},
            case="bad-year",
        ),
    ],
    # --- Evaluations: campaign lifecycle (issue 5, E2a) ----------------------------------------
    # MISSION.md: city staff run campaigns. The buttons are POST only; everyone else gets a
    # 404 (management pages do not reveal which campaigns exist); a step the campaign's state
    # does not allow is refused on a page (400).
    "evaluations:campaign_open": [
        Expect(statuses(405, anonymous=LOGIN), _scoring_campaign("draft"), case="get"),
        Expect(
            _runs_campaign("draft"), _scoring_campaign("draft"), method="post", case="draft"
        ),
        Expect(
            _runs_campaign_refused(), _scoring_campaign("open"), method="post", case="open"
        ),
        Expect(
            statuses(404, anonymous=LOGIN),
            lambda world: {"slug": "no-such-campaign"},
            method="post",
            case="unknown",
        ),
    ],
    "evaluations:campaign_close": [
        Expect(statuses(405, anonymous=LOGIN), _scoring_campaign("open"), case="get"),
        Expect(_runs_campaign("open"), _scoring_campaign("open"), method="post", case="open"),
        Expect(
            _runs_campaign_refused(), _scoring_campaign("draft"), method="post", case="draft"
        ),
    ],
    "evaluations:campaign_recompute": [
        Expect(statuses(405, anonymous=LOGIN), _scoring_campaign("closed"), case="get"),
        Expect(
            _runs_campaign("closed"), _scoring_campaign("closed"), method="post", case="closed"
        ),
        # Nobody sees results while a campaign is open: nothing to compute.
        Expect(
            _runs_campaign_refused(), _scoring_campaign("open"), method="post", case="open"
        ),
    ],
    "login": [
        # Someone already signed in is sent on to the home page.
        Expect(statuses(HOME, anonymous=200)),
        # A wrong password shows the form again, with its error.
        Expect(
            statuses(HOME, anonymous=200),
            method="post",
            data=lambda world: {"username": "staff-x", "password": "not-the-password"},
            case="wrong-password",
        ),
    ],
    # Signing out is POST only. LogoutView is not marked login_not_required, so the middleware
    # sends anonymous visitors to sign in before the method is even looked at.
    "logout": [
        Expect(statuses(405, anonymous=LOGIN)),
        Expect(statuses(HOME, anonymous=LOGIN), method="post"),
    ],
    "password_change": [Expect(SIGNED_IN_ONLY)],
    "password_change_done": [Expect(SIGNED_IN_ONLY)],
    # The language switch works before signing in; without "next" it goes home.
    "set_language": [
        Expect(statuses(HOME)),
        Expect(
            statuses(Redirect("agencies:directory")),
            method="post",
            data=lambda world: {"language": "en", "next": reverse("agencies:directory")},
        ),
    ],
    # --- Django admin: the superuser only (MISSION.md: "Django admin … admin ✔").
    "admin:index": [Expect(ADMIN_ONLY)],
    # The admin's sign-in form is open; a signed-in non-staff user sees it with a note that
    # they lack access. The superuser is sent to the index.
    "admin:login": [Expect(statuses(200, admin=Redirect("admin:index")))],
    # Admin sign-out is POST only; a signed-in non-staff user is sent to the index (and from
    # there to the admin's sign-in). After signing out the admin lands on LOGOUT_REDIRECT_URL.
    "admin:logout": [
        Expect(statuses(Redirect("admin:index"), anonymous=ADMIN_LOGIN, admin=405)),
        Expect(
            statuses(Redirect("admin:index"), anonymous=ADMIN_LOGIN, admin=HOME),
            method="post",
        ),
    ],
    "admin:password_change": [Expect(ADMIN_ONLY)],
    "admin:password_change_done": [Expect(ADMIN_ONLY)],
    "admin:jsi18n": [Expect(ADMIN_ONLY)],
    "admin:autocomplete": [
        Expect(
            ADMIN_ONLY,
            query={"app_label": "agencies", "model_name": "membership", "field_name": "user"},
            case="membership-user",
        ),
        # Without naming a field the admin refuses even the superuser.
        Expect(statuses(ADMIN_LOGIN, admin=403), case="no-field"),
    ],
    "admin:view_on_site": [
        Expect(
            statuses(
                ADMIN_LOGIN,
                admin=Redirect(lambda world: world.institution_x.get_absolute_url()),
            ),
            lambda world: {
                "content_type_id": ContentType.objects.get_for_model(Institution).pk,
                "object_id": world.institution_x.pk,
            },
        ),
    ],
    "admin:app_list": [Expect(ADMIN_ONLY, lambda world: {"app_label": "agencies"})],
    "admin:auth_user_password_change": [
        Expect(ADMIN_MODEL_PAGE, lambda world: {"id": world.users["head_x"].pk}),
    ],
    # The admin's catch-all: an unknown address is a 404 (to the superuser only: the others
    # must not learn which addresses exist); a missing slash is added.
    "route:admin/(?P<url>.*)$": [
        Expect(
            statuses(ADMIN_LOGIN, admin=404),
            path=lambda world: reverse("admin:index") + "no-such-page/",
            case="unknown",
        ),
        Expect(
            statuses(
                ADMIN_LOGIN,
                admin=Redirect("admin:agencies_institution_changelist", status=301),
            ),
            path=lambda world: reverse("admin:agencies_institution_changelist").rstrip("/"),
            case="no-slash",
        ),
    ],
}


# --- Rules for the Django admin's per-model pages ----------------------------------------------


def admin_model_label(url_prefix: str) -> str:
    """``"agencies_institution"`` (as in the admin's URL names) -> ``"agencies.institution"``."""
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == url_prefix:
            return model._meta.label_lower
    raise LookupError(f"no model registered in the admin answers to {url_prefix!r}")


def _admin_sample(world: MatrixWorld, label: str) -> models.Model:
    try:
        return world.admin_samples[label]
    except KeyError:
        raise LookupError(f"add a sample object for {label!r} to ADMIN_SAMPLES") from None


# Pages the admin refuses even the superuser (403): the report workflow's records are written
# by its services only, so the timeline stays true (issue 3: "Admin for all of it, with the
# timeline read-only"). Reports come from reporting periods; versions and the timeline are
# history, never added or deleted by hand; evidence comes through the upload checks only.
ADMIN_PAGES_REFUSED: dict[str, set[str]] = {
    "agencies.report": {"add"},
    "agencies.reportversion": {"add", "delete"},
    "agencies.reporttransition": {"add", "delete"},
    "agencies.evidencefile": {"add"},
    # Feeds are issued by their owners only (a secret address nobody else should hold).
    "meetings.calendarfeed": {"add"},
    # Action items are opened by their service (the timeline starts with the opening); the
    # timeline is history, written by the services only.
    "meetings.actionitem": {"add"},
    "meetings.actionitemupdate": {"add", "delete"},
    # Score snapshots are written by the scoring service only (their hash vouches for them).
    "evaluations.scoresnapshot": {"add", "delete"},
    "evaluations.institutionscore": {"add", "delete"},
}


def _admin_page_statuses(label: str, page: str) -> dict[str, Outcome]:
    if page in ADMIN_PAGES_REFUSED.get(label, set()):
        return ADMIN_MODEL_PAGE | {"admin": 403}
    return ADMIN_MODEL_PAGE


def _admin_model_list_cases(match: re.Match) -> list[Expect]:
    label = admin_model_label(match["model"])
    return [Expect(_admin_page_statuses(label, match["page"]))]


def _admin_object_cases(match: re.Match) -> list[Expect]:
    label = admin_model_label(match["model"])
    return [
        Expect(
            _admin_page_statuses(label, match["page"]),
            lambda world: {"object_id": _admin_sample(world, label).pk},
        )
    ]


def _admin_object_redirect_cases(match: re.Match) -> list[Expect]:
    label = f"{match['app']}.{match['model']}"
    change = f"admin:{match['app']}_{match['model']}_change"

    def change_url(world: MatrixWorld) -> str:
        return reverse(change, args=[_admin_sample(world, label).pk])

    return [
        Expect(
            statuses(ADMIN_LOGIN, anonymous=LOGIN, admin=Redirect(change_url)),
            path=lambda world: change_url(world).removesuffix("change/"),
        )
    ]


RULES: list[Rule] = [
    Rule(
        r"admin:(?P<model>\w+)_(?P<page>changelist|add)",
        _admin_model_list_cases,
        why="a model's list and add pages: the superuser only (see ADMIN_PAGES_REFUSED)",
    ),
    Rule(
        r"admin:(?P<model>\w+)_(?P<page>change|delete|history)",
        _admin_object_cases,
        why=(
            "a model's object pages, on the model's sample object: the superuser only "
            "(see ADMIN_PAGES_REFUSED)"
        ),
    ),
    Rule(
        r"route:admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/",
        _admin_object_redirect_cases,
        why="an object's bare admin address redirects to its change page",
    ),
]


def cases_for(key: str) -> list[Expect]:
    """The cases of the pattern keyed ``key``: its row, else the one rule that matches it."""
    if key in MATRIX:
        return MATRIX[key]
    matches = [(rule, match) for rule in RULES if (match := rule.match(key))]
    if len(matches) > 1:
        raise LookupError(f"{key!r} is claimed by several rules: {[r.pattern for r, _ in matches]}")
    if not matches:
        return []
    rule, match = matches[0]
    return rule.cases(match)
