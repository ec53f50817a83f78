"""A best practice's page: its linked joint projects as each role may see them, its files
downloaded with safe headers, and the institution page's link to its best practices."""

import pytest
from django.urls import reverse

from agencies.models import Institution
from tests.evaluations.practice_factories import PDF, BestPracticeFactory, attachment_of
from tests.factories import JointProjectFactory
from tests.pages import page_heading, section_text, visible_text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def practice(world):
    x = world.institution_x
    practice = BestPracticeFactory(
        institution=x, title="돌봄 통합 안내", body="배경\n\n방법과 성과", year=2024
    )
    partnered = JointProjectFactory(
        lead_institution=world.institution_y, title="와이 주관 협력 사업", is_published=False
    )
    partnered.partner_institutions.add(x)
    practice.joint_projects.set(
        [
            JointProjectFactory(lead_institution=x, title="엑스 공개 사업"),
            JointProjectFactory(lead_institution=x, title="엑스 준비 중 사업", is_published=False),
            partnered,
        ]
    )
    return practice


# Published projects for everyone; X's people also see X's unpublished ones (led or
# partnered), as on the project pages; Y's people see Y's own; the city sees them all.
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", ["엑스 공개 사업"]),
        ("staff_x", ["엑스 공개 사업", "엑스 준비 중 사업", "와이 주관 협력 사업"]),
        ("head_x", ["엑스 공개 사업", "엑스 준비 중 사업", "와이 주관 협력 사업"]),
        ("staff_y", ["엑스 공개 사업", "와이 주관 협력 사업"]),
        ("city_staff", ["엑스 공개 사업", "엑스 준비 중 사업", "와이 주관 협력 사업"]),
        ("admin", ["엑스 공개 사업", "엑스 준비 중 사업", "와이 주관 협력 사업"]),
    ],
)
def test_linked_projects_are_those_the_reader_may_see(practice, world, client_as, role, expected):
    response = client_as(world.users[role]).get(practice.get_absolute_url())

    assert response.status_code == 200
    assert page_heading(response.text) == "돌봄 통합 안내"
    projects = section_text(response.text, "projects-title")
    for title in ["엑스 공개 사업", "엑스 준비 중 사업", "와이 주관 협력 사업"]:
        assert (title in projects) is (title in expected), title
    # Every listed project links to its page.
    for project in practice.joint_projects.filter(title__in=expected):
        assert f'href="{project.get_absolute_url()}"' in response.text


def test_the_page_shows_the_practice(practice, client):
    attachment_of(practice, "사례 발표.pdf")

    response = client.get(practice.get_absolute_url())

    text = visible_text(response.text)
    assert "엑스기관" in text
    assert "서비스" in text
    assert "2024" in text
    assert "방법과 성과" in section_text(response.text, "body-title")
    assert "사례 발표.pdf" in section_text(response.text, "files-title")
    assert "고치기" not in text


def test_no_visible_project_says_so(world, client):
    practice = BestPracticeFactory(institution=world.institution_x)
    practice.joint_projects.add(
        JointProjectFactory(lead_institution=world.institution_x, is_published=False)
    )
    response = client.get(practice.get_absolute_url())
    assert "연결된 공개 공동사업이 없습니다." in section_text(response.text, "projects-title")
    assert "첨부 파일이 없습니다." in section_text(response.text, "files-title")


def test_the_detail_query_count_does_not_grow_with_projects_or_files(
    world, client, django_assert_max_num_queries
):
    practice = BestPracticeFactory(institution=world.institution_x)
    for size in (2, 30):
        practice.joint_projects.set(
            JointProjectFactory.create_batch(size, lead_institution=world.institution_x)
        )
        for _ in range(size):
            attachment_of(practice)
        # Savepoint and release, the practice with its institution, its projects, its files.
        with django_assert_max_num_queries(5):
            response = client.get(practice.get_absolute_url())
        assert response.status_code == 200


# --- Downloads ---------------------------------------------------------------------------------


def test_a_file_downloads_as_an_attachment_with_safe_headers(practice, client):
    attachment = attachment_of(practice, "광주 돌봄 사례.pdf")

    response = client.get(reverse("evaluations:practice_attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%EA%B4%91%EC%A3%BC" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("staff_x", 404),
        ("head_x", 404),
        ("staff_y", 404),
        ("city_staff", 200),
        ("admin", 200),
    ],
)
def test_an_unpublished_practices_files_are_the_citys_only(world, client_as, role, status):
    draft = BestPracticeFactory(institution=world.institution_x, is_published=False)
    attachment = attachment_of(draft)

    response = client_as(world.users[role]).get(
        reverse("evaluations:practice_attachment", args=[attachment.pk])
    )

    assert response.status_code == status


def test_a_missing_stored_file_is_a_404(practice, client):
    attachment = attachment_of(practice)
    attachment.file.delete(save=False)

    response = client.get(reverse("evaluations:practice_attachment", args=[attachment.pk]))

    assert response.status_code == 404


# --- The institution page links to its best practices ------------------------------------------


@pytest.mark.parametrize(
    ("role", "count"), [("anonymous", 1), ("head_x", 1), ("city_staff", 2)]
)
def test_the_institution_page_links_to_its_best_practices(world, client_as, role, count):
    BestPracticeFactory(institution=world.institution_x)
    BestPracticeFactory(institution=world.institution_x, is_published=False)

    response = client_as(world.users[role]).get(world.institution_x.get_absolute_url())

    practices = section_text(response.text, "practices-title")
    assert f"이 기관의 우수사례 {count}건 보기" in practices
    assert 'href="/evaluations/practices/?institution=XINST"' in response.text


def test_no_link_without_a_visible_best_practice(world, client):
    BestPracticeFactory(institution=world.institution_y, is_published=False)

    response = client.get(Institution.objects.get(code="YINST").get_absolute_url())

    assert section_text(response.text, "practices-title") == ""
