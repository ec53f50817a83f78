from django.utils.functional import SimpleLazyObject

from portal.roles import affiliation_of


def portal(request):
    """The signed-in user's affiliation for the header and navigation, read only if used."""
    return {"affiliation": SimpleLazyObject(lambda: affiliation_of(request.user))}
