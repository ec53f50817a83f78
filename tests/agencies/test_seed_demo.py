"""manage.py seed_demo: the 27 demo institutions, their lineage and the demo accounts.

The joint projects it adds are tested in test_demo_projects.py."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from agencies import services
from agencies.models import (
    Bureau,
    CityStaff,
    Institution,
    InstitutionKind,
    LineageChange,
    Membership,
    PredecessorBody,
    User,
)
from portal.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from portal.roles import CityUnit, InstitutionRole
from tests.conftest import UNREPLAYED_DEMO_MODELS
from tests.factories import JointProjectFactory, MembershipFactory, UserFactory

INSTITUTION_CODES = [
    "GJSSA", "GJUC", "GJTC", "GJEC", "GJTO", "GJTP", "GJJEF", "GJCEA", "GJTLE", "GJCF",
    "GJWFF", "GJCGF", "GJICA", "GJGCA", "GJDA", "GJRI", "GJBF", "GJHKS", "GJGM", "GJESA",
    "GJSC", "GJDSC", "GJIEC", "GJVC", "GJPAC", "GJSHT", "GJYDC",
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every table, many-to-many links included, by primary key: what "the same
    database" means, timestamps and all."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def without_survey_responses(snapshot: dict[str, list[dict]]) -> dict[str, list[dict]]:
    unreplayed = {model._meta.label for model in UNREPLAYED_DEMO_MODELS}
    return {label: rows for label, rows in snapshot.items() if label not in unreplayed}


def test_seed_creates_the_institutions_bureaus_and_accounts(seeded):
    # ``seeded`` holds exactly what the command writes (see the fixture's own test).
    assert Bureau.objects.count() == 12
    assert Institution.objects.count() == 27
    assert sorted(Institution.objects.values_list("code", flat=True)) == sorted(INSTITUTION_CODES)
    assert Institution.objects.filter(is_active=True).count() == 27
    assert User.objects.count() == 83
    assert Membership.objects.count() == 81

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff

    city = User.objects.get(username="staff")
    assert not city.is_superuser
    assert not city.is_staff
    assert city.city_staff.unit == CityUnit.STRATEGY_TEAM
    assert city.city_staff.bureau is None
    assert not Membership.objects.filter(user=city).exists()

    for code in INSTITUTION_CODES:
        for role in InstitutionRole:
            membership = Membership.objects.select_related("institution", "user").get(
                user__username=f"{role.value}-{code.lower()}"
            )
            assert membership.institution.code == code
            assert membership.role == role
            assert not membership.user.is_staff


def test_seed_institution_details(seeded):
    gjssa = Institution.objects.select_related("bureau").get(code="GJSSA")
    assert gjssa.name_ko == "광주사회서비스원"
    assert gjssa.name_en == "Gwangju Social Service Agency"
    assert gjssa.kind == InstitutionKind.FUNDED
    assert gjssa.bureau.name_ko == "복지건강국"
    assert gjssa.in_field_dialogue
    assert not gjssa.is_demo

    assert Institution.objects.get(code="GJYDC").is_demo
    kinds = {kind: Institution.objects.filter(kind=kind).count() for kind in InstitutionKind}
    assert kinds == {
        InstitutionKind.CORPORATION: 4,
        InstitutionKind.FUNDED: 16,
        InstitutionKind.CONSIGNED: 7,
    }


@pytest.mark.parametrize(
    ("code", "lineage"),
    [
        ("GJTO", {("관광재단", LineageChange.MERGED), ("김대중컨벤션센터", LineageChange.MERGED)}),
        ("GJTP", {("테크노파크", LineageChange.MERGED), ("과학기술진흥원", LineageChange.MERGED)}),
        ("GJSSA", {("사회서비스원", LineageChange.MERGED), ("복지연구원", LineageChange.MERGED)}),
        (
            "GJJEF",
            {("상생일자리재단", LineageChange.MERGED), ("경제고용진흥원", LineageChange.MERGED)},
        ),
        ("GJTC", {("도시철도공사", LineageChange.STRENGTHENED)}),
        ("GJCEA", {("국제기후환경센터", LineageChange.STRENGTHENED)}),
        ("GJTLE", {("평생교육진흥원", LineageChange.STRENGTHENED)}),
        ("GJUC", set()),
        ("GJYDC", set()),
    ],
)
def test_seed_parses_the_phase_one_lineage(seeded, code, lineage):
    institution = Institution.objects.get(code=code)
    assert set(institution.predecessors.values_list("name_ko", "change")) == lineage
    assert set(institution.predecessors.values_list("year", flat=True)) <= {2023}


def test_seed_lineage_totals(seeded):
    assert Institution.objects.get(code="GJTO").name_ko == "광주관광공사"
    assert Institution.objects.get(code="GJTC").name_ko == "광주교통공사"
    assert PredecessorBody.objects.filter(change=LineageChange.MERGED).count() == 8
    assert PredecessorBody.objects.filter(change=LineageChange.STRENGTHENED).count() == 3


def test_running_seed_twice_leaves_the_database_as_it_was(db):
    seed()
    first = database_snapshot()
    seed()
    second = database_snapshot()

    for label in (
        "agencies.Institution",
        "agencies.JointProject",
        "agencies.JointProject_partner_institutions",
        "agencies.ReportTransition",
        "meetings.Meeting",
        "meetings.Invitation",
    ):
        assert first[label], f"the snapshot must hold the seeded rows of {label}"
    assert second == first


def test_the_seeded_fixture_holds_what_the_command_writes(seeded):
    """``seeded`` replays rows recorded from the command; running the command over them
    changes nothing, and new rows still get fresh ids."""
    replayed = database_snapshot()
    assert replayed["agencies.JointProject_partner_institutions"]
    assert replayed["agencies.KpiValue"]
    seed()
    # ``seeded`` does not replay the demo's survey responses (too many rows to write for every
    # test): the command adds them again and changes nothing else. Their own idempotence is
    # tested in tests/evaluations/test_scoring_demo.py.
    assert without_survey_responses(database_snapshot()) == without_survey_responses(replayed)
    assert UserFactory(username="later").pk > max(row["id"] for row in replayed["agencies.User"])
    project = JointProjectFactory()
    assert project.pk > max(row["id"] for row in replayed["agencies.JointProject"])


def test_seed_again_keeps_demo_sessions_signed_in(db, client):
    """Re-running seed_demo with the same password must not change the password hash, which
    Django uses to end every session of the account."""
    seed()
    client.force_login(User.objects.get(username="head-gjssa"))
    assert client.get("/agencies/mine/").status_code == 200

    seed()
    response = client.get("/agencies/mine/")
    assert response.status_code == 200
    assert "광주사회서비스원" in response.text


def test_seed_password_option_sets_a_password_that_authenticates(db):
    seed("--password", "another-secret-2024")

    for username in ("admin", "staff", "head-gjssa", "deputy-gjtc", "staff-gjydc"):
        assert authenticate(username=username, password="another-secret-2024") is not None
        assert authenticate(username=username, password=DEFAULT_DEMO_PASSWORD) is None

    seed()  # back to the default password
    assert authenticate(username="head-gjssa", password=DEFAULT_DEMO_PASSWORD) is not None
    assert authenticate(username="head-gjssa", password="another-secret-2024") is None


def test_seed_default_password_authenticates(seeded):
    user = authenticate(username="deputy-gjto", password=DEFAULT_DEMO_PASSWORD)
    assert user is not None
    assert user.membership.institution.name_ko == "광주관광공사"


def test_seed_refuses_a_short_password(db):
    with pytest.raises(CommandError, match="at least 8 characters"):
        seed("--password", "short")
    assert not User.objects.exists()


def test_seed_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not Institution.objects.exists()
    assert not User.objects.exists()

    call_command("seed_demo", "--force", stdout=StringIO())
    assert Institution.objects.count() == 27


def test_seed_runs_without_force_when_debug_is_on(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert Institution.objects.count() == 27


def test_seed_prints_the_accounts(db):
    output = seed("--password", "printed-password-1")

    assert "12 bureaus, 27 institutions, 83 demo accounts." in output
    assert (
        "81 joint projects (81 added this run), 324 reports "
        "(162 draft, 54 submitted, 27 returned, 81 accepted); "
        "216 of them walked through the workflow this run."
    ) in output
    assert "printed-password-1" in output
    lines = output.splitlines()
    for username in ("admin", "staff", "head-gjssa", "deputy-gjssa", "staff-gjssa", "head-gjydc"):
        assert any(line.split()[:1] == [username] for line in lines), username
    account_lines = [line for line in lines if line.startswith("  ")]
    assert len(account_lines) == 83
    head_line = next(line for line in account_lines if line.split()[0] == "head-gjssa")
    assert "기관장" in head_line
    assert "광주사회서비스원" in head_line


def test_seed_never_displaces_a_real_head(db):
    """An administrator's head of GJSSA keeps the seat; the demo head account becomes staff."""
    seed()
    Membership.objects.filter(user__username="head-gjssa").delete()
    real_head = MembershipFactory(
        institution=Institution.objects.get(code="GJSSA"),
        role=InstitutionRole.HEAD,
        user=UserFactory(username="real-head"),
    )

    seed()

    assert Membership.objects.get(institution__code="GJSSA", role=InstitutionRole.HEAD) == real_head
    assert Membership.objects.get(user__username="head-gjssa").role == InstitutionRole.STAFF


def test_seed_makes_an_account_city_staff_again(db):
    seed()
    staff = User.objects.get(username="staff")
    CityStaff.objects.filter(user=staff).delete()
    MembershipFactory(user=staff, institution=Institution.objects.get(code="GJUC"))

    seed()

    assert not Membership.objects.filter(user=staff).exists()
    assert CityStaff.objects.get(user=staff).unit == CityUnit.STRATEGY_TEAM


# --- parse_lineage and the CSV loader ------------------------------------------------------


@pytest.mark.parametrize(
    ("formed_from", "expected"),
    [
        ("", []),
        ("   ", []),
        ("관광재단+김대중컨벤션센터", [("관광재단", "merged"), ("김대중컨벤션센터", "merged")]),
        (" 관광재단 + 김대중컨벤션센터 ", [("관광재단", "merged"), ("김대중컨벤션센터", "merged")]),
        ("가+나+다", [("가", "merged"), ("나", "merged"), ("다", "merged")]),
        ("가+", [("가", "merged")]),
        ("도시철도공사 (strengthened)", [("도시철도공사", "strengthened")]),
        ("  도시철도공사(strengthened) ", [("도시철도공사", "strengthened")]),
        ("국제 기후환경 센터 (strengthened)", [("국제 기후환경 센터", "strengthened")]),
        ("단독기관", [("단독기관", "merged")]),
    ],
)
def test_parse_lineage(formed_from, expected):
    assert services.parse_lineage(formed_from) == expected
    assert all(
        isinstance(change, LineageChange) for _, change in services.parse_lineage(formed_from)
    )


CSV_HEADER = (
    "code,name_ko,name_en,kind,supervising_bureau_ko,field_dialogue_2024,formed_from,demo\n"
)


def test_institutions_load_mirrors_the_file_lineage(db, tmp_path):
    bureaus = services.bureaus_load()
    path = tmp_path / "institutions.csv"
    path.write_text(
        CSV_HEADER + "GJTO,광주관광공사,Gwangju Tourism,corporation,문화체육실,yes,가+나,no\n",
        encoding="utf-8",
    )
    services.institutions_load(path=path, bureaus=bureaus)
    assert set(PredecessorBody.objects.values_list("name_ko", flat=True)) == {"가", "나"}

    path.write_text(
        CSV_HEADER
        + "gjto,광주관광공사,Gwangju Tourism,corporation,문화체육실,no,가 (strengthened),no\n",
        encoding="utf-8",
    )
    services.institutions_load(path=path, bureaus=bureaus)

    institution = Institution.objects.get()
    assert institution.code == "GJTO"
    assert not institution.in_field_dialogue
    assert list(PredecessorBody.objects.values_list("name_ko", "change")) == [
        ("가", LineageChange.STRENGTHENED)
    ]


def test_institutions_load_names_the_line_of_an_unknown_bureau(db, tmp_path):
    bureaus = services.bureaus_load()
    path = tmp_path / "institutions.csv"
    path.write_text(
        CSV_HEADER
        + "GJUC,광주도시공사,Urban,corporation,도시공간국,yes,,no\n"
        + "GJXX,없는기관,Nowhere,funded,없는국,no,,yes\n",
        encoding="utf-8",
    )
    with pytest.raises(
        services.SeedDataError, match=r"institutions\.csv:3: unknown bureau '없는국'"
    ):
        services.institutions_load(path=path, bureaus=bureaus)
    assert not Institution.objects.exists()
