"""Reads the evaluation pages need, built so the query count does not grow with the data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from agencies.models import Institution, JointProject
from evaluations.models import (
    Answer,
    Appeal,
    BestPractice,
    Campaign,
    CampaignStatus,
    Choice,
    InstitutionScore,
    Question,
    Questionnaire,
    QuestionnaireSection,
    RespondentType,
    Response,
    ResponseExclusion,
    ScoreSnapshot,
    StakeholderInvitation,
)
from portal.content_cache import FRAGMENT_TIMEOUT, content_version

# The namespace of cached public results (see ``published_campaign``).
RESULTS_CONTENT = "evaluation-results"

# --- Questionnaires & campaign management -----------------------------------------------------


def questionnaire_list() -> QuerySet[Questionnaire]:
    """Every questionnaire with what the list shows, in a fixed number of queries."""
    answered = Answer.objects.filter(question__section__questionnaire=OuterRef("pk"))
    live = Campaign.objects.filter(questionnaire=OuterRef("pk")).exclude(
        status=CampaignStatus.DRAFT
    )
    return Questionnaire.objects.annotate(
        question_count=Count("sections__questions", distinct=True),
        campaign_count=Count("campaigns", distinct=True),
        is_answered=Exists(answered),
        is_live=Exists(live),
        has_next_version=Exists(Questionnaire.objects.filter(previous_version=OuterRef("pk"))),
    ).order_by("title", "-version")


def questionnaire_outline(questionnaire: Questionnaire) -> list[QuestionnaireSection]:
    """The questionnaire's sections with their questions and choices, in order (3 queries)."""
    return list(
        questionnaire.sections.order_by("position").prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position"))
                ),
            )
        )
    )


def campaigns_for_management() -> QuerySet[Campaign]:
    """Every campaign for city staff, with its questionnaire and counts."""
    return (
        Campaign.objects.select_related("questionnaire")
        .annotate(
            institution_count=Count("institutions", distinct=True),
            response_count=Subquery(
                Response.objects.filter(campaign=OuterRef("pk"))
                .order_by()
                .values("campaign")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
        )
        .order_by("-year", "-opens_at", "pk")
    )


@dataclass(frozen=True)
class ParticipationRow:
    """How many answered for one institution: participation, not results (no scores)."""

    institution: Institution
    citizens: int
    stakeholders: int
    flagged: int
    excluded: int
    invited: int
    invitations_used: int
    invitations_unsent: int


def campaign_participation(campaign: Campaign) -> list[ParticipationRow]:
    """One row per evaluated institution, in a fixed number of queries."""
    responses = {
        row["institution"]: row
        for row in Response.objects.filter(campaign=campaign)
        .order_by()
        .values("institution")
        .annotate(
            citizens=Count("pk", filter=Q(respondent_type=RespondentType.CITIZEN)),
            stakeholders=Count("pk", filter=Q(respondent_type=RespondentType.STAKEHOLDER)),
            flagged=Count("pk", filter=~Q(flag_reasons="")),
            excluded=Count("pk", filter=Q(excluded=True)),
        )
    }
    invitations = {
        row["institution"]: row
        for row in StakeholderInvitation.objects.filter(campaign=campaign)
        .order_by()
        .values("institution")
        .annotate(
            invited=Count("pk"),
            used=Count("pk", filter=Q(used_on__isnull=False)),
            unsent=Count("pk", filter=Q(sent_at__isnull=True)),
        )
    }
    rows = []
    for institution in campaign.institutions.order_by("name_ko"):
        counts = responses.get(institution.pk, {})
        invited = invitations.get(institution.pk, {})
        rows.append(
            ParticipationRow(
                institution=institution,
                citizens=counts.get("citizens", 0),
                stakeholders=counts.get("stakeholders", 0),
                flagged=counts.get("flagged", 0),
                excluded=counts.get("excluded", 0),
                invited=invited.get("invited", 0),
                invitations_used=invited.get("used", 0),
                invitations_unsent=invited.get("unsent", 0),
            )
        )
    return rows


def responses_for_moderation(campaign: Campaign, *, show: str = "flagged") -> QuerySet[Response]:
    """The responses the moderation page lists: ``flagged`` (the default), ``excluded`` or
    ``all``. Only what moderation needs: no hashes, no demographics."""
    responses = (
        Response.objects.filter(campaign=campaign)
        .select_related("institution")
        .only(
            "pk",
            "campaign_id",
            "institution__name_ko",
            "institution__code",
            "respondent_type",
            "channel",
            "submitted_at",
            "flag_reasons",
            "excluded",
        )
        .order_by("-submitted_at", "-pk")
    )
    if show == "flagged":
        return responses.exclude(flag_reasons="")
    if show == "excluded":
        return responses.filter(excluded=True)
    return responses


def last_exclusions(responses: Iterable[Response]) -> dict[int, ResponseExclusion]:
    """The newest exclusion log entry of each response shown (one query)."""
    ids = [response.pk for response in responses]
    latest: dict[int, ResponseExclusion] = {}
    for entry in ResponseExclusion.objects.filter(response_id__in=ids).order_by("-at", "-pk"):
        latest.setdefault(entry.response_id, entry)
    return latest


# --- Public survey ----------------------------------------------------------------------------


def survey_sections(campaign: Campaign) -> list[QuestionnaireSection]:
    """The campaign's questionnaire, one section per page, with questions and options (three
    queries whatever its size)."""
    return list(
        QuestionnaireSection.objects.filter(questionnaire_id=campaign.questionnaire_id)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position"))
                ),
            )
        )
    )


def survey_institution(entry) -> Institution | None:
    """The institution a survey in progress evaluates (None if it has since gone)."""
    return Institution.objects.filter(pk=entry.institution_id).first()


# --- Scoring & lifecycle ----------------------------------------------------------------------


# --- Results & appeals ------------------------------------------------------------------------

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


# --- Best practices ---------------------------------------------------------------------------


def practice_list(
    practices: QuerySet[BestPractice],
    *,
    query: str = "",
    area: str = "",
    institution: Institution | None = None,
    year: int | None = None,
) -> QuerySet[BestPractice]:
    """Filter the best practices a user may see. The query matches the title, the summary,
    the body and the institution's Korean and English names."""
    result = practices.select_related("institution")
    if area:
        result = result.filter(area=area)
    if institution is not None:
        result = result.filter(institution=institution)
    if year is not None:
        result = result.filter(year=year)
    query = query.strip()
    if query:
        result = result.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(body__icontains=query)
            | Q(institution__name_ko__icontains=query)
            | Q(institution__name_en__icontains=query)
        )
    return result.order_by("-year", "title", "pk")


def practice_years(practices: QuerySet[BestPractice]) -> list[int]:
    """The years that have a best practice the user may see, newest first (one query)."""
    return list(practices.order_by("-year").values_list("year", flat=True).distinct())


def practice_institutions(practices: QuerySet[BestPractice]) -> QuerySet[Institution]:
    """Institutions with a best practice the user may see, for the list's filter."""
    return Institution.objects.filter(pk__in=practices.values("institution_id")).order_by(
        "name_ko"
    )


def practice_linked_projects(
    practice: BestPractice, visible_projects: QuerySet[JointProject]
) -> QuerySet[JointProject]:
    """The practice's joint projects among those the user may see (unpublished projects stay
    hidden from the public here as everywhere)."""
    return (
        visible_projects.filter(best_practices=practice)
        .select_related("lead_institution")
        .order_by("-year", "title")
    )


def practice_count_of(practices: QuerySet[BestPractice], institution: Institution) -> int:
    """How many of the user's visible best practices are the institution's (one query)."""
    return practices.filter(institution=institution).count()
