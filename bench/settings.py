"""Settings for the benchmark: the portal's own settings plus one extra URL (``bench.urls``).

Everything else — middleware, templates, database, security — is the portal's, read from the
same environment, so the bare view and the real pages run on the same stack.
"""

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"

# The bare view's template lives beside the benchmark, not among the portal's templates.
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]},
    *TEMPLATES[1:],
]
