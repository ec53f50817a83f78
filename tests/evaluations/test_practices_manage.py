"""City staff write and edit best practices and their files: the services' rules, the pages'
errors beside their fields, uploads checked like evidence, and the admin's attachment inline."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluations.models import BestPractice, BestPracticeAttachment
from evaluations.services import (
    BestPracticeError,
    best_practice_attachment_add,
    best_practice_attachment_remove,
    best_practice_create,
    best_practice_update,
)
from tests.agencies import evidence_samples as samples
from tests.evaluation_factories import CampaignFactory
from tests.evaluations.practice_factories import PDF, BestPracticeFactory
from tests.factories import InstitutionFactory, JointProjectFactory
from tests.pages import page_heading, visible_text

NEW = reverse("evaluations:practice_new")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def edit_url(practice) -> str:
    return reverse("evaluations:practice_edit", args=[practice.pk])


def upload_url(practice) -> str:
    return reverse("evaluations:practice_attachment_add", args=[practice.pk])


def form_data(world, **overrides) -> dict:
    data = {
        "title": "  돌봄 통합 안내  ",
        "summary": "혼자 사는 어르신의 안부를 매일 확인합니다.",
        "body": "배경과 방법",
        "area": "service",
        "institution": world.institution_x.pk,
        "year": "2024",
        "campaign": "",
        "joint_projects": [],
        "is_published": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Services ----------------------------------------------------------------------------------


def test_create_links_the_institutions_own_projects(world):
    led = JointProjectFactory(lead_institution=world.institution_x)
    partnered = JointProjectFactory(lead_institution=world.institution_y)
    partnered.partner_institutions.add(world.institution_x)

    practice = best_practice_create(
        by=world.users["city_staff"],
        title=" 돌봄 ",
        summary="요약",
        area="service",
        institution=world.institution_x,
        year=2024,
        joint_projects=[led, partnered],
    )

    assert practice.title == "돌봄"
    assert practice.is_published is False
    assert set(practice.joint_projects.all()) == {led, partnered}


def test_another_institutions_project_cannot_be_linked(world):
    strange = JointProjectFactory(lead_institution=world.institution_y, title="와이 단독 사업")

    with pytest.raises(BestPracticeError) as refused:
        best_practice_create(
            by=world.users["city_staff"],
            title="돌봄",
            summary="요약",
            area="service",
            institution=world.institution_x,
            year=2024,
            joint_projects=[strange],
        )

    assert refused.value.code == "joint_projects"
    assert "와이 단독 사업" in refused.value.message
    assert not BestPractice.objects.exists()


def test_the_selecting_campaign_must_be_of_the_same_year(world):
    campaign = CampaignFactory(year=2023)
    with pytest.raises(BestPracticeError) as refused:
        best_practice_create(
            by=world.users["admin"],
            title="돌봄",
            summary="요약",
            area="service",
            institution=world.institution_x,
            year=2024,
            campaign=campaign,
        )
    assert refused.value.code == "campaign"


@pytest.mark.parametrize("role", ["staff_x", "head_x", "head_y"])
def test_only_the_city_writes_best_practices(world, role):
    practice = BestPracticeFactory(institution=world.institution_x)
    with pytest.raises(BestPracticeError) as refused:
        best_practice_update(
            practice=practice,
            by=world.users[role],
            title="바꾼 제목",
            summary="요약",
            area="service",
            institution=world.institution_x,
            year=2024,
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(BestPracticeError):
        best_practice_attachment_add(
            practice=practice, by=world.users[role], upload=SimpleUploadedFile("a.pdf", PDF)
        )
    practice.refresh_from_db()
    assert practice.title != "바꾼 제목"


# --- Create and edit pages -----------------------------------------------------------------------


def test_city_staff_create_a_practice_then_add_files(world, client_as):
    project = JointProjectFactory(lead_institution=world.institution_x, title="엑스 공개 사업")
    client = client_as(world.users["city_staff"])

    page = client.get(NEW)
    assert page.status_code == 200
    assert page_heading(page.text) == "우수사례 쓰기"
    assert f'value="{timezone.localdate().year}"' in page.text  # this year, to start with

    response = client.post(NEW, form_data(world, joint_projects=[project.pk]))

    practice = BestPractice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(practice)
    assert practice.title == "돌봄 통합 안내"
    assert practice.is_published is True
    assert list(practice.joint_projects.all()) == [project]
    edit = client.get(edit_url(practice))
    assert "첨부 파일을 올릴 수 있습니다." in visible_text(edit.text)
    assert 'enctype="multipart/form-data"' in edit.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "필수 항목입니다."),
        ({"summary": "   "}, "summary", "필수 항목입니다."),
        ({"area": "space"}, "area", "올바르게 선택해 주세요."),
        ({"year": "작년"}, "year", "정수를 입력하세요."),
        ({"year": "1999"}, "year", "2000"),
        ({"institution": "999999"}, "institution", "올바르게 선택해 주세요."),
        ({"joint_projects": ["999999"]}, "joint_projects", "올바르게 선택해 주세요."),
    ],
)
def test_form_errors_sit_beside_their_field(world, client_as, overrides, field, message):
    client = client_as(world.users["city_staff"])

    response = client.post(NEW, form_data(world, **overrides))

    assert response.status_code == 400
    assert not BestPractice.objects.exists()
    text = response.text
    block = text[text.index(f'id="id_{field}_field"') :]
    block = block[: block.index("</div>")]
    assert 'class="field field--error"' in text[text.index(f'id="id_{field}_field"') - 40 :][:80]
    assert message in visible_text(block)
    assert f"id_{field}_error" in block[block.index("aria-describedby") :]
    assert "입력한 내용을 확인해 주세요." in visible_text(text)


def test_a_refused_project_is_an_error_beside_the_projects(world, client_as):
    strange = JointProjectFactory(lead_institution=world.institution_y, title="와이 단독 사업")
    client = client_as(world.users["city_staff"])

    response = client.post(NEW, form_data(world, joint_projects=[strange.pk]))

    assert response.status_code == 400
    block = response.text[response.text.index('id="id_joint_projects_field"') :]
    block = block[: block.index("</select>")]
    assert "엑스기관이(가) 주관하거나 협력하지 않는 사업은 연결할 수 없습니다" in block
    assert "와이 단독 사업" in block


def test_edit_shows_the_current_values_and_saves_every_field(world, client_as):
    practice = BestPracticeFactory(
        institution=world.institution_x, title="옛 제목", is_published=False
    )
    project = JointProjectFactory(lead_institution=world.institution_y)
    practice.joint_projects.add(JointProjectFactory(lead_institution=world.institution_x))
    client = client_as(world.users["admin"])

    page = client.get(edit_url(practice))
    assert 'value="옛 제목"' in page.text
    assert page_heading(page.text) == "우수사례 고치기"

    response = client.post(
        edit_url(practice),
        form_data(
            world,
            title="새 제목",
            institution=world.institution_y.pk,
            joint_projects=[project.pk],
            is_published=None,
            area="evaluation",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    practice.refresh_from_db()
    assert practice.title == "새 제목"
    assert practice.institution == world.institution_y
    assert practice.area == "evaluation"
    assert practice.is_published is False
    assert list(practice.joint_projects.all()) == [project]


def test_the_edit_page_in_english(world, client_as):
    practice = BestPracticeFactory(institution=world.institution_x)
    client = client_as(world.users["city_staff"])
    client.cookies["django_language"] = "en"

    response = client.post(edit_url(practice), form_data(world, title=""))

    text = visible_text(response.text)
    assert "Edit best practice" in text
    assert "This field is required." in text
    assert "Related joint projects" in text


# --- Files -------------------------------------------------------------------------------------


def test_a_file_is_checked_and_stored_under_a_server_made_name(world, client_as, media_root):
    practice = BestPracticeFactory(institution=world.institution_x)
    client = client_as(world.users["city_staff"])
    hostile = "../../etc/passwd\u202e 사례.pdf"

    response = client.post(upload_url(practice), {"file": SimpleUploadedFile(hostile, PDF)})

    assert response.status_code == 302
    assert response["Location"] == edit_url(practice)
    attachment = BestPracticeAttachment.objects.get()
    assert attachment.original_name == "passwd 사례.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.name.startswith("best-practices/")
    assert "passwd" not in attachment.file.name
    assert [path.read_bytes() for path in stored_files(media_root)] == [PDF]
    edit = client.get(edit_url(practice))
    assert "첨부 파일 passwd 사례.pdf을(를) 올렸습니다." in visible_text(edit.text)
    assert "passwd 사례.pdf 지우기" in visible_text(edit.text)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "PDF, 한글(HWP·HWPX), 워드(DOCX)"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "파일 내용이 확장자(.pdf)와 맞지 않습니다."),
        ("macro.docx", samples.docx(with_macros=True), "확장자(.docx)와 맞지 않습니다."),
        ("empty.pdf", b"", "빈 파일"),
    ],
)
def test_a_refused_file_is_an_error_beside_the_file_field(
    world, client_as, media_root, name, content, message
):
    practice = BestPracticeFactory(institution=world.institution_x)
    client = client_as(world.users["city_staff"])

    response = client.post(upload_url(practice), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    block = response.text[response.text.index('id="id_file_field"') :]
    assert message in visible_text(block[: block.index("</div>")])
    assert not BestPracticeAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_the_size_cap_applies(world, client_as, settings, media_root):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    practice = BestPracticeFactory(institution=world.institution_x)
    client = client_as(world.users["city_staff"])

    response = client.post(
        upload_url(practice), {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 200)}
    )

    assert response.status_code == 400
    assert "파일이 너무 큽니다." in visible_text(response.text)
    assert stored_files(media_root) == []


def test_removing_a_file_deletes_it_once_committed(
    world, client_as, media_root, django_capture_on_commit_callbacks
):
    practice = BestPracticeFactory(institution=world.institution_x)
    attachment = best_practice_attachment_add(
        practice=practice, by=world.users["city_staff"], upload=SimpleUploadedFile("a.pdf", PDF)
    )
    client = client_as(world.users["city_staff"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:practice_attachment_delete", args=[attachment.pk])
        )

    assert response.status_code == 302
    assert response["Location"] == edit_url(practice)
    assert not BestPracticeAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_rolled_back_removal_keeps_the_file(world, media_root):
    practice = BestPracticeFactory(institution=world.institution_x)
    attachment = best_practice_attachment_add(
        practice=practice, by=world.users["city_staff"], upload=SimpleUploadedFile("a.pdf", PDF)
    )
    # The test's transaction never commits: the on-commit deletion never runs.
    best_practice_attachment_remove(attachment=attachment, by=world.users["city_staff"])
    assert len(stored_files(media_root)) == 1


# --- Admin inline ------------------------------------------------------------------------------


def inline_data(practice, upload) -> dict:
    return {
        "title": practice.title,
        "summary": practice.summary,
        "body": "",
        "area": practice.area,
        "institution": practice.institution_id,
        "year": practice.year,
        "is_published": "on",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-id": "",
        "attachments-0-practice": practice.pk,
        "attachments-0-file": upload,
    }


def test_the_admin_inline_checks_files_like_the_staff_pages(world, client_as, media_root):
    practice = BestPracticeFactory(institution=world.institution_x)
    client = client_as(world.users["admin"])
    change = reverse("admin:evaluations_bestpractice_change", args=[practice.pk])

    refused = client.post(
        change, inline_data(practice, SimpleUploadedFile("renamed.pdf", b"MZ not a pdf"))
    )
    assert refused.status_code == 200  # the admin shows its form again with the error
    assert "파일 내용이 확장자(.pdf)와 맞지 않습니다." in visible_text(refused.text)
    assert not BestPracticeAttachment.objects.exists()

    accepted = client.post(
        change, inline_data(practice, SimpleUploadedFile("../발표\u202e자료.pdf", PDF))
    )
    assert accepted.status_code == 302
    attachment = BestPracticeAttachment.objects.get()
    assert "\u202e" not in attachment.original_name
    assert attachment.original_name.replace(" ", "") == "발표자료.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert "발표" not in attachment.file.name
    page = client.get(change)
    assert attachment.original_name in visible_text(page.text)


def test_a_former_institutions_practice_can_still_be_edited(world, client_as):
    former = InstitutionFactory(code="OLDINST", name_ko="옛기관", is_active=False)
    practice = BestPracticeFactory(institution=former, title="옛 사례")
    client = client_as(world.users["city_staff"])

    assert "옛기관" in client.get(edit_url(practice)).text
    assert "옛기관" not in client.get(NEW).text
    response = client.post(edit_url(practice), form_data(world, institution=former.pk))

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.institution == former


def test_the_admin_keeps_the_linking_rules(world, client_as):
    practice = BestPracticeFactory(institution=world.institution_x)
    strange = JointProjectFactory(lead_institution=world.institution_y, title="와이 단독 사업")
    client = client_as(world.users["admin"])
    data = inline_data(practice, "") | {
        "attachments-TOTAL_FORMS": "0",
        "joint_projects": [strange.pk],
    }

    response = client.post(
        reverse("admin:evaluations_bestpractice_change", args=[practice.pk]), data
    )

    assert response.status_code == 200
    assert "주관하거나 협력하지 않는 사업은 연결할 수 없습니다" in visible_text(response.text)
    assert not practice.joint_projects.exists()
