"""Who may see a notification: its recipient, once it is delivered. Nobody else, not even
city staff or an administrator in the portal (the Django admin is where administrators look)."""

from django.http import Http404

from notifications.models import Notification
from notifications.selectors import inbox_of


def get_notification_for(user, pk: int) -> Notification:
    """``user``'s own delivered notification ``pk``; anyone else's is a 404."""
    try:
        return inbox_of(user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
