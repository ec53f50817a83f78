from django.urls import path, register_converter

from evaluations import views
from evaluations.converters import CampaignSlugConverter

register_converter(CampaignSlugConverter, "campaign")

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
    # --- Public survey (E1b) ------------------------------------------------------------------
    path("invite/<str:token>/", views.survey_token, name="survey_token"),
    path("<campaign:slug>/", views.campaign, name="campaign"),
    path("<campaign:slug>/survey/", views.survey_start, name="survey_start"),
    path("<campaign:slug>/survey/privacy/", views.survey_consent, name="survey_consent"),
    path("<campaign:slug>/survey/<int:step>/", views.survey_section, name="survey_section"),
    path("<campaign:slug>/survey/thanks/", views.survey_thanks, name="survey_thanks"),
    path("<campaign:slug>/i/<str:code>/", views.survey_institution, name="survey_institution"),
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
