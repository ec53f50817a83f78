"""Planning meeting notifications: invitation notices, reminders N days before, the topic
deadline reminder; planning twice never doubles; moved meetings re-plan; cancelled and
postponed meetings drop what is unsent (issue 4, point 7)."""

import datetime

import pytest
from django.db import connection

from meetings.models import Invitation, Meeting, MeetingStatus
from meetings.services import meeting_reschedule, meeting_series_schedule
from notifications.models import Notification, NotificationKind
from notifications.services import (
    meeting_notifications_plan,
    meetings_notifications_plan,
    notifications_deliver_due,
)
from tests.notifications.conftest import NOW, YEAR, seoul


def outbox_rows():
    """Every row as (recipient, purpose, kind, send_at, sent?), sorted."""
    return sorted(
        (row.recipient.username, row.purpose, row.kind, row.send_at, row.sent_at is not None)
        for row in Notification.objects.select_related("recipient")
    )


def test_a_meeting_plans_an_invitation_reminders_and_the_topics_deadline(world, meeting):
    outcome = meeting_notifications_plan(meeting=meeting, now=NOW)

    prefix = f"meeting:{meeting.pk}:"
    expected = []
    for username in ("head-x", "head-y", "staff-x"):
        expected += [
            (username, f"{prefix}invitation", NotificationKind.INVITATION, NOW, False),
            # 7 and 1 days before the 27th, at 09:00 in Seoul.
            (username, f"{prefix}reminder:{YEAR}-03-27:7d", NotificationKind.REMINDER,
             seoul(YEAR, 3, 20, 9), False),
            (username, f"{prefix}reminder:{YEAR}-03-27:1d", NotificationKind.REMINDER,
             seoul(YEAR, 3, 26, 9), False),
        ]
    # Topics are proposed by the institutions' heads: not by staff invited for themselves.
    for username in ("head-x", "head-y"):
        expected.append(
            (username, f"{prefix}topics-deadline:{YEAR}-03-20", NotificationKind.TOPICS_DEADLINE,
             seoul(YEAR, 3, 18, 9), False)
        )
    assert outbox_rows() == sorted(expected)
    assert outcome.created == 11


def test_planning_twice_changes_nothing(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    first = outbox_rows()
    ids = set(Notification.objects.values_list("pk", flat=True))

    again = meeting_notifications_plan(meeting=meeting, now=NOW + datetime.timedelta(hours=1))
    sweep = meetings_notifications_plan(now=NOW + datetime.timedelta(hours=2))

    assert outbox_rows() == first
    assert set(Notification.objects.values_list("pk", flat=True)) == ids
    assert (again.created, again.updated, again.dropped) == (0, 0, 0)
    assert (sweep.created, sweep.updated, sweep.dropped) == (0, 0, 0)


def test_the_database_refuses_a_second_row_for_one_purpose(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    row = Notification.objects.first()
    with connection.cursor() as cursor, pytest.raises(Exception, match="notification_unique"):
        cursor.execute(
            "INSERT INTO notifications_notification (recipient_id, purpose, kind, subject, body,"
            " link, send_at, attempts, last_error, created_at)"
            " VALUES (%s, %s, 'reminder', 's', 'b', '', now(), 0, '', now())",
            [row.recipient_id, row.purpose],
        )


def test_reminders_already_in_the_past_are_skipped(world, meeting):
    # Planned on the 21st: the 7-day reminder (the 20th, 09:00) has passed.
    meeting_notifications_plan(meeting=meeting, now=seoul(YEAR, 3, 21, 8))

    purposes = set(Notification.objects.values_list("purpose", flat=True))
    assert f"meeting:{meeting.pk}:reminder:{YEAR}-03-27:1d" in purposes
    assert f"meeting:{meeting.pk}:reminder:{YEAR}-03-27:7d" not in purposes
    assert f"meeting:{meeting.pk}:topics-deadline:{YEAR}-03-20" not in purposes


def test_reminder_days_are_the_meetings_own(world, meeting):
    meeting.reminder_days_before = "3"
    meeting.topics_deadline = None
    meeting.save()
    meeting_notifications_plan(meeting=meeting, now=NOW)
    assert set(Notification.objects.values_list("purpose", "send_at")) == {
        (f"meeting:{meeting.pk}:invitation", NOW),
        (f"meeting:{meeting.pk}:reminder:{YEAR}-03-27:3d", seoul(YEAR, 3, 24, 9)),
    }

    meeting.reminder_days_before = ""
    meeting.save()
    outcome = meeting_notifications_plan(meeting=meeting, now=NOW)
    assert outcome.dropped == 3
    assert set(Notification.objects.values_list("kind", flat=True)) == {"invitation"}


def test_a_moved_meeting_re_plans_its_unsent_reminders(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    # The 7-day reminder went out; then the meeting moves to 3 April.
    Notification.objects.filter(purpose__endswith=":7d").update(sent_at=seoul(YEAR, 3, 20, 9))
    moved_on = seoul(YEAR, 3, 21, 10)

    meeting_reschedule(
        meeting=meeting, starts_at=seoul(YEAR, 4, 3, 14), ends_at=seoul(YEAR, 4, 3, 16)
    )
    meeting_notifications_plan(meeting=meeting, now=moved_on)

    head_x = Notification.objects.filter(recipient=world.users["head_x"], kind="reminder")
    assert sorted(head_x.values_list("purpose", "send_at", "sent_at")) == [
        # The old day's reminder that went out stays as it was (history).
        (f"meeting:{meeting.pk}:reminder:{YEAR}-03-27:7d", seoul(YEAR, 3, 20, 9),
         seoul(YEAR, 3, 20, 9)),
        # The new day gets both reminders; its 7-day one (27 March) is still ahead.
        (f"meeting:{meeting.pk}:reminder:{YEAR}-04-03:1d", seoul(YEAR, 4, 2, 9), None),
        (f"meeting:{meeting.pk}:reminder:{YEAR}-04-03:7d", seoul(YEAR, 3, 27, 9), None),
    ]
    # The old day's unsent 1-day reminder is gone: nobody is reminded of the wrong day.
    assert not Notification.objects.filter(purpose__contains=f"{YEAR}-03-27:1d").exists()


def test_moving_within_the_day_keeps_the_rows(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    ids = set(Notification.objects.values_list("pk", flat=True))
    meeting_reschedule(
        meeting=meeting, starts_at=seoul(YEAR, 3, 27, 10), ends_at=seoul(YEAR, 3, 27, 12)
    )
    assert set(Notification.objects.values_list("pk", flat=True)) == ids
    # The text follows the new time.
    reminder = Notification.objects.filter(kind="reminder").first()
    assert "10:00" in reminder.body


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
def test_a_cancelled_or_postponed_meeting_drops_what_is_unsent(world, meeting, status):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    notifications_deliver_due(now=NOW)  # the invitation notices go out
    sent = set(Notification.objects.delivered().values_list("pk", flat=True))
    assert len(sent) == 3

    Meeting.objects.filter(pk=meeting.pk).update(status=status)  # as the admin would
    outcome = meetings_notifications_plan(now=NOW + datetime.timedelta(minutes=15))

    assert outcome.dropped == 8
    assert set(Notification.objects.values_list("pk", flat=True)) == sent


def test_a_postponed_meeting_scheduled_again_is_planned_again(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.POSTPONED)
    meeting_notifications_plan(meeting=meeting, now=NOW)
    assert not Notification.objects.exists()

    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
    meeting_notifications_plan(meeting=meeting, now=NOW)
    assert Notification.objects.count() == 11


def test_the_sweep_drops_rows_of_a_meeting_that_has_passed(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    # Days later, held early (the reminders' day never came): nothing unsent may go out.
    meeting_reschedule(meeting=meeting, starts_at=NOW - datetime.timedelta(days=1),
                       ends_at=NOW - datetime.timedelta(hours=22))
    meetings_notifications_plan(now=NOW)
    assert not Notification.objects.pending().exists()


def test_a_new_invitee_is_planned_by_the_sweep(world, meeting):
    meeting_notifications_plan(meeting=meeting, now=NOW)
    Invitation.objects.create(meeting=meeting, user=world.users["deputy_x"])

    outcome = meetings_notifications_plan(now=NOW)

    assert outcome.created == 3
    assert Notification.objects.filter(recipient=world.users["deputy_x"]).count() == 3


def test_the_series_invites_and_reminds_in_the_same_transaction(world):
    year = NOW.year + 1
    outcome = meeting_series_schedule(year=year)
    rows = Notification.objects.count()
    # X's head for 6 heads' meetings, X's deputy for 6 deputy heads' meetings, Y's head for 6:
    # an invitation and two reminders each (the series takes no topics until set).
    assert outcome.invitations_added == 18
    assert rows == 18 * 3

    again = meeting_series_schedule(year=year)
    assert not again.changed_anything
    assert Notification.objects.count() == rows


def test_the_admin_re_plans_a_meeting_it_saves(world, meeting, client):
    meeting_notifications_plan(meeting=meeting)
    assert Notification.objects.filter(kind="invitation").count() == 3
    client.force_login(world.users["admin"])
    data = {
        "kind": meeting.kind, "title": meeting.title,
        "starts_at_0": f"{YEAR}-03-27", "starts_at_1": "14:00",
        "ends_at_0": f"{YEAR}-03-27", "ends_at_1": "16:00",
        "place": meeting.place, "host": "", "status": MeetingStatus.CANCELLED,
        "description": "", "topics_deadline_0": "", "topics_deadline_1": "",
        "reminder_days_before": "7,1",
        "invitations-TOTAL_FORMS": "0", "invitations-INITIAL_FORMS": "0",
        "attendees-TOTAL_FORMS": "0", "attendees-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/meetings/meeting/{meeting.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Notification.objects.exists()  # none had gone out: all dropped
