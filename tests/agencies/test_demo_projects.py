"""seed_demo adds the joint projects, with the article's examples and every report state."""

from io import StringIO

import pytest
from django.core.management import call_command

from agencies.models import JointProject, Report, ReportState, ReportTransition


def seed():
    call_command("seed_demo", "--password", "demo-password-1", "--force", stdout=StringIO())


@pytest.fixture
def seeded(db):
    seed()


def test_seed_adds_about_three_projects_per_institution_with_every_state(seeded):
    institutions = JointProject.objects.values("lead_institution").distinct().count()
    assert institutions == 27
    assert JointProject.objects.count() == 27 * 3
    care = JointProject.objects.get(title="광주다움 통합돌봄 시즌2")
    assert care.lead_institution.code == "GJSSA"
    assert care.kpis.filter(direction="lower").exists()
    assert JointProject.objects.filter(title__contains="사회서비스박람회").exists()
    states = set(Report.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)


def test_seed_is_idempotent(seeded):
    counts = (JointProject.objects.count(), Report.objects.count(),
              ReportTransition.objects.count())
    seed()
    assert counts == (JointProject.objects.count(), Report.objects.count(),
                      ReportTransition.objects.count())
