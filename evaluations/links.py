"""The addresses a campaign is answered at, and their QR codes (SVG, made by ``segno``).

Three ways in (see the public survey): the campaign's public link, one link per evaluated
institution (printed as a QR code at its counters), and a stakeholder's single-use
invitation link. The management pages and the invitation e-mail build them here.
"""

from __future__ import annotations

import io

import segno
from django.urls import reverse

# QR codes for posters and counters: medium error correction survives a smudge or a fold.
QR_ERROR_CORRECTION = "m"


def campaign_path(campaign) -> str:
    return reverse("evaluations:campaign", kwargs={"slug": campaign.slug})


def institution_path(campaign, institution) -> str:
    """The per-institution entry (the QR code's target): the institution's address code."""
    return reverse(
        "evaluations:survey_institution", kwargs={"slug": campaign.slug, "code": institution.slug}
    )


def invitation_path(token: str) -> str:
    return reverse("evaluations:survey_token", kwargs={"token": token})


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
