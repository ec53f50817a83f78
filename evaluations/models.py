"""Citizen and stakeholder evaluations of the institutions, their scores, and best practices.

The shape, in one breath: a **campaign** evaluates institutions with one **questionnaire**
(sections of typed **questions**); citizens answer through a public link and stakeholders
through single-use **invitation tokens**; each submission is one **response** of many
**answers**; scoring writes a **snapshot** of **institution scores**; institutions may
**appeal** before publication; excellent institutions' **best practices** are shared.

Integrity (see MISSION.md and the evaluations issue):
- A response never names a person. A stakeholder token records only *that* it was used, and
  only to the day (``StakeholderInvitation.used_on``), in a table with no link to responses.
- An IP address is never stored; ``Response.client_ip_hash`` is a keyed hash that a beat
  task purges after ``SURVEY_IP_HASH_RETENTION_DAYS``.
- Flagged responses are kept; excluding one from scoring is logged (``ResponseExclusion``).

This module imports nothing from ``agencies`` (``agencies.models`` imports
``InnovationArea`` from here); relations to it are by label.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class InnovationArea(models.TextChoices):
    ORGANISATION = "organisation", _("조직")
    SERVICE = "service", _("서비스")
    EVALUATION = "evaluation", _("평가")


# --- Questionnaires ---------------------------------------------------------------------------


class Questionnaire(models.Model):
    """A versioned set of questions. Once any response answers it, it is frozen: editing
    means cloning it into the next version (``previous_version`` links the lineage)."""

    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("설명"), blank=True)
    version = models.PositiveSmallIntegerField(_("판"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("이전 판"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("만든 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("설문지")
        verbose_name_plural = _("설문지")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["previous_version"],
                name="questionnaire_one_next_version",
                violation_error_message=_("이 판에서 이미 새 판을 만들었습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """Answered questionnaires are never edited (the answers would lose their meaning)."""
        return Answer.objects.filter(question__section__questionnaire=self).exists()


class QuestionnaireSection(models.Model):
    """One page of the survey."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("설문지"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("안내"), blank=True)

    class Meta:
        verbose_name = _("설문 영역")
        verbose_name_plural = _("설문 영역")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="section_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionType(models.TextChoices):
    LIKERT_5 = "likert5", _("5점 척도")
    LIKERT_7 = "likert7", _("7점 척도")
    SCALE_0_10 = "scale10", _("0–10점 척도")
    SINGLE_CHOICE = "single", _("하나 고르기")
    MULTIPLE_CHOICE = "multiple", _("여러 개 고르기")
    SHORT_TEXT = "short_text", _("짧은 글")
    LONG_TEXT = "long_text", _("긴 글")


# A scored question's raw answer runs from its low to its high end; scoring maps it linearly
# onto 0–100: points = (value - low) / (high - low) * 100. See evaluations/scoring.py.
SCALE_BOUNDS: dict[str, tuple[int, int]] = {
    QuestionType.LIKERT_5: (1, 5),
    QuestionType.LIKERT_7: (1, 7),
    QuestionType.SCALE_0_10: (0, 10),
}
SCORED_QUESTION_TYPES = frozenset(SCALE_BOUNDS)
CHOICE_QUESTION_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
TEXT_QUESTION_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT})


def answer_points(question_type: str, value: int) -> Decimal:
    """The documented linear mapping of a scale answer onto 0–100, to two decimals."""
    low, high = SCALE_BOUNDS[question_type]
    if not low <= value <= high:
        raise ValueError(f"{value} outside {low}..{high}")
    return (Decimal(value - low) * 100 / Decimal(high - low)).quantize(Decimal("0.01"))


class Dimension(models.TextChoices):
    PROCESS = "process", _("과정")
    OUTCOME = "outcome", _("성과")
    ENVIRONMENT = "environment", _("환경")
    OVERALL = "overall", _("전반적 만족")
    OTHER = "other", _("기타")


class Question(models.Model):
    section = models.ForeignKey(
        QuestionnaireSection,
        verbose_name=_("설문 영역"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    text = models.CharField(_("질문"), max_length=500)
    help_text = models.CharField(_("도움말"), max_length=500, blank=True)
    question_type = models.CharField(_("질문 유형"), max_length=12, choices=QuestionType.choices)
    required = models.BooleanField(_("필수"), default=True)
    dimension = models.CharField(
        _("차원"), max_length=12, choices=Dimension.choices, default=Dimension.OVERALL
    )
    max_choices = models.PositiveSmallIntegerField(
        _("최대 선택 수"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("여러 개 고르기 질문에서 고를 수 있는 최대 개수입니다."),
    )

    class Meta:
        verbose_name = _("질문")
        verbose_name_plural = _("질문")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="question_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(question_type__in=QuestionType.values),
                name="question_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="question_dimension_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(max_choices__isnull=True)
                    | models.Q(question_type=QuestionType.MULTIPLE_CHOICE, max_choices__gte=1)
                ),
                name="question_max_choices_only_for_multiple",
                violation_error_message=_("최대 선택 수는 여러 개 고르기 질문에만 둡니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scored(self) -> bool:
        return self.question_type in SCORED_QUESTION_TYPES


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("질문"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    label = models.CharField(_("보기"), max_length=200)

    class Meta:
        verbose_name = _("보기")
        verbose_name_plural = _("보기")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique"),
        ]

    def __str__(self) -> str:
        return self.label


# --- Campaigns --------------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("준비 중")
    OPEN = "open", _("응답 받는 중")
    CLOSED = "closed", _("마감")
    UNDER_APPEAL = "under_appeal", _("이의신청 중")
    PUBLISHED = "published", _("결과 공개")


class GradeScheme(models.TextChoices):
    LATIN = "latin", _("S·A·B·C·D")
    HANGUL = "hangul", _("가·나·다·라·마")


GRADE_LABELS: dict[str, tuple[str, ...]] = {
    GradeScheme.LATIN: ("S", "A", "B", "C", "D"),
    GradeScheme.HANGUL: ("가", "나", "다", "라", "마"),
}

# Documented defaults (README, "Scoring"): citizens weigh most, as the programme promises.
DEFAULT_WEIGHTS = {
    "weight_citizen": Decimal(40),
    "weight_stakeholder": Decimal(20),
    "weight_kpi": Decimal(20),
    "weight_timeliness": Decimal(10),
    "weight_follow_through": Decimal(10),
}
WEIGHT_FIELDS = tuple(DEFAULT_WEIGHTS)


def _weight_field(label, name):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_WEIGHTS[name],
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class Campaign(models.Model):
    """One year's evaluation of the institutions.

    Status runs draft -> open -> closed -> under appeal -> published. Nobody sees results
    while it is open; institutions see their own breakdown once it is closed; the public sees
    the ranking once it is published.
    """

    slug = models.SlugField(_("주소 이름"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("연도"))
    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("안내"), blank=True)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("설문지"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    institutions = models.ManyToManyField(
        "agencies.Institution",
        verbose_name=_("평가 대상 기관"),
        related_name="evaluation_campaigns",
    )
    opens_at = models.DateTimeField(_("응답 시작"))
    closes_at = models.DateTimeField(_("응답 마감"))
    status = models.CharField(
        _("상태"), max_length=14, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    appeal_deadline = models.DateTimeField(
        _("이의신청 마감"),
        null=True,
        blank=True,
        help_text=_("마감 뒤 기관이 자기 결과에 이의를 신청할 수 있는 마지막 때입니다."),
    )
    published_at = models.DateTimeField(_("공개한 때"), null=True, blank=True)

    weight_citizen = _weight_field(_("시민 만족도 가중치"), "weight_citizen")
    weight_stakeholder = _weight_field(_("이해관계자 만족도 가중치"), "weight_stakeholder")
    weight_kpi = _weight_field(_("성과지표 달성 가중치"), "weight_kpi")
    weight_timeliness = _weight_field(_("보고 적시성 가중치"), "weight_timeliness")
    weight_follow_through = _weight_field(_("조치 이행 가중치"), "weight_follow_through")
    minimum_sample = models.PositiveIntegerField(
        _("최소 응답 수"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("응답이 이보다 적은 기관은 '표본 부족'으로 표시하고 순위를 매기지 않습니다."),
    )
    grade_scheme = models.CharField(
        _("등급 체계"), max_length=8, choices=GradeScheme.choices, default=GradeScheme.LATIN
    )
    grade_thresholds = models.CharField(
        _("등급 경계"),
        max_length=40,
        default="90,80,70,60",
        help_text=_("첫째부터 넷째 등급의 최저 종합 점수를 높은 순서로 쉼표로 적습니다."),
    )
    excellent_count = models.PositiveSmallIntegerField(
        _("우수 기관 수"),
        default=3,
        help_text=_("종합 점수 순위로 뽑는 우수 기관 수입니다(표본 부족 기관 제외)."),
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("평가")
        verbose_name_plural = _("평가")
        ordering = ["-year", "-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(grade_scheme__in=GradeScheme.values),
                name="campaign_grade_scheme_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
                violation_error_message=_("응답 마감은 시작보다 뒤여야 합니다."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(appeal_deadline__isnull=True)
                    | models.Q(appeal_deadline__gt=models.F("closes_at"))
                ),
                name="campaign_appeal_after_closing",
                violation_error_message=_("이의신청 마감은 응답 마감보다 뒤여야 합니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_citizen__gte=0,
                    weight_stakeholder__gte=0,
                    weight_kpi__gte=0,
                    weight_timeliness__gte=0,
                    weight_follow_through__gte=0,
                ),
                name="campaign_weights_not_negative",
            ),
            # The composite is a weighted mean on 0–100, so the weights add up to 100.
            models.CheckConstraint(
                condition=models.Q(
                    weight_citizen=models.Value(Decimal(100))
                    - models.F("weight_stakeholder")
                    - models.F("weight_kpi")
                    - models.F("weight_timeliness")
                    - models.F("weight_follow_through")
                ),
                name="campaign_weights_total_100",
                violation_error_message=_("가중치의 합은 100이어야 합니다."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=CampaignStatus.PUBLISHED, published_at__isnull=False)
                    | (~models.Q(status=CampaignStatus.PUBLISHED) & models.Q(published_at=None))
                ),
                name="campaign_published_at_iff_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:campaign", kwargs={"slug": self.slug})

    @property
    def weights(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in WEIGHT_FIELDS}

    @property
    def results_visible_to_institutions(self) -> bool:
        return self.status in {
            CampaignStatus.CLOSED,
            CampaignStatus.UNDER_APPEAL,
            CampaignStatus.PUBLISHED,
        }

    @property
    def is_published(self) -> bool:
        return self.status == CampaignStatus.PUBLISHED


# --- Respondents ------------------------------------------------------------------------------


class RespondentType(models.TextChoices):
    CITIZEN = "citizen", _("시민")
    STAKEHOLDER = "stakeholder", _("이해관계자")


class ResponseChannel(models.TextChoices):
    CAMPAIGN_LINK = "campaign_link", _("평가 공개 주소")
    INSTITUTION_LINK = "institution_link", _("기관별 주소·QR")
    TOKEN = "token", _("이해관계자 초대")


class AgeBand(models.TextChoices):
    UNDER_20 = "under20", _("19세 이하")
    TWENTIES = "20s", _("20대")
    THIRTIES = "30s", _("30대")
    FORTIES = "40s", _("40대")
    FIFTIES = "50s", _("50대")
    SIXTIES = "60s", _("60대")
    SEVENTY_PLUS = "70plus", _("70세 이상")


class District(models.TextChoices):
    DONG = "dong", _("동구")
    SEO = "seo", _("서구")
    NAM = "nam", _("남구")
    BUK = "buk", _("북구")
    GWANGSAN = "gwangsan", _("광산구")
    OUTSIDE = "outside", _("광주 밖")


def invitation_token_hash(token: str) -> str:
    """What is stored of a stakeholder's invitation token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class StakeholderInvitation(models.Model):
    """A single-use invitation for a stakeholder (이해관계자) to evaluate one institution.

    Only a SHA-256 of the token is stored; the token itself travels once, in the e-mail.
    ``used_on`` records *that* the token was spent, to the day only, and nothing links this
    row to the response it produced. ``email`` is cleared once the invitation is sent.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("평가"), on_delete=models.CASCADE, related_name="invitations"
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("평가 기관"),
        on_delete=models.PROTECT,
        related_name="stakeholder_invitations",
    )
    token_hash = models.CharField(_("토큰 해시"), max_length=64, unique=True, editable=False)
    email = models.EmailField(_("이메일"), blank=True)
    sent_at = models.DateTimeField(_("보낸 때"), null=True, blank=True)
    used_on = models.DateField(_("사용한 날"), null=True, blank=True)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("이해관계자 초대")
        verbose_name_plural = _("이해관계자 초대")
        ordering = ["campaign", "institution", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.institution_id} #{self.pk}"


class Response(models.Model):
    """One submitted survey, stored whole in one transaction. It names no person."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("평가"), on_delete=models.PROTECT, related_name="responses"
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("평가 기관"),
        on_delete=models.PROTECT,
        related_name="evaluation_responses",
    )
    respondent_type = models.CharField(
        _("응답자 유형"), max_length=12, choices=RespondentType.choices
    )
    channel = models.CharField(_("응답 경로"), max_length=16, choices=ResponseChannel.choices)
    submitted_at = models.DateTimeField(_("제출한 때"))
    # Optional demographics, asked only after consent (PIPA); blank means not given.
    age_band = models.CharField(_("연령대"), max_length=8, choices=AgeBand.choices, blank=True)
    district = models.CharField(_("거주 지역"), max_length=10, choices=District.choices, blank=True)
    # Anti-stuffing signals: keyed hashes, never raw values; the IP hash is purged on schedule.
    client_ip_hash = models.CharField(_("IP 해시"), max_length=64, blank=True, db_index=True)
    device_hash = models.CharField(_("기기 해시"), max_length=64, blank=True, db_index=True)
    answers_fingerprint = models.CharField(_("응답 지문"), max_length=64, blank=True)
    flag_reasons = models.CharField(
        _("의심 표시"),
        max_length=200,
        blank=True,
        help_text=_("쉼표로 나눈 표시: burst(짧은 시간 몰림), duplicate(같은 응답 반복) 등"),
    )
    excluded = models.BooleanField(_("점수에서 제외"), default=False)

    class Meta:
        verbose_name = _("응답")
        verbose_name_plural = _("응답")
        ordering = ["campaign", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respondent_type__in=RespondentType.values),
                name="response_respondent_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=ResponseChannel.values),
                name="response_channel_valid",
            ),
            # Stakeholders come by token and only by token.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        respondent_type=RespondentType.STAKEHOLDER, channel=ResponseChannel.TOKEN
                    )
                    | (
                        models.Q(respondent_type=RespondentType.CITIZEN)
                        & ~models.Q(channel=ResponseChannel.TOKEN)
                    )
                ),
                name="response_channel_matches_respondent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "institution", "respondent_type"],
                name="response_scoring_idx",
            ),
            models.Index(fields=["campaign", "submitted_at"], name="response_campaign_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pk}"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flag_reasons)


class Answer(models.Model):
    """One question's answer in a response. A multiple-choice question has one row per
    chosen option; a scale question carries its raw ``value`` and its 0–100 ``points``
    (``answer_points``), fixed when it is stored."""

    response = models.ForeignKey(
        Response, verbose_name=_("응답"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("질문"), on_delete=models.PROTECT, related_name="answers"
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("고른 보기"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
    )
    value = models.SmallIntegerField(_("척도 값"), null=True, blank=True)
    points = models.DecimalField(
        _("환산 점수"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("글 응답"), blank=True)

    class Meta:
        verbose_name = _("답변")
        verbose_name_plural = _("답변")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(value__isnull=True, points__isnull=True)
                    | models.Q(
                        value__isnull=False,
                        points__isnull=False,
                        points__gte=0,
                        points__lte=100,
                    )
                ),
                name="answer_points_with_value",
            ),
            # One row per question, or per chosen option of a multiple-choice question.
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=models.Q(choice__isnull=True),
                name="answer_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=models.Q(choice__isnull=False),
                name="answer_choice_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class ResponseExclusion(models.Model):
    """The log of city staff excluding a response from scoring (or restoring it)."""

    response = models.ForeignKey(
        Response, verbose_name=_("응답"), on_delete=models.CASCADE, related_name="exclusions"
    )
    excluded = models.BooleanField(_("제외"), help_text=_("거짓이면 제외를 되돌린 기록입니다."))
    reason = models.TextField(_("사유"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리한 사람"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("처리한 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("응답 제외 기록")
        verbose_name_plural = _("응답 제외 기록")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="response_exclusion_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.at:%Y-%m-%d}"


# --- Scores -----------------------------------------------------------------------------------


class ScoreSnapshot(models.Model):
    """One computation of a campaign's scores. Recomputing from the same data writes the same
    ``content_hash``; the newest snapshot is the campaign's result (``is_current``)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("평가"), on_delete=models.CASCADE, related_name="snapshots"
    )
    computed_at = models.DateTimeField(_("계산한 때"))
    is_current = models.BooleanField(_("현재 결과"), default=True)
    parameters = models.JSONField(_("계산 조건"), default=dict)
    content_hash = models.CharField(_("내용 해시"), max_length=64)

    class Meta:
        verbose_name = _("점수 계산 결과")
        verbose_name_plural = _("점수 계산 결과")
        ordering = ["-computed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(is_current=True),
                name="snapshot_one_current_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.computed_at:%Y-%m-%d %H:%M}"


class InstitutionScore(models.Model):
    """An institution's result in one snapshot, with the full breakdown of every point."""

    snapshot = models.ForeignKey(
        ScoreSnapshot, verbose_name=_("계산 결과"), on_delete=models.CASCADE, related_name="scores"
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("기관"),
        on_delete=models.PROTECT,
        related_name="evaluation_scores",
    )
    citizen_n = models.PositiveIntegerField(_("시민 응답 수"), default=0)
    citizen_index = models.DecimalField(
        _("시민 만족도"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    citizen_ci_low = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    citizen_ci_high = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    stakeholder_n = models.PositiveIntegerField(_("이해관계자 응답 수"), default=0)
    stakeholder_index = models.DecimalField(
        _("이해관계자 만족도"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    stakeholder_ci_low = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    stakeholder_ci_high = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    kpi_achievement = models.DecimalField(
        _("성과지표 달성"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    timeliness = models.DecimalField(
        _("보고 적시성"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    follow_through = models.DecimalField(
        _("조치 이행"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    composite = models.DecimalField(
        _("종합 점수"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    insufficient_sample = models.BooleanField(_("표본 부족"), default=False)
    rank = models.PositiveSmallIntegerField(_("순위"), null=True, blank=True)
    grade = models.CharField(_("등급"), max_length=4, blank=True)
    incentive_tier = models.PositiveSmallIntegerField(
        _("인센티브 단계"), null=True, blank=True, help_text=_("1이 가장 높은 단계입니다.")
    )
    breakdown = models.JSONField(_("세부 내역"), default=dict)

    class Meta:
        verbose_name = _("기관 점수")
        verbose_name_plural = _("기관 점수")
        ordering = ["snapshot", "rank", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "institution"], name="score_once_per_institution"
            ),
            models.CheckConstraint(
                condition=models.Q(insufficient_sample=False) | models.Q(rank__isnull=True),
                name="score_insufficient_sample_unranked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} · {self.institution_id}"


# --- Appeals ----------------------------------------------------------------------------------


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("검토 중")
    UPHELD = "upheld", _("받아들임")
    REJECTED = "rejected", _("받아들이지 않음")


class Appeal(models.Model):
    """An institution's objection (이의신청) to its result, filed before the campaign's
    appeal deadline and answered by city staff before publication."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("평가"), on_delete=models.CASCADE, related_name="appeals"
    )
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("기관"),
        on_delete=models.PROTECT,
        related_name="evaluation_appeals",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("신청한 사람"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("신청한 때"), auto_now_add=True)
    text = models.TextField(_("신청 내용"))
    status = models.CharField(
        _("처리 상태"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    answer = models.TextField(_("답변"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("답변한 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("답변한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("이의신청")
        verbose_name_plural = _("이의신청")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=AppealStatus.PENDING, answered_at__isnull=True)
                    | (
                        ~models.Q(status=AppealStatus.PENDING)
                        & models.Q(answered_at__isnull=False)
                        & ~models.Q(answer="")
                    )
                ),
                name="appeal_answered_when_decided",
            ),
            models.UniqueConstraint(
                fields=["campaign", "institution"],
                condition=models.Q(status=AppealStatus.PENDING),
                name="appeal_one_pending_per_institution",
                violation_error_message=_("검토 중인 이의신청이 이미 있습니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.institution_id}"


# --- Best practices ---------------------------------------------------------------------------


class BestPractice(models.Model):
    """A case (우수사례) from an excellent institution, shared publicly."""

    title = models.CharField(_("제목"), max_length=200)
    summary = models.TextField(_("요약"))
    body = models.TextField(_("내용"), blank=True)
    area = models.CharField(_("혁신 분야"), max_length=20, choices=InnovationArea.choices)
    institution = models.ForeignKey(
        "agencies.Institution",
        verbose_name=_("기관"),
        on_delete=models.PROTECT,
        related_name="best_practices",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("선정 평가"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="best_practices",
    )
    year = models.PositiveSmallIntegerField(_("연도"))
    joint_projects = models.ManyToManyField(
        "agencies.JointProject",
        verbose_name=_("관련 공동 사업"),
        blank=True,
        related_name="best_practices",
    )
    is_published = models.BooleanField(_("공개"), default=False)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        verbose_name = _("우수사례")
        verbose_name_plural = _("우수사례")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__in=InnovationArea.values),
                name="best_practice_area_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:practice", kwargs={"pk": self.pk})


class BestPracticeAttachment(models.Model):
    practice = models.ForeignKey(
        BestPractice,
        verbose_name=_("우수사례"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("파일"), upload_to="best-practices/%Y/")
    original_name = models.CharField(_("원래 파일 이름"), max_length=255)
    content_type = models.CharField(_("파일 형식"), max_length=100)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    uploaded_at = models.DateTimeField(_("올린 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("우수사례 첨부 파일")
        verbose_name_plural = _("우수사례 첨부 파일")
        ordering = ["practice", "pk"]

    def __str__(self) -> str:
        return self.original_name
