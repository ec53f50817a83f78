"""Celery tasks of evaluations: thin shells over services, idempotent, time-limited."""

from celery import shared_task

from evaluations.survey import response_signals_purge

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


@shared_task(soft_time_limit=300, time_limit=360)
def purge_ip_hashes() -> dict[str, int]:
    """Blank the anti-stuffing hashes (and the optional demographics) past their retention;
    beat runs it daily. Idempotent: a second run finds nothing left to blank."""
    return response_signals_purge()


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
