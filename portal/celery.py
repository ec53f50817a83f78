"""The Celery application.

With ``REDIS_URL`` unset (the embedded default) tasks run eagerly in the calling process;
with it set they go through Redis to a worker, and beat reads its schedule from the database
(django-celery-beat). See ``CELERY_*`` in ``portal/settings.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
