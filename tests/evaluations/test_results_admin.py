"""The admin for results and appeals: snapshots and scores are read-only; an administrator
answers a pending appeal through the same service as city staff, and reads decided ones."""

from django.urls import reverse

from evaluations.models import AppealStatus, InstitutionScore, ScoreSnapshot
from evaluations.services import appeal_answer, appeal_file
from tests.evaluations.results_data import under_appeal


def _pending_appeal(world):
    campaign = under_appeal([world.institution_x])
    return appeal_file(
        campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
        text="시민 만족도 표본을 다시 봐 주세요.",
    )


def test_the_admin_answers_a_pending_appeal_through_the_service(world, client_as):
    appeal = _pending_appeal(world)
    admin = client_as(world.users["admin"])
    url = reverse("admin:evaluations_appeal_change", args=[appeal.pk])

    missing = admin.post(url, {"status": AppealStatus.UPHELD, "answer": ""})
    assert missing.status_code == 200  # the form again, with the error
    assert "답변을 적어 주세요." in missing.text

    response = admin.post(url, {"status": AppealStatus.UPHELD, "answer": "다시 계산합니다."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert appeal.answer == "다시 계산합니다."
    assert appeal.answered_by == world.users["admin"]
    assert appeal.answered_at is not None


def test_a_decided_appeal_is_read_only_and_nothing_is_added_by_hand(world, client_as):
    appeal = _pending_appeal(world)
    appeal_answer(appeal=appeal, by=world.users["city_staff"], decision="rejected", answer="아님")
    admin = client_as(world.users["admin"])
    page = admin.get(reverse("admin:evaluations_appeal_change", args=[appeal.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin.get(reverse("admin:evaluations_appeal_add")).status_code == 403


def test_scores_are_read_only(world, client_as):
    under_appeal([world.institution_x])
    admin = client_as(world.users["admin"])
    snapshot = ScoreSnapshot.objects.get()
    score = InstitutionScore.objects.get()
    for name, pk in (("scoresnapshot", snapshot.pk), ("institutionscore", score.pk)):
        page = admin.get(reverse(f"admin:evaluations_{name}_change", args=[pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in page.text
        assert admin.get(reverse(f"admin:evaluations_{name}_add")).status_code == 403
        assert admin.get(reverse(f"admin:evaluations_{name}_delete", args=[pk])).status_code == 403
    assert "90.50" in admin.get(
        reverse("admin:evaluations_scoresnapshot_change", args=[snapshot.pk])
    ).text
