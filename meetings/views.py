from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from agencies.models import Institution
from agencies.permissions import projects_visible_to
from meetings import calendars, permissions, selectors, services
from meetings.forms import (
    ActionItemForm,
    ActionItemUpdateForm,
    CalendarForm,
    DecisionForm,
    DifficultyForm,
    MinutesForm,
    OutcomeFilterForm,
    RsvpForm,
    ScheduleSeriesForm,
    TopicDecisionForm,
    TopicForm,
    TopicMoveForm,
)
from meetings.models import TopicStatus
from portal.htmx import wants_fragment
from portal.roles import affiliation_of, has_city_powers

# Difficulties heard per page of the public "you said, we did" page.
OUTCOMES_PER_PAGE = 30


def _neighbour_months(year: int, month: int) -> tuple[tuple[int, int], tuple[int, int]]:
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return previous, following


def _render_list(request, *, schedule_form=None, status: int = 200):
    form = CalendarForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        status = 400
    view, year, month = form.chosen()
    visible = permissions.meetings_visible_to(request.user)
    previous, following = _neighbour_months(year, month)
    can_schedule = permissions.can_schedule_meetings(request.user)
    if can_schedule and schedule_form is None:
        schedule_form = ScheduleSeriesForm(initial={"year": year})
    context = {
        "form": form,
        "view": view,
        "year": year,
        "month": month,
        "previous": previous,
        "following": following,
        "weeks": selectors.month_calendar(visible, year, month) if view == form.MONTH else [],
        "meetings": selectors.year_meetings(visible, year) if view == form.LIST else [],
        "can_schedule": can_schedule,
        "schedule_form": schedule_form,
        "feed": permissions.active_feed_of(request.user),
    }
    template = "meetings/list.html"
    if wants_fragment(request):
        template += "#calendar"
    return render(request, template, context, status=status)


@require_GET
@vary_on_headers("HX-Request")
def meeting_list(request):
    """The meetings the user may see, as a month's calendar or a year's list; htmx requests
    (moving between months) get the calendar only."""
    return _render_list(request)


@require_GET
def meeting_detail(request, pk: int):
    """A meeting, with the invitations the user may see and, for the invited institution's
    head or deputy head, the form to answer."""
    meeting = permissions.get_meeting_for(request.user, pk)
    return _render_detail(request, meeting)


def _render_detail(
    request,
    meeting,
    *,
    failed=None,
    failed_form=None,
    attendance_error: str = "",
    difficulty_form=None,
    status: int = 200,
):
    invitations = selectors.invitations_of(
        meeting, permissions.invitations_visible_to(request.user)
    )
    rows = []
    answers_open = permissions.answers_open(meeting)
    for invitation in invitations:
        form = None
        if failed is not None and failed.pk == invitation.pk:
            form = failed_form  # with the reason the answer was refused
        elif answers_open and permissions.can_respond_to(request.user, invitation):
            form = RsvpForm(
                initial={"rsvp": invitation.rsvp, "delegate_name": invitation.delegate_name},
                prefix=f"invitation-{invitation.pk}",
            )
        rows.append((invitation, form))
    # Action items still open are on every later meeting's agenda until closed.
    open_items = selectors.open_action_items_for(meeting)
    takes_attendance = permissions.can_take_attendance(
        request.user
    ) and permissions.attendance_open(meeting)
    context = {
        "meeting": meeting,
        "rows": rows,
        "takes_attendance": takes_attendance,
        "attendance_error": attendance_error,
        "difficulties": list(
            permissions.difficulties_visible_to(request.user, meeting).prefetch_related(
                "action_items"
            )
        ),
        "creates_action_items": permissions.can_create_action_items(request.user),
        "open_action_items": open_items,
        "action_items_seen": {
            item.pk for item in open_items if permissions.can_see_action_item(request.user, item)
        },
        "difficulty_form": (
            difficulty_form or DifficultyForm()
            if permissions.can_record_difficulties(request.user, meeting)
            else None
        ),
        "agenda": selectors.field_dialogue_agenda(meeting, projects_visible_to(request.user)),
        "counts": selectors.rsvp_counts(invitations),
        "sees_invitations": bool(invitations),
        **_topics_and_minutes_context(request.user, meeting),
    }
    return render(request, "meetings/detail.html", context, status=status)


def _topics_and_minutes_context(user, meeting) -> dict:
    """What the meeting page shows of topics, minutes and attendees (issue 4, points 2–4)."""
    takes_topics = permissions.takes_topics(meeting)
    minutes = permissions.minutes_visible_to(user, meeting)
    decisions = selectors.decisions_of(meeting) if minutes is not None else []
    return {
        "takes_topics": takes_topics,
        "topic_agenda": (
            selectors.agenda_of(permissions.topics_visible_to(user, meeting))
            if takes_topics
            else []
        ),
        "proposals_open": permissions.topic_proposals_open(meeting),
        "minutes": minutes,
        "decisions": decisions,
        "decision_items_seen": {
            item.pk
            for decision in decisions
            for item in decision.action_items.all()
            if permissions.can_see_action_item(user, item)
        },
        "records_minutes": permissions.can_record_minutes(user)
        and permissions.minutes_open(meeting),
        "attendees": (
            selectors.attendees_of(meeting) if meeting.kind == "field_dialogue" else []
        ),
    }


@require_GET
def meeting_ics(request, pk: int):
    """The meeting as an iCalendar file to import into any calendar."""
    meeting = permissions.get_meeting_for(request.user, pk)
    body = calendars.calendar_of(
        [meeting], url_of=lambda m: request.build_absolute_uri(m.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def invitation_rsvp(request, pk: int):
    """The invited institution's head or deputy head answers the invitation."""
    invitation = permissions.get_invitation_for(request.user, pk)
    if not permissions.can_respond_to(request.user, invitation):
        raise PermissionDenied
    meeting = invitation.meeting
    form = RsvpForm(request.POST, prefix=f"invitation-{invitation.pk}")
    if form.is_valid():
        try:
            services.invitation_respond(
                invitation=invitation,
                by=request.user,
                rsvp=form.cleaned_data["rsvp"],
                delegate_name=form.cleaned_data["delegate_name"],
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("참석 회신을 저장했습니다."))
            return redirect(meeting)
    return _render_detail(request, meeting, failed=invitation, failed_form=form, status=400)


@require_POST
def attendance(request, pk: int):
    """City staff tick who came, on the meeting's day or after; the meeting is then held."""
    meeting = permissions.get_meeting_for(request.user, pk)
    if not permissions.can_take_attendance(request.user):
        raise PermissionDenied
    try:
        present = {int(value) for value in request.POST.getlist("present")}
    except ValueError:
        present = {-1}
    try:
        services.attendance_record(meeting=meeting, by=request.user, present=present)
    except services.MeetingError as error:
        return _render_detail(request, meeting, attendance_error=error.message, status=400)
    messages.success(request, _("참석 확인을 저장했습니다."))
    return redirect(meeting)


@require_POST
def difficulty_add(request, pk: int):
    """City staff record a difficulty heard in a field dialogue."""
    meeting = permissions.get_meeting_for(request.user, pk)
    if not has_city_powers(request.user):
        raise PermissionDenied
    form = DifficultyForm(request.POST)
    if form.is_valid():
        try:
            services.difficulty_record(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except services.MeetingError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("현장의 어려움을 기록했습니다."))
            return redirect(f"{meeting.get_absolute_url()}#difficulties-title")
    return _render_detail(request, meeting, difficulty_form=form, status=400)


@require_POST
def schedule_series(request):
    """City staff build a year's regular meetings (the same as ``schedule_meetings``)."""
    if not permissions.can_schedule_meetings(request.user):
        raise PermissionDenied
    form = ScheduleSeriesForm(request.POST)
    if not form.is_valid():
        return _render_list(request, schedule_form=form, status=400)
    year = form.cleaned_data["year"]
    outcome = services.meeting_series_schedule(year=year)
    if outcome.changed_anything:
        done = _(
            "%(year)d년 정례 회의: %(created)d건을 새로 만들고 %(rescheduled)d건의 일정을 "
            "규칙에 맞췄으며, 초대 %(invited)d건을 보냈습니다."
        )
        messages.success(
            request,
            done
            % {
                "year": year,
                "created": len(outcome.created),
                "rescheduled": len(outcome.rescheduled),
                "invited": outcome.invitations_added,
            },
        )
    else:
        already = _("%(year)d년 정례 회의는 이미 모두 잡혀 있습니다.")
        messages.info(request, already % {"year": year})
    if outcome.kept_by_hand:
        kept = _("직접 옮긴 회의 %(count)d건은 그대로 두었습니다.")
        messages.info(request, kept % {"count": len(outcome.kept_by_hand)})
    return redirect(f"{reverse('meetings:list')}?view=list&year={year}")


# --- Personal calendar feeds ------------------------------------------------------------------


@require_POST
def feed_issue(request):
    """Give the signed-in user a new secret feed address (the old one stops working)."""
    services.calendar_feed_issue(user=request.user)
    messages.success(
        request, _("새 구독 주소를 만들었습니다. 이전 주소는 더 이상 쓸 수 없습니다.")
    )
    return redirect(f"{reverse('meetings:list')}#feed-title")


@require_POST
def feed_revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("구독 주소를 해지했습니다."))
    return redirect(f"{reverse('meetings:list')}#feed-title")


@require_GET
@login_not_required
def feed_ics(request, token: str):
    """The meetings the feed's owner may see, for calendar apps: the secret address is the
    credential, so no sign-in; a revoked or unknown address is a 404."""
    feed = permissions.get_active_feed(token)
    meetings = selectors.feed_meetings(
        permissions.meetings_visible_to(feed.user), now=timezone.now()
    )
    body = calendars.calendar_of(
        meetings, url_of=lambda m: request.build_absolute_uri(m.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Action items -----------------------------------------------------------------------------


def _action_item_new(request, *, meeting, source: dict, owner, action_url: str):
    """The form opening an action item from ``source`` (``difficulty=`` or ``decision=``)
    and its submission; city staff only."""
    if not permissions.can_create_action_items(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ActionItemForm(request.POST if posted else None, initial={"owner_institution": owner})
    if posted and form.is_valid():
        try:
            item = services.action_item_create(
                by=request.user,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                owner_institution=form.cleaned_data["owner_institution"],
                owner_bureau=form.cleaned_data["owner_bureau"],
                **source,
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("후속 조치를 만들었습니다."))
            return redirect("meetings:action_item", pk=item.pk)
    context = {"meeting": meeting, "form": form, "action_url": action_url, **source}
    return render(
        request, "meetings/action_item_new.html", context, status=400 if posted else 200
    )


@require_http_methods(["GET", "POST"])
def action_item_new(request, pk: int):
    """City staff open an action item from a difficulty heard in a field dialogue."""
    difficulty = permissions.get_difficulty_for(request.user, pk)
    return _action_item_new(
        request,
        meeting=difficulty.meeting,
        source={"difficulty": difficulty},
        owner=difficulty.meeting.visited_institution,
        action_url=reverse("meetings:action_item_new", kwargs={"pk": difficulty.pk}),
    )


def _update_form_for(user, item, data=None):
    statuses = permissions.action_item_statuses_for(user, item)
    if not statuses:
        return None
    return ActionItemUpdateForm(
        data,
        statuses=statuses,
        writes_summary=permissions.can_create_action_items(user),
        initial={"status": item.status, "outcome_summary": item.outcome_summary},
    )


def _render_action_item(request, item, *, form=None, status: int = 200):
    context = {
        "item": item,
        "updates": selectors.action_item_timeline(item),
        "form": form or _update_form_for(request.user, item),
    }
    return render(request, "meetings/action_item.html", context, status=status)


@require_GET
def action_item_detail(request, pk: int):
    """An action item with its timeline; the city and the owner institution see it, and
    those who may update it get the form."""
    item = permissions.get_action_item_for(request.user, pk)
    return _render_action_item(request, item)


@require_POST
def action_item_change(request, pk: int):
    """A new status and/or a progress note on an action item."""
    item = permissions.get_action_item_for(request.user, pk)
    form = _update_form_for(request.user, item, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            services.action_item_update(
                item=item,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                outcome_summary=form.cleaned_data.get("outcome_summary"),
            )
        except services.MeetingError as error:
            form.add_error("note" if error.code in ("note", "empty") else None, error.message)
        else:
            messages.success(request, _("후속 조치를 고쳤습니다."))
            return redirect("meetings:action_item", pk=item.pk)
    return _render_action_item(request, item, form=form, status=400)


@require_GET
@login_not_required
def you_said_we_did(request):
    """The public "you said, we did" page: what field dialogues heard and what became of it.
    It names no one: the difficulty as noted, the owners, the status and the public outcome
    summary (never the action's internal description, nor who recorded or updated it)."""
    form = OutcomeFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        difficulties = selectors.difficulties_with_outcomes().none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        difficulties = selectors.difficulties_with_outcomes(
            status=filters.get("status", ""),
            institution=filters.get("institution"),
            no_action_value=OutcomeFilterForm.NO_ACTION_YET,
        )
    page = Paginator(difficulties, OUTCOMES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "meetings/you_said_we_did.html", context, status=status)


# --- Discussion topics ------------------------------------------------------------------------


def _topic_meeting_for(user, pk: int):
    meeting = permissions.get_meeting_for(user, pk)
    if not permissions.takes_topics(meeting):
        raise Http404  # a field dialogue's agenda is the visited institution's projects
    return meeting


def _propose_form_for(user, meeting, data=None):
    """The form to propose a topic, for those who may while proposals are open, else None.
    An administrator picks the invited institution the topic is for."""
    if not (
        permissions.may_propose_topics(user, meeting) and permissions.topic_proposals_open(meeting)
    ):
        return None
    return TopicForm(data, institutions=_institutions_to_choose(user, meeting), prefix="propose")


def _institutions_to_choose(user, meeting):
    """The invited institutions, for an administrator (who belongs to none) to propose for;
    None for an institution's head or deputy head, who propose for their own."""
    if affiliation_of(user).institution is not None:
        return None
    return Institution.objects.filter(
        pk__in=permissions.invited_institution_ids(meeting)
    ).order_by("name_ko")


def _topics_context(
    request, meeting, *, propose_form=None, failed=None, failed_form=None, agenda_error=""
):
    user = request.user
    visible = permissions.topics_visible_to(user, meeting)
    curates = permissions.can_curate_topics(user)
    agenda = selectors.agenda_of(visible)
    agenda_open = permissions.agenda_open(meeting)
    institution_id = affiliation_of(user).institution_id
    groups = selectors.topics_by_status(
        visible if curates else visible.filter(institution_id=institution_id)
    )
    decide_forms = {}
    if curates and agenda_open:
        for topics in groups.values():
            for topic in topics:
                if failed is not None and failed.pk == topic.pk:
                    decide_forms[topic.pk] = failed_form
                    continue
                targets = [other for other in agenda if other.pk != topic.pk]
                decide_forms[topic.pk] = TopicDecisionForm(
                    targets=targets, prefix=f"topic-{topic.pk}"
                )
    rows_by_status = [
        (status, label, [(topic, decide_forms.get(topic.pk)) for topic in groups[status]])
        for status, label in TopicStatus.choices
    ]
    return {
        "meeting": meeting,
        "agenda": agenda,
        "agenda_error": agenda_error,
        "curates": curates,
        "agenda_open": agenda_open,
        "rows_by_status": rows_by_status,
        "proposal_total": sum(len(topics) for topics in groups.values()),
        "proposals_open": permissions.topic_proposals_open(meeting),
        "propose_form": propose_form or _propose_form_for(user, meeting),
        "changes_proposals": {
            topic.pk
            for topic in groups[TopicStatus.PROPOSED]
            if permissions.can_change_proposal(user, topic)
        }
        if permissions.topic_proposals_open(meeting)
        else set(),
    }


def _render_topics(request, meeting, *, status: int = 200, fragment: bool = False, **kwargs):
    template = "meetings/topics.html"
    if fragment:
        template += "#agenda"
    context = _topics_context(request, meeting, **kwargs)
    return render(request, template, context, status=status)


@require_GET
def meeting_topics(request, pk: int):
    """A meeting's discussion topics: the agenda; for city staff every proposal by status,
    to accept, merge, decline and order; for an institution its own proposals and, while
    proposals are open, the form to propose."""
    meeting = _topic_meeting_for(request.user, pk)
    return _render_topics(request, meeting)


@require_POST
def topic_propose(request, pk: int):
    """The invited institution's head or deputy head proposes a topic before the deadline."""
    meeting = _topic_meeting_for(request.user, pk)
    if not permissions.may_propose_topics(request.user, meeting):
        raise PermissionDenied
    institutions = _institutions_to_choose(request.user, meeting)
    form = TopicForm(request.POST, institutions=institutions, prefix="propose")
    if form.is_valid():
        try:
            topic = services.topic_propose(
                meeting=meeting,
                by=request.user,
                institution=form.cleaned_data.get("institution")
                or affiliation_of(request.user).institution,
                title=form.cleaned_data["title"],
                background=form.cleaned_data["background"],
                request=form.cleaned_data["request"],
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("토론 과제를 제안했습니다."))
            return redirect(topic.get_absolute_url())
    return _render_topics(request, meeting, propose_form=form, status=400)


def _render_topic_edit(request, topic, form, *, status: int = 200):
    context = {"topic": topic, "meeting": topic.meeting, "form": form}
    return render(request, "meetings/topic_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def topic_edit(request, pk: int):
    """The proposing institution's head or deputy head changes a pending proposal."""
    topic = permissions.get_topic_for(request.user, pk)
    if not permissions.can_change_proposal(request.user, topic):
        raise PermissionDenied
    if request.method == "GET":
        form = TopicForm(
            initial={
                "title": topic.title,
                "background": topic.background,
                "request": topic.request,
            }
        )
        return _render_topic_edit(request, topic, form)
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            services.topic_edit(
                topic=topic,
                by=request.user,
                title=form.cleaned_data["title"],
                background=form.cleaned_data["background"],
                request=form.cleaned_data["request"],
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("제안을 고쳤습니다."))
            return redirect(topic.get_absolute_url())
    return _render_topic_edit(request, topic, form, status=400)


@require_POST
def topic_withdraw(request, pk: int):
    """The proposing institution's head or deputy head withdraws a pending proposal."""
    topic = permissions.get_topic_for(request.user, pk)
    if not permissions.can_change_proposal(request.user, topic):
        raise PermissionDenied
    meeting = topic.meeting
    try:
        services.topic_withdraw(topic=topic, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
        return _render_topics(request, meeting, status=400)
    messages.success(request, _("제안을 거두었습니다."))
    return redirect("meetings:topics", pk=meeting.pk)


@require_POST
def topic_decide(request, pk: int):
    """City staff accept a topic, merge it into another accepted one, or decline it."""
    topic = permissions.get_topic_for(request.user, pk)
    if not permissions.can_curate_topics(request.user):
        raise PermissionDenied
    meeting = topic.meeting
    targets = [
        other
        for other in selectors.agenda_of(permissions.topics_visible_to(request.user, meeting))
        if other.pk != topic.pk
    ]
    form = TopicDecisionForm(request.POST, targets=targets, prefix=f"topic-{topic.pk}")
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == TopicDecisionForm.ACCEPT:
                services.topic_accept(topic=topic, by=request.user)
                done = _("과제를 채택해 안건 끝에 올렸습니다.")
            elif decision == TopicDecisionForm.MERGE:
                into = next(t for t in targets if t.pk == form.cleaned_data["merged_into"])
                services.topic_merge(topic=topic, into=into, by=request.user)
                done = _("과제를 통합했습니다.")
            else:
                services.topic_decline(
                    topic=topic, by=request.user, reason=form.cleaned_data["reason"]
                )
                done = _("과제를 반려했습니다.")
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect(topic.get_absolute_url())
    return _render_topics(request, meeting, failed=topic, failed_form=form, status=400)


@require_POST
@vary_on_headers("HX-Request")
def topic_move(request, pk: int):
    """City staff move an agenda topic up or down. htmx swaps the agenda in place; without
    JavaScript the page comes back at the agenda."""
    topic = permissions.get_topic_for(request.user, pk)
    if not permissions.can_curate_topics(request.user):
        raise PermissionDenied
    meeting = topic.meeting
    form = TopicMoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("위나 아래로만 옮길 수 있습니다.")
    else:
        try:
            services.topic_move(
                topic=topic, by=request.user, direction=form.cleaned_data["direction"]
            )
        except services.MeetingError as refused:
            error = refused.message
    if error:
        return _render_topics(
            request, meeting, fragment=wants_fragment(request), agenda_error=error, status=400
        )
    if wants_fragment(request):
        return _render_topics(request, meeting, fragment=True)
    return redirect(f"{reverse('meetings:topics', kwargs={'pk': meeting.pk})}#agenda-title")


# --- Minutes and decisions --------------------------------------------------------------------


def _render_minutes(request, meeting, *, form=None, decision_form=None, status: int = 200):
    minutes = permissions.minutes_visible_to(request.user, meeting)
    writable = permissions.minutes_open(meeting)
    if writable and form is None:
        form = MinutesForm(
            initial={
                "summary": minutes.summary if minutes else "",
                "publish": minutes.is_published if minutes else False,
            }
        )
    if writable and decision_form is None:
        decision_form = DecisionForm(
            topics=permissions.topics_visible_to(request.user, meeting)
            .filter(status=TopicStatus.ACCEPTED)
            .order_by("agenda_position")
        )
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "writable": writable,
        "form": form if writable else None,
        "decision_form": decision_form if writable else None,
        "decisions": selectors.decisions_of(meeting),
    }
    return render(request, "meetings/minutes.html", context, status=status)


def _minutes_meeting_for(user, pk: int):
    meeting = permissions.get_meeting_for(user, pk)
    if not permissions.can_record_minutes(user):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk: int):
    """City staff write a held meeting's minutes and publish them to the invitees."""
    meeting = _minutes_meeting_for(request.user, pk)
    if request.method == "GET":
        return _render_minutes(request, meeting)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_save(
                meeting=meeting,
                by=request.user,
                summary=form.cleaned_data["summary"],
                publish=form.cleaned_data["publish"],
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("회의록을 저장했습니다."))
            return redirect("meetings:minutes", pk=meeting.pk)
    return _render_minutes(request, meeting, form=form, status=400)


@require_POST
def decision_add(request, pk: int):
    """City staff record a decision of a held meeting."""
    meeting = _minutes_meeting_for(request.user, pk)
    form = DecisionForm(
        request.POST,
        topics=meeting.topics.filter(status=TopicStatus.ACCEPTED).order_by("agenda_position"),
    )
    if form.is_valid():
        try:
            services.decision_record(
                meeting=meeting,
                by=request.user,
                text=form.cleaned_data["text"],
                topic=form.cleaned_data["topic"],
            )
        except services.MeetingError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("결정을 기록했습니다."))
            minutes_url = reverse("meetings:minutes", kwargs={"pk": meeting.pk})
            return redirect(f"{minutes_url}#decisions-title")
    return _render_minutes(request, meeting, decision_form=form, status=400)


@require_http_methods(["GET", "POST"])
def decision_action_item_new(request, pk: int):
    """City staff open an action item from a meeting's decision (owned, unless they say
    otherwise, by the institution that proposed the decision's topic)."""
    decision = permissions.get_decision_for(request.user, pk)
    return _action_item_new(
        request,
        meeting=decision.meeting,
        source={"decision": decision},
        owner=decision.topic.institution if decision.topic else None,
        action_url=reverse("meetings:decision_action_item_new", kwargs={"pk": decision.pk}),
    )
