"""Reads the evaluation pages need, built so the query count does not grow with the data."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, QuerySet, Subquery

from evaluations.models import (
    Appeal,
    Campaign,
    CampaignStatus,
    InstitutionScore,
    ScoreSnapshot,
)
from portal.content_cache import FRAGMENT_TIMEOUT, content_version

# The namespace of cached public results (see ``published_campaign``).
RESULTS_CONTENT = "evaluation-results"

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------

# Results are read from the campaign's current ScoreSnapshot only; nothing here aggregates
# responses (scoring does that once, in evaluations/scoring.py).


def with_current_snapshot(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns annotated with ``current_snapshot_id`` (None before the first scoring)."""
    current = ScoreSnapshot.objects.filter(campaign=OuterRef("pk"), is_current=True)
    return campaigns.annotate(current_snapshot_id=Subquery(current.values("pk")[:1]))


def published_campaign(slug: str) -> Campaign | None:
    """The published campaign with this slug and its ``current_snapshot_id``, read through
    the cache: the public results pages ask for it on every request. The key carries the
    results' content version, which saving or deleting a campaign, snapshot or score bumps
    (``evaluations/apps.py``), so publication or a new snapshot is seen at once; an unknown
    or unpublished slug is not cached and always asks the database."""
    key = f"published-campaign:{content_version(RESULTS_CONTENT)}:{slug}"
    campaign = cache.get(key)
    if campaign is None:
        campaign = (
            with_current_snapshot(Campaign.objects.all())
            .filter(slug=slug, status=CampaignStatus.PUBLISHED)
            .first()
        )
        if campaign is None:
            return None
        cache.set(key, campaign, FRAGMENT_TIMEOUT)
    return campaign


def _ranked_order(scores: QuerySet[InstitutionScore]) -> QuerySet[InstitutionScore]:
    """Ranked institutions first by rank; unranked ones (insufficient sample, or no
    composite) after them, by composite then name."""
    return scores.order_by(
        F("rank").asc(nulls_last=True),
        F("composite").desc(nulls_last=True),
        "institution__name_ko",
    )


def results_ranking(snapshot_id: int | None) -> list[InstitutionScore]:
    """Every institution's score in the snapshot with its institution: one query."""
    if snapshot_id is None:
        return []
    return list(
        _ranked_order(
            InstitutionScore.objects.filter(snapshot_id=snapshot_id).select_related(
                "institution"
            )
        )
    )


def institution_result(snapshot_id: int | None, institution) -> InstitutionScore | None:
    if snapshot_id is None:
        return None
    return (
        InstitutionScore.objects.filter(snapshot_id=snapshot_id, institution=institution)
        .select_related("snapshot")
        .first()
    )


def institution_trend(institution) -> list[InstitutionScore]:
    """The institution's published results across the years, oldest first: the current
    snapshot of every published campaign that evaluated it (one query)."""
    return list(
        InstitutionScore.objects.filter(
            institution=institution,
            snapshot__is_current=True,
            snapshot__campaign__status=CampaignStatus.PUBLISHED,
        )
        .select_related("snapshot__campaign")
        .order_by("snapshot__campaign__year", "snapshot__campaign__opens_at")
    )


def campaign_index(campaigns: QuerySet[Campaign]) -> list[Campaign]:
    """Campaigns for the public index, newest first, with how many institutions each
    evaluates (one query)."""
    return list(campaigns.annotate(institution_count=Count("institutions")).order_by(
        "-year", "-opens_at"
    ))


def campaigns_evaluating(institution) -> set[int]:
    """Ids of the campaigns that evaluate ``institution`` (for links to its breakdowns)."""
    if institution is None:
        return set()
    return set(institution.evaluation_campaigns.values_list("pk", flat=True))


def appeals_of(campaign: Campaign, *, institution=None) -> list[Appeal]:
    """A campaign's appeals (or one institution's), newest first, with the people named."""
    appeals = Appeal.objects.filter(campaign=campaign).select_related(
        "institution", "filed_by", "answered_by"
    )
    if institution is not None:
        appeals = appeals.filter(institution=institution)
    return list(appeals.order_by("-filed_at", "-pk"))



# --- Best practices (E3) ----------------------------------------------------------------------
