"""Who may see and do what with meetings and invitations.

Built on ``portal.roles``. City staff see every meeting; an institution's people see the
meetings their institution is invited to, and only their own institution's invitations;
another institution's meeting is a 404, not a 403.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.models import (
    TOPIC_MEETING_KINDS,
    ActionItem,
    ActionItemStatus,
    CalendarFeed,
    Decision,
    DifficultyHeard,
    DiscussionTopic,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    TopicStatus,
)
from portal.roles import Role, affiliation_of, has_city_powers, sees_private_records_of


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if has_city_powers(user):
        return Meeting.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return Meeting.objects.none()
    invited = Invitation.objects.filter(institution_id=institution_id).values("meeting_id")
    return Meeting.objects.filter(pk__in=invited)


def get_meeting_for(user, pk: int) -> Meeting:
    try:
        return (
            meetings_visible_to(user)
            .select_related("visited_institution", "minutes")
            .get(pk=pk)
        )
    except Meeting.DoesNotExist:
        raise Http404 from None


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """Who was invited and how they answered: the city sees all, an institution its own."""
    if has_city_powers(user):
        return Invitation.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(institution_id=institution_id)


def get_invitation_for(user, pk: int) -> Invitation:
    try:
        return invitations_visible_to(user).select_related("meeting", "institution").get(pk=pk)
    except Invitation.DoesNotExist:
        raise Http404 from None


def can_respond_to(user, invitation: Invitation) -> bool:
    """The invited institution's head, or its deputy head standing in, answers (and an
    administrator); its staff and city staff see the invitation but do not answer it."""
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return (
        affiliation.leads_institution
        and invitation.institution_id is not None
        and affiliation.institution_id == invitation.institution_id
    )


def answers_open(meeting: Meeting) -> bool:
    """Invitations are answered while the meeting is still to come and not held or cancelled."""
    return (
        meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED)
        and meeting.starts_at > timezone.now()
    )


def can_schedule_meetings(user) -> bool:
    """Only the city schedules meetings and builds the regular series."""
    return has_city_powers(user)


def can_take_attendance(user) -> bool:
    """City staff record who came (the meeting must also have begun: see
    ``attendance_open``)."""
    return has_city_powers(user)


def attendance_open(meeting: Meeting) -> bool:
    """Attendance is taken from the meeting's day on, for a meeting that was not cancelled."""
    return (
        meeting.status != MeetingStatus.CANCELLED
        and timezone.localdate(meeting.starts_at) <= timezone.localdate()
    )


def get_active_feed(token: str) -> CalendarFeed:
    """The feed behind a secret address, else 404 (unknown and revoked alike)."""
    try:
        return CalendarFeed.objects.select_related("user").get(token=token, revoked_at=None)
    except CalendarFeed.DoesNotExist:
        raise Http404 from None


def active_feed_of(user) -> CalendarFeed | None:
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user, revoked_at=None).first()


def difficulties_visible_to(user, meeting: Meeting) -> QuerySet[DifficultyHeard]:
    """What a field dialogue heard: the city and the visited institution's people (the public
    "you said, we did" page will show them with what became of them)."""
    institution = meeting.visited_institution
    if institution is None or not sees_private_records_of(user, institution):
        return DifficultyHeard.objects.none()
    return meeting.difficulties.all()


def can_record_difficulties(user, meeting: Meeting) -> bool:
    return (
        has_city_powers(user)
        and meeting.kind == MeetingKind.FIELD_DIALOGUE
        and attendance_open(meeting)
    )


# --- Action items -----------------------------------------------------------------------------


def can_create_action_items(user) -> bool:
    """The city turns what it heard and what meetings decided into action items."""
    return has_city_powers(user)


def action_items_visible_to(user) -> QuerySet[ActionItem]:
    """The city sees every item; an institution's people the items their institution owns."""
    if has_city_powers(user):
        return ActionItem.objects.all()
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return ActionItem.objects.none()
    return ActionItem.objects.filter(owner_institution_id=institution_id)


def can_see_action_item(user, item: ActionItem) -> bool:
    """The same rule as ``action_items_visible_to``, for an item already loaded."""
    return has_city_powers(user) or (
        item.owner_institution_id is not None
        and affiliation_of(user).institution_id == item.owner_institution_id
    )


def get_action_item_for(user, pk: int) -> ActionItem:
    try:
        return (
            action_items_visible_to(user)
            .select_related(
                "difficulty", "meeting", "decision", "owner_institution", "owner_bureau"
            )
            .get(pk=pk)
        )
    except ActionItem.DoesNotExist:
        raise Http404 from None


def can_update_action_item(user, item: ActionItem) -> bool:
    """The city, and the owner institution's people (for progress notes)."""
    if has_city_powers(user):
        return True
    institution_id = affiliation_of(user).institution_id
    return institution_id is not None and institution_id == item.owner_institution_id


def action_item_statuses_for(user, item: ActionItem) -> list[str]:
    """The statuses ``user`` may give ``item``: the city any; the owner institution's people
    keep it open or mark it in progress; closing it (done, dropped) is the city's decision."""
    if has_city_powers(user):
        return list(ActionItemStatus.values)
    if can_update_action_item(user, item) and not item.is_closed:
        return [ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS]
    return []


def get_difficulty_for(user, pk: int) -> DifficultyHeard:
    """A difficulty heard, for those who see its dialogue's record (the city and the visited
    institution's people); anyone else gets a 404."""
    try:
        difficulty = DifficultyHeard.objects.select_related(
            "meeting__visited_institution"
        ).get(pk=pk)
    except DifficultyHeard.DoesNotExist:
        raise Http404 from None
    institution = difficulty.meeting.visited_institution
    if institution is None or not sees_private_records_of(user, institution):
        raise Http404
    return difficulty


# --- Discussion topics ------------------------------------------------------------------------


def takes_topics(meeting: Meeting) -> bool:
    """Heads', deputy heads' and other meetings discuss proposed topics; field dialogues
    have the visited institution's joint projects as their agenda instead."""
    return meeting.kind in TOPIC_MEETING_KINDS


def topic_proposals_open(meeting: Meeting) -> bool:
    """Institutions propose (and change their proposals) until the meeting's deadline; a
    meeting without one takes no proposals, nor does one held or cancelled."""
    return (
        takes_topics(meeting)
        and meeting.topics_deadline is not None
        and timezone.now() < meeting.topics_deadline
        and meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED)
    )


def invited_institution_ids(meeting: Meeting) -> set[int]:
    return set(
        meeting.invitations.exclude(institution=None).values_list("institution_id", flat=True)
    )


def may_propose_topics(user, meeting: Meeting) -> bool:
    """Whether ``user`` acts for an institution invited to ``meeting`` in proposing topics:
    its head or deputy head (MISSION.md), or an administrator on an invited institution's
    behalf. Says nothing of the deadline (``topic_proposals_open``)."""
    if not takes_topics(meeting):
        return False
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return (
        affiliation.leads_institution
        and affiliation.institution_id in invited_institution_ids(meeting)
    )


def can_propose_topic_for(user, meeting: Meeting, institution) -> bool:
    """``user`` may propose a topic of ``institution`` (invited to ``meeting``)."""
    if institution is None or not may_propose_topics(user, meeting):
        return False
    if affiliation_of(user).role == Role.ADMIN:
        return institution.pk in invited_institution_ids(meeting)
    return affiliation_of(user).institution_id == institution.pk


def topics_visible_to(user, meeting: Meeting) -> QuerySet[DiscussionTopic]:
    """The city sees every proposal; an institution's people their own institution's, and the
    accepted agenda; another institution's pending, merged or declined proposals never."""
    topics = meeting.topics.all()
    if has_city_powers(user):
        return topics
    institution_id = affiliation_of(user).institution_id
    if institution_id is None:
        return topics.filter(status=TopicStatus.ACCEPTED)
    return topics.filter(Q(institution_id=institution_id) | Q(status=TopicStatus.ACCEPTED))


def get_topic_for(user, pk: int) -> DiscussionTopic:
    """A topic whose meeting ``user`` sees and which ``topics_visible_to`` shows them; else
    404 (another institution's proposal is not there for them)."""
    try:
        topic = DiscussionTopic.objects.select_related(
            "meeting", "institution", "merged_into"
        ).get(pk=pk, meeting__in=meetings_visible_to(user))
    except DiscussionTopic.DoesNotExist:
        raise Http404 from None
    if not topics_visible_to(user, topic.meeting).filter(pk=topic.pk).exists():
        raise Http404
    return topic


def can_change_proposal(user, topic: DiscussionTopic) -> bool:
    """The proposing institution's head or deputy head (or an administrator) edits or
    withdraws a proposal (while it is pending and proposals are open)."""
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return affiliation.leads_institution and affiliation.institution_id == topic.institution_id


def can_curate_topics(user) -> bool:
    """Only the city accepts, merges, declines and orders topics."""
    return has_city_powers(user)


def agenda_open(meeting: Meeting) -> bool:
    """The agenda may change until the meeting is held (or if it was cancelled, never)."""
    return meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED)


# --- Minutes and decisions --------------------------------------------------------------------


def can_record_minutes(user) -> bool:
    return has_city_powers(user)


def minutes_open(meeting: Meeting) -> bool:
    """Minutes and decisions are written once the meeting was held."""
    return meeting.status == MeetingStatus.HELD


def minutes_visible_to(user, meeting: Meeting) -> Minutes | None:
    """The meeting's minutes for ``user`` (who sees the meeting): the city sees the draft,
    the invitees the published minutes; None when there is nothing for them."""
    try:
        minutes = meeting.minutes  # read with the meeting by ``get_meeting_for``
    except Minutes.DoesNotExist:
        return None
    if has_city_powers(user) or minutes.is_published:
        return minutes
    return None


def get_decision_for(user, pk: int) -> Decision:
    """A decision of a meeting ``user`` sees, once its minutes are published (the city sees
    every decision); else 404."""
    decisions = Decision.objects.select_related("meeting", "topic__institution").filter(
        meeting__in=meetings_visible_to(user)
    )
    if not has_city_powers(user):
        decisions = decisions.filter(meeting__minutes__published_at__isnull=False)
    try:
        return decisions.get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None
