"""Stakeholder invitations: one single-use token per address, only its SHA-256 stored, the
link e-mailed after commit and the address forgotten once sent."""

import hashlib
import re

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import StakeholderInvitation
from evaluations.services import ManagementError
from tests.evaluation_factories import CampaignFactory, closed_campaign

LINK = re.compile(r"http://testserver/evaluations/invite/(?P<token>[A-Za-z0-9_-]+)/")


def test_invitations_are_mailed_with_their_token_and_forget_the_address(
    world, client_as, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(institutions=[world.institution_x])
    client = client_as(world.users["city_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:campaign_invitations", kwargs={"slug": campaign.slug}),
            {
                "institution": world.institution_x.pk,
                "emails": "Partner@Example.org, ngo@example.org\npartner@example.org",
            },
        )
    assert response.status_code == 302

    invitations = StakeholderInvitation.objects.filter(campaign=campaign)
    assert invitations.count() == 2  # the repeated address once
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ngo@example.org", "partner@example.org"]
    hashes = set(invitations.values_list("token_hash", flat=True))
    for mail in mailoutbox:
        token = LINK.search(mail.body)["token"]
        assert len(token) >= 40
        assert hashlib.sha256(token.encode()).hexdigest() in hashes
        assert "엑스기관" in mail.subject
    # Nothing of the token but its hash, and no address once sent.
    for invitation in invitations:
        assert invitation.email == ""
        assert invitation.sent_at is not None
        assert invitation.used_on is None
    stored = " ".join(str(value) for row in invitations.values_list() for value in row)
    for mail in mailoutbox:
        assert LINK.search(mail.body)["token"] not in stored


def test_nothing_is_sent_when_the_transaction_rolls_back(world, mailoutbox):
    campaign = CampaignFactory(institutions=[world.institution_x])
    services.invitations_create(
        campaign=campaign,
        institution=world.institution_x,
        emails=["a@example.org"],
        by=world.users["city_staff"],
        site_url="https://portal.example/",
    )
    # The test's transaction never commits: the on-commit sending never ran.
    assert mailoutbox == []
    assert StakeholderInvitation.objects.get().email == "a@example.org"


@pytest.mark.parametrize(
    ("campaign_of", "institution", "code"),
    [
        (lambda world: closed_campaign(institutions=[world.institution_x]), "x", "closed"),
        (lambda world: CampaignFactory(institutions=[world.institution_x]), "y", "institution"),
    ],
)
def test_invitations_are_refused(world, campaign_of, institution, code):
    campaign = campaign_of(world)
    with pytest.raises(ManagementError) as refused:
        services.invitations_create(
            campaign=campaign,
            institution=getattr(world, f"institution_{institution}"),
            emails=["a@example.org"],
            by=world.users["city_staff"],
            site_url="https://portal.example/",
        )
    assert refused.value.code == code
    assert not StakeholderInvitation.objects.exists()


def test_bad_addresses_are_named_next_to_the_field(world, client_as):
    campaign = CampaignFactory(institutions=[world.institution_x])
    client = client_as(world.users["city_staff"])
    response = client.post(
        reverse("evaluations:campaign_invitations", kwargs={"slug": campaign.slug}),
        {"institution": world.institution_x.pk, "emails": "ok@example.org not-an-address"},
    )
    assert response.status_code == 400
    error = re.search(r'id="id_emails_error">(.*?)</p>', response.text, re.S).group(1)
    assert "not-an-address" in error
    assert not StakeholderInvitation.objects.exists()
