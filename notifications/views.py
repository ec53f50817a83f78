from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from notifications import permissions, selectors, services
from portal.htmx import wants_fragment

NOTIFICATIONS_PER_PAGE = 20


def _page_of(request):
    return Paginator(selectors.inbox_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page") or request.POST.get("page")
    )


def _render_list(request, *, fragment: str = ""):
    page = _page_of(request)
    context = {"page": page, "unread": selectors.unread_count(request.user)}
    template = "notifications/list.html"
    if fragment:
        template += f"#{fragment}"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def notification_list(request):
    """The signed-in user's delivered notifications, newest first, unread ones marked."""
    return _render_list(request, fragment="inbox" if wants_fragment(request) else "")


def _back_to_list(request):
    page = request.POST.get("page", "")
    response = redirect("notifications:list")
    if page.isdigit() and page != "1":
        response["Location"] += f"?page={page}"
    return response


@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; htmx gets the updated item, a form post the list."""
    notification = permissions.get_notification_for(request.user, pk)
    notification = services.notification_mark_read(notification=notification, by=request.user)
    if wants_fragment(request):
        context = {"notification": notification, "unread": selectors.unread_count(request.user)}
        return render(request, "notifications/list.html#item_read", context)
    return _back_to_list(request)


@require_POST
def notification_read_all(request):
    """Mark every notification of the user read."""
    count = services.notifications_mark_all_read(user=request.user)
    if wants_fragment(request):
        return _render_list(request, fragment="inbox")
    if count:
        messages.success(request, _("알림을 모두 읽음으로 표시했습니다."))
    return _back_to_list(request)
