"""Every action that changes evaluation state (see CONVENTIONS.md: keyword-only, typed, one
transaction, a domain error the view turns into a message)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Institution, User
from evaluations import permissions
from evaluations.models import (
    Appeal,
    AppealStatus,
    Campaign,
    CampaignStatus,
    ScoreSnapshot,
)

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------

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



# --- Best practices (E3) ----------------------------------------------------------------------
