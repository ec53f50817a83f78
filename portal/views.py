import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agencies.apps import INSTITUTIONS_CONTENT
from agencies.selectors import institution_summary
from evaluations.models import InnovationArea
from meetings.models import regular_meeting_kind_for_month
from portal.content_cache import content_version
from portal.roles import Role, affiliation_of

logger = logging.getLogger(__name__)


@require_GET
@login_not_required
def home(request):
    """What the programme is, who takes part, and what comes next."""
    today = timezone.localdate()
    next_month_first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    affiliation = affiliation_of(request.user)
    if affiliation.is_institution_member:
        visitor = "member"
    elif affiliation.role == Role.ANONYMOUS:
        visitor = "anonymous"
    else:
        visitor = "signed-in"
    context = {
        # Called by the template only when its cached fragment has to be rendered again.
        "institution_summary": institution_summary,
        "fragment_key": [content_version(INSTITUTIONS_CONTENT), visitor, today.isoformat()],
        "innovation_areas": InnovationArea,
        "this_month": today,
        "this_month_meeting": regular_meeting_kind_for_month(today.month),
        "next_month": next_month_first,
        "next_month_meeting": regular_meeting_kind_for_month(next_month_first.month),
    }
    return render(request, "portal/home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database unreachable")
        return "unavailable"
    return "ok"


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    except redis.RedisError:
        logger.exception("healthz: broker unreachable")
        return "unavailable"
    finally:
        client.close()
    return "ok"


@require_GET
@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """For the load balancer: 200 while the database answers, 503 when it does not.

    The broker's state is reported but does not fail the check: pages still serve without
    it, and taking the web tier out of rotation would not bring Redis back.
    """
    status = {"database": _database_status(), "broker": _broker_status()}
    return JsonResponse(status, status=200 if status["database"] == "ok" else 503)
