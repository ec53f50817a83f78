"""Results written straight to the database: a score snapshot with one row per institution,
as scoring would leave it. The results pages only ever read these rows, so their tests need
no responses at all (scoring has its own tests)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from evaluations.models import Campaign, CampaignStatus, InstitutionScore, ScoreSnapshot
from tests.evaluation_factories import closed_campaign


def score_fields(composite: str | None, **overrides) -> dict:
    """An institution's score: every component equal to ``composite`` unless overridden,
    30 citizen and 12 stakeholder responses, and a per-dimension breakdown."""
    value = None if composite is None else Decimal(composite)
    fields = {
        "citizen_n": 30,
        "citizen_index": value,
        "citizen_ci_low": None if value is None else value - 5,
        "citizen_ci_high": None if value is None else min(value + 5, Decimal(100)),
        "stakeholder_n": 12,
        "stakeholder_index": value,
        "kpi_achievement": value,
        "timeliness": value,
        "follow_through": value,
        "composite": value,
        "breakdown": {
            "dimensions": {
                "citizen": {"process": str(value), "overall": str(value)},
                "stakeholder": {"process": str(value)},
            }
        }
        if value is not None
        else {},
    }
    fields.update(overrides)
    return fields


def snapshot_with_scores(
    campaign: Campaign,
    scores: list[tuple[object, dict]],
    *,
    computed_at: datetime.datetime | None = None,
) -> ScoreSnapshot:
    """The campaign's current snapshot with ``scores``: (institution, fields) pairs, ranked
    in the given order except those marked ``insufficient_sample``; the first ranked one is
    excellent (incentive tier 1). A previous current snapshot stops being current."""
    ScoreSnapshot.objects.filter(campaign=campaign, is_current=True).update(is_current=False)
    snapshot = ScoreSnapshot.objects.create(
        campaign=campaign,
        computed_at=computed_at or timezone.now(),
        content_hash=f"{campaign.pk:064d}"[-64:],
    )
    rank = 0
    rows = []
    for institution, fields in scores:
        fields = dict(fields)
        insufficient = fields.pop("insufficient_sample", False)
        if not insufficient and fields.get("composite") is not None:
            rank += 1
        ranked = not insufficient and fields.get("composite") is not None
        rows.append(
            InstitutionScore(
                snapshot=snapshot,
                institution=institution,
                insufficient_sample=insufficient,
                rank=rank if ranked else None,
                grade=fields.pop("grade", "A" if ranked else ""),
                incentive_tier=1 if ranked and rank == 1 else None,
                **fields,
            )
        )
    InstitutionScore.objects.bulk_create(rows)
    return snapshot


def scored_campaign(institutions, *, status=CampaignStatus.PUBLISHED, **kwargs) -> Campaign:
    """A campaign in ``status`` (published by default) evaluating ``institutions``, with a
    snapshot scoring them 90, 80, 70, … in that order."""
    campaign = closed_campaign(status=status, institutions=list(institutions), **kwargs)
    snapshot_with_scores(
        campaign,
        [
            (institution, score_fields(f"{90 - 10 * index}.50"))
            for index, institution in enumerate(institutions)
        ],
    )
    return campaign


def under_appeal(institutions, *, days_left: int = 3, **kwargs) -> Campaign:
    """A scored campaign in its appeal window, ``days_left`` before the deadline (negative:
    the deadline has passed)."""
    now = timezone.now()
    kwargs.setdefault("closes_at", now - datetime.timedelta(days=10))
    kwargs.setdefault("opens_at", now - datetime.timedelta(days=40))
    return scored_campaign(
        institutions,
        status=CampaignStatus.UNDER_APPEAL,
        appeal_deadline=now + datetime.timedelta(days=days_left),
        **kwargs,
    )
