from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
    # --- Public survey (E1b) ------------------------------------------------------------------
    # --- Scoring & lifecycle (E2a) ------------------------------------------------------------
    # --- Results & appeals (E2b) --------------------------------------------------------------
    # --- Best practices (E3) ------------------------------------------------------------------
    path("practices/", views.practice_list, name="practices"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path(
        "practices/files/<int:pk>/",
        views.practice_attachment_download,
        name="practice_attachment",
    ),
    path("manage/practices/new/", views.practice_new, name="practice_new"),
    path("manage/practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path(
        "manage/practices/<int:pk>/files/",
        views.practice_attachment_add,
        name="practice_attachment_add",
    ),
    path(
        "manage/practices/files/<int:pk>/delete/",
        views.practice_attachment_delete,
        name="practice_attachment_delete",
    ),
]
