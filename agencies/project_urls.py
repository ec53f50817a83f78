"""Addresses of joint projects and their reports, under /projects/."""

from django.urls import path

from agencies import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("review/", views.review_queue, name="review_queue"),
    path("export.<str:file_format>", views.project_export, name="export"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
