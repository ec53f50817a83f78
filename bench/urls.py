"""The portal's URLs plus ``/bench/bare/``: the yardstick the real pages are measured against."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from agencies.models import Institution
from portal.urls import urlpatterns as portal_urlpatterns


@require_GET
@login_not_required
def bare(request):
    """One query (the institutions' names), one tiny template, the full middleware stack."""
    names = list(Institution.objects.order_by("name_ko").values_list("name_ko", flat=True))
    return render(request, "bench/bare.html", {"names": names})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    *portal_urlpatterns,
]
