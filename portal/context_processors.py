from django.utils.functional import SimpleLazyObject

from portal.content_cache import FRAGMENT_TIMEOUT
from portal.roles import affiliation_of


def portal(request):
    """The signed-in user's affiliation (read only if used) and the fragment cache timeout."""
    return {
        "affiliation": SimpleLazyObject(lambda: affiliation_of(request.user)),
        "fragment_timeout": FRAGMENT_TIMEOUT,
    }
