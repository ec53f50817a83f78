"""Versioned fragment caching for public pages.

Pages that everyone sees alike (the directory, an institution's public summary, the home
page's programme text) are cached as rendered fragments. Each fragment's key carries the
version of the data it shows; saving or deleting that data bumps the version
(agencies/apps.py connects the signals), so nothing stale is served after an edit. With
``REDIS_URL`` set the cache, and so the versions, are shared by every process; in the
embedded mode (local-memory cache) other processes see an edit within ``FRAGMENT_TIMEOUT``.
"""

from uuid import uuid4

from django.core.cache import cache

FRAGMENT_TIMEOUT = 300  # seconds; the longest a local-memory cache may serve stale data


def _key(namespace: str) -> str:
    return f"content-version:{namespace}"


def content_version(namespace: str) -> str:
    """The current version token of ``namespace`` (created on first use)."""
    version = cache.get(_key(namespace))
    if version is None:
        version = uuid4().hex
        cache.add(_key(namespace), version, timeout=None)
        version = cache.get(_key(namespace), version)
    return version


def bump_content_version(namespace: str) -> None:
    """Make every fragment cached under the old version of ``namespace`` unreachable."""
    cache.set(_key(namespace), uuid4().hex, timeout=None)
