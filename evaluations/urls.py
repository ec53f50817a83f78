from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    # --- Questionnaires & campaign management (E1) --------------------------------------------
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
    # --- Public survey (E1b) ------------------------------------------------------------------
    # --- Scoring & lifecycle (E2a) ------------------------------------------------------------
    # --- Results & appeals (E2b) --------------------------------------------------------------
    # --- Best practices (E3) ------------------------------------------------------------------
]
