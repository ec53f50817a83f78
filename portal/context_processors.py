from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count
from portal.content_cache import FRAGMENT_TIMEOUT
from portal.roles import affiliation_of


def portal(request):
    """The signed-in user's affiliation and unread notification count (each read only if
    used; the count is cached) and the fragment cache timeout."""
    return {
        "affiliation": SimpleLazyObject(lambda: affiliation_of(request.user)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
        "fragment_timeout": FRAGMENT_TIMEOUT,
    }
