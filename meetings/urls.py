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
    path("<int:pk>/topics/", views.meeting_topics, name="topics"),
    path("<int:pk>/topics/propose/", views.topic_propose, name="topic_propose"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<int:pk>/withdraw/", views.topic_withdraw, name="topic_withdraw"),
    path("topics/<int:pk>/decide/", views.topic_decide, name="topic_decide"),
    path("topics/<int:pk>/move/", views.topic_move, name="topic_move"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path(
        "decisions/<int:pk>/action-items/new/",
        views.decision_action_item_new,
        name="decision_action_item_new",
    ),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("difficulties/<int:pk>/action-items/new/", views.action_item_new, name="action_item_new"),
    path("action-items/<int:pk>/", views.action_item_detail, name="action_item"),
    path("action-items/<int:pk>/update/", views.action_item_change, name="action_item_update"),
    path("invitations/<int:pk>/rsvp/", views.invitation_rsvp, name="rsvp"),
    path("feed/issue/", views.feed_issue, name="feed_issue"),
    path("feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
