"""factory-boy factories for the portal's models."""

import datetime
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from agencies.models import (
    Bureau,
    BureauKind,
    CityStaff,
    Institution,
    InstitutionKind,
    JointProject,
    Kpi,
    KpiDirection,
    LineageChange,
    Membership,
    PredecessorBody,
    ProjectStatus,
    User,
)
from evaluations.models import InnovationArea
from portal.roles import CityUnit, InstitutionRole

TEST_PASSWORD = "test-password-1234"
_TEST_PASSWORD_HASHES: dict[str, str] = {}


def _test_password_hash() -> str:
    """One hash per configured hasher: a world built outside a test (module scope, default
    hashers) must not hand a hash to tests that run with the fast hasher only."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _TEST_PASSWORD_HASHES:
        _TEST_PASSWORD_HASHES[hasher] = make_password(TEST_PASSWORD)
    return _TEST_PASSWORD_HASHES[hasher]


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau
        django_get_or_create = ("name_ko",)

    name_ko = factory.Sequence(lambda n: f"시험{n}국")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    kind = BureauKind.BUREAU


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"TI{n:03d}")
    name_ko = factory.Sequence(lambda n: f"시험기관{n}")
    name_en = factory.Sequence(lambda n: f"Test Institution {n}")
    kind = InstitutionKind.FUNDED
    bureau = factory.SubFactory(BureauFactory)
    website = "https://example.org/"


class PredecessorBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PredecessorBody

    successor = factory.SubFactory(InstitutionFactory)
    name_ko = factory.Sequence(lambda n: f"옛기관{n}")
    change = LineageChange.MERGED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"사용자{n}")
    password = factory.LazyFunction(_test_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = InstitutionRole.STAFF


class CityStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityStaff

    user = factory.SubFactory(UserFactory)
    unit = CityUnit.STRATEGY_TEAM
    bureau = None


def member_of(institution, role: InstitutionRole, username: str | None = None) -> User:
    kwargs = {"user__username": username} if username else {}
    return MembershipFactory(
        institution=institution, role=role, user__name=f"{role.label}", **kwargs
    ).user


def city_staff_user(username: str = "city-staff") -> User:
    return CityStaffFactory(user__username=username).user


def admin_user(username: str = "admin") -> User:
    return UserFactory(username=username, is_staff=True, is_superuser=True)


class JointProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointProject
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"시험 공동사업 {n}")
    summary = "시민이 체감하는 시험 사업입니다."
    lead_institution = factory.SubFactory(InstitutionFactory)
    bureau = factory.LazyAttribute(lambda project: project.lead_institution.bureau)
    area = InnovationArea.SERVICE
    year = 2024
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2024, 12, 31)
    status = ProjectStatus.UNDER_WAY
    is_published = True


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    project = factory.SubFactory(JointProjectFactory)
    name = factory.Sequence(lambda n: f"지표 {n}")
    unit = "명"
    baseline = Decimal("0")
    target = Decimal("100")
    direction = KpiDirection.HIGHER_IS_BETTER
    weight = Decimal("1")


def project_with_reports(**kwargs) -> JointProject:
    """A project with one KPI (unless ``kpis=[...]`` dicts are given), quarterly periods and
    their empty reports."""
    from agencies.services import reporting_periods_generate

    kpis = kwargs.pop("kpis", [{}])
    project = JointProjectFactory(**kwargs)
    for position, kpi in enumerate(kpis):
        KpiFactory(project=project, position=position, **kpi)
    reporting_periods_generate(project=project)
    return project


def report_in_state(
    report,
    state: str,
    *,
    drafter: User,
    submitter: User,
    reviewer: User,
    evidence=(),
    narrative: str = "추진 실적을 적었습니다.",
):
    """Take a fresh (draft, empty) report to ``state`` through the workflow's services: the
    ``drafter`` saves a draft with a value for every KPI (and attaches the ``evidence``
    uploads), the ``submitter`` submits it, the ``reviewer`` accepts or returns it."""
    from agencies.models import ReportState
    from agencies.services import (
        evidence_attach,
        report_accept,
        report_return,
        report_save_draft,
        report_submit,
    )

    report_save_draft(
        report=report,
        by=drafter,
        expected_version=report.version,
        narrative=narrative,
        difficulties="",
        has_difficulties=False,
        kpi_values={kpi.pk: Decimal("40") for kpi in report.project.kpis.all()},
    )
    for upload in evidence:
        evidence_attach(report=report, by=drafter, expected_version=report.version, upload=upload)
    if state == ReportState.DRAFT:
        return report
    report_submit(report=report, by=submitter)
    if state == ReportState.ACCEPTED:
        report_accept(report=report, by=reviewer)
    elif state == ReportState.RETURNED:
        report_return(report=report, by=reviewer, comment="목표 대비 근거를 보완해 주세요.")
    return report
