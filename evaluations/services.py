"""Every action that changes evaluation state (see CONVENTIONS.md: keyword-only, typed, one
transaction, a domain error the view turns into a message)."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies import uploads
from agencies.models import Institution, JointProject, User
from evaluations import permissions
from evaluations.models import (
    CHOICE_QUESTION_TYPES,
    SCORED_QUESTION_TYPES,
    WEIGHT_FIELDS,
    Appeal,
    AppealStatus,
    BestPractice,
    BestPracticeAttachment,
    Campaign,
    CampaignStatus,
    Choice,
    Dimension,
    Question,
    Questionnaire,
    QuestionnaireSection,
    QuestionType,
    Response,
    ResponseExclusion,
    ScoreSnapshot,
    StakeholderInvitation,
    invitation_token_hash,
)
from evaluations.scoring import COMPUTABLE_STATUSES

logger = logging.getLogger(__name__)


# --- Questionnaires & campaign management -----------------------------------------------------
# Larger pieces live in their own modules: evaluations/links.py (survey addresses, QR codes),
# evaluations/exports.py (anonymised CSV/XLSX of responses).


class ManagementError(Exception):
    """A refused questionnaire or campaign management action. ``message`` is for the user
    (Korean source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def questionnaire_is_locked(questionnaire: Questionnaire) -> bool:
    """A questionnaire is edited only while nobody can be answering it: once answered (frozen)
    or used by a campaign past its draft, a change would alter what respondents saw."""
    return (
        questionnaire.is_frozen
        or questionnaire.campaigns.exclude(status=CampaignStatus.DRAFT).exists()
    )


def _ensure_editable(questionnaire: Questionnaire) -> None:
    if questionnaire_is_locked(questionnaire):
        raise ManagementError(
            _("응답을 받았거나 진행 중인 평가에 쓰인 설문지는 고칠 수 없습니다. 새 판을 만드세요."),
            code="locked",
        )


def _lock_questionnaire(questionnaire: Questionnaire) -> Questionnaire:
    """Edits of one questionnaire go one at a time (positions are renumbered)."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


@transaction.atomic
def questionnaire_create(*, title: str, description: str = "", by: User) -> Questionnaire:
    return Questionnaire.objects.create(title=title, description=description, created_by=by)


@transaction.atomic
def section_add(
    *, questionnaire: Questionnaire, title: str, description: str = ""
) -> QuestionnaireSection:
    """A new page at the end of the questionnaire."""
    questionnaire = _lock_questionnaire(questionnaire)
    _ensure_editable(questionnaire)
    last = questionnaire.sections.aggregate(last=Max("position"))["last"] or 0
    return QuestionnaireSection.objects.create(
        questionnaire=questionnaire, position=last + 1, title=title, description=description
    )


@dataclass(frozen=True)
class QuestionData:
    """What a question is, as the builder's form gives it. ``choices`` are the labels, in
    order, of a choice question (ignored for the other types)."""

    text: str
    question_type: str
    help_text: str = ""
    required: bool = True
    dimension: str = Dimension.OVERALL
    max_choices: int | None = None
    choices: tuple[str, ...] = ()


def _validate_question(data: QuestionData) -> None:
    if data.question_type in CHOICE_QUESTION_TYPES:
        if len(data.choices) < 2:
            raise ManagementError(
                _("고르기 질문에는 보기가 둘 이상 있어야 합니다."), code="choices"
            )
        if len(set(data.choices)) != len(data.choices):
            raise ManagementError(_("같은 보기를 두 번 적었습니다."), code="choices")
    elif data.choices:
        raise ManagementError(_("보기는 고르기 질문에만 둡니다."), code="choices")
    if data.max_choices is not None:
        if data.question_type != QuestionType.MULTIPLE_CHOICE:
            raise ManagementError(
                _("최대 선택 수는 여러 개 고르기 질문에만 둡니다."), code="max_choices"
            )
        if not 1 <= data.max_choices <= len(data.choices):
            raise ManagementError(
                _("최대 선택 수는 1 이상, 보기 수 이하여야 합니다."), code="max_choices"
            )


def _question_fields(data: QuestionData) -> dict:
    return {
        "text": data.text,
        "help_text": data.help_text,
        "question_type": data.question_type,
        "required": data.required,
        "dimension": data.dimension,
        "max_choices": (
            data.max_choices if data.question_type == QuestionType.MULTIPLE_CHOICE else None
        ),
    }


def _write_choices(question: Question, data: QuestionData) -> None:
    question.choices.all().delete()
    if data.question_type in CHOICE_QUESTION_TYPES:
        Choice.objects.bulk_create(
            Choice(question=question, position=position, label=label)
            for position, label in enumerate(data.choices, start=1)
        )


@transaction.atomic
def question_add(*, section: QuestionnaireSection, data: QuestionData) -> Question:
    """A new question at the end of ``section``, with its choices."""
    questionnaire = _lock_questionnaire(section.questionnaire)
    _ensure_editable(questionnaire)
    _validate_question(data)
    last = section.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question.objects.create(section=section, position=last + 1, **_question_fields(data))
    _write_choices(question, data)
    return question


@transaction.atomic
def question_update(*, question: Question, data: QuestionData) -> Question:
    """Rewrite a question of an editable questionnaire; its choices are replaced."""
    _ensure_editable(_lock_questionnaire(question.section.questionnaire))
    _validate_question(data)
    for name, value in _question_fields(data).items():
        setattr(question, name, value)
    question.save()
    _write_choices(question, data)
    return question


def _swap_positions(item, neighbour, siblings) -> None:
    """Swap two positions under a unique (parent, position) constraint: park one first."""
    model = type(item)
    parked = siblings.aggregate(top=Max("position"))["top"] + 1
    first, second = item.position, neighbour.position
    model.objects.filter(pk=item.pk).update(position=parked)
    model.objects.filter(pk=neighbour.pk).update(position=first)
    model.objects.filter(pk=item.pk).update(position=second)


@transaction.atomic
def questionnaire_item_move(
    *, item: QuestionnaireSection | Question, direction: str
) -> None:
    """Move a section within its questionnaire, or a question within its section, one place
    ``"up"`` or ``"down"``. At either end nothing moves."""
    if direction not in ("up", "down"):
        raise ManagementError(_("옮길 방향을 알 수 없습니다."), code="direction")
    is_section = isinstance(item, QuestionnaireSection)
    questionnaire = item.questionnaire if is_section else item.section.questionnaire
    _ensure_editable(_lock_questionnaire(questionnaire))
    item = type(item).objects.get(pk=item.pk)  # its position as stored, under the lock
    siblings = (
        questionnaire.sections.all() if is_section else item.section.questions.all()
    )
    if direction == "up":
        neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
    if neighbour is not None:
        _swap_positions(item, neighbour, siblings)


@transaction.atomic
def questionnaire_item_delete(*, item: QuestionnaireSection | Question) -> None:
    """Remove a section (with its questions) or a question from an editable questionnaire."""
    is_section = isinstance(item, QuestionnaireSection)
    questionnaire = item.questionnaire if is_section else item.section.questionnaire
    _ensure_editable(_lock_questionnaire(questionnaire))
    item.delete()


@transaction.atomic
def questionnaire_clone(*, questionnaire: Questionnaire, by: User) -> Questionnaire:
    """The next version of ``questionnaire``: the same sections, questions and choices, free
    to edit. A version has at most one next version (the lineage stays a line)."""
    questionnaire = _lock_questionnaire(questionnaire)
    if questionnaire.next_versions.exists():
        raise ManagementError(_("이 판에서 이미 새 판을 만들었습니다."), code="has_next")
    clone = Questionnaire.objects.create(
        title=questionnaire.title,
        description=questionnaire.description,
        version=questionnaire.version + 1,
        previous_version=questionnaire,
        created_by=by,
    )
    sections = list(questionnaire.sections.prefetch_related("questions__choices"))
    new_sections = QuestionnaireSection.objects.bulk_create(
        QuestionnaireSection(
            questionnaire=clone,
            position=section.position,
            title=section.title,
            description=section.description,
        )
        for section in sections
    )
    old_questions = []
    new_questions = []
    for section, new_section in zip(sections, new_sections, strict=True):
        for question in section.questions.all():
            old_questions.append(question)
            new_questions.append(
                Question(
                    section=new_section,
                    position=question.position,
                    text=question.text,
                    help_text=question.help_text,
                    question_type=question.question_type,
                    required=question.required,
                    dimension=question.dimension,
                    max_choices=question.max_choices,
                )
            )
    Question.objects.bulk_create(new_questions)
    Choice.objects.bulk_create(
        Choice(question=new_question, position=choice.position, label=choice.label)
        for question, new_question in zip(old_questions, new_questions, strict=True)
        for choice in question.choices.all()
    )
    return clone


# Settings that decide what is asked and how it is scored: fixed once a campaign opens.
CAMPAIGN_DRAFT_ONLY_FIELDS = (
    "questionnaire",
    *WEIGHT_FIELDS,
    "minimum_sample",
    "grade_scheme",
    "grade_thresholds",
    "excellent_count",
    "opens_at",
)


@transaction.atomic
def campaign_create(*, by: User, institutions: Iterable[Institution], **fields) -> Campaign:
    """A draft campaign over ``institutions``; ``fields`` are Campaign's own fields."""
    fields.pop("status", None)
    campaign = Campaign(status=CampaignStatus.DRAFT, **fields)
    campaign.full_clean(exclude=["institutions"])
    campaign.save()
    campaign.institutions.set(institutions)
    return campaign


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, by: User, institutions: Iterable[Institution] | None = None, **fields
) -> Campaign:
    """Change a campaign's settings. What is asked, of which institutions and how it is
    scored changes only while the campaign is a draft; its texts and closing time change
    until it closes; a closed campaign is not changed here."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ManagementError(_("마감한 평가의 설정은 바꿀 수 없습니다."), code="closed")
    is_draft = campaign.status == CampaignStatus.DRAFT
    changed_locked = [
        name
        for name in CAMPAIGN_DRAFT_ONLY_FIELDS
        if name in fields and getattr(campaign, name) != fields[name]
    ]
    if institutions is not None:
        institutions = list(institutions)
        if {i.pk for i in institutions} != set(
            campaign.institutions.values_list("pk", flat=True)
        ):
            changed_locked.append("institutions")
    if changed_locked and not is_draft:
        raise ManagementError(
            _("응답을 받기 시작한 평가의 설문지·대상 기관·가중치·등급 기준은 바꿀 수 없습니다."),
            code="locked",
        )
    fields.pop("status", None)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean(exclude=["institutions"])
    campaign.save()
    if institutions is not None and "institutions" in changed_locked:
        campaign.institutions.set(institutions)
    return campaign


# --- Stakeholder invitations --------------------------------------------------------------------

INVITATION_TOKEN_BYTES = 32


@transaction.atomic
def invitations_create(
    *,
    campaign: Campaign,
    institution: Institution,
    emails: Sequence[str],
    by: User,
    site_url: str,
) -> list[StakeholderInvitation]:
    """One single-use invitation per distinct address to evaluate ``institution``. Each
    token lives only in its e-mail: the row keeps its SHA-256. The mails go out after commit
    (``invitations_send``), which then forgets each address."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ManagementError(
            _("마감한 평가에는 이해관계자를 초대할 수 없습니다."), code="closed"
        )
    if not campaign.institutions.filter(pk=institution.pk).exists():
        raise ManagementError(_("이 평가의 대상 기관이 아닙니다."), code="institution")
    distinct = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    if not distinct:
        raise ManagementError(_("이메일 주소를 하나 이상 적어 주세요."), code="empty")
    tokens: dict[int, str] = {}
    invitations = []
    for email in distinct:
        token = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
        invitation = StakeholderInvitation.objects.create(
            campaign=campaign,
            institution=institution,
            token_hash=invitation_token_hash(token),
            email=email,
        )
        tokens[invitation.pk] = token
        invitations.append(invitation)
    # The tokens stay in this process's memory until sent: never in the broker, never stored.
    transaction.on_commit(lambda: invitations_send(tokens=tokens, site_url=site_url))
    return invitations


def invitations_send(*, tokens: Mapping[int, str], site_url: str) -> int:
    """Send each invitation (pk -> token) its link, then record ``sent_at`` and clear the
    address. A failed delivery is logged and leaves the row unsent (the address kept) so the
    page shows it; its token is gone, so city staff invite that address again. Returns how
    many were sent."""
    from evaluations.links import absolute, invitation_path

    sent = 0
    invitations = StakeholderInvitation.objects.filter(
        pk__in=list(tokens), sent_at__isnull=True
    ).select_related("campaign", "institution")
    for invitation in invitations:
        link = absolute(site_url, invitation_path(tokens[invitation.pk]))
        with translation.override("ko"):
            subject = _("[동행 포털] %(campaign)s: %(institution)s 평가에 참여해 주세요") % {
                "campaign": invitation.campaign.title,
                "institution": invitation.institution.name_ko,
            }
            body = render_to_string(
                "evaluations/email/invitation.txt",
                {"invitation": invitation, "link": link},
            )
        try:
            send_mail(subject, body, None, [invitation.email])
        except (OSError, smtplib.SMTPException):
            logger.exception("invitation %s could not be sent", invitation.pk)
            continue
        StakeholderInvitation.objects.filter(pk=invitation.pk).update(
            sent_at=timezone.now(), email=""
        )
        sent += 1
    return sent


# --- Moderation ---------------------------------------------------------------------------------


@transaction.atomic
def response_set_excluded(
    *, response: Response, excluded: bool, reason: str, by: User
) -> ResponseExclusion:
    """Exclude a response from scoring (or restore it), with the reason logged. The log and
    ``Response.excluded`` change together; published results are final."""
    reason = reason.strip()
    if not reason:
        raise ManagementError(_("사유를 적어 주세요."), code="reason")
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    if response.campaign.status == CampaignStatus.PUBLISHED:
        raise ManagementError(
            _("결과를 공개한 평가의 응답은 제외하거나 되돌릴 수 없습니다."), code="published"
        )
    if response.excluded == excluded:
        message = (
            _("이미 점수에서 제외한 응답입니다.") if excluded else _("제외되지 않은 응답입니다.")
        )
        raise ManagementError(message, code="unchanged")
    response.excluded = excluded
    response.save(update_fields=["excluded"])
    return ResponseExclusion.objects.create(
        response=response, excluded=excluded, reason=reason, by=by
    )


# --- Public survey ----------------------------------------------------------------------------


# --- Scoring & lifecycle ----------------------------------------------------------------------
# Opening, closing and recomputing a campaign. Scoring itself lives in evaluations/scoring.py.


class LifecycleError(Exception):
    """A campaign cannot move this way now. ``message`` is for the user (Korean source,
    translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _refuse_unless_runner(by) -> None:
    from evaluations.permissions import can_run_campaigns

    if by is not None and not can_run_campaigns(by):
        raise LifecycleError(_("평가는 시 직원만 운영합니다."), code="forbidden")


def _enqueue_scoring(campaign: Campaign) -> None:
    """Score the campaign once this transaction commits (never on data that may roll back)."""
    from evaluations.tasks import compute_campaign_scores

    campaign_id = campaign.pk
    transaction.on_commit(lambda: compute_campaign_scores.delay(campaign_id))


@transaction.atomic
def campaign_open(*, campaign: Campaign, by) -> Campaign:
    """Start taking answers: draft -> open. The campaign needs institutions to evaluate, a
    questionnaire with at least one scale question, and a closing time still ahead. An
    opening time in the future is brought forward to now, so the dates tell the truth."""
    _refuse_unless_runner(by)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.DRAFT:
        raise LifecycleError(_("준비 중인 평가만 시작할 수 있습니다."), code="status")
    now = timezone.now()
    if locked.closes_at <= now:
        raise LifecycleError(
            _("응답 마감이 이미 지났습니다. 마감 일시를 고친 뒤 시작해 주세요."), code="closed"
        )
    if not locked.institutions.exists():
        raise LifecycleError(_("평가 대상 기관을 먼저 정해 주세요."), code="institutions")
    if not Question.objects.filter(
        section__questionnaire_id=locked.questionnaire_id,
        question_type__in=SCORED_QUESTION_TYPES,
    ).exists():
        raise LifecycleError(
            _("점수를 매길 척도 질문이 설문지에 하나도 없습니다."), code="questionnaire"
        )
    fields = ["status", "updated_at"]
    if locked.opens_at > now:
        locked.opens_at = now
        fields.append("opens_at")
    locked.status = CampaignStatus.OPEN
    locked.save(update_fields=fields)
    campaign.refresh_from_db()
    return locked


@transaction.atomic
def campaign_close(*, campaign: Campaign, by=None) -> Campaign:
    """Stop taking answers: open -> closed, and score it once committed (a Celery task).

    ``by`` is the city staff member closing early, or ``None`` for the beat task closing a
    campaign whose time is up. Closing early moves ``closes_at`` to now, so the page and the
    scoring cut-off tell the truth."""
    _refuse_unless_runner(by)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN:
        raise LifecycleError(_("응답을 받는 중인 평가만 마감할 수 있습니다."), code="status")
    fields = ["status", "updated_at"]
    now = timezone.now()
    if locked.closes_at > now:
        locked.closes_at = max(now, locked.opens_at + datetime.timedelta(seconds=1))
        fields.append("closes_at")
    locked.status = CampaignStatus.CLOSED
    locked.save(update_fields=fields)
    _enqueue_scoring(locked)
    campaign.refresh_from_db()
    return locked


@transaction.atomic
def campaign_recompute(*, campaign: Campaign, by) -> Campaign:
    """Ask for the scores again (after an exclusion or an upheld appeal): enqueues the
    scoring task after commit. Only between closing and publication; unchanged data keeps
    the current snapshot (see ``compute_scores``)."""
    _refuse_unless_runner(by)
    if campaign.status not in COMPUTABLE_STATUSES:
        raise LifecycleError(
            _("점수는 응답을 마감한 뒤, 결과를 공개하기 전에만 다시 계산합니다."), code="status"
        )
    _enqueue_scoring(campaign)
    return campaign


def campaigns_close_due(*, now: datetime.datetime | None = None) -> list[Campaign]:
    """Close every open campaign whose closing time has passed (the beat task's work).

    Each campaign is closed in its own transaction, claimed with ``skip_locked`` so two beat
    runs never close one twice; a second run finds nothing to do."""
    now = now or timezone.now()
    closed = []
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=now)
    for campaign_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = (
                Campaign.objects.select_for_update(skip_locked=True)
                .filter(pk=campaign_id, status=CampaignStatus.OPEN, closes_at__lte=now)
                .first()
            )
            if claimed is not None:
                closed.append(campaign_close(campaign=claimed, by=None))
    return closed


# --- Results & appeals ------------------------------------------------------------------------

# The appeal window and publication (MISSION.md; issue 5, point 7):
#
# closed --campaign_open_appeals--> under appeal --campaign_publish--> published
#
# - After closing (and scoring), city staff open the appeal window with a deadline; calling it
#   again while the window is open moves the deadline (it must still lie ahead).
# - Until the deadline, the head or deputy head of an evaluated institution files an appeal
#   against its result (one pending appeal per institution at a time); city staff answer it
#   (upheld or rejected, with a written answer). An upheld appeal is acted on by correcting
#   the data (excluding responses, fixing reports) and recomputing; the answer says so.
# - Publication needs a current snapshot, no pending appeal, and the window over: its
#   deadline passed, so no institution loses the days it was promised. Publication is final.


class ResultsError(Exception):
    """An appeal or publication step that is not allowed now. ``message`` is for the user
    (Korean source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _has_current_snapshot(campaign: Campaign) -> bool:
    return ScoreSnapshot.objects.filter(campaign=campaign, is_current=True).exists()


@transaction.atomic
def campaign_open_appeals(
    *, campaign: Campaign, by: User, deadline: datetime.datetime
) -> Campaign:
    """Open the appeal window of a closed, scored campaign until ``deadline`` (or move the
    deadline of an open window). City staff only; the deadline must lie ahead."""
    if not permissions.can_run_campaigns(by):
        raise ResultsError(_("이의신청 기간은 시 직원만 열 수 있습니다."), code="forbidden")
    locked = _locked_campaign(campaign)
    if locked.status not in (CampaignStatus.CLOSED, CampaignStatus.UNDER_APPEAL):
        raise ResultsError(
            _("마감했고 아직 공개하지 않은 평가에만 이의신청 기간을 둘 수 있습니다."),
            code="status",
        )
    if not _has_current_snapshot(locked):
        raise ResultsError(
            _("점수를 계산한 뒤에 이의신청 기간을 열 수 있습니다."), code="no_snapshot"
        )
    if deadline <= timezone.now() or deadline <= locked.closes_at:
        raise ResultsError(_("이의신청 마감은 지금보다 뒤여야 합니다."), code="deadline")
    locked.status = CampaignStatus.UNDER_APPEAL
    locked.appeal_deadline = deadline
    locked.save(update_fields=["status", "appeal_deadline", "updated_at"])
    campaign.refresh_from_db()
    return locked


@transaction.atomic
def appeal_file(*, campaign: Campaign, institution: Institution, by: User, text: str) -> Appeal:
    """File ``institution``'s appeal against its result, before the deadline: its head or
    deputy head (or an administrator). One pending appeal per institution; a decided one
    may be followed by another while the window is open."""
    locked = _locked_campaign(campaign)
    if not permissions.can_file_appeal(by, locked, institution):
        if locked.status != CampaignStatus.UNDER_APPEAL:
            raise ResultsError(_("지금은 이의신청 기간이 아닙니다."), code="closed")
        raise ResultsError(
            _("이의신청은 해당 기관의 기관장 또는 부기관장만 할 수 있습니다."), code="forbidden"
        )
    if locked.appeal_deadline is None or timezone.now() >= locked.appeal_deadline:
        raise ResultsError(_("이의신청 기간이 끝났습니다."), code="deadline")
    if not locked.institutions.filter(pk=institution.pk).exists():
        raise ResultsError(_("이 평가의 대상 기관이 아닙니다."), code="not_evaluated")
    text = text.strip()
    if not text:
        raise ResultsError(_("이의신청 내용을 적어 주세요."), code="text")
    if Appeal.objects.filter(
        campaign=locked, institution=institution, status=AppealStatus.PENDING
    ).exists():
        raise ResultsError(_("검토 중인 이의신청이 이미 있습니다."), code="pending")
    return Appeal.objects.create(
        campaign=locked, institution=institution, filed_by=by, text=text
    )


@transaction.atomic
def appeal_answer(*, appeal: Appeal, by: User, decision: str, answer: str) -> Appeal:
    """City staff decide a pending appeal, upheld or rejected, with a written answer, before
    the results are published."""
    if not permissions.can_answer_appeals(by):
        raise ResultsError(_("이의신청에는 시 직원만 답할 수 있습니다."), code="forbidden")
    locked = Appeal.objects.select_for_update().select_related("campaign").get(pk=appeal.pk)
    if locked.status != AppealStatus.PENDING:
        raise ResultsError(_("이미 답한 이의신청입니다."), code="answered")
    if locked.campaign.status == CampaignStatus.PUBLISHED:
        raise ResultsError(_("공개한 평가의 이의신청에는 답할 수 없습니다."), code="published")
    if decision not in (AppealStatus.UPHELD, AppealStatus.REJECTED):
        raise ResultsError(_("받아들임 또는 받아들이지 않음을 고르세요."), code="decision")
    answer = answer.strip()
    if not answer:
        raise ResultsError(_("답변을 적어 주세요."), code="answer")
    locked.status = decision
    locked.answer = answer
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    appeal.refresh_from_db()
    return locked


def publication_blockers(campaign: Campaign) -> list[str]:
    """Why ``campaign`` cannot be published now, in words for city staff (empty: it can)."""
    blockers = []
    if campaign.status == CampaignStatus.PUBLISHED:
        return [_("이미 공개한 평가입니다.")]
    if campaign.status != CampaignStatus.UNDER_APPEAL:
        blockers.append(_("마감 뒤 이의신청 기간을 거쳐야 공개할 수 있습니다."))
    elif campaign.appeal_deadline is None or timezone.now() < campaign.appeal_deadline:
        blockers.append(_("이의신청 기간이 끝나야 공개할 수 있습니다."))
    if not _has_current_snapshot(campaign):
        blockers.append(_("계산한 점수가 없습니다."))
    if Appeal.objects.filter(campaign=campaign, status=AppealStatus.PENDING).exists():
        blockers.append(_("답하지 않은 이의신청이 있습니다."))
    return blockers


@transaction.atomic
def campaign_publish(*, campaign: Campaign, by: User) -> Campaign:
    """Publish the current snapshot's results: the ranking, breakdowns and CSV become
    public. Needs the appeal window over (its deadline passed), a current snapshot and no
    pending appeal (see the comment above). City staff only; final."""
    if not permissions.can_publish_results(by):
        raise ResultsError(_("결과는 시 직원만 공개할 수 있습니다."), code="forbidden")
    locked = _locked_campaign(campaign)
    blockers = publication_blockers(locked)
    if blockers:
        raise ResultsError(" ".join(str(blocker) for blocker in blockers), code="blocked")
    locked.status = CampaignStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    campaign.refresh_from_db()
    return locked


# --- Best practices ---------------------------------------------------------------------------


class BestPracticeError(Exception):
    """A change to a best practice that is refused. ``message`` is for the user (Korean
    source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _refuse_unless_manager(by: User) -> None:
    if not permissions.can_manage_practices(by):
        raise BestPracticeError(_("우수사례는 시 직원만 쓰고 고칠 수 있습니다."), code="forbidden")


def _checked_projects(
    *, institution: Institution, joint_projects: Iterable[JointProject]
) -> list[JointProject]:
    """Linked projects must be ones the institution leads or partners in."""
    projects = list(joint_projects)
    partnered = JointProject.partner_institutions.through.objects.filter(
        institution=institution
    ).values("jointproject_id")
    involved = set(
        JointProject.objects.filter(pk__in=[project.pk for project in projects])
        .filter(Q(lead_institution=institution) | Q(pk__in=partnered))
        .values_list("pk", flat=True)
    )
    strangers = [project.title for project in projects if project.pk not in involved]
    if strangers:
        raise BestPracticeError(
            _("%(institution)s이(가) 주관하거나 협력하지 않는 사업은 연결할 수 없습니다: "
              "%(titles)s")
            % {"institution": institution.name_ko, "titles": ", ".join(strangers)},
            code="joint_projects",
        )
    return projects


def _checked_campaign(*, campaign: Campaign | None, year: int) -> None:
    """A selecting campaign must be of the practice's year."""
    if campaign is not None and campaign.year != year:
        raise BestPracticeError(
            _("선정 평가의 연도(%(campaign_year)s)와 우수사례의 연도가 다릅니다.")
            % {"campaign_year": campaign.year},
            code="campaign",
        )


def best_practice_check_links(
    *,
    institution: Institution,
    year: int,
    campaign: Campaign | None,
    joint_projects: Iterable[JointProject],
) -> None:
    """The rules on what a best practice links to, for forms that write it directly (the
    admin): raise ``BestPracticeError`` as the create and update services would."""
    _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)


@transaction.atomic
def best_practice_create(
    *,
    by: User,
    title: str,
    summary: str,
    area: str,
    institution: Institution,
    year: int,
    body: str = "",
    campaign: Campaign | None = None,
    joint_projects: Iterable[JointProject] = (),
    is_published: bool = False,
) -> BestPractice:
    """Write a best practice of ``institution``. City staff only; linked joint projects must
    be the institution's own (led or partnered), a selecting campaign of the same year."""
    _refuse_unless_manager(by)
    projects = _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)
    practice = BestPractice.objects.create(
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        area=area,
        institution=institution,
        year=year,
        campaign=campaign,
        is_published=is_published,
    )
    practice.joint_projects.set(projects)
    return practice


@transaction.atomic
def best_practice_update(
    *,
    practice: BestPractice,
    by: User,
    title: str,
    summary: str,
    area: str,
    institution: Institution,
    year: int,
    body: str = "",
    campaign: Campaign | None = None,
    joint_projects: Iterable[JointProject] = (),
    is_published: bool = False,
) -> BestPractice:
    """Change every field of a best practice at once (the edit form sends them all), with the
    same rules as ``best_practice_create``."""
    _refuse_unless_manager(by)
    projects = _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)
    practice = BestPractice.objects.select_for_update().get(pk=practice.pk)
    practice.title = title.strip()
    practice.summary = summary.strip()
    practice.body = body.strip()
    practice.area = area
    practice.institution = institution
    practice.year = year
    practice.campaign = campaign
    practice.is_published = is_published
    practice.save()
    practice.joint_projects.set(projects)
    return practice


def practice_attachment_storage_name(extension: str) -> str:
    """A server-made name: the uploaded name never reaches the file system."""
    return f"{uuid.uuid4().hex}.{extension}"


@transaction.atomic
def best_practice_attachment_add(
    *, practice: BestPractice, by: User, upload
) -> BestPracticeAttachment:
    """Check an uploaded file (``agencies.uploads``: type by name and content, size cap) and
    attach it under a server-made name. A refused file stores nothing."""
    _refuse_unless_manager(by)
    try:
        inspected = uploads.inspect_upload(upload)
    except uploads.UploadRejected as rejected:
        raise BestPracticeError(str(rejected), code="upload_rejected") from rejected
    attachment = BestPracticeAttachment(
        practice=practice,
        original_name=inspected.original_name,
        content_type=inspected.content_type,
        size=inspected.size,
    )
    attachment.file.save(
        practice_attachment_storage_name(inspected.extension), upload, save=False
    )
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def best_practice_attachment_remove(*, attachment: BestPracticeAttachment, by: User) -> None:
    """Take a file off a best practice; the stored file is deleted once the removal commits."""
    _refuse_unless_manager(by)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
