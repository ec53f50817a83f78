"""The public survey: who is answering (keyed hashes, never raw values), the answers a
respondent keeps in the session while moving through the sections, and the one service that
stores a submission.

Integrity rules (see the evaluations issue and ``evaluations/models.py``):

- ``response_submit`` writes the response, its answers and, for a stakeholder, the spent
  token (``used_on``, the day only, no link to the response) in one transaction; anything
  wrong raises a ``SurveyError`` and nothing is written.
- An IP address and the device cookie are stored only as HMAC-SHA256 hashes keyed with
  ``SURVEY_HASH_KEY``; ``response_signals_purge`` blanks them after
  ``SURVEY_IP_HASH_RETENTION_DAYS`` (and the optional demographics after
  ``SURVEY_DEMOGRAPHICS_RETENTION_DAYS``).
- Too many responses to a campaign from one IP hash or one device within
  ``SURVEY_RATE_WINDOW_MINUTES`` are refused (counted in the database, serialised per client
  on PostgreSQL so concurrent requests cannot slip past the count). Bursts and repeated
  identical answers from one client are flagged, never deleted: city staff decide.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import (
    AgeBand,
    Answer,
    Campaign,
    CampaignStatus,
    District,
    Question,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    StakeholderInvitation,
    answer_points,
)

# The longest text answers kept (a short answer is one line; a long one a few paragraphs).
SHORT_TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 2000

DEVICE_COOKIE = "survey_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

# The flags a response may carry (``Response.flag_reasons``, comma-separated).
FLAG_BURST = "burst"
FLAG_DUPLICATE = "duplicate"

# pg_advisory_xact_lock(class, key): the class keeps these locks apart from any other use.
_ADVISORY_LOCK_CLASS = 0x5355  # "SU"rvey

AnswerValue = int | str | list[int] | None


# --- Errors -----------------------------------------------------------------------------------


class SurveyError(Exception):
    """A submission refused; ``message`` is what the respondent reads."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SurveyNotOpen(SurveyError):
    """The campaign does not take answers now (a draft, not yet open, or closed)."""

    def __init__(self, campaign: Campaign, now: datetime.datetime | None = None):
        now = now or timezone.now()
        if campaign.status == CampaignStatus.DRAFT or (
            campaign.status == CampaignStatus.OPEN and now < campaign.opens_at
        ):
            self.status = 409
            message = _("이 평가는 아직 응답을 받지 않습니다. 응답 기간에 다시 찾아 주세요.")
        else:
            self.status = 410
            message = _("이 평가는 응답을 마감했습니다. 참여해 주셔서 고맙습니다.")
        super().__init__(message)


class TokenUnknown(SurveyError):
    status = 404

    def __init__(self):
        super().__init__(
            _("초대 주소가 올바르지 않습니다. 받은 이메일의 주소 전체를 복사했는지 확인해 주세요.")
        )


class TokenUsed(SurveyError):
    status = 410

    def __init__(self):
        super().__init__(
            _("이미 응답에 쓴 초대 주소입니다. 초대 주소 하나로는 한 번만 응답할 수 있습니다.")
        )


class RateLimited(SurveyError):
    status = 429

    def __init__(self):
        super().__init__(
            _(
                "같은 곳에서 짧은 시간에 너무 많은 응답이 들어왔습니다. "
                "잠시 뒤에 다시 시도해 주세요."
            )
        )


class AnswersInvalid(SurveyError):
    """Answers that do not fit the questionnaire; ``errors`` maps question ids to messages."""

    def __init__(self, errors: Mapping[int, str]):
        super().__init__(_("답변을 다시 확인해 주세요."))
        self.errors = dict(errors)


# --- Who is answering -------------------------------------------------------------------------


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``SURVEY_HASH_KEY``: stable for comparisons, useless
    for recovering the value without the key."""
    return hmac.new(
        settings.SURVEY_HASH_KEY.encode(), value.encode(), hashlib.sha256
    ).hexdigest()


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or the address the nearest of
    ``SURVEY_TRUSTED_PROXY_COUNT`` trusted proxies appended to X-Forwarded-For."""
    proxies = settings.SURVEY_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def device_id(request) -> str:
    """The survey device cookie's random id, or "" when it is missing or malformed."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if _DEVICE_ID.match(value) else ""


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def remember_device(request, response) -> None:
    """Give a browser without one the survey device cookie (a random id, nothing else)."""
    if device_id(request):
        return
    response.set_cookie(
        DEVICE_COOKIE,
        new_device_id(),
        max_age=DEVICE_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@dataclass(frozen=True)
class ClientSignals:
    ip_hash: str
    device_hash: str


def client_signals(request) -> ClientSignals:
    address = client_ip(request)
    device = device_id(request)
    return ClientSignals(
        ip_hash=keyed_hash(f"ip:{address}") if address else "",
        device_hash=keyed_hash(f"device:{device}") if device else "",
    )


# --- Whether a campaign takes answers ----------------------------------------------------------


def accepting_answers(campaign: Campaign, now: datetime.datetime | None = None) -> bool:
    """Open, and inside its answering window (the beat task closing it may run late)."""
    now = now or timezone.now()
    return campaign.status == CampaignStatus.OPEN and campaign.opens_at <= now < campaign.closes_at


def ensure_accepting_answers(campaign: Campaign) -> None:
    now = timezone.now()
    if not accepting_answers(campaign, now):
        raise SurveyNotOpen(campaign, now)


def _recent(campaign: Campaign, since: datetime.datetime, signals: ClientSignals, *, by: str):
    hashed = signals.ip_hash if by == "ip" else signals.device_hash
    if not hashed:
        return Response.objects.none()
    column = "client_ip_hash" if by == "ip" else "device_hash"
    return Response.objects.filter(campaign=campaign, submitted_at__gte=since, **{column: hashed})


def ensure_under_rate_limit(
    campaign: Campaign, signals: ClientSignals, now: datetime.datetime | None = None
) -> None:
    """Raise ``RateLimited`` when this client already sent as many responses to the campaign
    within the window as the settings allow."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.SURVEY_RATE_WINDOW_MINUTES)
    limits = {
        "ip": settings.SURVEY_RATE_LIMIT_PER_IP,
        "device": settings.SURVEY_RATE_LIMIT_PER_DEVICE,
    }
    for by, limit in limits.items():
        if _recent(campaign, since, signals, by=by).count() >= limit:
            raise RateLimited


def _lock_client(signals: ClientSignals) -> None:
    """Serialise submissions of one client (its IP hash and its device) until the end of the
    transaction, so that counting its recent responses and adding one are a single step.
    SQLite's immediate transactions already serialise every writer."""
    if connection.vendor != "postgresql":
        return
    hashes = (signals.ip_hash, signals.device_hash)
    keys = sorted({int(hashed[:7], 16) for hashed in hashes if hashed})
    with connection.cursor() as cursor:
        for key in keys:  # always in ascending order, so two submissions never deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ADVISORY_LOCK_CLASS, key])


# --- Answers ----------------------------------------------------------------------------------


def clean_answer(question: Question, raw: AnswerValue, choice_ids: Sequence[int]) -> AnswerValue:
    """The answer to ``question`` in its stored shape, or ``ValueError`` with the message to
    show. Empty answers come back as ``None``. ``choice_ids`` are the question's options."""
    if raw in (None, "", []):
        if question.required:
            raise ValueError(_("이 질문에 답해 주세요."))
        return None
    kind = question.question_type
    if kind in (QuestionType.LIKERT_5, QuestionType.LIKERT_7, QuestionType.SCALE_0_10):
        try:
            value = int(raw)
            answer_points(kind, value)
        except (TypeError, ValueError):
            raise ValueError(_("보기 가운데 하나를 골라 주세요.")) from None
        return value
    if kind == QuestionType.SINGLE_CHOICE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValueError(_("보기 가운데 하나를 골라 주세요.")) from None
        if value not in choice_ids:
            raise ValueError(_("보기 가운데 하나를 골라 주세요."))
        return value
    if kind == QuestionType.MULTIPLE_CHOICE:
        try:
            values = sorted({int(item) for item in raw}) if isinstance(raw, list) else None
        except (TypeError, ValueError):
            values = None
        if values is None or not set(values) <= set(choice_ids):
            raise ValueError(_("보기 가운데에서 골라 주세요."))
        if question.max_choices and len(values) > question.max_choices:
            raise ValueError(
                _("%(count)d개까지 고를 수 있습니다.") % {"count": question.max_choices}
            )
        return values
    text = str(raw).strip()
    limit = SHORT_TEXT_MAX_LENGTH if kind == QuestionType.SHORT_TEXT else LONG_TEXT_MAX_LENGTH
    if len(text) > limit:
        raise ValueError(_("%(limit)d자 이내로 적어 주세요.") % {"limit": limit})
    if not text:
        if question.required:
            raise ValueError(_("이 질문에 답해 주세요."))
        return None
    return text


def _answer_rows(
    questions: Sequence[Question], answers: Mapping[int, AnswerValue]
) -> tuple[list[Answer], dict[int, AnswerValue]]:
    """Validate every answer against the questionnaire; the unsaved rows and the cleaned
    answers, or ``AnswersInvalid``."""
    by_id = {question.pk: question for question in questions}
    errors: dict[int, str] = {
        question_id: _("이 설문에 없는 질문입니다.")
        for question_id in answers
        if question_id not in by_id
    }
    rows: list[Answer] = []
    cleaned: dict[int, AnswerValue] = {}
    for question in questions:
        choice_ids = [choice.pk for choice in question.choices.all()]
        try:
            value = clean_answer(question, answers.get(question.pk), choice_ids)
        except ValueError as error:
            errors[question.pk] = str(error)
            continue
        if value is None:
            continue
        cleaned[question.pk] = value
        kind = question.question_type
        if question.is_scored:
            rows.append(
                Answer(question=question, value=value, points=answer_points(kind, value))
            )
        elif kind == QuestionType.SINGLE_CHOICE:
            rows.append(Answer(question=question, choice_id=value))
        elif kind == QuestionType.MULTIPLE_CHOICE:
            rows.extend(Answer(question=question, choice_id=choice_id) for choice_id in value)
        else:
            rows.append(Answer(question=question, text=value))
    if errors:
        raise AnswersInvalid(errors)
    return rows, cleaned


def answers_fingerprint(institution_id: int, answers: Mapping[int, AnswerValue]) -> str:
    """The same answers about the same institution give the same fingerprint."""
    canonical = json.dumps(
        [institution_id, sorted((str(key), value) for key, value in answers.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def questionnaire_questions(campaign: Campaign) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire_id=campaign.questionnaire_id)
        .order_by("section__position", "position")
        .prefetch_related("choices")
    )


def _flags(
    campaign: Campaign, signals: ClientSignals, fingerprint: str, now: datetime.datetime
) -> str:
    flags = []
    since = now - datetime.timedelta(minutes=settings.SURVEY_BURST_WINDOW_MINUTES)
    earlier = max(
        _recent(campaign, since, signals, by="ip").count(),
        _recent(campaign, since, signals, by="device").count(),
    )
    if earlier + 1 >= settings.SURVEY_BURST_THRESHOLD:
        flags.append(FLAG_BURST)
    same_client = Q()
    if signals.ip_hash:
        same_client |= Q(client_ip_hash=signals.ip_hash)
    if signals.device_hash:
        same_client |= Q(device_hash=signals.device_hash)
    if same_client and (
        Response.objects.filter(campaign=campaign, answers_fingerprint=fingerprint)
        .filter(same_client)
        .exists()
    ):
        flags.append(FLAG_DUPLICATE)
    return ",".join(flags)


def _spend_token(
    *, campaign: Campaign, institution, hashed_token: str, today: datetime.date
) -> None:
    """Mark the invitation used, once: the row lock makes a second, concurrent use find it
    spent. Nothing here refers to the response about to be written."""
    spent = StakeholderInvitation.objects.filter(
        token_hash=hashed_token,
        campaign=campaign,
        institution=institution,
        used_on__isnull=True,
    ).update(used_on=today)
    if spent:
        return
    if StakeholderInvitation.objects.filter(token_hash=hashed_token, campaign=campaign).exists():
        raise TokenUsed
    raise TokenUnknown


# --- The submission -------------------------------------------------------------------------


def response_submit(
    *,
    campaign: Campaign,
    institution,
    respondent_type: str,
    channel: str,
    answers: Mapping[int, AnswerValue],
    signals: ClientSignals,
    age_band: str = "",
    district: str = "",
    hashed_token: str = "",
    now: datetime.datetime | None = None,
) -> Response:
    """Store one survey whole: the response, its answers (points by ``answer_points``) and,
    for a stakeholder, the spent invitation, in one transaction.

    Refuses (``SurveyError``, nothing written) a campaign not taking answers, an institution
    it does not evaluate, a client over its rate limit, answers that do not fit the
    questionnaire (required, ranges, options, maximum choices), an unknown or used token.
    Flags (keeps) bursts and repeated identical answers from one client.
    """
    if respondent_type == RespondentType.STAKEHOLDER and channel != ResponseChannel.TOKEN:
        raise SurveyError(_("이해관계자는 초대 주소로만 응답합니다."))
    if respondent_type == RespondentType.CITIZEN and channel == ResponseChannel.TOKEN:
        raise SurveyError(_("초대 주소로는 이해관계자로만 응답합니다."))
    if age_band not in ("", *AgeBand.values) or district not in ("", *District.values):
        raise SurveyError(_("선택 정보가 올바르지 않습니다."))
    with transaction.atomic():
        _lock_client(signals)
        # Taken once the client's earlier submissions are in, so its responses' times follow
        # the order they were stored in.
        now = now or timezone.now()
        campaign = Campaign.objects.get(pk=campaign.pk)  # its status as of now
        if not accepting_answers(campaign, now):
            raise SurveyNotOpen(campaign, now)
        if not campaign.institutions.filter(pk=institution.pk).exists():
            raise SurveyError(_("이 평가의 대상 기관이 아닙니다."))
        ensure_under_rate_limit(campaign, signals, now)
        rows, cleaned = _answer_rows(questionnaire_questions(campaign), answers)
        if not rows:
            raise SurveyError(_("적어도 한 질문에 답해 주세요."))
        if respondent_type == RespondentType.STAKEHOLDER:
            _spend_token(
                campaign=campaign,
                institution=institution,
                hashed_token=hashed_token,
                today=timezone.localdate(now),
            )
        fingerprint = answers_fingerprint(institution.pk, cleaned)
        response = Response.objects.create(
            campaign=campaign,
            institution=institution,
            respondent_type=respondent_type,
            channel=channel,
            submitted_at=now,
            age_band=age_band,
            district=district,
            client_ip_hash=signals.ip_hash,
            device_hash=signals.device_hash,
            answers_fingerprint=fingerprint,
            flag_reasons=_flags(campaign, signals, fingerprint, now),
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
    return response


def response_signals_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Blank the IP and device hashes of responses older than
    ``SURVEY_IP_HASH_RETENTION_DAYS`` and the optional demographics of those older than
    ``SURVEY_DEMOGRAPHICS_RETENTION_DAYS``. A second run changes nothing."""
    now = now or timezone.now()
    hashes_before = now - datetime.timedelta(days=settings.SURVEY_IP_HASH_RETENTION_DAYS)
    demographics_before = now - datetime.timedelta(
        days=settings.SURVEY_DEMOGRAPHICS_RETENTION_DAYS
    )
    with transaction.atomic():
        hashes = (
            Response.objects.filter(submitted_at__lt=hashes_before)
            .exclude(client_ip_hash="", device_hash="")
            .update(client_ip_hash="", device_hash="")
        )
        demographics = (
            Response.objects.filter(submitted_at__lt=demographics_before)
            .exclude(age_band="", district="")
            .update(age_band="", district="")
        )
    return {"hashes": hashes, "demographics": demographics}


# --- The survey in progress, kept in the session -----------------------------------------------


@dataclass
class SurveyEntry:
    """A respondent's way through one campaign's survey, kept in their session until they
    submit. It holds no token, only its hash, and nothing that names them."""

    institution_id: int
    respondent_type: str
    channel: str
    hashed_token: str = ""
    consent: bool | None = None  # None: not asked yet
    age_band: str = ""
    district: str = ""
    # Per section position (as text: JSON keys), the fields as last typed, and the cleaned
    # answers of the sections passed (question id as text -> answer).
    drafts: dict[str, dict] = field(default_factory=dict)
    answers: dict[str, dict[str, AnswerValue]] = field(default_factory=dict)
    trapped: bool = False  # the honeypot was filled in

    @staticmethod
    def session_key(campaign: Campaign) -> str:
        return f"survey:{campaign.pk}"

    @classmethod
    def load(cls, request, campaign: Campaign) -> SurveyEntry | None:
        stored = request.session.get(cls.session_key(campaign))
        if not isinstance(stored, dict):
            return None
        try:
            return cls(**stored)
        except TypeError:  # an older shape: start again
            return None

    def save(self, request, campaign: Campaign) -> None:
        request.session[self.session_key(campaign)] = asdict(self)

    @classmethod
    def clear(cls, request, campaign: Campaign) -> None:
        request.session.pop(cls.session_key(campaign), None)

    def all_answers(self) -> dict[int, AnswerValue]:
        return {
            int(question_id): value
            for section in self.answers.values()
            for question_id, value in section.items()
        }

