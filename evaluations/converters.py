"""URL converters of evaluations."""

# First path segments under /evaluations/ that are pages, not campaigns. A campaign's address
# (``<campaign:slug>/``) never matches them, wherever its pattern sits in urls.py.
RESERVED_CAMPAIGN_SLUGS = ("manage", "practices", "results", "invite")


class CampaignSlugConverter:
    regex = r"(?!(?:%s)/)[-a-zA-Z0-9_]+" % "|".join(RESERVED_CAMPAIGN_SLUGS)  # noqa: UP031

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
