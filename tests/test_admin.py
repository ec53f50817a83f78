"""Django admin: every registered model's pages load for a superuser, in Korean.

The cases come from ``admin.site._registry``, so a model registered later is covered without
touching this file; it only needs a row to open (see ``ROW_BUILDERS``). What a page must show
follows its ModelAdmin: a model the admin may not add has no add page (403) and no add link;
a read-only model (the report workflow's history) shows its fields without a Save button.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, label_for_field
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from agencies.models import (
    EvidenceFile,
    Institution,
    JointProject,
    Kpi,
    Report,
    ReportingPeriod,
    ReportState,
    ReportTransition,
    ReportVersion,
    User,
)
from evaluations.models import InstitutionScore, ScoreSnapshot
from evaluations.scoring import compute_scores
from meetings.models import ActionItem, ActionItemUpdate, CalendarFeed, Invitation, Meeting
from meetings.services import (
    action_item_create,
    action_item_update,
    calendar_feed_issue,
    meeting_series_schedule,
)
from tests.evaluation_factories import closed_campaign, response_with_scores
from tests.factories import project_with_reports, report_in_state
from tests.pages import visible_text

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _periodic_task():
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(
        name="세션 정리", task="portal.tasks.clear_expired_sessions", interval=interval
    )


def _returned_report_with_evidence():
    """A joint project of a seeded institution whose one report went through the workflow
    (draft with evidence, submitted, returned): rows for every model of issue 3's admin, so
    these pages do not depend on what seed_demo happens to write."""
    superuser = User.objects.get(username="admin")  # drafts, submits and reviews alike
    project = project_with_reports(
        lead_institution=Institution.objects.order_by("pk").first(),
        title="관리 화면 시험 사업",
        ends_on=date(2024, 3, 31),
    )
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return report_in_state(
        Report.objects.get(period__project=project),
        ReportState.RETURNED,
        drafter=superuser,
        submitter=superuser,
        reviewer=superuser,
        evidence=[SimpleUploadedFile("점검표.pdf", pdf, content_type="application/pdf")],
    )


def _meeting_series_2024():
    """The 2024 regular meetings with the seeded institutions' heads and deputies invited."""
    meeting_series_schedule(year=2024)


def _action_item_in_progress():
    """A meeting's decision turned into an action item, then marked in progress."""
    meeting_series_schedule(year=2024)
    superuser = User.objects.get(username="admin")
    item = action_item_create(
        by=superuser,
        description="광주 돌봄 인력 지원 방안 마련",
        due_on=date(2024, 6, 30),
        meeting=Meeting.objects.filter(series_year=2024).order_by("pk").first(),
        owner_institution=Institution.objects.order_by("pk").first(),
    )
    return action_item_update(item=item, by=superuser, status="in_progress", note="착수")


def _scored_campaign():
    """A closed campaign of two seeded institutions with a few answers, scored."""
    institutions = list(Institution.objects.order_by("pk")[:2])
    campaign = closed_campaign(institutions=institutions, minimum_sample=1)
    response_with_scores(campaign, institutions[0], (5, 6, 9))
    response_with_scores(campaign, institutions[1], (2, 3, 4))
    return compute_scores(campaign=campaign)


# Rows for the models seed_demo does not fill, or not reliably. A model registered later either
# gets its rows from seed_demo or a builder here; ``test_every_registered_model_has_a_row``
# says which. One builder may serve several models: each runs once.
ROW_BUILDERS = {
    JointProject: _returned_report_with_evidence,
    Kpi: _returned_report_with_evidence,
    ReportingPeriod: _returned_report_with_evidence,
    Report: _returned_report_with_evidence,
    ReportVersion: _returned_report_with_evidence,
    ReportTransition: _returned_report_with_evidence,
    EvidenceFile: _returned_report_with_evidence,
    Group: lambda: Group.objects.create(name="전략추진단 검토자"),
    IntervalSchedule: lambda: IntervalSchedule.objects.create(
        every=1, period=IntervalSchedule.DAYS
    ),
    CrontabSchedule: lambda: CrontabSchedule.objects.create(
        minute="0", hour="9", timezone="Asia/Seoul"
    ),
    SolarSchedule: lambda: SolarSchedule.objects.create(
        event="sunrise", latitude="35.1595", longitude="126.8526"
    ),
    ClockedSchedule: lambda: ClockedSchedule.objects.create(
        clocked_time=timezone.now() + timedelta(days=1)
    ),
    PeriodicTask: _periodic_task,
    Meeting: _meeting_series_2024,
    Invitation: _meeting_series_2024,
    CalendarFeed: lambda: calendar_feed_issue(user=User.objects.get(username="head-gjssa")),
    ActionItem: _action_item_in_progress,
    ActionItemUpdate: _action_item_in_progress,
    ScoreSnapshot: _scored_campaign,
    InstitutionScore: _scored_campaign,
}


def model_id(model) -> str:
    return model._meta.label


@pytest.fixture
def admin_client_with_rows(seeded, client, settings, tmp_path):
    """A superuser's client, and at least one row of every registered model."""
    settings.MEDIA_ROOT = tmp_path / "media"  # evidence files of the row builders
    for build in dict.fromkeys(ROW_BUILDERS.values()):
        build()
    client.force_login(User.objects.get(username="admin"))
    return client


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def superuser_request():
    """A request as the admin asks its ModelAdmins about it (permissions, fields, actions)."""
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    return request


def model_admin_of(model):
    return admin.site._registry[model]


def may_add(model) -> bool:
    return model_admin_of(model).has_add_permission(superuser_request())


def may_change(model, row) -> bool:
    return model_admin_of(model).has_change_permission(superuser_request(), row)


def test_every_registered_model_has_a_row(admin_client_with_rows):
    empty = [model._meta.label for model in REGISTERED_MODELS if not model.objects.exists()]
    assert empty == [], (
        "Add a row builder to ROW_BUILDERS in tests/test_admin.py (or seed the model) for: "
        + ", ".join(empty)
    )


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_changelist_loads(admin_client_with_rows, model):
    changelist = admin_url(model, "changelist")
    response = admin_client_with_rows.get(changelist)

    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in visible_text(response.text)
    # At least one row is listed, linked to its page (a change page, or a view-only one).
    assert re.search(rf'href="{re.escape(changelist)}[^"/]+/change/', response.text)
    # Row checkboxes come with actions only: read-only history has none (not even delete).
    has_actions = bool(model_admin_of(model).get_actions(superuser_request()))
    assert ('name="_selected_action"' in response.text) == has_actions
    # The add link is there exactly when the admin may add such a row.
    assert (f'href="{admin_url(model, "add")}"' in response.text) == may_add(model)


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
@pytest.mark.parametrize("term", ["광주", "zz-no-such-thing"])
def test_changelist_search_loads(admin_client_with_rows, model, term):
    response = admin_client_with_rows.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_add_page_loads(admin_client_with_rows, model):
    response = admin_client_with_rows.get(admin_url(model, "add"))

    if not may_add(model):
        # Made elsewhere (reports by reporting periods, history and evidence by the workflow).
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert "<form" in response.text
    assert 'name="_save"' in response.text


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_change_page_loads(admin_client_with_rows, model):
    row = model._meta.default_manager.order_by("pk").first()
    assert row is not None, f"no {model._meta.label} row: see ROW_BUILDERS"

    response = admin_client_with_rows.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    text = visible_text(response.text)
    assert str(row) in text
    if may_change(model, row):
        assert 'name="_save"' in response.text
        return
    # Read-only: every field is shown, with its label, and none of them is a form field.
    assert 'name="_save"' not in response.text
    model_admin = model_admin_of(model)
    fields = flatten_fieldsets(model_admin.get_fieldsets(superuser_request(), row))
    assert fields
    for name in fields:
        assert f'name="{name}"' not in response.text, name
        assert str(label_for_field(name, model, model_admin)) in text, name
    assert response.text.count('<div class="readonly">') >= len(fields)


@pytest.mark.parametrize(
    ("model_name", "term", "expected", "absent"),
    [
        ("institution", "김대중컨벤션센터", "광주관광공사", "광주교통공사"),
        ("institution", "gjtc", "광주교통공사", "광주관광공사"),
        ("membership", "head-gjssa", "광주사회서비스원 기관장", "광주교통공사"),
        ("user", "광주교통공사", "deputy-gjtc", "head-gjssa"),
        ("predecessorbody", "GJTO", "김대중컨벤션센터", "도시철도공사"),
        ("bureau", "교통국", "Transportation Bureau", "복지건강국"),
    ],
)
def test_admin_search_finds_the_right_rows(
    admin_client_with_rows, model_name, term, expected, absent
):
    response = admin_client_with_rows.get(
        reverse(f"admin:agencies_{model_name}_changelist"), {"q": term}
    )
    assert response.status_code == 200
    start = response.text.find('id="result_list"')
    result = response.text[start : response.text.find("</table>", start)]
    assert expected in result
    assert absent not in result


def test_institution_change_page_has_member_and_lineage_inlines(admin_client_with_rows):
    from agencies.models import Institution

    institution = Institution.objects.get(code="GJTO")
    response = admin_client_with_rows.get(admin_url(Institution, "change", institution.pk))

    text = visible_text(response.text)
    assert "김대중컨벤션센터" in response.text
    assert "관광재단" in response.text
    assert "기관 구성원" in text
    assert "광주관광공사 기관장" in response.text


def test_admin_index_is_in_korean(admin_client_with_rows):
    response = admin_client_with_rows.get(reverse("admin:index"))

    assert response.status_code == 200
    text = visible_text(response.text)
    for label in (
        "동행 포털 관리",
        "기록 관리",
        "기관과 사람",
        "기관",
        "실·국",
        "기존 기관(1단계 구조혁신)",
        "기관 구성원",
        "시 직원",
        "사용자",
    ):
        assert label in text, label


def test_institution_changelist_columns_in_korean(admin_client_with_rows):
    response = admin_client_with_rows.get(reverse("admin:agencies_institution_changelist"))
    text = visible_text(response.text)
    for column in ("기관 코드", "기관명(한국어)", "기관 유형", "소관 실·국", "구성원 수"):
        assert column in text, column
    assert "27" in text


@pytest.mark.parametrize("who", ["staff", "head-gjssa"])
def test_admin_is_for_superusers_only(seeded, client, who):
    client.force_login(User.objects.get(username=who))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
