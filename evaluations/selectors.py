"""Reads the evaluation pages need, built so the query count does not grow with the data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
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
    BestPractice,
    Campaign,
    CampaignStatus,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireSection,
    RespondentType,
    Response,
    ResponseExclusion,
    StakeholderInvitation,
)

# --- Questionnaires & campaign management (E1) ------------------------------------------------


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


# --- Public survey (E1b) ----------------------------------------------------------------------


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


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------


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
