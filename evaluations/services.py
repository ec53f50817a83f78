"""Every action that changes evaluation state (see CONVENTIONS.md: keyword-only, typed, one
transaction, a domain error the view turns into a message)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import SCORED_QUESTION_TYPES, Campaign, CampaignStatus, Question
from evaluations.scoring import COMPUTABLE_STATUSES

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------
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




# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
