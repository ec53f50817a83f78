from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from agencies.permissions import projects_visible_to
from meetings import calendars, permissions, selectors, services
from meetings.forms import (
    ActionItemForm,
    ActionItemUpdateForm,
    CalendarForm,
    DifficultyForm,
    OutcomeFilterForm,
    RsvpForm,
    ScheduleSeriesForm,
)
from portal.htmx import wants_fragment
from portal.roles import has_city_powers

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
    }
    return render(request, "meetings/detail.html", context, status=status)


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


def _render_action_item_new(request, difficulty, form, *, status: int = 200):
    context = {"difficulty": difficulty, "meeting": difficulty.meeting, "form": form}
    return render(request, "meetings/action_item_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def action_item_new(request, pk: int):
    """City staff open an action item from a difficulty heard in a field dialogue."""
    difficulty = permissions.get_difficulty_for(request.user, pk)
    if not permissions.can_create_action_items(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = ActionItemForm(initial={"owner_institution": difficulty.meeting.visited_institution})
        return _render_action_item_new(request, difficulty, form)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.action_item_create(
                by=request.user,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                difficulty=difficulty,
                owner_institution=form.cleaned_data["owner_institution"],
                owner_bureau=form.cleaned_data["owner_bureau"],
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("후속 조치를 만들었습니다."))
            return redirect("meetings:action_item", pk=item.pk)
    return _render_action_item_new(request, difficulty, form, status=400)


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
