"""Institutions, the city's bureaus, and the people who belong to them."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.roles import CityUnit, InstitutionRole

# Paths under /agencies/ that are pages, not institution codes.
RESERVED_INSTITUTION_CODES = frozenset({"MINE"})


def validate_not_reserved(value: str) -> None:
    if value.upper() in RESERVED_INSTITUTION_CODES:
        raise ValidationError(_("이 코드는 포털의 주소로 쓰이므로 기관 코드로 쓸 수 없습니다."))


class User(AbstractUser):
    """A person who signs in: city staff, an institution's member, or an administrator.

    Korean names are written whole, so one ``name`` field replaces first and last name.
    """

    name = models.CharField(_("이름"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username


class BureauKind(models.TextChoices):
    OFFICE = "office", _("실")
    BUREAU = "bureau", _("국")


class Bureau(models.Model):
    """A bureau or office (실·국) of the city that supervises institutions."""

    name_ko = models.CharField(_("이름(한국어)"), max_length=100, unique=True)
    name_en = models.CharField(_("이름(영어)"), max_length=150)
    kind = models.CharField(_("구분"), max_length=10, choices=BureauKind.choices)

    class Meta:
        verbose_name = _("실·국")
        verbose_name_plural = _("실·국")
        ordering = ["name_ko"]

    def __str__(self) -> str:
        return self.name_ko


class InstitutionKind(models.TextChoices):
    CORPORATION = "corporation", _("공사·공단")
    FUNDED = "funded", _("출자·출연기관")
    CONSIGNED = "consigned", _("위탁·보조사업 기관")


class InstitutionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Institution(models.Model):
    """One of the institutions the city works with as a partner."""

    code = models.CharField(
        _("기관 코드"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", _("영문 대문자와 숫자로 2~12자를 쓰세요.")),
            validate_not_reserved,
        ],
        help_text=_("주소에 쓰이는 짧은 영문 코드입니다. 예: GJSSA"),
    )
    name_ko = models.CharField(_("기관명(한국어)"), max_length=100, unique=True)
    name_en = models.CharField(_("기관명(영어)"), max_length=150)
    kind = models.CharField(_("기관 유형"), max_length=20, choices=InstitutionKind.choices)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("소관 실·국"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    website = models.URLField(_("누리집"), blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)
    in_field_dialogue = models.BooleanField(
        _("현장 대화 참여"),
        default=False,
        help_text=_("시장과 직원의 현장 대화 프로그램에 참여하는 기관입니다."),
    )
    is_demo = models.BooleanField(
        _("시연용 정보"),
        default=False,
        help_text=_("이름 등 정보가 시연용이며 관리자가 실제 정보로 바꿔야 합니다."),
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("기관")
        verbose_name_plural = _("기관")
        ordering = ["name_ko"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")),
                name="institution_code_upper_case",
                violation_error_message=_("기관 코드는 대문자로 씁니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=InstitutionKind.values),
                name="institution_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ko

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", kwargs={"code": self.slug})

    @property
    def slug(self) -> str:
        """The code as it appears in addresses (lower case)."""
        return self.code.lower()


class LineageChange(models.TextChoices):
    MERGED = "merged", _("통합")
    STRENGTHENED = "strengthened", _("기능 강화·개편")


class PredecessorBody(models.Model):
    """A former body that phase 1 (2023) merged into, or reorganised as, an institution."""

    successor = models.ForeignKey(
        Institution,
        verbose_name=_("후신 기관"),
        on_delete=models.CASCADE,
        related_name="predecessors",
    )
    name_ko = models.CharField(_("기존 기관명"), max_length=100)
    change = models.CharField(_("변경 방식"), max_length=20, choices=LineageChange.choices)
    year = models.PositiveSmallIntegerField(_("연도"), default=2023)

    class Meta:
        verbose_name = _("기존 기관(1단계 구조혁신)")
        verbose_name_plural = _("기존 기관(1단계 구조혁신)")
        ordering = ["name_ko"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "name_ko"], name="predecessor_unique_per_successor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ko} → {self.successor}"


class Membership(models.Model):
    """A user's place in one institution. A person belongs to at most one institution."""

    user = models.OneToOneField(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="membership"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("기관"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("역할"), max_length=10, choices=InstitutionRole.choices)
    position = models.CharField(_("직위"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("기관 구성원")
        verbose_name_plural = _("기관 구성원")
        ordering = ["institution__name_ko", "role", "user__username"]
        constraints = [
            # An institution has one head and one deputy head at a time.
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(role=InstitutionRole.HEAD),
                name="membership_one_head_per_institution",
                violation_error_message=_("이 기관에는 이미 기관장이 있습니다."),
            ),
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(role=InstitutionRole.DEPUTY_HEAD),
                name="membership_one_deputy_per_institution",
                violation_error_message=_("이 기관에는 이미 부기관장이 있습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=InstitutionRole.values),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.institution}, {self.get_role_display()})"

    def clean(self) -> None:
        if self.user_id and CityStaff.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(_("시 직원은 기관 구성원이 될 수 없습니다."))


class CityStaff(models.Model):
    """A city official who runs the programme: the strategy team or a supervising bureau."""

    user = models.OneToOneField(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="city_staff"
    )
    unit = models.CharField(_("소속"), max_length=10, choices=CityUnit.choices)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("실·국"),
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
    )
    position = models.CharField(_("직위"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("시 직원")
        verbose_name_plural = _("시 직원")
        ordering = ["unit", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit=CityUnit.BUREAU, bureau__isnull=False)
                    | models.Q(unit=CityUnit.STRATEGY_TEAM, bureau__isnull=True)
                ),
                name="city_staff_bureau_matches_unit",
                violation_error_message=_(
                    "실·국 소속이면 실·국을 고르고, 전략추진단 소속이면 비워 두세요."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_unit_display()})"

    def clean(self) -> None:
        if self.user_id and Membership.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(_("기관 구성원은 시 직원이 될 수 없습니다."))
