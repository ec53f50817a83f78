"""Reading what a user sees in the portal's HTML, for assertions."""

import re
from html import unescape

_INSTITUTION_CARD_TITLE = re.compile(
    r'<h2 class="institution-card__title"[^>]*>\s*<a\b[^>]*>(?P<name>[^<]+)</a>'
)
_H1 = re.compile(r"<h1\b[^>]*>(?P<text>.*?)</h1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def listed_institutions(html: str) -> list[str]:
    """Korean names of the institutions in the directory's results, in page order."""
    return [unescape(match["name"]) for match in _INSTITUTION_CARD_TITLE.finditer(html)]


def section_text(html: str, heading_id: str) -> str:
    """The visible text of the ``<section>`` labelled by the heading with ``heading_id``;
    empty when the page has no such section."""
    start = html.find(f'aria-labelledby="{heading_id}"')
    if start == -1:
        return ""
    end = html.find("</section>", start)
    return visible_text(html[start:end])


def visible_text(html: str) -> str:
    """Text without tags, whitespace collapsed."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def page_heading(html: str) -> str:
    """The visible text of the page's ``<h1>``."""
    match = _H1.search(html)
    return visible_text(match["text"]) if match else ""
