"""Django admin: every registered model's pages load for a superuser, in Korean.

The cases come from ``admin.site._registry``, so a model registered later is covered without
touching this file; it only needs a row to open (see ``ROW_BUILDERS``).
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from agencies.models import User
from tests.pages import visible_text

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _periodic_task():
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(
        name="세션 정리", task="portal.tasks.clear_expired_sessions", interval=interval
    )


# Rows for the models seed_demo does not fill. A model registered later either gets its rows
# from seed_demo or a builder here; ``test_every_registered_model_has_a_row`` says which.
ROW_BUILDERS = {
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
}


def model_id(model) -> str:
    return model._meta.label


@pytest.fixture
def admin_client_with_rows(seeded, client):
    """A superuser's client, and at least one row of every registered model."""
    for build in ROW_BUILDERS.values():
        build()
    client.force_login(User.objects.get(username="admin"))
    return client


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_registered_model_has_a_row(admin_client_with_rows):
    empty = [model._meta.label for model in REGISTERED_MODELS if not model.objects.exists()]
    assert empty == [], (
        "Add a row builder to ROW_BUILDERS in tests/test_admin.py (or seed the model) for: "
        + ", ".join(empty)
    )


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_changelist_loads(admin_client_with_rows, model):
    response = admin_client_with_rows.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in visible_text(response.text)
    assert 'name="_selected_action"' in response.text  # at least one row is listed


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
@pytest.mark.parametrize("term", ["광주", "zz-no-such-thing"])
def test_changelist_search_loads(admin_client_with_rows, model, term):
    response = admin_client_with_rows.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_add_page_loads(admin_client_with_rows, model):
    response = admin_client_with_rows.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert "<form" in response.text
    assert 'name="_save"' in response.text


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=model_id)
def test_change_page_loads(admin_client_with_rows, model):
    row = model._meta.default_manager.order_by("pk").first()
    assert row is not None, f"no {model._meta.label} row: see ROW_BUILDERS"

    response = admin_client_with_rows.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    assert 'name="_save"' in response.text
    assert str(row) in visible_text(response.text)


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
