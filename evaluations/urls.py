from django.urls import path, register_converter

from evaluations import views
from evaluations.converters import CampaignSlugConverter

register_converter(CampaignSlugConverter, "campaign")

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management -------------------------------------------------
    path("manage/", views.campaign_manage_list, name="manage"),
    path("manage/new/", views.campaign_new, name="campaign_new"),
    path("manage/questionnaires/", views.questionnaire_list, name="questionnaires"),
    path("manage/questionnaires/<int:pk>/", views.questionnaire_builder, name="questionnaire"),
    path("manage/questionnaires/<int:pk>/sections/", views.section_add, name="section_add"),
    path("manage/questionnaires/<int:pk>/questions/", views.question_add, name="question_add"),
    path(
        "manage/questionnaires/<int:pk>/reorder/",
        views.questionnaire_reorder,
        name="questionnaire_reorder",
    ),
    path(
        "manage/questionnaires/<int:pk>/delete-item/",
        views.questionnaire_item_delete,
        name="questionnaire_item_delete",
    ),
    path(
        "manage/questionnaires/<int:pk>/clone/",
        views.questionnaire_clone,
        name="questionnaire_clone",
    ),
    path("manage/questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("manage/<slug:slug>/", views.campaign_manage, name="campaign_manage"),
    path("manage/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("manage/<slug:slug>/links/", views.campaign_links, name="campaign_links"),
    path("manage/<slug:slug>/qr.svg", views.campaign_qr, name="campaign_qr"),
    path(
        "manage/<slug:slug>/invitations/",
        views.campaign_invitations,
        name="campaign_invitations",
    ),
    path("manage/<slug:slug>/responses/", views.campaign_responses, name="campaign_responses"),
    path(
        "manage/<slug:slug>/responses/<int:pk>/exclusion/",
        views.response_exclusion,
        name="response_exclusion",
    ),
    path("manage/<slug:slug>/responses.csv", views.responses_csv, name="responses_csv"),
    path("manage/<slug:slug>/responses.xlsx", views.responses_xlsx, name="responses_xlsx"),
    # --- Public survey ------------------------------------------------------------------------
    path("invite/<str:token>/", views.survey_token, name="survey_token"),
    path("<campaign:slug>/", views.campaign, name="campaign"),
    path("<campaign:slug>/survey/", views.survey_start, name="survey_start"),
    path("<campaign:slug>/survey/privacy/", views.survey_consent, name="survey_consent"),
    path("<campaign:slug>/survey/<int:step>/", views.survey_section, name="survey_section"),
    path("<campaign:slug>/survey/thanks/", views.survey_thanks, name="survey_thanks"),
    path("<campaign:slug>/i/<str:code>/", views.survey_institution, name="survey_institution"),
    # --- Scoring & lifecycle ------------------------------------------------------------------
    path("manage/<slug:slug>/open/", views.lifecycle_open, name="campaign_open"),
    path("manage/<slug:slug>/close/", views.lifecycle_close, name="campaign_close"),
    path("manage/<slug:slug>/recompute/", views.lifecycle_recompute, name="campaign_recompute"),
    # --- Results & appeals --------------------------------------------------------------------
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
    # --- Best practices -----------------------------------------------------------------------
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
