"""Reads the evaluation pages need, built so the query count does not grow with the data."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from agencies.models import Institution, JointProject
from evaluations.models import BestPractice, Campaign, Choice, Question, QuestionnaireSection

# --- Questionnaires & campaign management (E1) ------------------------------------------------


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
