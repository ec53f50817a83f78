"""Celery tasks of evaluations: thin shells over services, idempotent, time-limited."""

import logging

from celery import shared_task
from django.db import OperationalError

from evaluations.survey import response_signals_purge

logger = logging.getLogger(__name__)


# --- Questionnaires & campaign management -----------------------------------------------------


# --- Public survey ----------------------------------------------------------------------------


@shared_task(soft_time_limit=300, time_limit=360)
def purge_ip_hashes() -> dict[str, int]:
    """Blank the anti-stuffing hashes (and the optional demographics) past their retention;
    beat runs it daily. Idempotent: a second run finds nothing left to blank."""
    return response_signals_purge()


# --- Scoring & lifecycle ----------------------------------------------------------------------


@shared_task(
    bind=True,
    soft_time_limit=120,
    time_limit=180,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)


def compute_campaign_scores(self, campaign_id: int) -> str | None:
    """Score a campaign (enqueued when it closes and by the recompute button). Idempotent:
    unchanged data keeps the current snapshot. Returns the snapshot's content hash, or None
    when the campaign is gone or no longer scorable (published meanwhile)."""
    from evaluations.models import Campaign
    from evaluations.scoring import COMPUTABLE_STATUSES, compute_scores

    campaign = Campaign.objects.filter(pk=campaign_id, status__in=COMPUTABLE_STATUSES).first()
    if campaign is None:
        logger.info("campaign %s is not scorable now; nothing to do", campaign_id)
        return None
    return compute_scores(campaign=campaign).content_hash


@shared_task(soft_time_limit=120, time_limit=180)
def close_due_campaigns() -> list[int]:
    """Close open campaigns whose closing time has passed (beat, every few minutes); each
    closing enqueues its scoring. A second run finds nothing to close."""
    from evaluations.services import campaigns_close_due

    return [campaign.pk for campaign in campaigns_close_due()]


# --- Results & appeals ------------------------------------------------------------------------


# --- Best practices ---------------------------------------------------------------------------
