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
from evaluations.models import (
    Appeal,
    BestPractice,
    BestPracticeAttachment,
    Campaign,
    CampaignStatus,
    InstitutionScore,
    ScoreSnapshot,
    StakeholderInvitation,
    invitation_token_hash,
)
from evaluations.services import best_practice_attachment_add, best_practice_create
from meetings.models import (
    ActionItem,
    CalendarFeed,
    Decision,
    DifficultyHeard,
    DiscussionTopic,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    TopicStatus,
)
from meetings.services import (
    action_item_create,
    calendar_feed_issue,
    decision_record,
    meeting_series_schedule,
    minutes_save,
)
from notifications.models import Notification
from notifications.services import notifications_deliver_due
from tests.evaluation_factories import CampaignFactory, closed_campaign
from tests.evaluations.results_data import scored_campaign, under_appeal
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
    practices: dict[str, BestPractice] = field(default_factory=dict)  # "x", "x-draft"
    practice_files: dict[str, BestPracticeAttachment] = field(default_factory=dict)
    # The public survey: campaigns "open", "closed", "draft"; tokens "valid", "used".
    survey_campaigns: dict[str, Campaign] = field(default_factory=dict)
    survey_tokens: dict[str, str] = field(default_factory=dict)
    e1: dict[str, models.Model] = field(default_factory=dict)  # see ``_build_e1``
    topics: dict[str, DiscussionTopic] = field(default_factory=dict)  # see ``_build_topics``
    decisions: dict[str, Decision] = field(default_factory=dict)  # "held", "draft"
    notifications: dict[str, Notification] = field(default_factory=dict)  # "head_x"
    # Evaluation results by campaign state (see ``_build_results``), and appeals by name.
    evaluation_campaigns: dict[str, Campaign] = field(default_factory=dict)
    appeals: dict[str, Appeal] = field(default_factory=dict)
    # Evaluation campaigns of X and Y by status: "draft", "open", "closed" (scoring).
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
    # Evaluations: questionnaires & campaign management.
    "evaluations.questionnaire": lambda world: world.e1["editable"],
    "evaluations.question": lambda world: world.e1["editable"].sections.first().questions.first(),
    "evaluations.campaign": lambda world: world.e1["open"],
    "evaluations.stakeholderinvitation": lambda world: world.e1["invitation"],
    "evaluations.response": lambda world: world.e1["flagged"],
    "evaluations.responseexclusion": lambda world: world.e1["exclusion"],
    "meetings.discussiontopic": lambda world: world.topics["x-proposed"],
    "meetings.minutes": lambda world: world.meetings["held"].minutes,
    "meetings.decision": lambda world: world.decisions["held"],
    "notifications.notification": lambda world: world.notifications["head_x"],
    "evaluations.scoresnapshot": lambda world: ScoreSnapshot.objects.get(
        campaign=world.evaluation_campaigns["published"], is_current=True
    ),
    "evaluations.institutionscore": lambda world: InstitutionScore.objects.filter(
        snapshot__campaign=world.evaluation_campaigns["published"]
    ).first(),
    "evaluations.appeal": lambda world: world.appeals["y-pending"],
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


def _build_survey(world: MatrixWorld) -> None:
    """The public survey's campaigns (X and Y evaluated) and two stakeholder invitations to
    the open one: ``valid`` for X, and ``used``, spent yesterday."""
    institutions = [world.institution_x, world.institution_y]
    world.survey_campaigns = {
        "open": CampaignFactory(slug="survey-open", institutions=institutions),
        "closed": closed_campaign(slug="survey-closed", institutions=institutions),
        "draft": CampaignFactory(
            slug="survey-draft", status=CampaignStatus.DRAFT, institutions=institutions
        ),
    }
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for name, used_on in (("valid", None), ("used", yesterday)):
        token = f"matrix-{name}-token-0123456789abcdef"
        StakeholderInvitation.objects.create(
            campaign=world.survey_campaigns["open"],
            institution=world.institution_x,
            token_hash=invitation_token_hash(token),
            used_on=used_on,
        )
        world.survey_tokens[name] = token


def _build_topics(world: MatrixWorld) -> None:
    """Discussion topics of the ``heads`` meeting, whose proposals are open a week more:
    ``x-proposed`` and ``y-proposed`` pending; ``accepted-x`` and ``accepted-y`` on the
    agenda (in that order). Two meetings held last week, X and Y invited: ``held`` with its
    minutes published and a decision (``held``), ``held-draft`` with minutes not yet
    published and a decision (``draft``)."""
    heads = world.meetings["heads"]
    heads.topics_deadline = timezone.now() + datetime.timedelta(days=7)
    heads.save(update_fields=["topics_deadline"])
    for name, institution, status, position in (
        ("x-proposed", world.institution_x, TopicStatus.PROPOSED, None),
        ("y-proposed", world.institution_y, TopicStatus.PROPOSED, None),
        ("accepted-x", world.institution_x, TopicStatus.ACCEPTED, 1),
        ("accepted-y", world.institution_y, TopicStatus.ACCEPTED, 2),
    ):
        world.topics[name] = DiscussionTopic.objects.create(
            meeting=heads,
            institution=institution,
            title=f"과제 {name}",
            background="기관 사이 협력이 필요합니다.",
            status=status,
            agenda_position=position,
        )
    last_week = timezone.now() - datetime.timedelta(days=7)
    city = world.users["city_staff"]
    for name, published in (("held", True), ("held-draft", False)):
        held = Meeting.objects.create(
            kind=MeetingKind.OTHER,
            title=f"지난 간담회 {name}",
            starts_at=last_week,
            ends_at=last_week + datetime.timedelta(hours=1),
            status=MeetingStatus.HELD,
        )
        for head, institution in (
            (world.users["head_x"], world.institution_x),
            (world.users["head_y"], world.institution_y),
        ):
            Invitation.objects.create(meeting=held, user=head, institution=institution)
        minutes_save(meeting=held, by=city, summary="협력 과제를 논의했습니다.", publish=published)
        world.meetings[name] = held
        world.decisions["held" if published else "draft"] = decision_record(
            meeting=held, by=city, text="실무 협의체를 꾸린다."
        )


def _build_notifications(world: MatrixWorld) -> None:
    """The series' invitation notices, delivered: ``head_x``'s for February's heads' meeting."""
    notifications_deliver_due()
    world.notifications["head_x"] = Notification.objects.get(
        recipient=world.users["head_x"],
        purpose=f"meeting:{world.meetings['heads'].pk}:invitation",
        sent_at__isnull=False,
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
    _build_practices(world)
    _build_survey(world)
    _build_e1(world)
    _build_topics(world)
    _build_notifications(world)
    _build_results(world)
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


def _topic(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.topics[name].pk}


def _topics_path(meeting: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("meetings:topics", kwargs={"pk": world.meetings[meeting].pk})


def _minutes_path(meeting: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("meetings:minutes", kwargs={"pk": world.meetings[meeting].pk})


def _decision(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.decisions[name].pk}


def _proposal_data(title: str = "기관 합동 채용 일정 조율") -> Callable[[MatrixWorld], dict]:
    """A proposal as the form sends it; the institution field is the administrator's only
    (members propose for their own institution, and the field is ignored for them)."""
    return lambda world: {
        "propose-institution": world.institution_x.pk,
        "propose-title": title,
        "propose-background": "채용 시기가 기관마다 달라 결원이 깁니다.",
        "propose-request": "합동 채용 일정을 정해 주세요.",
    }


# Who proposes topics for an invited institution: its head or deputy head, and the admin.
PROPOSERS = ("head_x", "deputy_x", "head_y", "admin")
X_PROPOSERS = ("head_x", "deputy_x", "admin")


def _decide_data(topic: str, **fields: str) -> Callable[[MatrixWorld], dict]:
    def data(world: MatrixWorld) -> dict:
        prefix = f"topic-{world.topics[topic].pk}"
        values = {key: value(world) if callable(value) else value for key, value in fields.items()}
        return {f"{prefix}-{key}": value for key, value in values.items()}

    return data


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


# --- Evaluations: questionnaires & campaign management ----------------------------------------


def _build_e1(world: MatrixWorld) -> None:
    """What the campaign management pages need (``world.e1``):

    - ``draft``: a draft campaign over X and Y, its questionnaire ``editable`` (unanswered);
    - ``open``: an open campaign over X whose questionnaire is ``frozen`` (answered), with a
      ``flagged`` response of X excluded once (``exclusion``) and an ``invitation`` for X.
    """
    from evaluations.models import ResponseExclusion, StakeholderInvitation
    from tests.evaluation_factories import CampaignFactory, response_with_scores

    e1 = world.e1
    e1["draft"] = CampaignFactory(
        slug="matrix-draft",
        status="draft",
        institutions=[world.institution_x, world.institution_y],
    )
    e1["editable"] = e1["draft"].questionnaire
    e1["open"] = CampaignFactory(slug="matrix-open", institutions=[world.institution_x])
    e1["frozen"] = e1["open"].questionnaire
    e1["flagged"] = response_with_scores(
        e1["open"], world.institution_x, [5, 7, 10], flag_reasons="burst", excluded=True
    )
    e1["exclusion"] = ResponseExclusion.objects.create(
        response=e1["flagged"], excluded=True, reason="짧은 시간 몰림", by=world.users["admin"]
    )
    e1["invitation"] = StakeholderInvitation.objects.create(
        campaign=e1["open"],
        institution=world.institution_x,
        token_hash=invitation_token_hash("matrix-token"),
    )


def _e1_campaign(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.e1[name].slug}


def _e1_pk(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.e1[name].pk}


def _e1_builder_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("evaluations:questionnaire", kwargs={"pk": world.e1[name].pk})


def _e1_manage_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse(
        "evaluations:campaign_manage", kwargs={"slug": world.e1[name].slug}
    )


def _e1_first(name: str, kind: str) -> Callable[[MatrixWorld], dict]:
    """A builder form naming the first section or question of a questionnaire."""

    def data(world: MatrixWorld) -> dict:
        from evaluations.models import Question

        questionnaire = world.e1[name]
        item = (
            questionnaire.sections.order_by("position").first()
            if kind == "section"
            else Question.objects.filter(section__questionnaire=questionnaire)
            .order_by("section__position", "position")
            .first()
        )
        return {"kind": kind, "item": item.pk, "direction": "down"}

    return data


def _e1_question(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": _e1_first(name, "question")(world)["item"]}


def _e1_campaign_data(world: MatrixWorld) -> dict:
    return {
        "title": "매트릭스 새 평가",
        "slug": "matrix-new",
        "year": "2030",
        "description": "",
        "questionnaire": world.e1["editable"].pk,
        "institutions": [world.institution_x.pk],
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-31T18:00",
        "weight_citizen": "40",
        "weight_stakeholder": "20",
        "weight_kpi": "20",
        "weight_timeliness": "10",
        "weight_follow_through": "10",
        "minimum_sample": "30",
        "grade_scheme": "latin",
        "grade_thresholds": "90,80,70,60",
        "excellent_count": "3",
    }


def _e1_question_data(world: MatrixWorld) -> dict:
    return {
        "section": world.e1["editable"].sections.order_by("position").first().pk,
        "text": "직원이 친절했습니까?",
        "question_type": "likert5",
        "dimension": "process",
        "required": "on",
    }


# City staff and the admin manage; signed-in others get a 403 on the lists and forms, a 404 on
# a campaign's or questionnaire's pages (they do not learn which drafts exist).
E1_LIST = statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 200))
E1_MANAGED = statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, 200))
E1_POST_ONLY = statuses(405, anonymous=LOGIN)  # require_POST answers before the check


def _e1_managed(outcome: Outcome) -> dict[str, Outcome]:
    return statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, outcome))


def _e1_list(outcome: Outcome) -> dict[str, Outcome]:
    return statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, outcome))


def _e1_latest_questionnaire_path(world: MatrixWorld) -> str:
    from evaluations.models import Questionnaire

    latest = Questionnaire.objects.latest("pk")
    return reverse("evaluations:questionnaire", kwargs={"pk": latest.pk})


def _e1_responses_path(world: MatrixWorld) -> str:
    return reverse("evaluations:campaign_responses", kwargs={"slug": world.e1["open"].slug})


E1_MATRIX: dict[str, list[Expect]] = {
    "evaluations:manage": [Expect(E1_LIST)],
    "evaluations:campaign_new": [
        Expect(E1_LIST, case="form"),
        Expect(
            _e1_list(Redirect(lambda world: reverse(
                "evaluations:campaign_manage", kwargs={"slug": "matrix-new"}
            ))),
            method="post",
            data=_e1_campaign_data,
            case="create",
        ),
        # Weights that do not add up to 100 are refused next to the form.
        Expect(
            _e1_list(400),
            method="post",
            data=lambda world: _e1_campaign_data(world) | {"weight_kpi": "30"},
            case="weights-not-100",
        ),
    ],
    "evaluations:campaign_manage": [
        Expect(E1_MANAGED, _e1_campaign("draft"), case="draft"),
        Expect(E1_MANAGED, _e1_campaign("open"), case="open"),
        Expect(statuses(404, anonymous=LOGIN), lambda world: {"slug": "nosuch"}, case="unknown"),
    ],
    "evaluations:campaign_edit": [
        Expect(E1_MANAGED, _e1_campaign("draft"), case="form"),
        Expect(
            _e1_managed(Redirect(_e1_manage_path("draft"))),
            _e1_campaign("draft"),
            method="post",
            data=lambda world: _e1_campaign_data(world) | {"slug": "matrix-draft"},
            case="draft",
        ),
        # An open campaign keeps its questionnaire, institutions and weights: the disabled
        # fields keep their values whatever is posted, and the texts change.
        Expect(
            _e1_managed(Redirect(_e1_manage_path("open"))),
            _e1_campaign("open"),
            method="post",
            data=lambda world: _e1_campaign_data(world) | {"closes_at": "2099-12-31T18:00"},
            case="open",
        ),
    ],
    "evaluations:campaign_links": [Expect(E1_MANAGED, _e1_campaign("open"))],
    "evaluations:campaign_qr": [
        Expect(E1_MANAGED, _e1_campaign("open"), case="public"),
        Expect(E1_MANAGED, _e1_campaign("open"), query={"institution": "XINST"}, case="x"),
        # Y is not evaluated in this campaign.
        Expect(
            statuses(404, anonymous=LOGIN),
            _e1_campaign("open"),
            query={"institution": "YINST"},
            case="not-evaluated",
        ),
    ],
    "evaluations:campaign_invitations": [
        Expect(E1_MANAGED, _e1_campaign("open"), case="form"),
        Expect(
            _e1_managed(Redirect(lambda world: reverse(
                "evaluations:campaign_invitations", kwargs={"slug": "matrix-open"}
            ))),
            _e1_campaign("open"),
            method="post",
            data=lambda world: {
                "institution": world.institution_x.pk,
                "emails": "partner@example.org\nngo@example.org",
            },
            case="invite",
        ),
        Expect(
            _e1_managed(400),
            _e1_campaign("open"),
            method="post",
            data=lambda world: {"institution": world.institution_x.pk, "emails": "not-an-address"},
            case="bad-address",
        ),
    ],
    "evaluations:campaign_responses": [
        Expect(E1_MANAGED, _e1_campaign("open"), case="flagged"),
        Expect(E1_MANAGED, _e1_campaign("open"), query={"show": "all"}, case="all"),
        Expect(_e1_managed(400), _e1_campaign("open"), query={"show": "nosuch"}, case="bad"),
    ],
    "evaluations:response_exclusion": [
        Expect(
            E1_POST_ONLY,
            lambda world: {"slug": "matrix-open", "pk": world.e1["flagged"].pk},
            case="get",
        ),
        Expect(
            _e1_managed(Redirect(_e1_responses_path)),
            lambda world: {"slug": "matrix-open", "pk": world.e1["flagged"].pk},
            method="post",
            data=lambda world: {
                f"r{world.e1['flagged'].pk}-action": "restore",
                f"r{world.e1['flagged'].pk}-reason": "같은 기관 행사 참가자들의 정상 응답",
            },
            case="restore",
        ),
        Expect(
            _e1_managed(400),
            lambda world: {"slug": "matrix-open", "pk": world.e1["flagged"].pk},
            method="post",
            data=lambda world: {f"r{world.e1['flagged'].pk}-action": "restore"},
            case="no-reason",
        ),
        # The response of another campaign is not found through this one.
        Expect(
            statuses(404, anonymous=LOGIN),
            lambda world: {"slug": "matrix-draft", "pk": world.e1["flagged"].pk},
            method="post",
            data=lambda world: {},
            case="other-campaign",
        ),
    ],
    "evaluations:responses_csv": [Expect(E1_MANAGED, _e1_campaign("open"))],
    "evaluations:responses_xlsx": [Expect(E1_MANAGED, _e1_campaign("open"))],
    "evaluations:questionnaires": [
        Expect(E1_LIST, case="list"),
        Expect(
            _e1_list(Redirect(_e1_latest_questionnaire_path)),
            method="post",
            data=lambda world: {"title": "새 설문지", "description": ""},
            case="create",
        ),
        Expect(_e1_list(400), method="post", data=lambda world: {"title": ""}, case="no-title"),
    ],
    "evaluations:questionnaire": [
        Expect(E1_MANAGED, _e1_pk("editable"), case="editable"),
        Expect(E1_MANAGED, _e1_pk("frozen"), case="frozen"),
    ],
    "evaluations:section_add": [
        Expect(E1_POST_ONLY, _e1_pk("editable"), case="get"),
        Expect(
            _e1_managed(Redirect(_e1_builder_path("editable"))),
            _e1_pk("editable"),
            method="post",
            data=lambda world: {"title": "추가 영역", "description": ""},
            case="editable",
        ),
        # A frozen questionnaire is not edited: refused on the page.
        Expect(
            _e1_managed(400),
            _e1_pk("frozen"),
            method="post",
            data=lambda world: {"title": "추가 영역", "description": ""},
            case="frozen",
        ),
    ],
    "evaluations:question_add": [
        Expect(E1_POST_ONLY, _e1_pk("editable"), case="get"),
        Expect(
            _e1_managed(Redirect(_e1_builder_path("editable"))),
            _e1_pk("editable"),
            method="post",
            data=_e1_question_data,
            case="editable",
        ),
        Expect(
            _e1_managed(400),
            _e1_pk("editable"),
            method="post",
            data=lambda world: _e1_question_data(world) | {"question_type": "single"},
            case="choice-without-options",
        ),
    ],
    "evaluations:question_edit": [
        Expect(E1_MANAGED, _e1_question("editable"), case="form"),
        Expect(
            _e1_managed(Redirect(_e1_builder_path("editable"))),
            _e1_question("editable"),
            method="post",
            data=lambda world: _e1_question_data(world) | {"text": "절차가 쉬웠습니까?"},
            case="editable",
        ),
        Expect(
            _e1_managed(400),
            _e1_question("frozen"),
            method="post",
            data=lambda world: _e1_question_data(world) | {"text": "절차가 쉬웠습니까?"},
            case="frozen",
        ),
    ],
    "evaluations:questionnaire_reorder": [
        Expect(E1_POST_ONLY, _e1_pk("editable"), case="get"),
        Expect(
            _e1_managed(Redirect(_e1_builder_path("editable"))),
            _e1_pk("editable"),
            method="post",
            data=_e1_first("editable", "question"),
            case="question-down",
        ),
        Expect(
            _e1_managed(400),
            _e1_pk("frozen"),
            method="post",
            data=_e1_first("frozen", "section"),
            case="frozen",
        ),
        # A question of another questionnaire is not found through this one.
        Expect(
            _e1_managed(400),
            _e1_pk("editable"),
            method="post",
            data=_e1_first("frozen", "question"),
            case="other-questionnaire",
        ),
    ],
    "evaluations:questionnaire_item_delete": [
        Expect(E1_POST_ONLY, _e1_pk("editable"), case="get"),
        Expect(
            _e1_managed(Redirect(_e1_builder_path("editable"))),
            _e1_pk("editable"),
            method="post",
            data=_e1_first("editable", "question"),
            case="editable",
        ),
        Expect(
            _e1_managed(400),
            _e1_pk("frozen"),
            method="post",
            data=_e1_first("frozen", "question"),
            case="frozen",
        ),
    ],
    "evaluations:questionnaire_clone": [
        Expect(E1_POST_ONLY, _e1_pk("frozen"), case="get"),
        Expect(
            _e1_managed(Redirect(_e1_latest_questionnaire_path)),
            _e1_pk("frozen"),
            method="post",
            case="frozen",
        ),
    ],
}


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
    # Discussion topics (point 4). An invited institution's head or deputy head proposes
    # until the deadline and sees its own proposals and the accepted agenda; another
    # institution's pending proposal is a 404. Only the city curates and orders the agenda.
    "meetings:topics": [
        Expect(SIGNED_IN_ONLY, _meeting("heads"), case="heads-x-and-y-invited"),
        Expect(Y_PRIVATE_SIGNED_IN, _meeting("y-only"), case="y-only"),
        # A field dialogue has the visited institution's projects as its agenda instead.
        Expect(statuses(404, anonymous=LOGIN), _meeting("dialogue-x"), case="dialogue"),
    ],
    "meetings:topic_propose": [
        Expect(statuses(405, anonymous=LOGIN), _meeting("heads"), case="get"),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(PROPOSERS, Redirect(_topics_path("heads")))),
            _meeting("heads"),
            method="post",
            data=_proposal_data(),
            case="heads",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(PROPOSERS, 400)),
            _meeting("heads"),
            method="post",
            data=_proposal_data(title=" "),
            case="no-title",
        ),
        # January's deputies' meeting has no deadline: it takes no proposals.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(X_PROPOSERS, 400)),
            _meeting("deputies"),
            method="post",
            data=_proposal_data(),
            case="no-deadline",
        ),
    ],
    "meetings:topic_edit": [
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(X_PROPOSERS, 200)),
            _topic("x-proposed"),
            case="x-proposed",
        ),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(X_PROPOSERS, Redirect(_topics_path("heads"))),
            ),
            _topic("x-proposed"),
            method="post",
            data=lambda world: {"title": "고친 과제", "background": "고친 배경", "request": ""},
            case="x-proposed",
        ),
        # Accepted: everyone invited sees it; Y's head may not change it any more (400).
        Expect(
            statuses(403, anonymous=LOGIN, head_y=400, admin=400),
            _topic("accepted-y"),
            method="post",
            data=lambda world: {"title": "고친 과제", "background": "고친 배경", "request": ""},
            case="accepted-y",
        ),
    ],
    "meetings:topic_withdraw": [
        Expect(statuses(405, anonymous=LOGIN), _topic("x-proposed"), case="get"),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(X_PROPOSERS, Redirect(_topics_path("heads"))),
            ),
            _topic("x-proposed"),
            method="post",
            case="x-proposed",
        ),
    ],
    "meetings:topic_decide": [
        Expect(statuses(405, anonymous=LOGIN), _topic("x-proposed"), case="get"),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_topics_path("heads"))),
            ),
            _topic("x-proposed"),
            method="post",
            data=_decide_data("x-proposed", decision="accept"),
            case="accept",
        ),
        Expect(
            statuses(
                403,
                anonymous=LOGIN,
                **grant(Y_PEOPLE, 404),
                **grant(CITY_POWERS, Redirect(_topics_path("heads"))),
            ),
            _topic("x-proposed"),
            method="post",
            data=_decide_data(
                "x-proposed",
                decision="merge",
                merged_into=lambda world: world.topics["accepted-y"].pk,
            ),
            case="merge",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(Y_PEOPLE, 404), **grant(CITY_POWERS, 400)),
            _topic("x-proposed"),
            method="post",
            data=_decide_data("x-proposed", decision="decline", reason=""),
            case="decline-without-reason",
        ),
    ],
    "meetings:topic_move": [
        Expect(statuses(405, anonymous=LOGIN), _topic("accepted-x"), case="get"),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, Redirect(_topics_path("heads")))),
            _topic("accepted-x"),
            method="post",
            data=lambda world: {"direction": "down"},
            case="down",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _topic("accepted-x"),
            method="post",
            data=lambda world: {"direction": "sideways"},
            case="bad-direction",
        ),
        # Y's pending proposal is not on the agenda X sees: a 404 to X's people.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(X_PEOPLE, 404), **grant(CITY_POWERS, 400)),
            _topic("y-proposed"),
            method="post",
            data=lambda world: {"direction": "up"},
            case="not-on-the-agenda",
        ),
    ],
    # Minutes and decisions (point 4): city staff write them once the meeting was held; the
    # invitees read published minutes on the meeting page but do not write them (403).
    "meetings:minutes": [
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 200)),
            _meeting("held"),
            case="held",
        ),
        Expect(
            statuses(
                403, anonymous=LOGIN, **grant(X_PEOPLE, 404), **grant(CITY_POWERS, 200)
            ),
            _meeting("y-only"),
            case="y-only",
        ),
        Expect(
            statuses(
                403, anonymous=LOGIN, **grant(CITY_POWERS, Redirect(_minutes_path("held")))
            ),
            _meeting("held"),
            method="post",
            data=lambda world: {"summary": "세 과제를 논의했습니다.", "publish": "on"},
            case="held",
        ),
        # Not held yet: refused on the page for the city.
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _meeting("heads"),
            method="post",
            data=lambda world: {"summary": "미리 쓴 회의록"},
            case="not-held",
        ),
    ],
    "meetings:decision_add": [
        Expect(statuses(405, anonymous=LOGIN), _meeting("held"), case="get"),
        Expect(
            statuses(
                403, anonymous=LOGIN, **grant(CITY_POWERS, Redirect(_minutes_path("held")))
            ),
            _meeting("held"),
            method="post",
            data=lambda world: {"text": "합동 채용을 시범 운영한다."},
            case="held",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _meeting("held"),
            method="post",
            data=lambda world: {"text": ""},
            case="empty",
        ),
    ],
    # An action item from a decision: the city opens it. The invitees see a decision once the
    # minutes are published (403 then), not before (404).
    "meetings:decision_action_item_new": [
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 200)),
            _decision("held"),
            case="published",
        ),
        Expect(
            statuses(
                404, anonymous=LOGIN, **grant(CITY_POWERS, 200)
            ),
            _decision("draft"),
            case="draft",
        ),
        Expect(
            statuses(
                403, anonymous=LOGIN, **grant(CITY_POWERS, Redirect(_latest_action_item_path))
            ),
            _decision("held"),
            method="post",
            data=lambda world: {
                "description": "합동 채용 시범 운영",
                "owner_institution": world.institution_x.pk,
                "due_on": "2030-06-30",
            },
            case="published",
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
    # --- Notifications (issue 4, point 7) -------------------------------------------------------
    # Everyone signed in has a notification list; a notification is its recipient's alone:
    # anyone else's is a 404, whoever asks (city staff and the admin included).
    "notifications:list": [
        Expect(SIGNED_IN_ONLY),
        Expect(SIGNED_IN_ONLY, query={"page": "2"}, case="page-2"),
    ],
    "notifications:read": [
        # POST only: the method is refused before the notification is looked up.
        Expect(
            statuses(405, anonymous=LOGIN),
            lambda world: {"pk": world.notifications["head_x"].pk},
            case="get",
        ),
        Expect(
            statuses(404, anonymous=LOGIN, head_x=Redirect("notifications:list")),
            lambda world: {"pk": world.notifications["head_x"].pk},
            method="post",
            case="head-x-own",
        ),
    ],
    "notifications:read_all": [
        Expect(statuses(405, anonymous=LOGIN), case="get"),
        Expect(
            statuses(Redirect("notifications:list"), anonymous=LOGIN), method="post", case="all"
        ),
    ],
    # --- Evaluations: campaign lifecycle (issue 5) ---------------------------------------------
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


# --- Best practices ---------------------------------------------------------------------------
# Published best practices and their files are public; unpublished ones are city staff's only
# (404 for anyone else). Only city staff and the admin write, edit and attach (403 for the
# others signed in, who may see the published practice; 404 where they may not see it).


def _build_practices(world: MatrixWorld) -> None:
    """``x``: X's published practice, linked to X's published and unpublished projects, with
    a file; ``x-draft``: X's unpublished practice, with a file. Files by their practice's name."""
    city = world.users["city_staff"]
    for name, published in (("x", True), ("x-draft", False)):
        practice = best_practice_create(
            by=city,
            title=f"엑스기관 우수사례 {name}",
            summary="시민 제안을 한 달 안에 반영합니다.",
            area="service",
            institution=world.institution_x,
            year=2024,
            joint_projects=[world.projects["x"], world.projects["x-unpublished"]],
            is_published=published,
        )
        world.practices[name] = practice
        world.practice_files[name] = best_practice_attachment_add(
            practice=practice, by=city, upload=evidence_pdf()
        )


ADMIN_SAMPLES.update(
    {
        "evaluations.bestpractice": lambda world: world.practices["x"],
    }
)


def _practice(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.practices[name].pk}


def _practice_file(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"pk": world.practice_files[name].pk}


def _practice_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: world.practices[name].get_absolute_url()


def _practice_edit_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("evaluations:practice_edit", kwargs=_practice(name)(world))


def _latest_practice_edit_path(world: MatrixWorld) -> str:
    """The practice the request just made (read after the response)."""
    return reverse("evaluations:practice_edit", kwargs={"pk": BestPractice.objects.latest("pk").pk})


def _practice_form_data(title: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {
        "title": title,
        "summary": "결재 단계를 줄였습니다.",
        "area": "organisation",
        "institution": world.institution_x.pk,
        "year": "2024",
        "joint_projects": [world.projects["x"].pk],
        "is_published": "on",
    }


def _practice_upload(name: str, content: bytes) -> Callable[[MatrixWorld], dict]:
    return lambda world: {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream")
    }


# City staff only; others signed in who may see the practice are refused (403).
PRACTICE_MANAGERS = statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 200))
# The same on an unpublished practice: nobody but the city may know it exists.
DRAFT_PRACTICE_MANAGERS = statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, 200))
CITY_SEES_DRAFT_PRACTICE = statuses(404, **grant(CITY_POWERS, 200))


def _city_lands_on(
    path: Callable[[MatrixWorld], str], *, others: int = 403
) -> dict[str, Outcome]:
    return statuses(others, anonymous=LOGIN, **grant(CITY_POWERS, Redirect(path)))


PRACTICE_ROWS: dict[str, list[Expect]] = {
    "evaluations:practices": [
        Expect(PUBLIC, case="all"),
        Expect(
            PUBLIC,
            query={"q": "우수사례", "area": "service", "institution": "XINST", "year": "2024"},
            case="filtered",
        ),
        Expect(statuses(400), query={"area": "unknown"}, case="bad-area"),
        Expect(statuses(400), query={"year": "작년"}, case="bad-year"),
    ],
    "evaluations:practice": [
        Expect(PUBLIC, _practice("x"), case="x"),
        Expect(CITY_SEES_DRAFT_PRACTICE, _practice("x-draft"), case="x-draft"),
        Expect(statuses(404), lambda world: {"pk": 999_999}, case="unknown"),
    ],
    "evaluations:practice_attachment": [
        Expect(PUBLIC, _practice_file("x"), case="x"),
        Expect(CITY_SEES_DRAFT_PRACTICE, _practice_file("x-draft"), case="x-draft"),
    ],
    "evaluations:practice_new": [
        Expect(PRACTICE_MANAGERS, case="get"),
        Expect(
            _city_lands_on(_latest_practice_edit_path),
            method="post",
            data=_practice_form_data("새 우수사례"),
            case="valid",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            method="post",
            data=_practice_form_data(""),
            case="no-title",
        ),
    ],
    "evaluations:practice_edit": [
        Expect(PRACTICE_MANAGERS, _practice("x"), case="x"),
        Expect(DRAFT_PRACTICE_MANAGERS, _practice("x-draft"), case="x-draft"),
        Expect(
            _city_lands_on(_practice_path("x")),
            _practice("x"),
            method="post",
            data=_practice_form_data("고친 우수사례"),
            case="x",
        ),
        Expect(
            _city_lands_on(_practice_path("x-draft"), others=404),
            _practice("x-draft"),
            method="post",
            data=_practice_form_data("고친 비공개 우수사례"),
            case="x-draft",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _practice("x"),
            method="post",
            data=lambda world: _practice_form_data("없는 사업을 잇는 사례")(world)
            | {"joint_projects": [999_999]},
            case="unknown-project",
        ),
    ],
    "evaluations:practice_attachment_add": [
        Expect(statuses(405, anonymous=LOGIN), _practice("x"), case="get"),
        Expect(
            _city_lands_on(_practice_edit_path("x")),
            _practice("x"),
            method="post",
            data=_practice_upload("사례 발표.pdf", EVIDENCE_PDF),
            case="x",
        ),
        Expect(
            _city_lands_on(_practice_edit_path("x-draft"), others=404),
            _practice("x-draft"),
            method="post",
            data=_practice_upload("사례 발표.pdf", EVIDENCE_PDF),
            case="x-draft",
        ),
        Expect(
            statuses(403, anonymous=LOGIN, **grant(CITY_POWERS, 400)),
            _practice("x"),
            method="post",
            data=_practice_upload("macro.pdf", b"MZ\x90\x00 not a pdf"),
            case="not-a-pdf",
        ),
    ],
    "evaluations:practice_attachment_delete": [
        Expect(statuses(405, anonymous=LOGIN), _practice_file("x"), case="get"),
        Expect(
            _city_lands_on(_practice_edit_path("x")),
            _practice_file("x"),
            method="post",
            case="x",
        ),
        Expect(
            _city_lands_on(_practice_edit_path("x-draft"), others=404),
            _practice_file("x-draft"),
            method="post",
            case="x-draft",
        ),
    ],
}
MATRIX.update(PRACTICE_ROWS)
# --- The public survey -------------------------------------------------------------------------
# Everyone answers public surveys, signed in or not (MISSION.md: "answer a public evaluation
# survey: ✔" for every role); a draft is seen by city staff only; a closed campaign refuses
# answers (410) and a draft, to the city staff who may see it, is not open yet (409).


def _survey_campaign(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.survey_campaigns[name].slug}


def _survey_path(url_name: str, name: str = "open") -> Callable[[MatrixWorld], str]:
    return lambda world: reverse(url_name, kwargs=_survey_campaign(name)(world))


def _survey_institution(name: str, code: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.survey_campaigns[name].slug, "code": code}


def _survey_step(name: str, step: int) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.survey_campaigns[name].slug, "step": step}


SURVEY_BEGUN = statuses(Redirect(_survey_path("evaluations:survey_consent")))
SURVEY_NOT_BEGUN = statuses(Redirect(_survey_path("evaluations:survey_start")))
SURVEY_CLOSED = statuses(410)
SURVEY_DRAFT_PAGE = statuses(404, **grant(CITY_POWERS, 200))
SURVEY_DRAFT_REFUSED = statuses(404, **grant(CITY_POWERS, 409))

SURVEY_MATRIX: dict[str, list[Expect]] = {
    "evaluations:campaign": [
        Expect(PUBLIC, _survey_campaign("open"), case="open"),
        Expect(PUBLIC, _survey_campaign("closed"), case="closed"),
        Expect(SURVEY_DRAFT_PAGE, _survey_campaign("draft"), case="draft"),
        Expect(statuses(404), lambda world: {"slug": "no-such-campaign"}, case="unknown"),
    ],
    "evaluations:survey_start": [
        Expect(PUBLIC, _survey_campaign("open"), case="open"),
        Expect(
            SURVEY_BEGUN,
            _survey_campaign("open"),
            method="post",
            data=lambda world: {"institution": world.institution_y.code},
            case="open",
        ),
        Expect(statuses(400), _survey_campaign("open"), method="post", case="no-institution"),
        Expect(SURVEY_CLOSED, _survey_campaign("closed"), case="closed"),
        Expect(SURVEY_DRAFT_REFUSED, _survey_campaign("draft"), case="draft"),
    ],
    "evaluations:survey_institution": [
        Expect(PUBLIC, _survey_institution("open", "xinst"), case="x"),
        Expect(PUBLIC, _survey_institution("open", "yinst"), case="y"),
        Expect(SURVEY_BEGUN, _survey_institution("open", "yinst"), method="post", case="y"),
        # Not evaluated by the campaign (merged away in phase 1): not found for anyone.
        Expect(statuses(404), _survey_institution("open", "oldinst"), case="not-evaluated"),
        Expect(SURVEY_CLOSED, _survey_institution("closed", "xinst"), case="closed"),
        Expect(SURVEY_DRAFT_REFUSED, _survey_institution("draft", "xinst"), case="draft"),
    ],
    "evaluations:survey_token": [
        Expect(PUBLIC, lambda world: {"token": world.survey_tokens["valid"]}, case="valid"),
        Expect(
            SURVEY_BEGUN,
            lambda world: {"token": world.survey_tokens["valid"]},
            method="post",
            case="valid",
        ),
        Expect(statuses(410), lambda world: {"token": world.survey_tokens["used"]}, case="used"),
        Expect(statuses(404), lambda world: {"token": "no-such-token"}, case="unknown"),
    ],
    # Without a survey begun in the session, the steps send everyone to the start.
    "evaluations:survey_consent": [
        Expect(SURVEY_NOT_BEGUN, _survey_campaign("open"), case="open"),
        Expect(SURVEY_NOT_BEGUN, _survey_campaign("open"), method="post", case="open"),
        Expect(SURVEY_CLOSED, _survey_campaign("closed"), case="closed"),
        Expect(SURVEY_DRAFT_REFUSED, _survey_campaign("draft"), case="draft"),
    ],
    "evaluations:survey_section": [
        Expect(SURVEY_NOT_BEGUN, _survey_step("open", 1), case="open"),
        Expect(SURVEY_NOT_BEGUN, _survey_step("open", 2), method="post", case="open"),
        Expect(SURVEY_CLOSED, _survey_step("closed", 1), case="closed"),
        Expect(SURVEY_DRAFT_REFUSED, _survey_step("draft", 1), case="draft"),
    ],
    "evaluations:survey_thanks": [
        Expect(PUBLIC, _survey_campaign("open"), case="open"),
        Expect(PUBLIC, _survey_campaign("closed"), case="closed"),
        Expect(SURVEY_DRAFT_PAGE, _survey_campaign("draft"), case="draft"),
    ],
}
MATRIX.update(SURVEY_MATRIX)
MATRIX.update(E1_MATRIX)
# --- Evaluation results, appeals and publication (issue 5) ------------------------------------
# MISSION.md: published results are public; nobody sees results while a campaign is open (or a
# draft); before publication X's head and deputy head (and the city) see X's own breakdown
# and file X's appeal; city staff answer appeals and publish. Another institution's
# unpublished breakdown is a 404, like any record of another institution that is not public.


def _build_results(world: MatrixWorld) -> None:
    """Campaigns evaluating X and Y, each with a snapshot of scores:

    - ``draft``, ``open``: scored even so (a recompute while open): nobody sees them;
    - ``closed``: closed and scored, its appeal window not opened yet;
    - ``under-appeal``: its window open three more days, Y's appeal ``y-pending`` waiting;
    - ``appeal-over``: its window over, every appeal answered: ready to publish;
    - ``published``: public.
    """
    x_and_y = [world.institution_x, world.institution_y]
    now = timezone.now()
    campaigns = world.evaluation_campaigns
    for status in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        campaigns[status] = scored_campaign(
            x_and_y,
            status=status,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=6),
        )
    campaigns["closed"] = scored_campaign(x_and_y, status=CampaignStatus.CLOSED)
    campaigns["under-appeal"] = under_appeal(x_and_y, days_left=3)
    campaigns["appeal-over"] = under_appeal(x_and_y, days_left=-1)
    campaigns["published"] = scored_campaign(x_and_y)
    world.appeals["y-pending"] = Appeal.objects.create(
        campaign=campaigns["under-appeal"],
        institution=world.institution_y,
        filed_by=world.users["head_y"],
        text="와이기관 보고 적시성 계산을 다시 봐 주세요.",
    )


def _campaign_slug(name: str) -> Callable[[MatrixWorld], dict]:
    return lambda world: {"slug": world.evaluation_campaigns[name].slug}


def _campaign_code(name: str, institution: str) -> Callable[[MatrixWorld], dict]:
    def kwargs(world: MatrixWorld) -> dict:
        of = {"x": world.institution_x, "y": world.institution_y}[institution]
        return {"slug": world.evaluation_campaigns[name].slug, "code": of.slug}

    return kwargs


def _breakdown_path(name: str, institution: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse(
        "evaluations:breakdown", kwargs=_campaign_code(name, institution)(world)
    )


def _appeals_path(name: str) -> Callable[[MatrixWorld], str]:
    return lambda world: reverse("evaluations:appeals", kwargs=_campaign_slug(name)(world))


NOBODY = statuses(404)
# Before publication: X's head and deputy head and the city see X's breakdown.
X_BREAKDOWN = statuses(404, **grant(("head_x", "deputy_x", *CITY_POWERS), 200))
Y_BREAKDOWN = statuses(404, **grant(("head_y", *CITY_POWERS), 200))
# Management pages: 404 to anyone who may not run campaigns (they reveal nothing).
CITY_MANAGES = statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, 200))
POST_ONLY = statuses(405, anonymous=LOGIN)


def _files_for_x(outcome_for_leaders: Outcome) -> dict[str, Outcome]:
    """Filing X's appeal: X's head, deputy head and the admin get ``outcome_for_leaders``;
    city staff see the breakdown but do not file (403); the others do not see it (404)."""
    return statuses(
        404,
        anonymous=LOGIN,
        city_staff=403,
        **grant(("head_x", "deputy_x", "admin"), outcome_for_leaders),
    )


def _city_posts(outcome: Outcome) -> dict[str, Outcome]:
    return statuses(404, anonymous=LOGIN, **grant(CITY_POWERS, outcome))


RESULTS_MATRIX: dict[str, list[Expect]] = {
    "evaluations:index": [Expect(PUBLIC)],
    "evaluations:results": [
        Expect(PUBLIC, _campaign_slug("published"), case="published"),
        # City staff preview the ranking on the appeals page, never here before publication.
        Expect(NOBODY, _campaign_slug("under-appeal"), case="under-appeal"),
        Expect(NOBODY, _campaign_slug("closed"), case="closed"),
        Expect(NOBODY, _campaign_slug("open"), case="open"),
        Expect(NOBODY, _campaign_slug("draft"), case="draft"),
        Expect(NOBODY, lambda world: {"slug": "no-such-campaign"}, case="unknown"),
    ],
    "evaluations:results_csv": [
        Expect(PUBLIC, _campaign_slug("published"), case="published"),
        Expect(NOBODY, _campaign_slug("under-appeal"), case="under-appeal"),
        Expect(NOBODY, _campaign_slug("open"), case="open"),
        Expect(NOBODY, _campaign_slug("draft"), case="draft"),
    ],
    "evaluations:breakdown": [
        Expect(PUBLIC, _campaign_code("published", "x"), case="published-x"),
        Expect(X_BREAKDOWN, _campaign_code("under-appeal", "x"), case="under-appeal-x"),
        Expect(Y_BREAKDOWN, _campaign_code("under-appeal", "y"), case="under-appeal-y"),
        Expect(X_BREAKDOWN, _campaign_code("closed", "x"), case="closed-x"),
        Expect(NOBODY, _campaign_code("open", "x"), case="open-x"),
        Expect(NOBODY, _campaign_code("draft", "x"), case="draft-x"),
        Expect(
            NOBODY,
            lambda world: {
                "slug": world.evaluation_campaigns["published"].slug,
                "code": "nosuch",
            },
            case="unknown-institution",
        ),
    ],
    "evaluations:appeal_file": [
        Expect(POST_ONLY, _campaign_code("under-appeal", "x"), case="get"),
        Expect(
            _files_for_x(Redirect(_breakdown_path("under-appeal", "x"))),
            _campaign_code("under-appeal", "x"),
            method="post",
            data=lambda world: {"text": "엑스기관 시민 만족도 표본을 다시 봐 주세요."},
            case="x",
        ),
        Expect(
            _files_for_x(400),
            _campaign_code("under-appeal", "x"),
            method="post",
            data=lambda world: {"text": ""},
            case="x-empty",
        ),
        # The window is over: refused on the page.
        Expect(
            _files_for_x(400),
            _campaign_code("appeal-over", "x"),
            method="post",
            data=lambda world: {"text": "늦은 이의신청"},
            case="x-too-late",
        ),
        # Published: the breakdown is public, but appeals are over for everybody.
        Expect(
            statuses(403, anonymous=LOGIN),
            _campaign_code("published", "x"),
            method="post",
            data=lambda world: {"text": "공개 뒤 이의신청"},
            case="x-published",
        ),
        # Y already has an appeal pending: its head is refused on the page.
        Expect(
            statuses(
                404, anonymous=LOGIN, city_staff=403, **grant(("head_y", "admin"), 400)
            ),
            _campaign_code("under-appeal", "y"),
            method="post",
            data=lambda world: {"text": "두 번째 이의신청"},
            case="y-pending",
        ),
        Expect(
            statuses(404, anonymous=LOGIN),
            _campaign_code("open", "x"),
            method="post",
            data=lambda world: {"text": "진행 중 이의신청"},
            case="open",
        ),
    ],
    "evaluations:institution_trend": [
        Expect(PUBLIC, _slug(lambda world: world.institution_x.slug), case="x"),
        Expect(
            statuses(404, **grant(CITY_POWERS, 200)),
            _slug(lambda world: world.former_institution.slug),
            case="former",
        ),
        Expect(NOBODY, _slug(lambda world: "nosuch"), case="unknown"),
    ],
    "evaluations:appeals": [
        Expect(CITY_MANAGES, _campaign_slug("under-appeal"), case="under-appeal"),
        Expect(CITY_MANAGES, _campaign_slug("published"), case="published"),
        Expect(CITY_MANAGES, _campaign_slug("open"), case="open"),
        Expect(CITY_MANAGES, _campaign_slug("draft"), case="draft"),
        Expect(
            statuses(404, anonymous=LOGIN),
            lambda world: {"slug": "no-such-campaign"},
            case="unknown",
        ),
    ],
    "evaluations:appeals_open": [
        Expect(POST_ONLY, _campaign_slug("closed"), case="get"),
        Expect(
            _city_posts(Redirect(_appeals_path("closed"))),
            _campaign_slug("closed"),
            method="post",
            data=lambda world: {
                "last_day": (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
            },
            case="closed",
        ),
        Expect(
            _city_posts(400),
            _campaign_slug("closed"),
            method="post",
            data=lambda world: {"last_day": "어제"},
            case="bad-day",
        ),
        # Still open: no appeal window yet.
        Expect(
            _city_posts(400),
            _campaign_slug("open"),
            method="post",
            data=lambda world: {
                "last_day": (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
            },
            case="open",
        ),
    ],
    "evaluations:appeal_answer": [
        Expect(
            POST_ONLY,
            lambda world: {
                "slug": world.evaluation_campaigns["under-appeal"].slug,
                "pk": world.appeals["y-pending"].pk,
            },
            case="get",
        ),
        Expect(
            _city_posts(Redirect(_appeals_path("under-appeal"))),
            lambda world: {
                "slug": world.evaluation_campaigns["under-appeal"].slug,
                "pk": world.appeals["y-pending"].pk,
            },
            method="post",
            data=lambda world: {
                f"appeal-{world.appeals['y-pending'].pk}-decision": "rejected",
                f"appeal-{world.appeals['y-pending'].pk}-answer": "보고서 제출일을 확인했습니다.",
            },
            case="y-pending",
        ),
        Expect(
            _city_posts(400),
            lambda world: {
                "slug": world.evaluation_campaigns["under-appeal"].slug,
                "pk": world.appeals["y-pending"].pk,
            },
            method="post",
            data=lambda world: {f"appeal-{world.appeals['y-pending'].pk}-decision": "upheld"},
            case="no-answer",
        ),
        # An appeal of another campaign is not found under this one.
        Expect(
            statuses(404, anonymous=LOGIN),
            lambda world: {
                "slug": world.evaluation_campaigns["published"].slug,
                "pk": world.appeals["y-pending"].pk,
            },
            method="post",
            data=lambda world: {},
            case="other-campaign",
        ),
    ],
    "evaluations:publish": [
        Expect(POST_ONLY, _campaign_slug("appeal-over"), case="get"),
        Expect(
            _city_posts(
                Redirect(
                    lambda world: reverse(
                        "evaluations:results", kwargs=_campaign_slug("appeal-over")(world)
                    )
                )
            ),
            _campaign_slug("appeal-over"),
            method="post",
            case="appeal-over",
        ),
        # A pending appeal and the window still open: refused on the page.
        Expect(_city_posts(400), _campaign_slug("under-appeal"), method="post", case="pending"),
        Expect(_city_posts(400), _campaign_slug("open"), method="post", case="open"),
    ],
}
MATRIX.update(RESULTS_MATRIX)


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
    # Invitations are made with their token by the management page; responses come from the
    # survey and exclusions from moderation: the admin reads them.
    "evaluations.stakeholderinvitation": {"add"},
    "evaluations.response": {"add", "delete"},
    "evaluations.responseexclusion": {"add", "delete"},
    # The outbox is planned and sent by its services; sent rows are history.
    "notifications.notification": {"add", "delete"},
    # Scores are written by scoring only and never edited: published results stay what was
    # computed (the snapshot's hash vouches for them). Appeals are filed by institutions on
    # their breakdown page.
    "evaluations.scoresnapshot": {"add", "delete"},
    "evaluations.institutionscore": {"add", "delete"},
    "evaluations.appeal": {"add"},
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
