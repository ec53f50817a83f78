"""Who may see and do what with evaluations (MISSION.md, "Who may do what").

- City staff and administrators run campaigns, build questionnaires, see anonymised raw
  responses, exclude flagged ones, answer appeals and publish results.
- The head and deputy head of an evaluated institution see its own score breakdown once the
  campaign is closed, and file its appeal; its staff do not.
- Everybody answers public surveys and reads published results and best practices.
- Nobody sees results while a campaign is open (or still a draft).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from evaluations.models import (
    BestPractice,
    BestPracticeAttachment,
    Campaign,
    CampaignStatus,
    Question,
    Questionnaire,
    Response,
)
from portal.roles import Role, affiliation_of, has_city_powers

# --- Campaigns (shared) -----------------------------------------------------------------------


def can_run_campaigns(user) -> bool:
    """Create campaigns, build questionnaires, open, close, exclude, answer appeals, publish."""
    return has_city_powers(user)


def can_see_raw_responses(user) -> bool:
    """Anonymised raw responses and their exports: city staff and administrators only."""
    return has_city_powers(user)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """City staff see every campaign; everyone else sees campaigns once they have opened."""
    if has_city_powers(user):
        return Campaign.objects.all()
    return Campaign.objects.exclude(status=CampaignStatus.DRAFT)


def get_campaign_for(user, slug: str) -> Campaign:
    try:
        return campaigns_visible_to(user).select_related("questionnaire").get(slug=slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def get_managed_campaign(user, slug: str) -> Campaign:
    """A campaign for its management pages: 404 for anyone who may not run campaigns, so the
    pages do not reveal which drafts exist."""
    if not can_run_campaigns(user):
        raise Http404
    try:
        return Campaign.objects.select_related("questionnaire").get(slug=slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def can_see_breakdown(user, campaign: Campaign, institution) -> bool:
    """An institution's own score breakdown before publication: its head or deputy head, and
    the city, once the campaign has closed. After publication the ranking is public."""
    if not campaign.results_visible_to_institutions:
        return False
    if has_city_powers(user):
        return True
    affiliation = affiliation_of(user)
    return affiliation.leads_institution and affiliation.institution_id == institution.pk


def can_file_appeal(user, campaign: Campaign, institution) -> bool:
    """Appeals are filed by the institution's head or deputy head (or an administrator on
    their behalf) while the campaign is under appeal and before its deadline; the deadline
    itself is checked by the service."""
    if campaign.status != CampaignStatus.UNDER_APPEAL:
        return False
    affiliation = affiliation_of(user)
    if affiliation.role == Role.ADMIN:
        return True
    return affiliation.leads_institution and affiliation.institution_id == institution.pk


def results_are_public(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.PUBLISHED


# --- Questionnaires & campaign management -----------------------------------------------------


def require_campaign_runner(user) -> None:
    """The management lists and forms: signed-in people who do not run campaigns get a 403."""
    if not can_run_campaigns(user):
        raise PermissionDenied


def get_managed_questionnaire(user, pk: int) -> Questionnaire:
    """A questionnaire for the builder: 404 for anyone who may not build questionnaires."""
    if not can_run_campaigns(user):
        raise Http404
    try:
        return Questionnaire.objects.get(pk=pk)
    except Questionnaire.DoesNotExist:
        raise Http404 from None


def get_managed_question(user, pk: int) -> Question:
    if not can_run_campaigns(user):
        raise Http404
    try:
        return Question.objects.select_related("section__questionnaire").get(pk=pk)
    except Question.DoesNotExist:
        raise Http404 from None


def get_moderated_response(user, campaign: Campaign, pk: int) -> Response:
    """A response of ``campaign`` for moderation (the campaign was already checked)."""
    if not can_see_raw_responses(user):
        raise Http404
    try:
        return Response.objects.get(campaign=campaign, pk=pk)
    except Response.DoesNotExist:
        raise Http404 from None

# --- Public survey ----------------------------------------------------------------------------

# --- Scoring & lifecycle ----------------------------------------------------------------------

# --- Results & appeals ------------------------------------------------------------------------


def get_published_campaign(user, slug: str) -> Campaign:
    """A campaign whose results are public, with its current snapshot's id annotated
    (``current_snapshot_id``), read through the cache. Any other campaign is a 404 to
    everyone, city staff included: nobody reads a ranking before publication (city staff
    preview it on the appeals page once the campaign has closed). Published campaigns are
    visible to every user alike, so the cached campaign does not depend on ``user``."""
    from evaluations.selectors import published_campaign  # selectors may import this module

    campaign = published_campaign(slug)
    if campaign is None:
        raise Http404
    return campaign


def get_breakdown_campaign(user, slug: str, institution) -> Campaign:
    """The campaign of an institution's breakdown page, with ``current_snapshot_id``: public
    once published; before that only for those ``can_see_breakdown`` allows (the head and
    deputy head of that institution, city staff, administrators), once closed. Everyone else
    gets a 404, as for any record of another institution that is not public."""
    from evaluations.selectors import with_current_snapshot  # selectors may import this module

    campaign = with_current_snapshot(campaigns_visible_to(user)).filter(slug=slug).first()
    if campaign is None:
        raise Http404
    if not (results_are_public(campaign) or can_see_breakdown(user, campaign, institution)):
        raise Http404
    return campaign


def can_see_appeals_of(user, campaign: Campaign, institution) -> bool:
    """An institution's appeals are its own business and the city's, published or not."""
    return can_see_breakdown(user, campaign, institution)


def can_answer_appeals(user) -> bool:
    return can_run_campaigns(user)


def can_publish_results(user) -> bool:
    return can_run_campaigns(user)


# --- Best practices ---------------------------------------------------------------------------


def can_manage_practices(user) -> bool:
    """Write, edit, publish best practices and their attachments: city staff and admins."""
    return has_city_powers(user)


def practices_visible_to(user) -> QuerySet[BestPractice]:
    """Published best practices are public; unpublished ones only to city staff."""
    if has_city_powers(user):
        return BestPractice.objects.all()
    return BestPractice.objects.filter(is_published=True)


def get_practice_for(user, pk: int) -> BestPractice:
    """The best practice (with its institution) if the user may see it, else 404."""
    try:
        return practices_visible_to(user).select_related("institution", "campaign").get(pk=pk)
    except BestPractice.DoesNotExist:
        raise Http404 from None


def get_practice_attachment_for(user, pk: int) -> BestPracticeAttachment:
    """An attachment is as visible as its best practice: unpublished ones, city staff only."""
    attachments = BestPracticeAttachment.objects.select_related("practice")
    if not has_city_powers(user):
        attachments = attachments.filter(practice__is_published=True)
    try:
        return attachments.get(pk=pk)
    except BestPracticeAttachment.DoesNotExist:
        raise Http404 from None
