"""Action items (후속 조치) from difficulties heard and meeting decisions, their timeline, and
the agenda of later meetings (issue 4, point 5)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import (
    ActionItem,
    ActionItemStatus,
    DifficultyHeard,
    Invitation,
    Meeting,
    MeetingKind,
)
from meetings.permissions import action_items_visible_to
from meetings.selectors import open_action_items_for
from meetings.services import MeetingError, action_item_create, action_item_update
from tests.factories import BureauFactory

DUE = datetime.date(2026, 12, 31)


def _meeting(world, *, kind=MeetingKind.OTHER, days=-1, invite=("x",)):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    meeting = Meeting.objects.create(
        kind=kind,
        title="회의",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        visited_institution=world.institution_x if kind == MeetingKind.FIELD_DIALOGUE else None,
    )
    for name in invite:
        Invitation.objects.create(
            meeting=meeting,
            user=world.users[f"head_{name}"],
            institution=getattr(world, f"institution_{name}"),
        )
    return meeting


@pytest.fixture
def difficulty(world):
    dialogue = _meeting(world, kind=MeetingKind.FIELD_DIALOGUE)
    return DifficultyHeard.objects.create(meeting=dialogue, text="야간 돌봄 인력이 부족합니다.")


@pytest.fixture
def item(world, difficulty):
    return action_item_create(
        by=world.users["city_staff"],
        description="야간 돌봄 인력 지원",
        due_on=DUE,
        difficulty=difficulty,
        owner_institution=world.institution_x,
    )


@pytest.mark.parametrize("who", ["city_staff", "admin"])
def test_the_city_opens_an_item_and_its_timeline_starts(world, difficulty, who):
    item = action_item_create(
        by=world.users[who],
        description="  돌봄 인력 지원  ",
        due_on=DUE,
        difficulty=difficulty,
        owner_bureau=BureauFactory(),
    )
    assert item.description == "돌봄 인력 지원"
    assert item.status == ActionItemStatus.OPEN
    [opening] = item.updates.all()
    assert (opening.by, opening.from_status, opening.to_status) == (
        world.users[who],
        "",
        ActionItemStatus.OPEN,
    )


@pytest.mark.parametrize("who", ["staff_x", "deputy_x", "head_x", "head_y", "staff_y"])
def test_only_the_city_opens_items(world, difficulty, who):
    with pytest.raises(MeetingError) as refused:
        action_item_create(
            by=world.users[who],
            description="조치",
            due_on=DUE,
            difficulty=difficulty,
            owner_institution=world.institution_x,
        )
    assert refused.value.code == "forbidden"
    assert not ActionItem.objects.exists()


def test_an_item_needs_a_source_an_owner_and_a_description(world, difficulty):
    city = world.users["city_staff"]
    cases = [
        ({"owner_institution": world.institution_x}, "source"),
        ({"difficulty": difficulty}, "owner"),
    ]
    for kwargs, code in cases:
        with pytest.raises(MeetingError) as refused:
            action_item_create(by=city, description="조치", due_on=DUE, **kwargs)
        assert refused.value.code == code
    with pytest.raises(MeetingError) as refused:
        action_item_create(
            by=city,
            description=" ",
            due_on=DUE,
            difficulty=difficulty,
            owner_institution=world.institution_x,
        )
    assert refused.value.code == "description"


def test_the_database_refuses_an_item_without_source_or_owner(world, difficulty):
    for kwargs in (
        {"owner_institution": world.institution_x},
        {"difficulty": difficulty},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionItem.objects.create(description="조치", due_on=DUE, **kwargs)


def test_status_changes_and_notes_make_the_timeline(world, item):
    city = world.users["city_staff"]
    action_item_update(item=item, by=world.users["staff_x"], status="in_progress", note="착수")
    action_item_update(item=item, by=world.users["head_x"], status="in_progress", note="채용 공고")
    action_item_update(
        item=item, by=city, status="done", note="인력 2명 채용", outcome_summary="야간 인력 충원"
    )
    item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE
    assert item.outcome_summary == "야간 인력 충원"
    timeline = [(u.from_status, u.to_status, u.note) for u in item.updates.all()]
    assert timeline == [
        ("", "open", ""),
        ("open", "in_progress", "착수"),
        ("in_progress", "in_progress", "채용 공고"),
        ("in_progress", "done", "인력 2명 채용"),
    ]


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_closing_needs_a_note(world, item, status):
    with pytest.raises(MeetingError) as refused:
        action_item_update(item=item, by=world.users["city_staff"], status=status, note=" ")
    assert refused.value.code == "note"
    item.refresh_from_db()
    assert item.status == ActionItemStatus.OPEN


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_the_owner_institution_does_not_close_items(world, item, status):
    with pytest.raises(MeetingError) as refused:
        action_item_update(item=item, by=world.users["head_x"], status=status, note="끝")
    assert refused.value.code == "forbidden_status"


@pytest.mark.parametrize("who", ["head_y", "staff_y"])
def test_another_institution_does_not_update(world, item, who):
    with pytest.raises(MeetingError) as refused:
        action_item_update(item=item, by=world.users[who], status="in_progress", note="진행")
    assert refused.value.code == "forbidden"


def test_an_update_without_change_or_note_is_refused(world, item):
    with pytest.raises(MeetingError) as refused:
        action_item_update(item=item, by=world.users["city_staff"], status="open", note="")
    assert refused.value.code == "empty"


def test_the_public_summary_is_the_citys(world, item):
    with pytest.raises(MeetingError) as refused:
        action_item_update(
            item=item, by=world.users["head_x"], status="open", note="메모", outcome_summary="요약"
        )
    assert refused.value.code == "forbidden_summary"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff_x", True),
        ("head_x", True),
        ("head_y", False),
        ("staff_y", False),
        ("city_staff", True),
        ("admin", True),
    ],
)
def test_items_are_seen_by_the_city_and_the_owner(world, item, who, sees):
    assert action_items_visible_to(world.users[who]).filter(pk=item.pk).exists() == sees


def test_open_items_are_on_the_agenda_until_closed(world, item):
    x_meeting = _meeting(world, days=7, invite=("x",))
    y_meeting = _meeting(world, days=7, invite=("y",))
    heads = _meeting(world, kind=MeetingKind.HEADS, days=14, invite=("y",))
    assert open_action_items_for(x_meeting) == [item]
    assert open_action_items_for(y_meeting) == []
    assert open_action_items_for(heads) == [item]  # every open item, whoever is invited

    action_item_update(item=item, by=world.users["city_staff"], status="in_progress", note="")
    assert open_action_items_for(x_meeting) == [item]
    action_item_update(item=item, by=world.users["city_staff"], status="done", note="해결")
    assert open_action_items_for(x_meeting) == []
    assert open_action_items_for(heads) == []


def test_a_decision_waits_for_the_next_meeting(world):
    decided_at = _meeting(world, kind=MeetingKind.HEADS, days=-3)
    following = _meeting(world, kind=MeetingKind.DEPUTY_HEADS, days=30)
    decision = action_item_create(
        by=world.users["city_staff"],
        description="공동 홍보 계획 수립",
        due_on=DUE,
        meeting=decided_at,
        owner_bureau=BureauFactory(),
    )
    assert open_action_items_for(decided_at) == []
    assert open_action_items_for(following) == [decision]
