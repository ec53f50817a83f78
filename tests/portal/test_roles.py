"""portal.roles: who a user is, and the database invariants behind it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.models import CityStaff, Institution, Membership
from portal.roles import (
    CityUnit,
    InstitutionRole,
    Role,
    affiliation_of,
    forget_affiliation,
    has_city_powers,
    is_member_of,
    sees_private_records_of,
)
from tests.factories import (
    BureauFactory,
    CityStaffFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    member_of,
)


@pytest.fixture
def people(world):
    """The permission-matrix world plus a citizen, a bureau official and a member-admin."""
    bureau = BureauFactory(name_ko="복지건강국")
    users = dict(world.users)
    users["citizen"] = UserFactory(username="citizen")
    users["bureau_staff"] = CityStaffFactory(
        user__username="bureau-staff", unit=CityUnit.BUREAU, bureau=bureau
    ).user
    # A superuser who also holds a seat in X is an administrator first.
    users["admin_member_x"] = member_of(world.institution_x, InstitutionRole.STAFF, "admin-x")
    users["admin_member_x"].is_superuser = True
    users["admin_member_x"].save()
    return world, users, bureau


# who, role, institution ("x", "y" or None), city powers, member of x, member of y,
# sees private records of x, sees private records of y, leads an institution
ROLE_TABLE = [
    ("anonymous", Role.ANONYMOUS, None, False, False, False, False, False, False),
    ("citizen", Role.CITIZEN, None, False, False, False, False, False, False),
    ("staff_x", Role.INSTITUTION_STAFF, "x", False, True, False, True, False, False),
    ("deputy_x", Role.DEPUTY_HEAD, "x", False, True, False, True, False, True),
    ("head_x", Role.HEAD, "x", False, True, False, True, False, True),
    ("staff_y", Role.INSTITUTION_STAFF, "y", False, False, True, False, True, False),
    ("head_y", Role.HEAD, "y", False, False, True, False, True, True),
    ("city_staff", Role.CITY_STAFF, None, True, False, False, True, True, False),
    ("bureau_staff", Role.CITY_STAFF, None, True, False, False, True, True, False),
    ("admin", Role.ADMIN, None, True, False, False, True, True, False),
    ("admin_member_x", Role.ADMIN, "x", True, True, False, True, True, False),
]


@pytest.mark.parametrize(
    ("who", "role", "institution", "city_powers", "member_x", "member_y", "sees_x", "sees_y",
     "leads"),
    ROLE_TABLE,
)
def test_affiliation_and_powers(
    people, who, role, institution, city_powers, member_x, member_y, sees_x, sees_y, leads
):
    world, users, _ = people
    user = users[who] if who != "anonymous" else AnonymousUser()
    institutions = {"x": world.institution_x, "y": world.institution_y, None: None}

    affiliation = affiliation_of(user)

    assert affiliation.role == role
    assert affiliation.institution == institutions[institution]
    assert affiliation.is_institution_member is (institution is not None)
    assert affiliation.leads_institution is leads
    assert has_city_powers(user) is city_powers
    assert is_member_of(user, world.institution_x) is member_x
    assert is_member_of(user, world.institution_y) is member_y
    assert sees_private_records_of(user, world.institution_x) is sees_x
    assert sees_private_records_of(user, world.institution_y) is sees_y


def test_no_user_at_all_is_anonymous(world):
    assert affiliation_of(None).role == Role.ANONYMOUS
    assert not has_city_powers(None)
    assert not sees_private_records_of(None, world.institution_x)


@pytest.mark.parametrize(
    ("who", "unit", "bureau_name"),
    [
        ("city_staff", CityUnit.STRATEGY_TEAM, None),
        ("bureau_staff", CityUnit.BUREAU, "복지건강국"),
    ],
)
def test_city_staff_affiliation_names_their_unit(people, who, unit, bureau_name):
    _, users, _ = people
    affiliation = affiliation_of(users[who])
    assert affiliation.city_unit == unit
    assert (affiliation.bureau.name_ko if affiliation.bureau else None) == bureau_name
    assert affiliation.institution_id is None


def test_affiliation_is_read_once_and_cached_on_the_user(world, django_assert_num_queries):
    head = world.users["head_x"]
    forget_affiliation(head)

    with django_assert_num_queries(1):
        first = affiliation_of(head)
    with django_assert_num_queries(0):
        second = affiliation_of(head)
        has_city_powers(head)
        is_member_of(head, world.institution_y)
        sees_private_records_of(head, world.institution_x)
    assert second is first


def test_forget_affiliation_reads_the_new_membership(world):
    user = world.users["staff_x"]
    assert affiliation_of(user).institution == world.institution_x

    Membership.objects.filter(user=user).update(institution=world.institution_y)
    # Still the cached answer until the cache is dropped ...
    assert affiliation_of(user).institution == world.institution_x
    forget_affiliation(user)
    # ... then the database's.
    assert affiliation_of(user).institution == world.institution_y
    assert is_member_of(user, world.institution_y)


def test_a_freshly_loaded_user_object_has_no_stale_cache(world):
    user = world.users["staff_y"]  # Y has no deputy head yet
    assert affiliation_of(user).role == Role.INSTITUTION_STAFF
    Membership.objects.filter(user=user).update(role=InstitutionRole.DEPUTY_HEAD)
    reloaded = type(user).objects.get(pk=user.pk)
    assert affiliation_of(reloaded).role == Role.DEPUTY_HEAD


# --- Database invariants ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "constraint"),
    [
        (InstitutionRole.HEAD, "membership_one_head_per_institution"),
        (InstitutionRole.DEPUTY_HEAD, "membership_one_deputy_per_institution"),
    ],
)
def test_database_allows_one_head_and_one_deputy_per_institution(db, role, constraint):
    institution = InstitutionFactory()
    MembershipFactory(institution=institution, role=role)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        MembershipFactory(institution=institution, role=role)

    # The same seat in another institution is free, and staff are unlimited.
    MembershipFactory(institution=InstitutionFactory(), role=role)
    MembershipFactory(institution=institution, role=InstitutionRole.STAFF)
    MembershipFactory(institution=institution, role=InstitutionRole.STAFF)
    assert Membership.objects.filter(institution=institution, role=role).count() == 1
    assert institution.memberships.count() == 3


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (InstitutionRole.HEAD, "이 기관에는 이미 기관장이 있습니다."),
        (InstitutionRole.DEPUTY_HEAD, "이 기관에는 이미 부기관장이 있습니다."),
    ],
)
def test_second_head_or_deputy_is_refused_in_korean_by_validation(db, role, message):
    institution = InstitutionFactory()
    MembershipFactory(institution=institution, role=role)
    second = Membership(user=UserFactory(), institution=institution, role=role)

    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert message in error.value.messages


def test_a_user_belongs_to_at_most_one_institution(db):
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, institution=InstitutionFactory())


def test_membership_role_must_be_a_known_role(db):
    with pytest.raises(IntegrityError, match="membership_role_valid"), transaction.atomic():
        MembershipFactory(role="boss")


@pytest.mark.parametrize(
    ("unit", "with_bureau", "allowed"),
    [
        (CityUnit.STRATEGY_TEAM, False, True),
        (CityUnit.BUREAU, True, True),
        (CityUnit.STRATEGY_TEAM, True, False),
        (CityUnit.BUREAU, False, False),
    ],
)
def test_city_staff_bureau_matches_unit(db, unit, with_bureau, allowed):
    bureau = BureauFactory() if with_bureau else None
    if allowed:
        CityStaffFactory(unit=unit, bureau=bureau)
        assert CityStaff.objects.filter(unit=unit, bureau=bureau).count() == 1
        return
    with (
        pytest.raises(IntegrityError, match="city_staff_bureau_matches_unit"),
        transaction.atomic(),
    ):
        CityStaffFactory(unit=unit, bureau=bureau)
    assert not CityStaff.objects.exists()


def test_city_staff_bureau_mismatch_is_explained_in_korean_by_validation(db):
    staff = CityStaff(user=UserFactory(), unit=CityUnit.BUREAU, bureau=None)
    with pytest.raises(ValidationError) as error:
        staff.full_clean()
    assert "실·국 소속이면 실·국을 고르고, 전략추진단 소속이면 비워 두세요." in error.value.messages


@pytest.mark.parametrize(("code", "allowed"), [("GJSSA", True), ("gjssa", False), ("GjSsa", False)])
def test_institution_code_is_upper_case_in_the_database(db, code, allowed):
    if allowed:
        InstitutionFactory(code=code)
        assert Institution.objects.filter(code=code).exists()
        return
    with (
        pytest.raises(IntegrityError, match="institution_code_upper_case"),
        transaction.atomic(),
    ):
        InstitutionFactory(code=code)
    assert not Institution.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("gjssa", "영문 대문자와 숫자로 2~12자를 쓰세요."),
        ("MINE", "이 코드는 포털의 주소로 쓰이므로 기관 코드로 쓸 수 없습니다."),
    ],
)
def test_institution_code_validation_messages(db, code, message):
    institution = InstitutionFactory.build(code=code, bureau=BureauFactory())
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert message in error.value.message_dict["code"]


def test_institution_kind_must_be_known(db):
    with pytest.raises(IntegrityError, match="institution_kind_valid"), transaction.atomic():
        InstitutionFactory(kind="ministry")


def test_membership_clean_refuses_a_city_staff_user(db):
    official = CityStaffFactory().user
    membership = Membership(user=official, institution=InstitutionFactory(), role="staff")
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "시 직원은 기관 구성원이 될 수 없습니다." in error.value.messages


def test_city_staff_clean_refuses_an_institution_member(db):
    member = MembershipFactory().user
    city_staff = CityStaff(user=member, unit=CityUnit.STRATEGY_TEAM)
    with pytest.raises(ValidationError) as error:
        city_staff.full_clean()
    assert "기관 구성원은 시 직원이 될 수 없습니다." in error.value.messages
