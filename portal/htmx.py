"""How views answer htmx: one view, one template, a partial for htmx requests."""


def wants_fragment(request) -> bool:
    """True for an htmx request that swaps part of the page.

    A boosted request, or htmx restoring a page from history after a cache miss, needs the
    whole page, like a request without JavaScript.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
