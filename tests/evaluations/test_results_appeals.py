"""Appeals and publication (issue 5, point 7): the window, its deadline, answers, and
publication refused while anything stands in its way."""

import datetime

import pytest
from django.utils import timezone

from evaluations.models import Appeal, AppealStatus, CampaignStatus
from evaluations.services import (
    ResultsError,
    appeal_answer,
    appeal_file,
    campaign_open_appeals,
    campaign_publish,
    publication_blockers,
)
from tests.evaluation_factories import closed_campaign
from tests.evaluations.results_data import scored_campaign, under_appeal


def in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


# --- The window -----------------------------------------------------------------------------


def test_city_staff_open_the_window_of_a_closed_scored_campaign(world):
    campaign = scored_campaign([world.institution_x], status=CampaignStatus.CLOSED)
    deadline = in_days(7)

    campaign_open_appeals(campaign=campaign, by=world.users["city_staff"], deadline=deadline)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.UNDER_APPEAL
    assert campaign.appeal_deadline == deadline


def test_the_deadline_may_be_moved_while_the_window_is_open(world):
    campaign = under_appeal([world.institution_x], days_left=2)
    campaign_open_appeals(campaign=campaign, by=world.users["admin"], deadline=in_days(9))
    campaign.refresh_from_db()
    assert campaign.appeal_deadline > in_days(8)


@pytest.mark.parametrize(
    ("make", "by", "deadline_days", "code"),
    [
        # Heads do not open windows; nor does anybody for an open campaign or an unscored one.
        (lambda world: scored_campaign([world.institution_x], status="closed"), "head_x", 7,
         "forbidden"),
        (lambda world: scored_campaign([world.institution_x], status="open"), "city_staff", 7,
         "status"),
        (lambda world: scored_campaign([world.institution_x]), "city_staff", 7, "status"),
        (lambda world: closed_campaign(institutions=[world.institution_x]), "city_staff", 7,
         "no_snapshot"),
        (lambda world: scored_campaign([world.institution_x], status="closed"), "city_staff",
         -1, "deadline"),
    ],
    ids=["head", "open", "published", "unscored", "past-deadline"],
)
def test_the_window_is_refused(world, make, by, deadline_days, code):
    campaign = make(world)
    status_before = campaign.status
    with pytest.raises(ResultsError) as refused:
        campaign_open_appeals(
            campaign=campaign, by=world.users[by], deadline=in_days(deadline_days)
        )
    assert refused.value.code == code
    campaign.refresh_from_db()
    assert campaign.status == status_before


# --- Filing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head_x", "deputy_x", "admin"])
def test_the_head_deputy_or_admin_files_before_the_deadline(world, who):
    campaign = under_appeal([world.institution_x, world.institution_y])

    appeal = appeal_file(
        campaign=campaign,
        institution=world.institution_x,
        by=world.users[who],
        text="  보고 적시성 계산에 2분기 보고서가 빠졌습니다.  ",
    )

    stored = Appeal.objects.get()
    assert stored == appeal
    assert stored.institution == world.institution_x
    assert stored.filed_by == world.users[who]
    assert stored.status == AppealStatus.PENDING
    assert stored.text == "보고 적시성 계산에 2분기 보고서가 빠졌습니다."


@pytest.mark.parametrize("who", ["staff_x", "head_y", "city_staff"])
def test_others_may_not_file_for_x(world, who):
    campaign = under_appeal([world.institution_x, world.institution_y])
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign, institution=world.institution_x, by=world.users[who], text="이의"
        )
    assert refused.value.code == "forbidden"
    assert not Appeal.objects.exists()


def test_filing_after_the_deadline_is_refused(world):
    campaign = under_appeal([world.institution_x], days_left=-1)
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign,
            institution=world.institution_x,
            by=world.users["head_x"],
            text="늦은 이의",
        )
    assert refused.value.code == "deadline"
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("status", ["open", "closed", "published"])
def test_filing_outside_the_window_is_refused(world, status):
    campaign = scored_campaign([world.institution_x], status=status)
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
            text="이의",
        )
    assert refused.value.code == "closed"


def test_one_pending_appeal_at_a_time_then_another_after_the_answer(world):
    campaign = under_appeal([world.institution_x])
    first = appeal_file(
        campaign=campaign, institution=world.institution_x, by=world.users["head_x"], text="첫째"
    )
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign, institution=world.institution_x, by=world.users["deputy_x"],
            text="둘째",
        )
    assert refused.value.code == "pending"

    appeal_answer(
        appeal=first, by=world.users["city_staff"], decision="rejected", answer="근거 부족"
    )
    appeal_file(
        campaign=campaign, institution=world.institution_x, by=world.users["deputy_x"], text="둘째"
    )
    assert Appeal.objects.filter(campaign=campaign).count() == 2


def test_an_institution_not_evaluated_may_not_appeal(world):
    campaign = under_appeal([world.institution_y])
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
            text="이의",
        )
    assert refused.value.code == "not_evaluated"


def test_an_empty_appeal_is_refused(world):
    campaign = under_appeal([world.institution_x])
    with pytest.raises(ResultsError) as refused:
        appeal_file(
            campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
            text="   ",
        )
    assert refused.value.code == "text"


# --- Answering ------------------------------------------------------------------------------


def _pending(world, **kwargs):
    campaign = under_appeal([world.institution_x], **kwargs)
    return appeal_file(
        campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
        text="시민 만족도 표본에 다른 기관 응답이 섞였습니다.",
    )


@pytest.mark.parametrize("decision", ["upheld", "rejected"])
def test_city_staff_answer(world, decision):
    appeal = _pending(world)
    appeal_answer(
        appeal=appeal, by=world.users["city_staff"], decision=decision, answer="확인했습니다."
    )
    appeal.refresh_from_db()
    assert appeal.status == decision
    assert appeal.answer == "확인했습니다."
    assert appeal.answered_by == world.users["city_staff"]
    assert appeal.answered_at is not None


@pytest.mark.parametrize(
    ("by", "decision", "answer", "code"),
    [
        ("head_x", "upheld", "스스로 받아들임", "forbidden"),
        ("city_staff", "pending", "보류", "decision"),
        ("city_staff", "upheld", "  ", "answer"),
    ],
)
def test_bad_answers_are_refused(world, by, decision, answer, code):
    appeal = _pending(world)
    with pytest.raises(ResultsError) as refused:
        appeal_answer(appeal=appeal, by=world.users[by], decision=decision, answer=answer)
    assert refused.value.code == code
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_an_answered_appeal_is_not_answered_again(world):
    appeal = _pending(world)
    appeal_answer(appeal=appeal, by=world.users["city_staff"], decision="rejected", answer="아님")
    with pytest.raises(ResultsError) as refused:
        appeal_answer(appeal=appeal, by=world.users["admin"], decision="upheld", answer="맞음")
    assert refused.value.code == "answered"


# --- Publication ----------------------------------------------------------------------------


def test_publication_after_the_deadline_with_every_appeal_answered(world):
    appeal = _pending(world)
    campaign = appeal.campaign
    appeal_answer(appeal=appeal, by=world.users["city_staff"], decision="upheld", answer="재계산")
    campaign.appeal_deadline = campaign.closes_at + datetime.timedelta(days=1)  # passed
    campaign.save()

    assert publication_blockers(campaign) == []
    campaign_publish(campaign=campaign, by=world.users["city_staff"])

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    assert campaign.published_at is not None


def test_publication_is_refused_with_a_pending_appeal(world):
    appeal = _pending(world)
    campaign = appeal.campaign
    campaign.appeal_deadline = campaign.closes_at + datetime.timedelta(days=1)  # passed
    campaign.save()

    with pytest.raises(ResultsError) as refused:
        campaign_publish(campaign=campaign, by=world.users["city_staff"])

    assert refused.value.code == "blocked"
    assert "답하지 않은 이의신청" in refused.value.message
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.UNDER_APPEAL
    assert campaign.published_at is None


def test_publication_is_refused_before_the_deadline(world):
    campaign = under_appeal([world.institution_x], days_left=2)
    with pytest.raises(ResultsError) as refused:
        campaign_publish(campaign=campaign, by=world.users["admin"])
    assert "이의신청 기간이 끝나야" in refused.value.message
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.UNDER_APPEAL


def test_publication_needs_the_appeal_window_and_a_snapshot(world):
    closed = scored_campaign([world.institution_x], status=CampaignStatus.CLOSED)
    assert publication_blockers(closed) == ["마감 뒤 이의신청 기간을 거쳐야 공개할 수 있습니다."]
    unscored = closed_campaign(
        institutions=[world.institution_x],
        status=CampaignStatus.UNDER_APPEAL,
        appeal_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    assert publication_blockers(unscored) == ["계산한 점수가 없습니다."]
    with pytest.raises(ResultsError):
        campaign_publish(campaign=unscored, by=world.users["city_staff"])


def test_only_city_staff_publish(world):
    campaign = under_appeal([world.institution_x], days_left=-1)
    with pytest.raises(ResultsError) as refused:
        campaign_publish(campaign=campaign, by=world.users["head_x"])
    assert refused.value.code == "forbidden"


def test_a_published_campaign_is_not_published_again_nor_appealed(world):
    appeal = _pending(world)
    campaign = appeal.campaign
    appeal_answer(appeal=appeal, by=world.users["city_staff"], decision="rejected", answer="아님")
    campaign.appeal_deadline = campaign.closes_at + datetime.timedelta(days=1)
    campaign.save()
    campaign_publish(campaign=campaign, by=world.users["city_staff"])

    with pytest.raises(ResultsError):
        campaign_publish(campaign=campaign, by=world.users["city_staff"])
    with pytest.raises(ResultsError) as refused:
        campaign_open_appeals(campaign=campaign, by=world.users["city_staff"], deadline=in_days(3))
    assert refused.value.code == "status"
