"""Evidence uploads: allowed types by name and content, size cap, hostile names, storage,
permission-checked downloads, and evidence carried into a revision."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import EvidenceFile, Report, ReportState
from agencies.services import (
    ReportWorkflowError,
    evidence_attach,
)
from tests.agencies import evidence_samples as samples
from tests.factories import project_with_reports, report_in_state


def people_of(world) -> dict:
    """Who drafts, submits and reviews in these tests."""
    return {
        "drafter": world.users["staff_x"],
        "submitter": world.users["head_x"],
        "reviewer": world.users["city_staff"],
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def report(world):
    project = project_with_reports(lead_institution=world.institution_x)
    return Report.objects.filter(period__project=project).order_by("period__sequence").first()


def upload_url(report):
    return reverse("projects:evidence_upload", kwargs={"pk": report.pk})


def post_file(client, report, name: str, content: bytes, *, version=None):
    report.refresh_from_db()
    return client.post(
        upload_url(report),
        {
            "version": version or report.version,
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        },
    )


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


ACCEPTED = [
    ("실적보고.pdf", samples.pdf, "application/pdf"),
    ("실적보고.hwp", samples.hwp, "application/x-hwp"),
    ("실적보고.hwpx", samples.hwpx, "application/hwp+zip"),
    (
        "실적보고.docx",
        samples.docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "실적표.XLSX",
        samples.xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("현장사진.png", samples.png, "image/png"),
    ("현장사진.jpg", samples.jpeg, "image/jpeg"),
    ("현장사진.jpeg", samples.jpeg, "image/jpeg"),
]


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_allowed_files_are_stored_under_a_server_made_name(
    client_as, world, report, media_root, name, make, content_type
):
    content = make()
    response = post_file(client_as(world.users["staff_x"]), report, name, content)

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    stem, extension = name.rsplit(".", 1)
    assert evidence.original_name == f"{stem}.{extension.lower()}"
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.uploaded_by == world.users["staff_x"]
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith(f".{extension.lower()}")
    assert stem not in evidence.file.name
    (stored,) = stored_files(media_root)
    assert stored.read_bytes() == content
    assert not stored.is_relative_to(django_settings.STATIC_ROOT)


REFUSED = [
    ("setup.exe", samples.windows_executable(), "PDF, 한글"),
    ("실적보고.pdf", samples.windows_executable(), "확장자(.pdf)와 맞지 않습니다"),
    ("사진.png", b"<html><script>alert(1)</script></html>", "확장자(.png)와 맞지 않습니다"),
    ("보고.docx", samples.docx(with_macros=True), "확장자(.docx)와 맞지 않습니다"),
    ("보고.hwp", samples.hwp(header=b"NOT A HWP FILE!!!"), "확장자(.hwp)와 맞지 않습니다"),
    ("보고.xlsx", samples.docx(), "확장자(.xlsx)와 맞지 않습니다"),
    ("이름없음", samples.pdf(), "PDF, 한글"),
    ("빈파일.pdf", b"", "빈 파일"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED, ids=[r[0] + "-" + r[2][:6] for r in REFUSED]
)
def test_disguised_or_unknown_files_are_refused_and_nothing_is_stored(
    client_as, world, report, media_root, name, content, message
):
    version_before = report.version
    response = post_file(client_as(world.users["staff_x"]), report, name, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert EvidenceFile.objects.count() == 0
    assert stored_files(media_root) == []
    report.refresh_from_db()
    assert report.version == version_before


def test_a_file_over_the_size_cap_is_refused(client_as, world, report, settings, media_root):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    big_pdf = samples.pdf() + b"0" * 2048
    response = post_file(client_as(world.users["staff_x"]), report, "큰파일.pdf", big_pdf)

    assert response.status_code == 400
    assert "파일이 너무 큽니다" in response.content.decode()
    assert "1.0" in response.content.decode()  # the limit, as "1.0 KB"
    assert EvidenceFile.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_default_size_cap_is_20_megabytes(settings):
    assert settings.EVIDENCE_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_a_hostile_file_name_never_reaches_the_disk_or_the_headers(client_as, world, report):
    # A multipart header cannot carry a raw line break; the sanitiser's own test covers it.
    hostile = "../../etc/passwd\\..\\x\u202e; X-Injected: 1 <script>.pdf"
    client = client_as(world.users["staff_x"])
    post_file(client, report, hostile, samples.pdf())

    evidence = EvidenceFile.objects.get()
    assert "/" not in evidence.original_name
    assert "\r" not in evidence.original_name
    assert "\n" not in evidence.original_name
    assert "\u202e" not in evidence.original_name
    assert evidence.original_name.endswith(".pdf")
    assert ".." not in evidence.file.name
    assert "passwd" not in evidence.file.name

    response = client.get(reverse("projects:evidence_download", kwargs={"pk": evidence.pk}))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "X-Injected" not in response.headers
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.pdf()


@pytest.fixture
def uploaded(world, report):
    evidence_attach(
        report=report,
        by=world.users["staff_x"],
        expected_version=report.version,
        upload=SimpleUploadedFile("증빙.pdf", samples.pdf()),
    )
    return EvidenceFile.objects.get()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("staff_x", 200),
        ("deputy_x", 200),
        ("head_x", 200),
        ("staff_y", 404),
        ("head_y", 404),
        ("city_staff", 200),
        ("admin", 200),
    ],
)
def test_evidence_downloads_only_to_the_institution_and_the_city(
    client_as, world, uploaded, role, status
):
    url = reverse("projects:evidence_download", kwargs={"pk": uploaded.pk})
    response = client_as(world.users[role]).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("staff_x", 302),
        ("head_x", 302),
        ("staff_y", 404),
        ("head_y", 404),
        ("city_staff", 403),
        ("admin", 302),
    ],
)
def test_only_the_lead_institution_uploads(client_as, world, report, role, status):
    response = post_file(client_as(world.users[role]), report, "증빙.pdf", samples.pdf())
    assert response.status_code == status
    expected_rows = 1 if role in ("staff_x", "head_x", "admin") else 0
    assert EvidenceFile.objects.count() == expected_rows


def test_a_stale_page_cannot_upload(client_as, world, report):
    response = post_file(
        client_as(world.users["staff_x"]), report, "증빙.pdf", samples.pdf(), version=99
    )
    assert response.status_code == 409
    assert "다른 사람이 먼저 저장했습니다" in response.content.decode()
    assert EvidenceFile.objects.count() == 0


def test_evidence_is_removed_from_the_draft_but_frozen_once_submitted(client_as, world, report):
    client = client_as(world.users["staff_x"])
    post_file(client, report, "첫째.pdf", samples.pdf())
    post_file(client, report, "둘째.png", samples.png())
    first = EvidenceFile.objects.get(original_name="첫째.pdf")
    report.refresh_from_db()

    response = client.post(
        reverse("projects:evidence_delete", kwargs={"pk": first.pk}), {"version": report.version}
    )
    assert response.status_code == 302
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["둘째.png"]

    report.refresh_from_db()
    report_in_state(report, ReportState.SUBMITTED, **people_of(world))
    frozen = EvidenceFile.objects.get()
    response = client.post(
        reverse("projects:evidence_delete", kwargs={"pk": frozen.pk}), {"version": report.version}
    )
    assert response.status_code == 403  # a submitted report is not editable at all
    assert EvidenceFile.objects.count() == 1


def test_a_revision_after_a_return_keeps_the_evidence(world, report, uploaded):
    report.refresh_from_db()
    report_in_state(report, ReportState.RETURNED, **people_of(world))

    evidence_attach(
        report=report,
        by=world.users["staff_x"],
        expected_version=report.version,
        upload=SimpleUploadedFile("보완.jpg", samples.jpeg()),
    )
    by_version = {
        number: sorted(names)
        for number, names in [
            (version.number, version.evidence.values_list("original_name", flat=True))
            for version in report.versions.order_by("number")
        ]
    }
    assert by_version == {1: ["증빙.pdf"], 2: ["보완.jpg", "증빙.pdf"]}
    carried = report.versions.get(number=2).evidence.get(original_name="증빙.pdf")
    assert carried.file.name == uploaded.file.name


def test_service_refuses_a_disguised_file_with_a_korean_message(world, report):
    with pytest.raises(ReportWorkflowError, match="확장자"):
        evidence_attach(
            report=report,
            by=world.users["staff_x"],
            expected_version=report.version,
            upload=SimpleUploadedFile("a.jpg", samples.windows_executable()),
        )


@pytest.mark.parametrize(
    ("uploaded_name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\kim\\보고서.pdf", "보고서.pdf"),
        ("a\r\nX-Injected: 1.pdf", "a X-Injected: 1.pdf"),
        ("\u202eexe.pdf", "exe.pdf"),
        (".htaccess.pdf", "htaccess.pdf"),
        ("....pdf", "evidence.pdf"),
        ("가" * 300 + ".pdf", "가" * 116 + ".pdf"),
    ],
)
def test_safe_display_name(uploaded_name, shown):
    from agencies.uploads import safe_display_name

    assert safe_display_name(uploaded_name, extension="pdf") == shown
