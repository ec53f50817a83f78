"""The demo best practices seed_demo adds: real-looking cases linked to the demo projects,
one unpublished, one of an earlier year; a second run changes nothing."""

from agencies.models import Institution
from evaluations.demo import DEMO_PRACTICES, demo_best_practices_ensure
from evaluations.models import BestPractice
from tests.evaluations.practice_factories import listed_practices


def snapshot() -> list[tuple]:
    return [
        (practice.pk, practice.title, practice.summary, practice.is_published, practice.updated_at,
         tuple(practice.joint_projects.order_by("pk").values_list("pk", flat=True)))
        for practice in BestPractice.objects.order_by("pk")
    ]


def test_demo_practices_link_their_institutions_projects(seeded, client):
    # ``seeded`` replays what seed_demo wrote; ensuring again finds them all in place.
    assert BestPractice.objects.count() == len(DEMO_PRACTICES)
    practices = demo_best_practices_ensure(institutions=Institution.objects.all())

    assert len(practices) == len(DEMO_PRACTICES) == BestPractice.objects.count()
    care = BestPractice.objects.get(title="인공지능 안부 확인과 마을 돌봄 거점을 잇다")
    assert care.institution.code == "GJSSA"
    assert list(care.joint_projects.values_list("title", flat=True)) == ["광주다움 통합돌봄 시즌2"]
    for practice in practices:
        for project in practice.joint_projects.all():
            assert project.lead_institution_id == practice.institution_id
    assert BestPractice.objects.filter(is_published=False).count() == 1
    assert set(BestPractice.objects.values_list("year", flat=True)) == {2023, 2024}
    # The public list shows the published ones only.
    titles = listed_practices(client.get("/evaluations/practices/").text)
    assert len(titles) == 5
    assert "환경 시설 주민 소통 창구" not in titles


def test_a_second_run_changes_nothing_and_restores_edits(seeded, django_assert_max_num_queries):
    institutions = list(Institution.objects.all())
    demo_best_practices_ensure(institutions=institutions)
    first = snapshot()

    with django_assert_max_num_queries(2 + len(DEMO_PRACTICES)):
        demo_best_practices_ensure(institutions=institutions)
    assert snapshot() == first

    BestPractice.objects.filter(title="소상공인 보증 상담을 하루 만에").update(summary="바뀜")
    demo_best_practices_ensure(institutions=institutions)
    restored = BestPractice.objects.get(title="소상공인 보증 상담을 하루 만에")
    assert restored.summary != "바뀜"
    assert BestPractice.objects.count() == len(DEMO_PRACTICES)
