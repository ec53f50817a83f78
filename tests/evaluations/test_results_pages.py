"""The results pages: who sees what when, the CSV, the charts with their tables, the appeal
pages, and pinned query counts. Scores are written straight into a snapshot
(``results_data``): the pages only read snapshots."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Appeal, AppealStatus, CampaignStatus, InstitutionScore
from evaluations.services import appeal_file
from tests.evaluation_factories import CampaignFactory
from tests.evaluations.results_data import (
    score_fields,
    scored_campaign,
    snapshot_with_scores,
    under_appeal,
)
from tests.factories import InstitutionFactory
from tests.pages import page_heading, section_text, visible_text
from tests.world import ROLE_NAMES

X_LEADERS = ("head_x", "deputy_x")
CITY = ("city_staff", "admin")


def result_urls(campaign, world) -> dict[str, str]:
    slug = campaign.slug
    return {
        "results": reverse("evaluations:results", kwargs={"slug": slug}),
        "csv": reverse("evaluations:results_csv", kwargs={"slug": slug}),
        "breakdown-x": reverse(
            "evaluations:breakdown", kwargs={"slug": slug, "code": world.institution_x.slug}
        ),
        "breakdown-y": reverse(
            "evaluations:breakdown", kwargs={"slug": slug, "code": world.institution_y.slug}
        ),
    }


# --- Nobody sees results while a campaign is open ------------------------------------------------


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.OPEN])
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_nobody_sees_results_while_open(world, client_as, role, status):
    """Even with a snapshot already written (a recompute while open), every results address
    is a 404 to every role, and the trend page leaves the campaign out."""
    campaign = scored_campaign(
        [world.institution_x, world.institution_y],
        status=status,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=5),
        title="진행 중 평가",
    )
    client = client_as(world.users[role])
    for name, url in result_urls(campaign, world).items():
        assert client.get(url).status_code == 404, (role, name)

    trend = client.get(
        reverse("evaluations:institution_trend", kwargs={"code": world.institution_x.slug})
    )
    assert trend.status_code == 200
    assert "진행 중 평가" not in trend.text
    assert "90.50" not in trend.text


@pytest.mark.parametrize("status", [CampaignStatus.CLOSED, CampaignStatus.UNDER_APPEAL])
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_before_publication_only_the_institutions_leaders_and_the_city_see_its_breakdown(
    world, client_as, role, status
):
    campaign = scored_campaign([world.institution_x, world.institution_y], status=status)
    client = client_as(world.users[role])
    urls = result_urls(campaign, world)

    # The ranking and its CSV are for the public, after publication only.
    assert client.get(urls["results"]).status_code == 404
    assert client.get(urls["csv"]).status_code == 404
    x_breakdown = client.get(urls["breakdown-x"])
    y_breakdown = client.get(urls["breakdown-y"])
    assert x_breakdown.status_code == (200 if role in (*X_LEADERS, *CITY) else 404)
    assert y_breakdown.status_code == (200 if role in ("head_y", *CITY) else 404)
    if x_breakdown.status_code == 200:
        assert "아직 공개하지 않은 결과입니다" in x_breakdown.text
        assert "90.50" in x_breakdown.text
        # Their own breakdown only: no other institution's score on the page.
        assert "80.50" not in x_breakdown.text


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_published_results_are_public(world, client_as, role):
    campaign = scored_campaign([world.institution_x, world.institution_y])
    client = client_as(world.users[role])
    for name, url in result_urls(campaign, world).items():
        response = client.get(url)
        assert response.status_code == 200, (role, name)
    breakdown = client.get(result_urls(campaign, world)["breakdown-x"])
    assert "아직 공개하지 않은" not in breakdown.text
    # Appeals stay the institution's and the city's business after publication.
    assert bool(section_text(breakdown.text, "appeals-title")) == (role in (*X_LEADERS, *CITY))


def test_an_institution_not_evaluated_has_no_breakdown(world, client):
    campaign = scored_campaign([world.institution_y])
    url = reverse(
        "evaluations:breakdown", kwargs={"slug": campaign.slug, "code": world.institution_x.slug}
    )
    assert client.get(url).status_code == 404


def test_a_closed_campaign_not_yet_scored_says_so(world, client_as):
    campaign = CampaignFactory(
        status=CampaignStatus.CLOSED,
        institutions=[world.institution_x],
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = client_as(world.users["head_x"]).get(result_urls(campaign, world)["breakdown-x"])
    assert response.status_code == 200
    assert "아직 점수를 계산하지 않았습니다" in response.text
    assert client_as(world.users["head_y"]).get(
        result_urls(campaign, world)["breakdown-y"]
    ).status_code == 404


# --- The ranking, the CSV, the charts --------------------------------------------------------


def ranked_world(world):
    """X first (excellent), Y second, Z below the minimum sample (unranked)."""
    z = InstitutionFactory(code="ZINST", name_ko="제트기관")
    campaign = scored_campaign([], title="2025년 공공기관 시민 평가", year=2025)
    campaign.institutions.set([world.institution_x, world.institution_y, z])
    snapshot_with_scores(
        campaign,
        [
            (
                world.institution_x,
                score_fields(
                    "86.25",
                    citizen_n=412,
                    citizen_index="88.10",
                    stakeholder_n=25,
                    stakeholder_index="79.00",
                    kpi_achievement="92.00",
                    timeliness="100.00",
                    follow_through="75.00",
                    grade="A",
                ),
            ),
            (world.institution_y, score_fields("71.40", grade="C", follow_through=None)),
            (z, score_fields("64.00", citizen_n=12, insufficient_sample=True, grade="")),
        ],
    )
    return campaign, z


def test_the_ranking_shows_every_component(world, client):
    campaign, _ = ranked_world(world)
    response = client.get(reverse("evaluations:results", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert page_heading(response.text) == "2025년 공공기관 시민 평가 결과"
    table = section_text(response.text, "ranking-title")
    assert table.index("엑스기관") < table.index("와이기관") < table.index("제트기관")
    for value in ("88.10 (412)", "79.00 (25)", "92.00", "100.00", "75.00", "86.25"):
        assert value in table
    assert "표본 부족" in table
    assert "우수 기관" in table
    # The chart draws the ranked institutions; the unranked one is in the table only.
    svg = re.search(r"<svg\b.*?</svg>", response.text, re.DOTALL).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="ranking-chart-title ranking-chart-desc"' in svg
    assert '<title id="ranking-chart-title">기관별 종합 점수</title>' in svg
    assert "<desc id=\"ranking-chart-desc\">" in svg
    assert svg.count('class="chart__bar') == 2
    assert "제트기관" not in svg
    assert "style=" not in response.text  # CSP: no inline styles


def test_results_csv_has_the_documented_columns_and_values(world, client):
    campaign, _ = ranked_world(world)
    response = client.get(reverse("evaluations:results_csv", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{campaign.slug}-results.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "code", "name", "citizen_n", "citizen_index", "stakeholder_n", "stakeholder_index",
        "kpi_achievement", "timeliness", "follow_through", "composite", "grade", "rank",
    ]
    assert rows[1] == [
        "XINST", "엑스기관", "412", "88.10", "25", "79.00", "92.00", "100.00", "75.00",
        "86.25", "A", "1",
    ]
    assert rows[2] == [
        "YINST", "와이기관", "30", "71.40", "12", "71.40", "71.40", "71.40", "", "71.40", "C",
        "2",
    ]
    # Below the minimum sample: no rank, no grade.
    assert rows[3][:3] == ["ZINST", "제트기관", "12"]
    assert rows[3][-2:] == ["", ""]
    assert len(rows) == 4


def test_the_breakdown_has_a_chart_a_table_and_the_dimensions(world, client):
    campaign, _ = ranked_world(world)
    response = client.get(result_urls(campaign, world)["breakdown-x"])
    assert response.status_code == 200
    assert page_heading(response.text) == "엑스기관"
    svg = re.search(r"<svg\b.*?</svg>", response.text, re.DOTALL).group(0)
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert svg.count('class="chart__bar') == 6  # five components and the composite
    components = section_text(response.text, "components-title")
    # value, n, confidence interval, weight, weighted points (88.10 × 40 / 100)
    assert "시민 만족도 88.10 412 81.25 – 91.25 40 35.24" in components, components
    assert "조치 이행 75.00 10 7.50" in components
    assert "종합 점수 86.25" in components
    dimensions = section_text(response.text, "dimensions-title")
    assert "과정 86.25 86.25" in dimensions
    assert "전반적 만족 86.25 -" in dimensions


def test_a_missing_component_is_drawn_and_listed_as_no_value(world, client):
    campaign, _ = ranked_world(world)
    response = client.get(result_urls(campaign, world)["breakdown-y"])
    assert "조치 이행 - 10 -" in section_text(response.text, "components-title")
    assert "값 없음" in re.search(r"<svg\b.*?</svg>", response.text, re.DOTALL).group(0)


def test_the_trend_shows_published_years_in_order(world, client):
    older = scored_campaign([world.institution_x], year=2024, title="2024년 평가")
    newer = scored_campaign([world.institution_x], year=2025, title="2025년 평가")
    InstitutionScore.objects.filter(snapshot__campaign=newer).update(composite="95.00")
    scored_campaign(
        [world.institution_x], year=2026, title="2026년 평가", status=CampaignStatus.CLOSED
    )
    response = client.get(
        reverse("evaluations:institution_trend", kwargs={"code": world.institution_x.slug})
    )
    assert response.status_code == 200
    table = section_text(response.text, "trend-table-title")
    assert table.index("2024년 평가") < table.index("2025년 평가")
    assert "2026년 평가" not in response.text
    assert "95.00" in table
    svg = re.search(r"<svg\b.*?</svg>", response.text, re.DOTALL).group(0)
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert svg.count("<polyline") == 2
    assert older.slug in response.text


def test_the_index_lists_campaigns_with_their_links(world, client_as):
    published = scored_campaign([world.institution_x], title="지난해 평가")
    closed = scored_campaign([world.institution_x], status="closed", title="마감한 평가")
    CampaignFactory(status=CampaignStatus.DRAFT, title="준비 중인 평가")
    results_url = reverse("evaluations:results", kwargs={"slug": published.slug})
    own_breakdown = result_urls(closed, world)["breakdown-x"]

    public = client_as(None).get(reverse("evaluations:index"))
    assert public.status_code == 200
    assert "지난해 평가" in public.text
    assert "마감한 평가" in public.text
    assert "준비 중인 평가" not in public.text
    assert results_url in public.text
    assert own_breakdown not in public.text

    head = client_as(world.users["head_x"]).get(reverse("evaluations:index"))
    assert own_breakdown in head.text
    staff = client_as(world.users["staff_x"]).get(reverse("evaluations:index"))
    assert own_breakdown not in staff.text

    city = client_as(world.users["city_staff"]).get(reverse("evaluations:index"))
    assert "준비 중인 평가" in city.text
    assert reverse("evaluations:appeals", kwargs={"slug": closed.slug}) in city.text


def test_the_results_page_in_english(world, client):
    campaign, _ = ranked_world(world)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("evaluations:results", kwargs={"slug": campaign.slug}))
    text = visible_text(response.text)
    assert "Citizen satisfaction" in text
    assert "Insufficient sample" in text
    assert "순위와 구성 요소" not in text


# --- Query counts ----------------------------------------------------------------------------


def many_scored(world, count: int):
    institutions = [world.institution_x, world.institution_y] + [
        InstitutionFactory() for _ in range(count - 2)
    ]
    return scored_campaign(institutions), institutions


@pytest.mark.parametrize("count", [2, 27])
def test_results_page_queries_do_not_grow(world, client, django_assert_max_num_queries, count):
    campaign, _ = many_scored(world, count)
    url = reverse("evaluations:results", kwargs={"slug": campaign.slug})
    # The request's savepoint and its release (ATOMIC_REQUESTS) come with every count here.
    # Rendered: the campaign with its snapshot id, then the scores with their institutions.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    # Cached (a snapshot never changes): no query at all.
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("<tr>") == count + 1


def test_a_new_snapshot_is_shown_at_once(world, client):
    campaign, _ = ranked_world(world)
    url = reverse("evaluations:results", kwargs={"slug": campaign.slug})
    assert "86.25" in client.get(url).text
    snapshot_with_scores(campaign, [(world.institution_x, score_fields("55.55"))])
    response = client.get(url)
    assert "55.55" in response.text
    assert "86.25" not in response.text


def test_a_renamed_campaign_and_an_unpublished_one_are_seen_at_once(world, client):
    campaign, _ = ranked_world(world)
    url = reverse("evaluations:results", kwargs={"slug": campaign.slug})
    client.get(url)
    campaign.title = "고친 제목"
    campaign.save()
    assert "고친 제목" in client.get(url).text
    campaign.status = CampaignStatus.UNDER_APPEAL
    campaign.published_at = None
    campaign.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [2, 27])
def test_csv_breakdown_trend_and_index_queries(
    world, client_as, django_assert_max_num_queries, count
):
    campaign, _ = many_scored(world, count)
    urls = result_urls(campaign, world)
    client = client_as(None)
    # Counts include the request's savepoint and its release (ATOMIC_REQUESTS).
    with django_assert_max_num_queries(4):  # campaign, scores
        client.get(urls["csv"])
    with django_assert_max_num_queries(5):  # institution (then cached), campaign, score
        client.get(urls["breakdown-x"])
    with django_assert_max_num_queries(4):  # institution (cached now), scores with campaigns
        client.get(
            reverse("evaluations:institution_trend", kwargs={"code": world.institution_x.slug})
        )
    with django_assert_max_num_queries(3):  # campaigns with their institution counts
        client.get(reverse("evaluations:index"))
    head = client_as(world.users["head_x"])
    head.get(urls["breakdown-x"])  # warm the institution cache
    # session, user, membership, campaign, score, appeals
    with django_assert_max_num_queries(8):
        assert head.get(urls["breakdown-x"]).status_code == 200


@pytest.mark.parametrize("count", [2, 27])
def test_appeals_page_queries(world, client_as, django_assert_max_num_queries, count):
    institutions = [world.institution_x, world.institution_y] + [
        InstitutionFactory() for _ in range(count - 2)
    ]
    campaign = under_appeal(institutions)
    for institution in institutions[:count]:
        Appeal.objects.create(
            campaign=campaign, institution=institution, filed_by=world.users["head_x"],
            text="이의",
        )
    client = client_as(world.users["city_staff"])
    url = reverse("evaluations:appeals", kwargs={"slug": campaign.slug})
    client.get(url)
    # savepoint, session, user, membership, city staff, campaign, snapshot id, appeals,
    # blockers (2), ranking, release
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.text.count('class="card"') == count


# --- Appeal and publication pages -------------------------------------------------------------


def test_the_head_files_an_appeal_from_the_breakdown_page(world, client_as):
    campaign = under_appeal([world.institution_x])
    urls = result_urls(campaign, world)
    head = client_as(world.users["head_x"])
    page = head.get(urls["breakdown-x"])
    assert "이의신청하기" in page.text
    file_url = reverse(
        "evaluations:appeal_file", kwargs={"slug": campaign.slug, "code": world.institution_x.slug}
    )

    empty = head.post(file_url, {"text": ""})
    assert empty.status_code == 400
    assert 'id="id_text_error"' in empty.text
    assert not Appeal.objects.exists()

    response = head.post(file_url, {"text": "2분기 보고서를 기한 안에 냈는데 늦었다고 셌습니다."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.filed_by == world.users["head_x"]
    after = head.get(urls["breakdown-x"])
    assert "검토 중" in section_text(after.text, "appeals-title")
    assert "이의신청하기" not in after.text  # one pending appeal at a time


def test_no_appeal_form_after_the_deadline_and_filing_is_refused(world, client_as):
    campaign = under_appeal([world.institution_x], days_left=-1)
    head = client_as(world.users["head_x"])
    assert "이의신청하기" not in head.get(result_urls(campaign, world)["breakdown-x"]).text
    response = head.post(
        reverse(
            "evaluations:appeal_file",
            kwargs={"slug": campaign.slug, "code": world.institution_x.slug},
        ),
        {"text": "늦었지만 이의를 신청합니다."},
    )
    assert response.status_code == 400
    assert "이의신청 기간이 끝났습니다." in response.text
    assert not Appeal.objects.exists()


def test_city_staff_answer_then_publish(world, client_as):
    campaign = under_appeal([world.institution_x, world.institution_y])
    appeal = appeal_file(
        campaign=campaign, institution=world.institution_x, by=world.users["head_x"],
        text="시민 만족도에 다른 기관 응답이 섞였습니다.",
    )
    city = client_as(world.users["city_staff"])
    appeals_url = reverse("evaluations:appeals", kwargs={"slug": campaign.slug})
    page = city.get(appeals_url)
    assert "시민 만족도에 다른 기관 응답이 섞였습니다." in page.text
    assert "현재 계산 결과 미리 보기" in page.text

    # Deadline passed, but an appeal is pending: the publish button is refused.
    campaign.appeal_deadline = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    publish_url = reverse("evaluations:publish", kwargs={"slug": campaign.slug})
    refused = city.post(publish_url)
    assert refused.status_code == 400
    assert "답하지 않은 이의신청이 있습니다." in refused.text
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.UNDER_APPEAL

    answer_url = reverse(
        "evaluations:appeal_answer", kwargs={"slug": campaign.slug, "pk": appeal.pk}
    )
    missing = city.post(answer_url, {f"appeal-{appeal.pk}-decision": "upheld"})
    assert missing.status_code == 400
    assert f'id="id_appeal-{appeal.pk}-answer_error"' in missing.text
    answered = city.post(
        answer_url,
        {
            f"appeal-{appeal.pk}-decision": "upheld",
            f"appeal-{appeal.pk}-answer": "해당 응답을 제외하고 다시 계산했습니다.",
        },
    )
    assert answered.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD

    published = city.post(publish_url)
    assert published.status_code == 302
    assert published["Location"] == reverse("evaluations:results", kwargs={"slug": campaign.slug})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    # The head reads the answer on the now public breakdown.
    head_view = client_as(world.users["head_x"]).get(result_urls(campaign, world)["breakdown-x"])
    assert "해당 응답을 제외하고 다시 계산했습니다." in head_view.text


def test_city_staff_open_the_window_by_its_last_day(world, client_as):
    campaign = scored_campaign([world.institution_x], status=CampaignStatus.CLOSED)
    city = client_as(world.users["city_staff"])
    url = reverse("evaluations:appeals_open", kwargs={"slug": campaign.slug})
    last_day = timezone.localdate() + datetime.timedelta(days=7)

    bad = city.post(url, {"last_day": "2020-01-01"})
    assert bad.status_code == 400
    assert 'id="id_last_day_error"' in bad.text

    response = city.post(url, {"last_day": last_day.isoformat()})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.UNDER_APPEAL
    deadline = timezone.localtime(campaign.appeal_deadline)
    assert deadline.date() == last_day + datetime.timedelta(days=1)
    assert (deadline.hour, deadline.minute) == (0, 0)


def test_the_appeal_actions_fragment_links_the_appeals_page(world):
    from django.template.loader import render_to_string

    campaign = under_appeal([world.institution_x])
    html = render_to_string("evaluations/_appeal_actions.html", {"campaign": campaign})
    assert reverse("evaluations:appeals", kwargs={"slug": campaign.slug}) in html
    assert "이의신청 마감" in html


def test_the_institution_page_links_its_evaluation_trend(world, client):
    response = client.get(world.institution_x.get_absolute_url())
    trend = reverse("evaluations:institution_trend", kwargs={"code": world.institution_x.slug})
    assert f'href="{trend}"' in response.text
