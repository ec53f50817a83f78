"""Institutions, the city's bureaus, and the people who belong to them."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import InnovationArea
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


# --- Joint projects, KPIs and the report workflow ----------------------------------------------


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("계획")
    UNDER_WAY = "under_way", _("추진 중")
    COMPLETED = "completed", _("완료")
    SUSPENDED = "suspended", _("중단")


class ReportingInterval(models.IntegerChoices):
    """How many months one reporting period covers; periods follow the calendar year."""

    MONTHLY = 1, _("매월")
    QUARTERLY = 3, _("분기별")
    HALF_YEARLY = 6, _("반기별")
    YEARLY = 12, _("연 1회")


class JointProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class JointProject(models.Model):
    """A joint project (공동사업) the city and institutions run in one year."""

    title = models.CharField(_("사업명"), max_length=200)
    summary = models.TextField(
        _("시민용 요약"), help_text=_("시민이 읽을 수 있도록 쉬운 말로 씁니다.")
    )
    lead_institution = models.ForeignKey(
        Institution,
        verbose_name=_("주관 기관"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    partner_institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("협력 기관"),
        related_name="partner_projects",
        blank=True,
    )
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("담당 실·국"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    area = models.CharField(_("혁신 분야"), max_length=20, choices=InnovationArea.choices)
    year = models.PositiveSmallIntegerField(_("연도"))
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    status = models.CharField(
        _("추진 상태"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    is_published = models.BooleanField(
        _("공개"),
        default=False,
        help_text=_("공개하면 누구나 사업과 승인된 실적을 볼 수 있습니다."),
    )
    reporting_interval = models.PositiveSmallIntegerField(
        _("보고 주기"), choices=ReportingInterval.choices, default=ReportingInterval.QUARTERLY
    )
    created_at = models.DateTimeField(_("등록 일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 일시"), auto_now=True)

    objects = JointProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("공동사업")
        verbose_name_plural = _("공동사업")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_institution", "year", "title"],
                name="project_title_unique_per_institution_year",
                violation_error_message=_(
                    "같은 기관이 같은 해에 같은 이름의 사업을 가질 수 없습니다."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("종료일은 시작일보다 앞설 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2023, year__lte=2100),
                name="project_year_in_programme",
                violation_error_message=_("연도는 2023년 이후여야 합니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__year=models.F("year")),
                name="project_starts_in_its_year",
                violation_error_message=_("시작일은 사업 연도 안에 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(area__in=InnovationArea.values),
                name="project_area_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reporting_interval__in=ReportingInterval.values),
                name="project_reporting_interval_valid",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="project_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"pk": self.pk})


class KpiDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("높을수록 좋음")
    LOWER_IS_BETTER = "lower", _("낮을수록 좋음")


class Kpi(models.Model):
    """A key performance indicator of a project: where it starts, where it should get to."""

    project = models.ForeignKey(
        JointProject, verbose_name=_("공동사업"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("지표명"), max_length=200)
    unit = models.CharField(_("단위"), max_length=20, help_text=_("예: 명, 건, %, 회"))
    baseline = models.DecimalField(_("기준값"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("목표값"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("방향"),
        max_length=10,
        choices=KpiDirection.choices,
        default=KpiDirection.HIGHER_IS_BETTER,
    )
    weight = models.DecimalField(_("가중치"), max_digits=5, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("성과지표")
        verbose_name_plural = _("성과지표")
        ordering = ["project", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="kpi_name_unique_per_project",
                violation_error_message=_("한 사업에 같은 이름의 지표를 둘 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="kpi_weight_positive",
                violation_error_message=_("가중치는 0보다 커야 합니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=KpiDirection.values),
                name="kpi_direction_valid",
            ),
            # The target lies on the good side of the baseline (or equals it: "keep the level").
            models.CheckConstraint(
                condition=(
                    models.Q(
                        direction=KpiDirection.HIGHER_IS_BETTER, target__gte=models.F("baseline")
                    )
                    | models.Q(
                        direction=KpiDirection.LOWER_IS_BETTER, target__lte=models.F("baseline")
                    )
                ),
                name="kpi_target_on_the_good_side",
                violation_error_message=_(
                    "목표값은 방향에 맞아야 합니다: "
                    "높을수록 좋으면 기준값 이상, 낮을수록 좋으면 기준값 이하."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ReportingPeriod(models.Model):
    """One period a project reports on, with the date the report is due."""

    project = models.ForeignKey(
        JointProject, verbose_name=_("공동사업"), on_delete=models.CASCADE, related_name="periods"
    )
    sequence = models.PositiveSmallIntegerField(_("회차"))
    label = models.CharField(_("보고 기간"), max_length=50)
    starts_on = models.DateField(_("기간 시작일"))
    ends_on = models.DateField(_("기간 종료일"))
    due_on = models.DateField(_("제출 기한"))

    class Meta:
        verbose_name = _("보고 기간")
        verbose_name_plural = _("보고 기간")
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sequence"], name="period_sequence_unique_per_project"
            ),
            models.UniqueConstraint(
                fields=["project", "starts_on"], name="period_start_unique_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("기간 종료일은 시작일보다 앞설 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("ends_on")),
                name="period_due_after_end",
                violation_error_message=_("제출 기한은 기간이 끝난 뒤여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.title} · {self.label}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("제출됨")
    RETURNED = "returned", _("반려됨")
    ACCEPTED = "accepted", _("승인됨")


class Report(models.Model):
    """The lead institution's report for one reporting period, and where it stands.

    ``version`` grows with every change; a save that names an older version is refused, so two
    people editing one draft never overwrite each other (optimistic locking).
    """

    period = models.OneToOneField(
        ReportingPeriod,
        verbose_name=_("보고 기간"),
        on_delete=models.CASCADE,
        related_name="report",
    )
    state = models.CharField(
        _("상태"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField(_("변경 번호"), default=1)
    accepted_version = models.OneToOneField(
        "ReportVersion",
        verbose_name=_("승인된 판"),
        on_delete=models.PROTECT,
        related_name="accepted_for",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("수정 일시"), auto_now=True)

    class Meta:
        verbose_name = _("보고서")
        verbose_name_plural = _("보고서")
        ordering = ["period__due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ReportState.values), name="report_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="report_version_positive"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state=ReportState.ACCEPTED, accepted_version__isnull=False)
                    | (
                        ~models.Q(state=ReportState.ACCEPTED)
                        & models.Q(accepted_version__isnull=True)
                    )
                ),
                name="report_accepted_has_accepted_version",
            ),
        ]

    def __str__(self) -> str:
        return str(self.period)

    def get_absolute_url(self) -> str:
        return reverse("projects:report_detail", kwargs={"pk": self.pk})

    @property
    def project(self) -> JointProject:
        return self.period.project


class ReportVersion(models.Model):
    """The content of a report. The one version without ``submitted_at`` is the working draft;
    once submitted a version never changes, and a revision after a return is a new version."""

    report = models.ForeignKey(
        Report, verbose_name=_("보고서"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("판 번호"))
    narrative = models.TextField(_("추진 실적"), blank=True)
    difficulties = models.TextField(_("애로사항"), blank=True)
    has_difficulties = models.BooleanField(
        _("애로사항 있음"),
        default=False,
        help_text=_(
            "시의 도움이 필요한 현장의 어려움이 있으면 표시합니다. 후속 조치로 이어집니다."
        ),
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("작성자"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("마지막 저장한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("작성 일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("저장 일시"), auto_now=True)
    submitted_at = models.DateTimeField(_("제출 일시"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("제출한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("보고서 판")
        verbose_name_plural = _("보고서 판")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(submitted_at__isnull=True),
                name="report_one_working_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="report_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


class KpiValue(models.Model):
    """The actual value of one KPI in one version of a report."""

    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("보고서 판"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    kpi = models.ForeignKey(
        Kpi, verbose_name=_("성과지표"), on_delete=models.CASCADE, related_name="values"
    )
    actual = models.DecimalField(
        _("실적값"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("지표 실적")
        verbose_name_plural = _("지표 실적")
        ordering = ["version", "kpi__position", "kpi__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kpi"], name="kpi_value_unique_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.actual}"


class ReportTransition(models.Model):
    """One step in a report's timeline: who moved it from which state to which, and why."""

    report = models.ForeignKey(
        Report, verbose_name=_("보고서"), on_delete=models.CASCADE, related_name="transitions"
    )
    report_version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("보고서 판"),
        on_delete=models.PROTECT,
        related_name="transitions",
        null=True,
        blank=True,
    )
    from_state = models.CharField(_("이전 상태"), max_length=10, choices=ReportState.choices)
    to_state = models.CharField(_("바뀐 상태"), max_length=10, choices=ReportState.choices)
    by = models.ForeignKey(
        User,
        verbose_name=_("처리한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("처리 일시"), default=timezone.now)
    comment = models.TextField(_("의견"), blank=True)

    class Meta:
        verbose_name = _("보고서 처리 이력")
        verbose_name_plural = _("보고서 처리 이력")
        ordering = ["report", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_state=models.F("to_state")),
                name="transition_changes_state",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_state=ReportState.RETURNED) | ~models.Q(comment=""),
                name="transition_return_has_comment",
                violation_error_message=_("반려할 때는 의견을 남겨야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.from_state} → {self.to_state}"


def evidence_storage_name(instance: "EvidenceFile", filename: str) -> str:
    """A server-made name: the uploaded name never reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(models.Model):
    """A file attached to one version of a report as evidence (PDF, HWP, DOCX, XLSX, images).

    Stored under ``MEDIA_ROOT`` (outside the static files) with a server-made name and served
    only through a permission-checked view. A revision copies its previous version's rows,
    which keep pointing at the same stored file.
    """

    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("보고서 판"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("파일"), upload_to=evidence_storage_name, max_length=200)
    original_name = models.CharField(_("파일 이름"), max_length=150)
    content_type = models.CharField(_("파일 형식"), max_length=100)
    size = models.PositiveBigIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User,
        verbose_name=_("올린 사람"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("올린 일시"), default=timezone.now)

    class Meta:
        verbose_name = _("증빙 파일")
        verbose_name_plural = _("증빙 파일")
        ordering = ["version", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name
