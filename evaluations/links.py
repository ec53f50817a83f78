"""The addresses a campaign is answered at, and their QR codes (SVG, made by ``segno``).

Three ways in (see the public survey): the campaign's public link, one link per evaluated
institution (printed as a QR code at its counters), and a stakeholder's single-use
invitation link. The public survey's URL patterns are defined with the survey itself; the
paths are built here, in one place, so the management pages and the invitation e-mail agree
with them.
"""

from __future__ import annotations

import io

import segno
from django.urls import NoReverseMatch, reverse

# QR codes for posters and counters: medium error correction survives a smudge or a fold.
QR_ERROR_CORRECTION = "m"


def _survey_path(name: str, fallback: str, **kwargs) -> str:
    """The survey's own URL when its patterns are installed; the documented path otherwise
    (the survey's patterns are written on another branch: this keeps one spelling of it)."""
    try:
        return reverse(f"evaluations:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def campaign_path(campaign) -> str:
    return _survey_path("campaign", f"/evaluations/{campaign.slug}/", slug=campaign.slug)


def institution_path(campaign, institution) -> str:
    """The per-institution entry (the QR code's target): the institution's address code."""
    return _survey_path(
        "survey_institution",
        f"/evaluations/{campaign.slug}/i/{institution.slug}/",
        slug=campaign.slug,
        code=institution.slug,
    )


def invitation_path(token: str) -> str:
    return _survey_path("survey_token", f"/evaluations/invite/{token}/", token=token)


def absolute(site_url: str, path: str) -> str:
    """``site_url`` ("https://portal.example/") joined with an absolute ``path``."""
    return site_url.rstrip("/") + path


def qr_svg(url: str, *, title: str = "") -> str:
    """An SVG QR code of ``url``: scalable for print, with a <title> for screen readers."""
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR_CORRECTION).save(
        buffer,
        kind="svg",
        scale=4,
        border=4,
        title=title or None,
        svgclass="qr-code",
        lineclass=None,
        xmldecl=False,
        svgns=True,
        nl=False,
    )
    return buffer.getvalue().decode()
