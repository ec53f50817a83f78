from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
    # --- Public survey (E1b) ------------------------------------------------------------------
    # --- Scoring & lifecycle (E2a) ------------------------------------------------------------
    path("manage/<slug:slug>/open/", views.lifecycle_open, name="campaign_open"),
    path("manage/<slug:slug>/close/", views.lifecycle_close, name="campaign_close"),
    path("manage/<slug:slug>/recompute/", views.lifecycle_recompute, name="campaign_recompute"),
    # --- Results & appeals (E2b) --------------------------------------------------------------
    # --- Best practices (E3) ------------------------------------------------------------------
]
