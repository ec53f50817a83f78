"""Citizen and stakeholder evaluations. The three innovation areas of phase 2 live here
because campaigns, scores and best practices are filed under them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InnovationArea(models.TextChoices):
    ORGANISATION = "organisation", _("조직")
    SERVICE = "service", _("서비스")
    EVALUATION = "evaluation", _("평가")
