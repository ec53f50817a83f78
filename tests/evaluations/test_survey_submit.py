"""``response_submit``: one transaction, on real PostgreSQL, under concurrency; what it
refuses; the anti-stuffing signals; the purge of the hashes."""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from evaluations import tasks
from evaluations.models import (
    Answer,
    CampaignStatus,
    QuestionType,
    RespondentType,
    Response,
    ResponseChannel,
    StakeholderInvitation,
    invitation_token_hash,
)
from evaluations.survey import (
    FLAG_BURST,
    FLAG_DUPLICATE,
    AnswersInvalid,
    ClientSignals,
    RateLimited,
    SurveyError,
    SurveyNotOpen,
    TokenUnknown,
    TokenUsed,
    client_ip,
    client_signals,
    keyed_hash,
    response_signals_purge,
    response_submit,
)
from tests.evaluation_factories import (
    CampaignFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    closed_campaign,
)
from tests.evaluations.survey_helpers import full_answers, questions_of
from tests.factories import InstitutionFactory

WORKERS = 40  # concurrent connections (PostgreSQL allows 100 for every test run at once)


def _signals(number: int) -> ClientSignals:
    return ClientSignals(
        ip_hash=keyed_hash(f"ip:10.0.{number // 250}.{number % 250}"),
        device_hash=keyed_hash(f"device:device-{number:04d}-abcdefghijklmnop"),
    )


def _submit(campaign, institution, signals, **overrides):
    arguments = {
        "campaign": campaign,
        "institution": institution,
        "respondent_type": RespondentType.CITIZEN,
        "channel": ResponseChannel.CAMPAIGN_LINK,
        "signals": signals,
    }
    arguments.update(overrides)
    if "answers" not in arguments:
        arguments["answers"] = full_answers(campaign)
    return response_submit(**arguments)


def _run_concurrently(jobs):
    """Run the callables at once on WORKERS threads, each with its own connection; the
    results or exceptions, in order."""
    gate = threading.Event()

    def run(job):
        gate.wait()
        try:
            return job()
        except Exception as error:  # the test looks at what each one raised
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        gate.set()
        return [future.result() for future in futures]


@pytest.fixture
def open_campaign(db):
    institutions = [InstitutionFactory(code="XINST"), InstitutionFactory(code="YINST")]
    return CampaignFactory(institutions=institutions)


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_submissions_are_all_stored_whole():
    assert connection.vendor == "postgresql"
    institution = InstitutionFactory(code="XINST")
    campaign = CampaignFactory(institutions=[institution])
    # Three scale answers, one option, two options of the multiple choice, one short text;
    # the empty long text writes no row.
    answers_per_response = 7
    results = _run_concurrently(
        [
            lambda number=number: _submit(campaign, institution, _signals(number)).pk
            for number in range(200)
        ]
    )
    failures = [result for result in results if isinstance(result, Exception)]
    assert not failures, failures[:3]
    assert Response.objects.filter(campaign=campaign).count() == 200
    assert len(set(results)) == 200
    assert Answer.objects.filter(response__campaign=campaign).count() == 200 * answers_per_response
    assert not Response.objects.exclude(flag_reasons="").exists()


@pytest.mark.django_db(transaction=True)
def test_one_token_used_at_once_by_many_stores_one_response():
    institution = InstitutionFactory(code="XINST")
    campaign = CampaignFactory(institutions=[institution])
    invitation = StakeholderInvitation.objects.create(
        campaign=campaign, institution=institution, token_hash=invitation_token_hash("secret-token")
    )
    results = _run_concurrently(
        [
            lambda number=number: _submit(
                campaign,
                institution,
                _signals(number),
                respondent_type=RespondentType.STAKEHOLDER,
                channel=ResponseChannel.TOKEN,
                hashed_token=invitation_token_hash("secret-token"),
            )
            for number in range(12)
        ]
    )
    stored = [result for result in results if isinstance(result, Response)]
    refused = [result for result in results if isinstance(result, TokenUsed)]
    assert (len(stored), len(refused)) == (1, 11)
    assert Response.objects.filter(respondent_type=RespondentType.STAKEHOLDER).count() == 1
    invitation.refresh_from_db()
    assert invitation.used_on == timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_one_client_stuffing_at_once_is_capped_at_its_limit_and_flagged(settings):
    settings.SURVEY_RATE_LIMIT_PER_DEVICE = 5
    settings.SURVEY_BURST_THRESHOLD = 3
    institution = InstitutionFactory(code="XINST")
    campaign = CampaignFactory(institutions=[institution])
    stuffer = _signals(1)
    results = _run_concurrently(
        [lambda: _submit(campaign, institution, stuffer) for _attempt in range(20)]
    )
    stored = [result for result in results if isinstance(result, Response)]
    refused = [result for result in results if isinstance(result, RateLimited)]
    assert (len(stored), len(refused)) == (5, 15)
    flags = list(
        Response.objects.order_by("submitted_at", "pk").values_list("flag_reasons", flat=True)
    )
    # The first is clean; the second repeats the first's answers; from the third on, a burst.
    assert flags[0] == ""
    assert flags[1] == FLAG_DUPLICATE
    assert flags[2:] == [f"{FLAG_BURST},{FLAG_DUPLICATE}"] * 3


def test_the_ip_limit_counts_every_device_behind_one_address(open_campaign, settings):
    settings.SURVEY_RATE_LIMIT_PER_IP = 3
    institution = open_campaign.institutions.first()
    shared_ip = keyed_hash("ip:203.0.113.9")
    for number in range(3):
        _submit(
            open_campaign,
            institution,
            ClientSignals(ip_hash=shared_ip, device_hash=keyed_hash(f"device:{number}")),
            answers=full_answers(open_campaign, likert5=number + 1),
        )
    with pytest.raises(RateLimited):
        _submit(open_campaign, institution, ClientSignals(ip_hash=shared_ip, device_hash=""))
    # Responses older than the window no longer count.
    Response.objects.update(submitted_at=timezone.now() - datetime.timedelta(hours=2))
    _submit(open_campaign, institution, ClientSignals(ip_hash=shared_ip, device_hash=""))
    assert Response.objects.count() == 4


def test_identical_answers_from_different_clients_are_not_flagged(open_campaign):
    institution = open_campaign.institutions.first()
    first = _submit(open_campaign, institution, _signals(1))
    second = _submit(open_campaign, institution, _signals(2))
    assert first.answers_fingerprint == second.answers_fingerprint
    assert (first.flag_reasons, second.flag_reasons) == ("", "")


@pytest.mark.parametrize(
    ("change", "question_type"),
    [
        ("missing", QuestionType.LIKERT_5),
        ("off-scale", QuestionType.LIKERT_7),
        ("off-scale", QuestionType.SCALE_0_10),
        ("foreign-choice", QuestionType.SINGLE_CHOICE),
        ("too-many", QuestionType.MULTIPLE_CHOICE),
        ("too-long", QuestionType.SHORT_TEXT),
    ],
)
def test_answers_that_do_not_fit_are_refused_and_nothing_is_written(
    open_campaign, change, question_type
):
    q = questions_of(open_campaign)
    answers = full_answers(open_campaign)
    question = q[question_type]
    if change == "missing":
        del answers[question.pk]
    elif change == "off-scale":
        answers[question.pk] = 11
    elif change == "foreign-choice":
        answers[question.pk] = q[QuestionType.MULTIPLE_CHOICE].choices.first().pk
    elif change == "too-many":
        answers[question.pk] = [choice.pk for choice in question.choices.all()]
    else:
        answers[question.pk] = "가" * 201
    with pytest.raises(AnswersInvalid) as refused:
        _submit(open_campaign, open_campaign.institutions.first(), _signals(1), answers=answers)
    assert set(refused.value.errors) == {question.pk}
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_an_answer_to_a_question_of_another_questionnaire_is_refused(open_campaign):
    other = CampaignFactory()
    answers = {**full_answers(open_campaign), **full_answers(other)}
    with pytest.raises(AnswersInvalid):
        _submit(open_campaign, open_campaign.institutions.first(), _signals(1), answers=answers)


@pytest.mark.parametrize("status", [CampaignStatus.CLOSED, CampaignStatus.PUBLISHED])
def test_a_closed_campaign_refuses_answers(db, status):
    institution = InstitutionFactory(code="XINST")
    campaign = closed_campaign(status=status, institutions=[institution])
    with pytest.raises(SurveyNotOpen) as refused:
        _submit(campaign, institution, _signals(1))
    assert refused.value.status == 410


def test_a_draft_campaign_refuses_answers_as_not_yet_open(db):
    institution = InstitutionFactory(code="XINST")
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, institutions=[institution])
    with pytest.raises(SurveyNotOpen) as refused:
        _submit(campaign, institution, _signals(1))
    assert refused.value.status == 409


def test_an_institution_the_campaign_does_not_evaluate_is_refused(open_campaign):
    with pytest.raises(SurveyError, match="대상 기관이 아닙니다"):
        _submit(open_campaign, InstitutionFactory(code="ZINST"), _signals(1))


def test_stakeholders_come_by_token_only(open_campaign):
    institution = open_campaign.institutions.first()
    with pytest.raises(SurveyError):
        _submit(
            open_campaign, institution, _signals(1), respondent_type=RespondentType.STAKEHOLDER
        )
    with pytest.raises(TokenUnknown):
        _submit(
            open_campaign,
            institution,
            _signals(1),
            respondent_type=RespondentType.STAKEHOLDER,
            channel=ResponseChannel.TOKEN,
            hashed_token=invitation_token_hash("never-issued"),
        )
    assert not Response.objects.exists()


def test_a_token_for_another_institution_is_not_spent(open_campaign):
    x, y = open_campaign.institutions.order_by("code")
    invitation = StakeholderInvitation.objects.create(
        campaign=open_campaign, institution=y, token_hash=invitation_token_hash("for-y")
    )
    with pytest.raises(SurveyError):
        _submit(
            open_campaign,
            x,
            _signals(1),
            respondent_type=RespondentType.STAKEHOLDER,
            channel=ResponseChannel.TOKEN,
            hashed_token=invitation_token_hash("for-y"),
        )
    invitation.refresh_from_db()
    assert invitation.used_on is None


def test_demographics_must_be_known_values(open_campaign):
    with pytest.raises(SurveyError):
        _submit(open_campaign, open_campaign.institutions.first(), _signals(1), age_band="99s")


# --- Signals -------------------------------------------------------------------------------------


def test_the_ip_hash_is_keyed(settings):
    first = keyed_hash("ip:198.51.100.7")
    assert first == keyed_hash("ip:198.51.100.7")
    assert "198.51.100.7" not in first
    settings.SURVEY_HASH_KEY = "another key"
    assert keyed_hash("ip:198.51.100.7") != first


def test_the_default_hash_key_is_derived_from_the_secret_key():
    assert django_settings.SURVEY_HASH_KEY
    assert django_settings.SURVEY_HASH_KEY != django_settings.SECRET_KEY


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.2"),  # no proxy trusted: the header is anyone's to forge
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "198.51.100.99, 203.0.113.1", "203.0.113.1"),  # the forged part is ignored
        (2, "198.51.100.99, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (2, "203.0.113.1", "10.0.0.2"),  # fewer hops than proxies: not trusted
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.SURVEY_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == expected


def test_a_malformed_device_cookie_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    request.COOKIES["survey_device"] = "<script>"
    assert client_signals(request).device_hash == ""
    request.COOKIES["survey_device"] = "A" * 32
    assert len(client_signals(request).device_hash) == 64


# --- Purge ---------------------------------------------------------------------------------------


def test_the_purge_blanks_old_hashes_and_demographics_and_is_idempotent(open_campaign, settings):
    settings.SURVEY_IP_HASH_RETENTION_DAYS = 30
    settings.SURVEY_DEMOGRAPHICS_RETENTION_DAYS = 365
    institution = open_campaign.institutions.first()
    now = timezone.now()

    def stored(days_ago: int, number: int) -> Response:
        return _submit(
            open_campaign,
            institution,
            _signals(number),
            age_band="40s",
            district="nam",
            now=now - datetime.timedelta(days=days_ago),
        )

    # The campaign must be open at each submission time.
    open_campaign.opens_at = now - datetime.timedelta(days=400)
    open_campaign.save(update_fields=["opens_at"])
    recent, month_old, year_old = stored(1, 1), stored(31, 2), stored(366, 3)
    assert tasks.purge_ip_hashes.delay().get() == {"hashes": 2, "demographics": 1}
    for response in (recent, month_old, year_old):
        response.refresh_from_db()
    assert recent.client_ip_hash
    assert recent.device_hash
    assert recent.age_band == "40s"
    assert (month_old.client_ip_hash, month_old.device_hash) == ("", "")
    assert month_old.age_band == "40s"
    assert (year_old.client_ip_hash, year_old.age_band, year_old.district) == ("", "", "")
    assert response_signals_purge() == {"hashes": 0, "demographics": 0}


def test_the_purge_runs_daily_on_beat():
    entry = next(
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "evaluations.tasks.purge_ip_hashes"
    )
    assert entry["schedule"] == 24 * 60 * 60


def test_a_survey_with_nothing_answered_is_refused(db):
    questionnaire = QuestionnaireFactory()
    optional = QuestionFactory(
        section=SectionFactory(questionnaire=questionnaire),
        question_type=QuestionType.SHORT_TEXT,
        required=False,
    )
    institution = InstitutionFactory(code="XINST")
    campaign = CampaignFactory(questionnaire=questionnaire, institutions=[institution])
    with pytest.raises(SurveyError, match="적어도 한 질문에"):
        _submit(campaign, institution, _signals(1), answers={optional.pk: "  "})
    assert not Response.objects.exists()
