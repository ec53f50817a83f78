"""The pages of discussion topics, minutes and decisions, and what each role sees of them
(issue 4, points 2–4)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AttendeeRole,
    Decision,
    DiscussionTopic,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    TopicStatus,
)
from meetings.services import (
    action_item_create,
    decision_record,
    field_dialogue_attendees_fill,
    minutes_save,
    topic_accept,
    topic_decline,
    topic_merge,
    topic_propose,
)
from portal.roles import InstitutionRole
from tests.factories import BureauFactory, InstitutionFactory, member_of
from tests.pages import page_heading, section_text, visible_text


def _meeting(world, *, days=10, deadline_in=datetime.timedelta(days=3), **kwargs):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    meeting = Meeting.objects.create(
        **{
            "kind": MeetingKind.HEADS,
            "title": "11월 기관장 회의",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "topics_deadline": timezone.now() + deadline_in if deadline_in else None,
        }
        | kwargs
    )
    for head, institution in (
        (world.users["head_x"], world.institution_x),
        (world.users["head_y"], world.institution_y),
    ):
        Invitation.objects.create(meeting=meeting, user=head, institution=institution)
    return meeting


def _propose(world, meeting, who, title):
    return topic_propose(
        meeting=meeting,
        by=world.users[who],
        institution=world.institution_x if who.endswith("_x") else world.institution_y,
        title=title,
        background=f"{title}의 배경",
        request=f"{title}에 대한 요청",
    )


@pytest.fixture
def curated(world):
    """X's and Y's proposals in every state: X's ``x-accepted`` and Y's ``y-accepted`` on
    the agenda (in that order), X's ``x-declined`` (with a reason) and ``x-merged`` (into
    Y's), Y's ``y-declined`` and ``y-pending``, X's ``x-pending``."""
    meeting = _meeting(world)
    city = world.users["city_staff"]
    topics = {
        name: _propose(world, meeting, f"head_{name[0]}", f"과제 {name}")
        for name in (
            "x-accepted",
            "y-accepted",
            "x-declined",
            "x-merged",
            "y-declined",
            "y-pending",
            "x-pending",
        )
    }
    topic_accept(topic=topics["x-accepted"], by=city)
    topic_accept(topic=topics["y-accepted"], by=city)
    topic_decline(topic=topics["x-declined"], by=city, reason="엑스 반려 사유")
    topic_decline(topic=topics["y-declined"], by=city, reason="와이 반려 사유")
    topic_merge(topic=topics["x-merged"], into=topics["y-accepted"], by=city)
    return meeting, topics


def _topics_page(client, meeting):
    return client.get(reverse("meetings:topics", kwargs={"pk": meeting.pk}))


# --- What each role sees -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_x", "deputy_x", "head_x"])
def test_an_institution_sees_its_own_proposals_and_the_agenda_only(world, client_as, curated, who):
    meeting, _ = curated
    response = _topics_page(client_as(world.users[who]), meeting)
    assert response.status_code == 200
    page = response.content.decode()
    agenda = section_text(page, "agenda-title")
    assert agenda.index("과제 x-accepted") < agenda.index("과제 y-accepted")
    own = section_text(page, "proposals-title")
    assert "우리 기관의 제안" in own
    for seen in ("과제 x-pending", "과제 x-declined", "엑스 반려 사유", "과제 x-merged"):
        assert seen in own
    assert "'과제 y-accepted' 과제에 통합했습니다." in own
    text = visible_text(page)
    for hidden in ("과제 y-pending", "과제 y-declined", "와이 반려 사유"):
        assert hidden not in text
    # No curation for them, and no moving.
    assert "검토 결과 저장" not in text
    assert "위로" not in text


def test_only_the_head_or_deputy_head_gets_the_form_and_the_edit_buttons(world, client_as, curated):
    meeting, _ = curated
    staff = visible_text(_topics_page(client_as(world.users["staff_x"]), meeting).content.decode())
    head = visible_text(_topics_page(client_as(world.users["head_x"]), meeting).content.decode())
    for text in ("과제 제안하기", "고치기", "제안 거두기"):
        assert text not in staff
        assert text in head


def test_city_staff_see_every_proposal_by_status_with_the_curation_forms(
    world, client_as, curated
):
    meeting, topics = curated
    page = _topics_page(client_as(world.users["city_staff"]), meeting).content.decode()
    review = section_text(page, "proposals-title")
    assert review.split(">", 1)[1].split()[:2] == ["제안", "검토"]
    order = [review.index(label) for label in ("검토 중 2", "채택 2", "통합 1", "반려 2")]
    assert order == sorted(order)
    for topic in topics.values():
        assert topic.title in review
    assert "와이 반려 사유" in review
    assert "엑스 반려 사유" in review
    assert review.count("검토 결과 저장") == len(topics)
    agenda = section_text(page, "agenda-title")
    # The first topic only moves down, the last only up.
    assert agenda.count("위로") == 1
    assert agenda.count("아래로") == 1
    assert "과제 제안하기" not in visible_text(page)


def test_a_field_dialogue_has_no_topics_page(world, client_as):
    dialogue = _meeting(
        world, kind=MeetingKind.FIELD_DIALOGUE, visited_institution=world.institution_x
    )
    assert _topics_page(client_as(world.users["city_staff"]), dialogue).status_code == 404


# --- Proposing and curating through the pages ---------------------------------------------------


def _proposal(title="합동 채용 일정 조율"):
    return {
        "propose-title": title,
        "propose-background": "채용 시기가 기관마다 다릅니다.",
        "propose-request": "합동 일정을 정해 주세요.",
    }


def test_proposing_from_the_page(world, client_as):
    meeting = _meeting(world)
    client = client_as(world.users["deputy_x"])
    propose = reverse("meetings:topic_propose", kwargs={"pk": meeting.pk})
    response = client.post(propose, _proposal())
    topic = DiscussionTopic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert (topic.institution, topic.proposed_by) == (world.institution_x, world.users["deputy_x"])
    page = client.get(response["Location"]).content.decode()
    assert "토론 과제를 제안했습니다." in visible_text(page)
    assert "합동 채용 일정 조율" in section_text(page, "proposals-title")


def test_an_administrator_proposes_for_an_invited_institution(world, client_as):
    meeting = _meeting(world)
    client = client_as(world.users["admin"])
    page = _topics_page(client, meeting).content.decode()
    assert 'name="propose-institution"' in page
    data = _proposal() | {"propose-institution": world.institution_y.pk}
    client.post(reverse("meetings:topic_propose", kwargs={"pk": meeting.pk}), data)
    assert DiscussionTopic.objects.get().institution == world.institution_y


def test_a_proposal_after_the_deadline_is_refused_on_the_page(world, client_as):
    meeting = _meeting(world)
    client = client_as(world.users["head_x"])
    assert 'name="propose-title"' in _topics_page(client, meeting).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(
        topics_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    meeting.refresh_from_db()
    response = client.post(
        reverse("meetings:topic_propose", kwargs={"pk": meeting.pk}), _proposal()
    )
    assert response.status_code == 400
    deadline = timezone.localtime(meeting.topics_deadline).strftime("%Y-%m-%d %H:%M")
    assert f"과제 제안은 {deadline}에 마감되었습니다." in visible_text(response.content.decode())
    assert not DiscussionTopic.objects.exists()


def test_editing_and_withdrawing_a_proposal(world, client_as):
    meeting = _meeting(world)
    topic = _propose(world, meeting, "head_x", "처음 과제")
    client = client_as(world.users["head_x"])
    edit = reverse("meetings:topic_edit", kwargs={"pk": topic.pk})
    assert 'value="처음 과제"' in client.get(edit).content.decode()
    response = client.post(edit, {"title": "고친 과제", "background": "고친 배경", "request": ""})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "고친 과제"
    response = client.post(reverse("meetings:topic_withdraw", kwargs={"pk": topic.pk}))
    assert response["Location"] == reverse("meetings:topics", kwargs={"pk": meeting.pk})
    assert not DiscussionTopic.objects.exists()


def test_declining_from_the_curation_page_shows_the_reason_to_the_proposer(world, client_as):
    meeting = _meeting(world)
    topic = _propose(world, meeting, "head_x", "주차 공간 공동 이용")
    prefix = f"topic-{topic.pk}"
    decide = reverse("meetings:topic_decide", kwargs={"pk": topic.pk})
    city = client_as(world.users["city_staff"])
    refused = city.post(decide, {f"{prefix}-decision": "decline", f"{prefix}-reason": ""})
    assert refused.status_code == 400
    assert "반려 사유를 적어 주세요." in visible_text(refused.content.decode())
    city.post(decide, {f"{prefix}-decision": "decline", f"{prefix}-reason": "자치구 소관입니다."})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECLINED
    page = _topics_page(client_as(world.users["staff_x"]), meeting).content.decode()
    assert "자치구 소관입니다." in section_text(page, "proposals-title")


def test_merging_and_accepting_from_the_curation_page(world, client_as):
    meeting = _meeting(world)
    target = _propose(world, meeting, "head_y", "대상 과제")
    topic = _propose(world, meeting, "head_x", "통합할 과제")
    city = client_as(world.users["city_staff"])
    prefix = f"topic-{target.pk}"
    city.post(
        reverse("meetings:topic_decide", kwargs={"pk": target.pk}), {f"{prefix}-decision": "accept"}
    )
    prefix = f"topic-{topic.pk}"
    city.post(
        reverse("meetings:topic_decide", kwargs={"pk": topic.pk}),
        {f"{prefix}-decision": "merge", f"{prefix}-merged_into": target.pk},
    )
    topic.refresh_from_db()
    assert (topic.status, topic.merged_into) == (TopicStatus.MERGED, target)


def _agenda_titles(html: str) -> list[str]:
    return re.findall(r'<span class="agenda-list__title">([^<]+)</span>', html)


def test_moving_with_htmx_swaps_the_agenda_and_without_javascript_redirects(
    world, client_as, curated
):
    meeting, topics = curated
    client = client_as(world.users["city_staff"])
    move = reverse("meetings:topic_move", kwargs={"pk": topics["y-accepted"].pk})

    response = client.post(move, {"direction": "up"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "<h1" not in fragment
    assert _agenda_titles(fragment) == ["과제 y-accepted", "과제 x-accepted"]

    response = client.post(move, {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("meetings:topics", kwargs={"pk": meeting.pk}) + "#agenda-title"
    )
    assert _agenda_titles(_topics_page(client, meeting).content.decode()) == [
        "과제 x-accepted",
        "과제 y-accepted",
    ]


def test_a_refused_move_says_why_in_the_fragment(world, client_as, curated):
    meeting, topics = curated
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    response = client_as(world.users["city_staff"]).post(
        reverse("meetings:topic_move", kwargs={"pk": topics["x-accepted"].pk}),
        {"direction": "down"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "이미 열렸거나 취소된 회의의 안건은 바꿀 수 없습니다." in visible_text(
        response.content.decode()
    )


# --- The meeting page: agenda, minutes, attendees ----------------------------------------------


def test_the_meeting_page_shows_the_agenda_then_the_open_action_items(world, client_as, curated):
    meeting, _ = curated
    earlier = _meeting(world, days=-30, deadline_in=None, title="지난 회의")
    action_item_create(
        by=world.users["city_staff"],
        description="지난 회의의 후속 조치",
        due_on=datetime.date(2030, 1, 31),
        meeting=earlier,
        owner_institution=world.institution_x,
    )
    page = client_as(world.users["head_y"]).get(meeting.get_absolute_url()).content.decode()
    agenda = section_text(page, "topic-agenda-title")
    assert agenda.index("과제 x-accepted") < agenda.index("과제 y-accepted")
    assert "과제 x-pending" not in visible_text(page)
    assert page.index('id="topic-agenda-title"') < page.index('id="action-items-title"')
    assert "지난 회의의 후속 조치" in section_text(page, "action-items-title")


@pytest.fixture
def held(world):
    """A meeting held last week, X and Y invited, with one topic on its agenda."""
    meeting = _meeting(world, days=-7, deadline_in=None, title="지난 기관장 회의")
    topic = DiscussionTopic.objects.create(
        meeting=meeting,
        institution=world.institution_x,
        title="합동 채용",
        background="배경",
        status=TopicStatus.ACCEPTED,
        agenda_position=1,
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    meeting.refresh_from_db()
    return meeting, topic


def test_minutes_are_written_by_the_city_and_read_by_the_invitees_once_published(
    world, client_as, held
):
    meeting, topic = held
    city = client_as(world.users["city_staff"])
    minutes_url = reverse("meetings:minutes", kwargs={"pk": meeting.pk})
    response = city.post(minutes_url, {"summary": "합동 채용을 논의했습니다."})
    assert response.status_code == 302
    response = city.post(
        reverse("meetings:decision_add", kwargs={"pk": meeting.pk}),
        {"text": "합동 채용을 시범 운영한다.", "topic": topic.pk},
    )
    assert response.status_code == 302
    assert Decision.objects.get().topic == topic

    head = client_as(world.users["head_y"])
    hidden = head.get(meeting.get_absolute_url()).content.decode()
    assert "합동 채용을 논의했습니다." not in visible_text(hidden)
    assert "합동 채용을 시범 운영한다." not in visible_text(hidden)

    city = client_as(world.users["city_staff"])
    draft = section_text(city.get(meeting.get_absolute_url()).content.decode(), "minutes-title")
    assert "아직 공개하지 않았습니다." in draft
    assert "합동 채용을 논의했습니다." in draft
    city.post(minutes_url, {"summary": "합동 채용을 논의했습니다.", "publish": "on"})

    shown = section_text(
        client_as(world.users["head_y"]).get(meeting.get_absolute_url()).content.decode(),
        "minutes-title",
    )
    assert "합동 채용을 논의했습니다." in shown
    assert "합동 채용을 시범 운영한다." in shown
    assert "회의록과 결정 쓰기" not in shown


def test_minutes_wait_for_the_meeting_to_be_held(world, client_as):
    meeting = _meeting(world)
    city = client_as(world.users["city_staff"])
    minutes_url = reverse("meetings:minutes", kwargs={"pk": meeting.pk})
    page = city.get(minutes_url).content.decode()
    assert "회의록과 결정은 회의가 열린 뒤(개최)에 적습니다." in visible_text(page)
    assert 'name="summary"' not in page
    assert city.post(minutes_url, {"summary": "미리"}).status_code == 400


def test_an_action_item_from_a_decision(world, client_as, held):
    meeting, topic = held
    city_user = world.users["city_staff"]
    minutes_save(meeting=meeting, by=city_user, summary="요약", publish=True)
    decision = decision_record(meeting=meeting, by=city_user, text="협의체를 꾸린다.", topic=topic)
    city = client_as(city_user)
    new = reverse("meetings:decision_action_item_new", kwargs={"pk": decision.pk})
    form = city.get(new).content.decode()
    assert "협의체를 꾸린다." in section_text(form, "source-title")
    # The topic's institution owns it unless the city says otherwise.
    assert f'<option value="{world.institution_x.pk}" selected>' in form
    response = city.post(
        new,
        {
            "description": "실무 협의체 구성",
            "owner_institution": world.institution_x.pk,
            "due_on": "2030-06-30",
        },
    )
    item = ActionItem.objects.get()
    assert response["Location"] == item.get_absolute_url()
    assert (item.decision, item.meeting, item.difficulty) == (decision, meeting, None)
    detail = city.get(item.get_absolute_url()).content.decode()
    assert "협의체를 꾸린다." in visible_text(detail)
    # On the meeting page, the decision lists its item; X, the owner, may open it.
    page = client_as(world.users["staff_x"]).get(meeting.get_absolute_url()).content.decode()
    assert f'href="{item.get_absolute_url()}"' in page
    page = client_as(world.users["head_y"]).get(meeting.get_absolute_url()).content.decode()
    assert "실무 협의체 구성" in section_text(page, "minutes-title")
    assert f'href="{item.get_absolute_url()}"' not in page


def test_a_field_dialogue_shows_its_attendees_by_role(world, client_as):
    dialogue = _meeting(
        world,
        kind=MeetingKind.FIELD_DIALOGUE,
        deadline_in=None,
        title="현장 대화: 엑스기관",
        visited_institution=world.institution_x,
    )
    field_dialogue_attendees_fill(meeting=dialogue)
    page = client_as(world.users["staff_x"]).get(dialogue.get_absolute_url()).content.decode()
    attendees = section_text(page, "attendees-title")
    bureau = world.institution_x.bureau.name_ko
    assert attendees.endswith(
        f"> 참석자 시장 광주광역시장 방문 기관장 {world.users['head_x'].get_full_name()} "
        f"소관 실·국장 {bureau}장 전략추진단장 전략추진단장"
    )
    assert section_text(page, "topic-agenda-title") == ""


def test_field_dialogue_attendees_are_filled_once_with_their_links(world):
    dialogue = _meeting(
        world,
        kind=MeetingKind.FIELD_DIALOGUE,
        deadline_in=None,
        visited_institution=world.institution_x,
    )
    added = field_dialogue_attendees_fill(meeting=dialogue)
    assert [a.role for a in added] == [
        AttendeeRole.MAYOR,
        AttendeeRole.INSTITUTION_HEAD,
        AttendeeRole.BUREAU_DIRECTOR,
        AttendeeRole.STRATEGY_HEAD,
    ]
    head = dialogue.attendees.get(role=AttendeeRole.INSTITUTION_HEAD)
    assert (head.user, head.institution) == (world.users["head_x"], world.institution_x)
    director = dialogue.attendees.get(role=AttendeeRole.BUREAU_DIRECTOR)
    assert director.bureau == world.institution_x.bureau
    dialogue.attendees.filter(role=AttendeeRole.MAYOR).update(name="시장 홍길동")
    assert field_dialogue_attendees_fill(meeting=dialogue) == []
    assert dialogue.attendees.get(role=AttendeeRole.MAYOR).name == "시장 홍길동"
    assert field_dialogue_attendees_fill(meeting=_meeting(world, deadline_in=None)) == []


def test_the_admin_fills_the_attendees_of_a_dialogue_it_plans(world, client_as):
    client = client_as(world.users["admin"])
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=20))
    data = {
        "kind": MeetingKind.FIELD_DIALOGUE,
        "title": "현장 대화: 엑스기관",
        "visited_institution": world.institution_x.pk,
        "starts_at_0": f"{starts:%Y-%m-%d}",
        "starts_at_1": "15:00:00",
        "ends_at_0": f"{starts:%Y-%m-%d}",
        "ends_at_1": "16:30:00",
        "place": "엑스기관",
        "host": "광주광역시장",
        "status": MeetingStatus.SCHEDULED,
        "description": "",
        "reminder_days_before": "7,1",
        "invitations-TOTAL_FORMS": "0",
        "invitations-INITIAL_FORMS": "0",
        "invitations-MIN_NUM_FORMS": "0",
        "invitations-MAX_NUM_FORMS": "1000",
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "0",
        "attendees-MAX_NUM_FORMS": "1000",
        "attendees-0-position": "5",
        "attendees-0-role": AttendeeRole.OTHER,
        "attendees-0-name": "복지정책과장",
    }
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 302, visible_text(response.content.decode())[:500]
    dialogue = Meeting.objects.get(kind=MeetingKind.FIELD_DIALOGUE)
    assert sorted(dialogue.attendees.values_list("role", flat=True)) == sorted(
        [*(role for role in AttendeeRole.values)]
    )


# --- Query counts and English ------------------------------------------------------------------


def _many_topics(world, meeting, count: int) -> None:
    """``count`` more institutions invited, each proposing one topic; half accepted, a
    quarter declined, the rest pending."""
    city = world.users["city_staff"]
    bureau = BureauFactory()
    for number in range(count):
        institution = InstitutionFactory(code=f"T{number:03d}", bureau=bureau)
        head = member_of(institution, InstitutionRole.HEAD, f"head-t{number}")
        Invitation.objects.create(meeting=meeting, user=head, institution=institution)
        topic = topic_propose(
            meeting=meeting,
            by=head,
            institution=institution,
            title=f"과제 {number}",
            background="배경",
        )
        if number % 2 == 0:
            topic_accept(topic=topic, by=city)
        elif number % 4 == 1:
            topic_decline(topic=topic, by=city, reason="사유")


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("who", ["head_x", "city_staff"])
def test_topic_page_query_counts_do_not_grow(
    world, client_as, django_assert_max_num_queries, curated, count, who
):
    meeting, _ = curated
    _many_topics(world, meeting, count)
    client = client_as(world.users[who])
    pages = [
        reverse("meetings:topics", kwargs={"pk": meeting.pk}),
        meeting.get_absolute_url(),
    ]
    for address in pages:
        with django_assert_max_num_queries(12):
            response = client.get(address)
        assert response.status_code == 200, address


@pytest.mark.parametrize("count", [1, 15])
def test_minutes_page_query_counts_do_not_grow(
    world, client_as, django_assert_max_num_queries, held, count
):
    meeting, topic = held
    city_user = world.users["city_staff"]
    minutes_save(meeting=meeting, by=city_user, summary="요약", publish=True)
    for number in range(count):
        decision = decision_record(
            meeting=meeting, by=city_user, text=f"결정 {number}", topic=topic
        )
        action_item_create(
            by=city_user,
            description=f"조치 {number}",
            due_on=datetime.date(2030, 1, 1),
            decision=decision,
            owner_institution=world.institution_x,
        )
    client = client_as(city_user)
    minutes_url = reverse("meetings:minutes", kwargs={"pk": meeting.pk})
    for address in (minutes_url, meeting.get_absolute_url()):
        with django_assert_max_num_queries(12):
            response = client.get(address)
        assert response.status_code == 200


def test_the_topics_page_in_english(world, client_as, curated):
    meeting, _ = curated
    client = client_as(world.users["head_x"])
    client.cookies["django_language"] = "en"
    page = _topics_page(client, meeting).content.decode()
    assert page_heading(page) == "Discussion topics (issues and tasks)"
    text = visible_text(page)
    for english in ("Agenda", "My institution's proposals", "Propose a topic", "Declined"):
        assert english in text
    assert "Merged into the topic '과제 y-accepted'." in text
