from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("schedule/", views.schedule_series, name="schedule_series"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/difficulties/", views.difficulty_add, name="difficulty_add"),
    path("invitations/<int:pk>/rsvp/", views.invitation_rsvp, name="rsvp"),
    path("feed/issue/", views.feed_issue, name="feed_issue"),
    path("feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
