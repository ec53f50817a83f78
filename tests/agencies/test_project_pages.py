"""Project and report pages: the permission table, what each visitor sees, the report form."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import JointProject, Report, ReportState, ReportVersion
from agencies.services import report_accept, report_return, report_save_draft, report_submit
from tests.factories import JointProjectFactory, project_with_reports
from tests.world import ROLE_NAMES

RETURN_COMMENT = "만족도 조사 표본을 밝혀 주세요"
FIRST_NARRATIVE = "첫 판의 비공개 서술"


def save(report, user, narrative="실적 서술", actual=Decimal("50")):
    kpi = report.project.kpis.get()
    return report_save_draft(
        report=report, by=user, expected_version=report.version, narrative=narrative,
        difficulties="돌봄 인력 부족", has_difficulties=True, kpi_values={kpi.pk: actual},
    )


@dataclass
class Scene:
    project: JointProject  # published, led by X
    hidden_project: JointProject  # not published, led by X
    accepted: Report  # returned once, then accepted (two versions)
    returned: Report
    submitted: Report
    draft: Report
    y_draft: Report  # a draft of institution Y


@pytest.fixture
def scene(world):
    users = world.users
    project = project_with_reports(
        title="광주다움 통합돌봄 시즌2", lead_institution=world.institution_x,
        kpis=[{"name": "돌봄 이용자", "baseline": Decimal(0), "target": Decimal(100)}],
    )
    accepted, returned, submitted, draft = Report.objects.filter(
        period__project=project
    ).order_by("period__sequence")
    save(accepted, users["staff_x"], narrative=FIRST_NARRATIVE)
    report_submit(report=accepted, by=users["head_x"])
    report_return(report=accepted, by=users["city_staff"], comment=RETURN_COMMENT)
    save(accepted, users["staff_x"], narrative="공개될 보완 서술", actual=Decimal("40"))
    report_submit(report=accepted, by=users["head_x"])
    report_accept(report=accepted, by=users["city_staff"])

    save(returned, users["staff_x"])
    report_submit(report=returned, by=users["head_x"])
    report_return(report=returned, by=users["city_staff"], comment="근거 자료를 붙여 주세요")
    save(submitted, users["staff_x"])
    report_submit(report=submitted, by=users["deputy_x"])
    save(draft, users["staff_x"], narrative="작성 중인 초안")

    hidden = project_with_reports(
        title="비공개 준비 사업", lead_institution=world.institution_x, is_published=False
    )
    y_project = project_with_reports(title="와이 기관 사업", lead_institution=world.institution_y)
    y_draft = Report.objects.filter(period__project=y_project).first()
    save(y_draft, users["staff_y"])
    return Scene(project, hidden, accepted, returned, submitted, draft, y_draft)


def status_for(client_as, user, url, method="get", data=None):
    client = client_as(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


# role:            anon staff_x deputy_x head_x staff_y head_y city admin
EVERYONE_200 = (200, 200, 200, 200, 200, 200, 200, 200)
PRIVATE_TO_X = (404, 200, 200, 200, 404, 404, 200, 200)

GET_TABLE = [
    ("list", lambda s: reverse("projects:list"), EVERYONE_200),
    ("published project", lambda s: s.project.get_absolute_url(), EVERYONE_200),
    ("unpublished project", lambda s: s.hidden_project.get_absolute_url(), PRIVATE_TO_X),
    ("accepted report", lambda s: s.accepted.get_absolute_url(), EVERYONE_200),
    ("draft report", lambda s: s.draft.get_absolute_url(), PRIVATE_TO_X),
    ("returned report", lambda s: s.returned.get_absolute_url(), PRIVATE_TO_X),
    ("submitted report", lambda s: s.submitted.get_absolute_url(), PRIVATE_TO_X),
    (
        "edit a draft",
        lambda s: reverse("projects:report_edit", args=[s.draft.pk]),
        (302, 200, 200, 200, 404, 404, 403, 200),
    ),
    (
        "edit a returned report",
        lambda s: reverse("projects:report_edit", args=[s.returned.pk]),
        (302, 200, 200, 200, 404, 404, 403, 200),
    ),
    (
        "edit a submitted report",
        lambda s: reverse("projects:report_edit", args=[s.submitted.pk]),
        (302, 403, 403, 403, 404, 404, 403, 403),
    ),
    (
        "edit an accepted report",
        lambda s: reverse("projects:report_edit", args=[s.accepted.pk]),
        (302, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "review queue",
        lambda s: reverse("projects:review_queue"),
        (302, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("my institution", lambda s: reverse("agencies:mine"), (302, *EVERYONE_200[1:])),
]


@pytest.mark.parametrize(("name", "url_of", "expected"), GET_TABLE, ids=[r[0] for r in GET_TABLE])
def test_get_permission_table(world, scene, client_as, name, url_of, expected):
    url = url_of(scene)
    got = tuple(status_for(client_as, world.users[role], url) for role in ROLE_NAMES)
    assert got == expected, dict(zip(ROLE_NAMES, got, strict=True))


@pytest.mark.parametrize(
    ("role", "expected_status", "expected_state"),
    [
        ("anonymous", 302, ReportState.SUBMITTED),
        ("staff_x", 403, ReportState.SUBMITTED),
        ("deputy_x", 403, ReportState.SUBMITTED),
        ("head_x", 403, ReportState.SUBMITTED),
        ("staff_y", 404, ReportState.SUBMITTED),
        ("head_y", 404, ReportState.SUBMITTED),
        ("city_staff", 302, ReportState.ACCEPTED),
        ("admin", 302, ReportState.ACCEPTED),
    ],
)
def test_review_permission_table(world, scene, client_as, role, expected_status, expected_state):
    url = reverse("projects:report_review", args=[scene.submitted.pk])
    data = {"decision": "accept", "comment": "", "version": scene.submitted.version}
    assert status_for(client_as, world.users[role], url, "post", data) == expected_status
    scene.submitted.refresh_from_db()
    assert scene.submitted.state == expected_state


@pytest.mark.parametrize(
    ("role", "expected_status", "expected_state"),
    [
        ("anonymous", 302, ReportState.DRAFT),
        ("staff_x", 400, ReportState.DRAFT),  # the save stands, the submit is refused
        ("deputy_x", 302, ReportState.SUBMITTED),
        ("head_x", 302, ReportState.SUBMITTED),
        ("staff_y", 404, ReportState.DRAFT),
        ("head_y", 404, ReportState.DRAFT),
        ("city_staff", 403, ReportState.DRAFT),
        ("admin", 302, ReportState.SUBMITTED),
    ],
)
def test_submit_permission_table(world, scene, client_as, role, expected_status, expected_state):
    kpi = scene.project.kpis.get()
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    data = {
        "version": scene.draft.version, "narrative": "제출할 서술", "difficulties": "",
        f"kpi_{kpi.pk}": "60", "action": "submit",
    }
    assert status_for(client_as, world.users[role], url, "post", data) == expected_status
    scene.draft.refresh_from_db()
    assert scene.draft.state == expected_state


def test_another_institutions_report_by_id_is_404_everywhere(world, scene, client_as):
    client = client_as(world.users["head_x"])
    pk = scene.y_draft.pk
    assert client.get(reverse("projects:report_detail", args=[pk])).status_code == 404
    assert client.get(reverse("projects:report_edit", args=[pk])).status_code == 404
    assert client.post(reverse("projects:report_edit", args=[pk]), {}).status_code == 404
    assert client.post(reverse("projects:report_review", args=[pk]), {}).status_code == 404


# --- What each visitor sees -------------------------------------------------------------------


def test_the_public_sees_accepted_progress_only(world, scene, client_as):
    client = client_as(None)
    page = client.get(scene.project.get_absolute_url()).content.decode()
    assert "돌봄 이용자" in page
    assert "40%" in page  # the accepted value 40 of target 100
    assert "승인됨" in page
    for private in ("반려됨", "제출됨", "작성 중", RETURN_COMMENT, "처리 이력"):
        assert private not in page
    assert scene.draft.get_absolute_url() not in page

    report_page = client.get(scene.accepted.get_absolute_url()).content.decode()
    assert "공개될 보완 서술" in report_page
    for private in (FIRST_NARRATIVE, RETURN_COMMENT, "돌봄 인력 부족", "1판"):
        assert private not in report_page


def test_the_institution_sees_every_version_and_the_timeline(world, scene, client_as):
    client = client_as(world.users["staff_x"])
    page = client.get(scene.accepted.get_absolute_url()).content.decode()
    assert FIRST_NARRATIVE in page
    assert "공개될 보완 서술" in page
    assert RETURN_COMMENT in page
    assert "돌봄 인력 부족" in page
    project_page = client.get(scene.project.get_absolute_url()).content.decode()
    assert "반려됨" in project_page
    assert "근거 자료를 붙여 주세요" in project_page


def test_review_queue_lists_submitted_overdue_and_returned(world, scene, client_as):
    page = client_as(world.users["city_staff"]).get(reverse("projects:review_queue"))
    sections = page.content.decode().split('id="overdue-title"')
    assert scene.submitted.period.label in sections[0]
    # 2024 periods are long past their due dates: the draft and the returned one are overdue.
    overdue, returned = sections[1].split('id="returned-title"')
    for report in (scene.draft, scene.returned, scene.y_draft):
        assert f'href="{report.get_absolute_url()}"' in overdue
    for report in (scene.accepted, scene.submitted):
        assert f'href="{report.get_absolute_url()}"' not in overdue
    # Every open report of 2024 is overdue: 4 + 4 + 4 periods, less accepted and submitted.
    assert overdue.count("<tr>") == 1 + 10
    assert returned.count("<tr>") == 1 + 1
    assert f'href="{scene.returned.get_absolute_url()}"' in returned


def test_my_institution_lists_the_reports_to_write(world, scene, client_as):
    page = client_as(world.users["staff_x"]).get(reverse("agencies:mine")).content.decode()
    assert "작성할 보고서" in page
    assert scene.draft.get_absolute_url() in page
    assert scene.returned.get_absolute_url() in page
    assert scene.y_draft.get_absolute_url() not in page


# --- The report form --------------------------------------------------------------------------


def _form_data(report, value="70", **extra):
    kpi = report.project.kpis.get()
    return {"version": report.version, "narrative": "새 서술", "difficulties": "",
            f"kpi_{kpi.pk}": value, "action": "save", **extra}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "숫자로 입력하세요"),
        ("12,5개", "숫자로 입력하세요"),
        ("NaN", "숫자로 입력하세요"),
        ("Infinity", "숫자로 입력하세요"),
        ("1e400", "너무 큰 수입니다"),
        ("3.14159", "둘째 자리까지"),
    ],
)
def test_a_non_number_is_a_form_error_not_a_500(world, scene, client_as, value, message):
    client = client_as(world.users["staff_x"])
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    response = client.post(url, _form_data(scene.draft, value))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field__error"' in page
    assert message in page
    assert ReportVersion.objects.get(report=scene.draft).narrative == "작성 중인 초안"


def test_a_count_must_be_whole(world, scene, client_as):
    client = client_as(world.users["staff_x"])
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    response = client.post(url, _form_data(scene.draft, "10.5"))
    assert response.status_code == 400
    assert "정수로 입력하세요" in response.content.decode()


def test_saving_a_draft_keeps_it_a_draft(world, scene, client_as):
    client = client_as(world.users["staff_x"])
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    response = client.post(url, _form_data(scene.draft, "70"))
    assert response.status_code == 302
    draft = ReportVersion.objects.get(report=scene.draft)
    assert draft.narrative == "새 서술"
    assert draft.values.get().actual == Decimal("70")
    assert Report.objects.get(pk=scene.draft.pk).state == ReportState.DRAFT


def test_a_stale_form_is_refused_with_409_and_overwrites_nothing(world, scene, client_as):
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    stale_data = _form_data(scene.draft, "99", narrative="부기관장이 쓴 글")
    client_as(world.users["staff_x"]).post(url, _form_data(scene.draft, "70"))
    response = client_as(world.users["deputy_x"]).post(url, stale_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "다른 사람이 먼저 저장했습니다" in page
    assert "부기관장이 쓴 글" in page  # what they typed is still on the page to copy
    draft = ReportVersion.objects.get(report=scene.draft)
    assert (draft.narrative, draft.values.get().actual) == ("새 서술", Decimal("70"))


def test_htmx_errors_come_back_as_the_form_fragment(world, scene, client_as):
    client = client_as(world.users["staff_x"])
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    response = client.post(url, _form_data(scene.draft, "abc"), headers={"HX-Request": "true"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="report-form"')
    assert "<html" not in page


def test_htmx_save_redirects_the_browser(world, scene, client_as):
    client = client_as(world.users["head_x"])
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    response = client.post(
        url, _form_data(scene.draft, "70", action="submit"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == scene.draft.get_absolute_url()
    assert Report.objects.get(pk=scene.draft.pk).state == ReportState.SUBMITTED


def test_the_submit_button_is_for_heads_and_deputies(world, scene, client_as):
    url = reverse("projects:report_edit", args=[scene.draft.pk])
    assert "저장하고 제출" not in client_as(world.users["staff_x"]).get(url).content.decode()
    assert "저장하고 제출" in client_as(world.users["deputy_x"]).get(url).content.decode()


def test_a_returned_report_shows_the_citys_comment_on_the_form(world, scene, client_as):
    url = reverse("projects:report_edit", args=[scene.returned.pk])
    page = client_as(world.users["staff_x"]).get(url).content.decode()
    assert "근거 자료를 붙여 주세요" in page


def test_returning_without_a_comment_is_a_form_error(world, scene, client_as):
    url = reverse("projects:report_review", args=[scene.submitted.pk])
    response = client_as(world.users["city_staff"]).post(
        url, {"decision": "return", "comment": " ", "version": scene.submitted.version}
    )
    assert response.status_code == 400
    assert "반려할 때는 의견을 적어 주세요" in response.content.decode()
    assert Report.objects.get(pk=scene.submitted.pk).state == ReportState.SUBMITTED


# --- The project list -------------------------------------------------------------------------


def test_list_filters_and_search(world, scene, client_as):
    JointProjectFactory(title="사회서비스박람회", lead_institution=world.institution_y,
                        area="organisation", status="planned")
    client = client_as(None)

    def titles(**params):
        page = client.get(reverse("projects:list"), params).content.decode()
        return [t for t in ("통합돌봄", "사회서비스박람회", "와이 기관 사업", "비공개 준비")
                if t in page]

    assert titles() == ["통합돌봄", "사회서비스박람회", "와이 기관 사업"]
    assert titles(q="박람회") == ["사회서비스박람회"]
    assert titles(area="organisation") == ["사회서비스박람회"]
    assert titles(status="planned") == ["사회서비스박람회"]
    assert titles(institution=world.institution_x.pk) == ["통합돌봄"]
    assert titles(year=2024) == ["통합돌봄", "사회서비스박람회", "와이 기관 사업"]


def test_list_partner_filter_and_hidden_projects(world, scene, client_as):
    scene.project.partner_institutions.add(world.institution_y)
    client = client_as(world.users["staff_x"])
    page = client.get(reverse("projects:list")).content.decode()
    assert "비공개 준비 사업" in page
    page = client_as(None).get(
        reverse("projects:list"), {"institution": world.institution_y.pk}
    ).content.decode()
    assert "통합돌봄" in page
    assert "와이 기관 사업" in page


def test_list_bad_filter_is_400(world, scene, client_as):
    response = client_as(None).get(reverse("projects:list"), {"year": "abc"})
    assert response.status_code == 400


def test_list_htmx_gets_the_results_fragment(world, scene, client_as):
    response = client_as(None).get(
        reverse("projects:list"), {"q": "통합"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "통합돌봄" in page
    assert "<html" not in page
    assert "<form" not in page


def _projects(count, institution):
    for number in range(count):
        project_with_reports(title=f"사업 {number:03d}", lead_institution=institution)


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("role", ["anonymous", "staff_x", "city_staff"])
def test_list_query_count_does_not_grow(
    world, client_as, django_assert_max_num_queries, count, role
):
    _projects(count, world.institution_x)
    client = client_as(world.users[role])
    # Signed in, the header's unread notification count is one of them (cold cache).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="project-card"') == min(count, 20)


@pytest.mark.parametrize("count", [10, 200])
def test_review_queue_query_count_does_not_grow(
    world, client_as, django_assert_max_num_queries, count
):
    _projects(count, world.institution_x)
    client = client_as(world.users["city_staff"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("projects:review_queue"))
    assert response.status_code == 200


def test_list_paginates_with_plain_links(world, client_as):
    _projects(25, world.institution_x)
    client = client_as(None)
    page = client.get(reverse("projects:list")).content.decode()
    assert 'href="?page=2"' in page
    second = client.get(reverse("projects:list"), {"page": 2}).content.decode()
    assert second.count('class="project-card"') == 5
