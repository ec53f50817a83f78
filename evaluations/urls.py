from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
    # --- Public survey (E1b) ------------------------------------------------------------------
    # --- Scoring & lifecycle (E2a) ------------------------------------------------------------
    # --- Results & appeals (E2b) --------------------------------------------------------------
    path("", views.index, name="index"),
    path("results/institutions/<str:code>/", views.institution_trend, name="institution_trend"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results.csv", views.results_csv, name="results_csv"),
    path("<slug:slug>/results/<str:code>/", views.breakdown, name="breakdown"),
    path("<slug:slug>/results/<str:code>/appeal/", views.appeal_file, name="appeal_file"),
    path("manage/<slug:slug>/appeals/", views.appeals, name="appeals"),
    path("manage/<slug:slug>/appeals/window/", views.appeals_open, name="appeals_open"),
    path(
        "manage/<slug:slug>/appeals/<int:pk>/answer/", views.appeal_answer, name="appeal_answer"
    ),
    path("manage/<slug:slug>/publish/", views.publish, name="publish"),
    # --- Best practices (E3) ------------------------------------------------------------------
]
