"""Reads the evaluation pages need, built so the query count does not grow with the data."""

from django.db.models import Prefetch

from agencies.models import Institution
from evaluations.models import Campaign, Choice, Question, QuestionnaireSection

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
