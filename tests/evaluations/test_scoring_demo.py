"""The demo evaluations of ``manage.py seed_demo``: published campaigns with snapshots, this
year's open one, thousands of responses, some institutions below the minimum sample; and a
second run changes nothing."""

from django.utils import timezone

from agencies.demo import DEMO_YEAR
from agencies.models import Institution
from evaluations.demo import demo_campaigns_ensure
from evaluations.models import CampaignStatus, Response, ScoreSnapshot


def test_demo_campaigns(seeded):
    institutions = list(Institution.objects.order_by("pk"))
    result = demo_campaigns_ensure(institutions=institutions)
    this_year = timezone.localdate().year
    by_year = {campaign.year: campaign for campaign in result.campaigns}
    assert set(by_year) == {DEMO_YEAR, this_year - 1, this_year}
    current = by_year[this_year]
    assert current.status == CampaignStatus.OPEN
    assert not current.snapshots.exists()  # nobody sees results while it is open
    assert current.responses.count() >= 1000
    for year in (DEMO_YEAR, this_year - 1):
        published = by_year[year]
        assert published.status == CampaignStatus.PUBLISHED
        assert published.published_at is not None
        snapshot = published.snapshots.get(is_current=True)
        scores = list(snapshot.scores.all())
        assert len(scores) == 27
        below = [score for score in scores if score.insufficient_sample]
        assert 1 <= len(below) < 27
        assert all(score.rank is None for score in below)
        assert {score.rank for score in scores if not score.insufficient_sample} >= {1, 2, 3}
        assert published.responses.filter(respondent_type="stakeholder").exists()
    assert result.responses_added == Response.objects.count()

    again = demo_campaigns_ensure(institutions=institutions)
    assert again.responses_added == 0
    assert Response.objects.count() == result.responses_added
    assert ScoreSnapshot.objects.count() == 2
