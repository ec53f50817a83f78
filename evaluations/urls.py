from django.urls import path  # noqa: F401 (each section adds its patterns)

from evaluations import views  # noqa: F401

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
    # --- Public survey (E1b) ------------------------------------------------------------------
    # --- Scoring & lifecycle (E2a) ------------------------------------------------------------
    # --- Results & appeals (E2b) --------------------------------------------------------------
    # --- Best practices (E3) ------------------------------------------------------------------
]
