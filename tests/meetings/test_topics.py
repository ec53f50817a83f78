"""Discussion topics (과제·현안): what the database refuses, and the services that propose,
curate and order them (issue 4, point 4)."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from meetings.models import DiscussionTopic, Invitation, Meeting, MeetingKind, TopicStatus
from meetings.services import (
    MeetingError,
    topic_accept,
    topic_decline,
    topic_edit,
    topic_merge,
    topic_move,
    topic_propose,
    topic_withdraw,
)


def _meeting(world, *, deadline_in=datetime.timedelta(days=3), kind=MeetingKind.HEADS, **kwargs):
    """A meeting ten days ahead with X and Y invited; proposals close ``deadline_in`` from
    now (None: no deadline)."""
    starts_at = timezone.now() + datetime.timedelta(days=10)
    values = {
        "kind": kind,
        "title": "기관장 회의",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "topics_deadline": None if deadline_in is None else timezone.now() + deadline_in,
    }
    if kind == MeetingKind.FIELD_DIALOGUE:
        values["visited_institution"] = world.institution_x
    meeting = Meeting.objects.create(**(values | kwargs))
    for head, institution in (
        (world.users["head_x"], world.institution_x),
        (world.users["head_y"], world.institution_y),
    ):
        Invitation.objects.create(meeting=meeting, user=head, institution=institution)
    return meeting


def _propose(world, meeting, who="head_x", title="합동 채용 일정 조율", institution=None):
    institution = institution or (
        world.institution_y if who.endswith("_y") else world.institution_x
    )
    return topic_propose(
        meeting=meeting,
        by=world.users[who],
        institution=institution,
        title=title,
        background="채용 시기가 기관마다 다릅니다.",
        request="합동 일정을 정해 주세요.",
    )


def _agenda(meeting) -> list[tuple[str, int]]:
    return list(
        meeting.topics.filter(status=TopicStatus.ACCEPTED)
        .order_by("agenda_position")
        .values_list("title", "agenda_position")
    )


@pytest.fixture
def meeting(world):
    return _meeting(world)


# --- What the database refuses -----------------------------------------------------------------


def _topic_row(meeting, institution, **kwargs):
    values = {"meeting": meeting, "institution": institution, "title": "과제", "background": "배경"}
    return DiscussionTopic.objects.create(**(values | kwargs))


@pytest.mark.parametrize(
    "values",
    [
        {"status": "pending"},
        {"title": ""},
        {"background": ""},
        {"status": TopicStatus.MERGED},  # merged into nothing
        {"status": TopicStatus.DECLINED},  # declined without a reason
        {"status": TopicStatus.PROPOSED, "decline_reason": "이유"},
        {"status": TopicStatus.ACCEPTED},  # accepted without a place on the agenda
        {"status": TopicStatus.PROPOSED, "agenda_position": 3},
    ],
    ids=str,
)
def test_the_database_refuses_an_inconsistent_topic(world, meeting, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        _topic_row(meeting, world.institution_x, **values)


def test_merged_into_only_when_merged_and_never_into_itself(world, meeting):
    target = _topic_row(
        meeting, world.institution_x, status=TopicStatus.ACCEPTED, agenda_position=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        _topic_row(meeting, world.institution_y, merged_into=target)
    topic = _topic_row(meeting, world.institution_y)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscussionTopic.objects.filter(pk=topic.pk).update(
            status=TopicStatus.MERGED, merged_into=topic
        )
    merged = _topic_row(meeting, world.institution_y, status=TopicStatus.MERGED, merged_into=target)
    assert merged.merged_into == target


def test_one_topic_per_agenda_position_and_meeting(world, meeting):
    _topic_row(meeting, world.institution_x, status=TopicStatus.ACCEPTED, agenda_position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _topic_row(meeting, world.institution_y, status=TopicStatus.ACCEPTED, agenda_position=1)
    # Another meeting's agenda has its own first place.
    other = _meeting(world)
    _topic_row(other, world.institution_y, status=TopicStatus.ACCEPTED, agenda_position=1)


# --- Proposing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head_x", "deputy_x"])
def test_the_head_or_deputy_head_proposes_before_the_deadline(world, meeting, who):
    topic = _propose(world, meeting, who=who)
    assert (topic.status, topic.institution, topic.proposed_by) == (
        TopicStatus.PROPOSED,
        world.institution_x,
        world.users[who],
    )
    assert topic.agenda_position is None


def test_an_administrator_proposes_for_an_invited_institution_only(world, meeting):
    topic = _propose(world, meeting, who="admin", institution=world.institution_y)
    assert topic.institution == world.institution_y
    outsider = Invitation.objects.filter(meeting=meeting, institution=world.institution_y)
    outsider.delete()
    with pytest.raises(MeetingError) as refused:
        _propose(world, meeting, who="admin", institution=world.institution_y, title="다른 과제")
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize("who", ["staff_x", "city_staff"])
def test_staff_and_the_city_do_not_propose(world, meeting, who):
    with pytest.raises(MeetingError) as refused:
        _propose(world, meeting, who=who)
    assert refused.value.code == "forbidden"
    assert not DiscussionTopic.objects.exists()


def test_an_institution_not_invited_does_not_propose(world):
    meeting = _meeting(world)
    meeting.invitations.filter(institution=world.institution_y).delete()
    with pytest.raises(MeetingError) as refused:
        _propose(world, meeting, who="head_y")
    assert refused.value.code == "forbidden"


def test_no_deadline_no_proposals(world):
    meeting = _meeting(world, deadline_in=None)
    with pytest.raises(MeetingError) as refused, translation.override("ko"):
        _propose(world, meeting)
    assert refused.value.code == "no_deadline"
    assert refused.value.message == "이 회의는 토론 과제 제안을 받지 않습니다."


def test_after_the_deadline_a_clear_refusal(world):
    meeting = _meeting(world, deadline_in=-datetime.timedelta(minutes=1))
    with pytest.raises(MeetingError) as refused, translation.override("ko"):
        _propose(world, meeting)
    deadline = timezone.localtime(meeting.topics_deadline).strftime("%Y-%m-%d %H:%M")
    assert refused.value.code == "deadline"
    assert refused.value.message == f"과제 제안은 {deadline}에 마감되었습니다."


def test_a_field_dialogue_takes_no_topics(world):
    dialogue = _meeting(world, kind=MeetingKind.FIELD_DIALOGUE)
    with pytest.raises(MeetingError) as refused:
        _propose(world, dialogue)
    assert refused.value.code == "forbidden"


def test_a_title_and_background_are_needed(world, meeting):
    with pytest.raises(MeetingError) as refused:
        _propose(world, meeting, title="  ")
    assert refused.value.code == "title"


# --- Editing and withdrawing -------------------------------------------------------------------


def test_the_institution_edits_and_withdraws_its_pending_proposal(world, meeting):
    topic = _propose(world, meeting, who="head_x")
    # The deputy head acts for the institution as well as the head who proposed it.
    topic_edit(topic=topic, by=world.users["deputy_x"], title="고친 과제", background="고친 배경")
    topic.refresh_from_db()
    assert (topic.title, topic.background, topic.request) == ("고친 과제", "고친 배경", "")
    topic_withdraw(topic=topic, by=world.users["head_x"])
    assert not DiscussionTopic.objects.exists()


@pytest.mark.parametrize("who", ["staff_x", "head_y", "city_staff"])
def test_others_neither_edit_nor_withdraw_a_proposal(world, meeting, who):
    topic = _propose(world, meeting)
    with pytest.raises(MeetingError) as refused:
        topic_edit(topic=topic, by=world.users[who], title="남의 과제", background="배경")
    assert refused.value.code == "forbidden"
    with pytest.raises(MeetingError):
        topic_withdraw(topic=topic, by=world.users[who])
    assert DiscussionTopic.objects.get().title == "합동 채용 일정 조율"


def test_no_change_after_the_deadline_or_once_reviewed(world, meeting):
    reviewed = _propose(world, meeting, title="검토된 과제")
    topic_accept(topic=reviewed, by=world.users["city_staff"])
    with pytest.raises(MeetingError) as refused:
        topic_withdraw(topic=reviewed, by=world.users["head_x"])
    assert refused.value.code == "decided"
    late = _propose(world, meeting, title="늦은 과제")
    Meeting.objects.filter(pk=meeting.pk).update(
        topics_deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(MeetingError) as refused:
        topic_edit(topic=late, by=world.users["head_x"], title="고친 과제", background="배경")
    assert refused.value.code == "deadline"


# --- Curating the agenda -----------------------------------------------------------------------


def _proposed(world, meeting, *titles):
    return [
        _propose(world, meeting, who="head_x" if n % 2 == 0 else "head_y", title=title)
        for n, title in enumerate(titles)
    ]


def test_accepting_puts_topics_on_the_agenda_in_turn(world, meeting):
    city = world.users["city_staff"]
    first, second = _proposed(world, meeting, "가", "나")
    topic_accept(topic=second, by=city)
    topic_accept(topic=first, by=city)
    topic_accept(topic=first, by=city)  # again: nothing changes
    assert _agenda(meeting) == [("나", 1), ("가", 2)]
    first.refresh_from_db()
    assert (first.decided_by, first.decided_at is not None) == (city, True)


@pytest.mark.parametrize("who", ["head_x", "staff_x", "deputy_x"])
def test_only_the_city_curates(world, meeting, who):
    topic = _propose(world, meeting)
    for curate in (
        lambda: topic_accept(topic=topic, by=world.users[who]),
        lambda: topic_decline(topic=topic, by=world.users[who], reason="이유"),
        lambda: topic_move(topic=topic, by=world.users[who], direction="up"),
    ):
        with pytest.raises(MeetingError) as refused:
            curate()
        assert refused.value.code == "forbidden"


def test_merging_into_an_accepted_topic_of_the_same_meeting(world, meeting):
    city = world.users["city_staff"]
    target, topic, child = _proposed(world, meeting, "대상", "통합할 과제", "먼저 통합한 과제")
    with pytest.raises(MeetingError) as refused:
        topic_merge(topic=topic, into=target, by=city)
    assert refused.value.code == "merge_target"  # not accepted yet
    topic_accept(topic=target, by=city)
    topic_accept(topic=topic, by=city)
    topic_merge(topic=child, into=topic, by=city)
    with pytest.raises(MeetingError) as refused:
        topic_merge(topic=topic, into=topic, by=city)
    assert refused.value.code == "merge_self"
    elsewhere = _meeting(world)
    other = _propose(world, elsewhere, title="다른 회의의 과제")
    topic_accept(topic=other, by=city)
    with pytest.raises(MeetingError) as refused:
        topic_merge(topic=topic, into=other, by=city)
    assert refused.value.code == "merge_meeting"

    topic_merge(topic=topic, into=target, by=city)

    topic.refresh_from_db()
    child.refresh_from_db()
    assert (topic.status, topic.merged_into, topic.agenda_position) == (
        TopicStatus.MERGED,
        target,
        None,
    )
    assert child.merged_into == target  # what was merged into it follows it
    assert _agenda(meeting) == [("대상", 1)]


def test_declining_needs_a_reason_and_closes_the_gap(world, meeting):
    city = world.users["city_staff"]
    topics = _proposed(world, meeting, "가", "나", "다")
    for topic in topics:
        topic_accept(topic=topic, by=city)
    with pytest.raises(MeetingError) as refused:
        topic_decline(topic=topics[0], by=city, reason=" ")
    assert refused.value.code == "reason"
    topic_decline(topic=topics[0], by=city, reason="소관 실·국과 따로 협의합니다.")
    topics[0].refresh_from_db()
    assert topics[0].status == TopicStatus.DECLINED
    assert topics[0].decline_reason == "소관 실·국과 따로 협의합니다."
    assert _agenda(meeting) == [("나", 1), ("다", 2)]
    # Accepted again, it goes to the end.
    topic_accept(topic=topics[0], by=city)
    topics[0].refresh_from_db()
    assert topics[0].decline_reason == ""
    assert _agenda(meeting) == [("나", 1), ("다", 2), ("가", 3)]


def test_a_topic_others_were_merged_into_is_not_declined(world, meeting):
    city = world.users["city_staff"]
    target, topic = _proposed(world, meeting, "대상", "통합할 과제")
    topic_accept(topic=target, by=city)
    topic_merge(topic=topic, into=target, by=city)
    with pytest.raises(MeetingError) as refused:
        topic_decline(topic=target, by=city, reason="이유")
    assert refused.value.code == "has_merged"


def test_moving_up_and_down_swaps_neighbours(world, meeting):
    city = world.users["city_staff"]
    first, second, third = _proposed(world, meeting, "가", "나", "다")
    for topic in (first, second, third):
        topic_accept(topic=topic, by=city)
    topic_move(topic=third, by=city, direction="up")
    assert _agenda(meeting) == [("가", 1), ("다", 2), ("나", 3)]
    topic_move(topic=first, by=city, direction="down")
    assert _agenda(meeting) == [("다", 1), ("가", 2), ("나", 3)]
    # At the edges nothing moves.
    topic_move(topic=third, by=city, direction="up")
    topic_move(topic=second, by=city, direction="down")
    assert _agenda(meeting) == [("다", 1), ("가", 2), ("나", 3)]
    with pytest.raises(MeetingError) as refused:
        topic_move(topic=first, by=city, direction="sideways")
    assert refused.value.code == "direction"


def test_a_pending_topic_has_no_place_to_move(world, meeting):
    topic = _propose(world, meeting)
    with pytest.raises(MeetingError) as refused:
        topic_move(topic=topic, by=world.users["city_staff"], direction="up")
    assert refused.value.code == "not_accepted"


def test_the_agenda_of_a_held_meeting_is_settled(world, meeting):
    city = world.users["city_staff"]
    topic = _propose(world, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    with pytest.raises(MeetingError) as refused:
        topic_accept(topic=topic, by=city)
    assert refused.value.code == "closed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_keep_the_agenda_dense_and_unique(world):
    """Two city staff keep moving topics of one meeting at once, each in their own
    connection: the meeting's lock makes them take turns; no move is lost to an error and
    the positions stay 1..n."""
    meeting = _meeting(world)
    city = world.users["city_staff"]
    topics = _proposed(world, meeting, "가", "나", "다", "라")
    for topic in topics:
        topic_accept(topic=topic, by=city)
    errors = []

    def keep_moving(topic, direction):
        try:
            for _ in range(10):
                topic_move(topic=topic, by=city, direction=direction)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=keep_moving, args=(topics[0], "down")),
        threading.Thread(target=keep_moving, args=(topics[3], "up")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    positions = sorted(position for _, position in _agenda(meeting))
    assert positions == [1, 2, 3, 4]
