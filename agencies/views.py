from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from agencies import permissions, selectors
from agencies.apps import INSTITUTIONS_CONTENT
from agencies.forms import DirectoryFilterForm
from portal.content_cache import content_version
from portal.htmx import wants_fragment
from portal.roles import affiliation_of


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
def directory(request):
    """The directory of institutions; htmx requests get only the results partial."""
    form = DirectoryFilterForm(request.GET or None, bureaus=selectors.bureaus_with_institutions())
    visible = permissions.institutions_visible_to(request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        institutions = visible.none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        institutions = selectors.institution_directory(
            visible,
            kind=filters.get("kind", ""),
            bureau=filters.get("bureau"),
            query=filters.get("q", ""),
        )
    template = "agencies/directory.html"
    if wants_fragment(request):
        template += "#results"
    context = {
        "form": form,
        "institutions": institutions,
        # Called by the template only when the cached fragment has to be rendered again.
        "total": visible.count,
        "fragment_key": _fragment_key(request, request.GET.urlencode()),
    }
    return render(request, template, context, status=status)


def _fragment_key(request, *parts: str) -> list[str]:
    """What a cached public fragment depends on: the institutions' data version and the
    audience (city staff also see former institutions), plus the page's own ``parts``."""
    return [
        content_version(INSTITUTIONS_CONTENT),
        permissions.institution_audience(request.user),
        *parts,
    ]


@require_GET
@login_not_required
def detail(request, code: str):
    institution = permissions.get_institution_for(request.user, code)
    if code != institution.slug:
        return redirect(institution, permanent=True)
    context = {
        "institution": institution,
        "fragment_key": _fragment_key(request, institution.code),
        "members": permissions.members_visible_to(request.user, institution),
        "can_see_members": permissions.can_see_members(request.user, institution),
    }
    return render(request, "agencies/detail.html", context)


@require_GET
def mine(request):
    """The signed-in member's own institution; others are told where to go instead."""
    institution = permissions.own_institution_of(request.user)
    context = {
        "institution": institution,
        "affiliation": affiliation_of(request.user),
        "members": (
            permissions.members_visible_to(request.user, institution) if institution else []
        ),
    }
    return render(request, "agencies/mine.html", context)
