"""Public pages are served from versioned fragment caches; an edit shows at once."""

import pytest
from django.urls import reverse

from agencies.models import Institution, PredecessorBody
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_for",
    [
        lambda institution: reverse("agencies:directory"),
        lambda institution: institution.get_absolute_url(),
    ],
    ids=["directory", "institution"],
)
def test_a_saved_change_replaces_the_cached_page(client, url_for):
    institution = InstitutionFactory(name_ko="옛이름기관", name_en="Old Name Agency")
    url = url_for(institution)
    client.get(url)  # fills the cache

    institution.name_en = "Renamed Agency"
    institution.name_ko = "새이름기관"
    institution.save()

    page = client.get(url).content.decode()
    assert "옛이름기관" not in page
    assert "새이름기관" in page
    assert "Renamed Agency" in page


def test_a_new_institution_changes_the_home_page_counts(client):
    InstitutionFactory.create_batch(2)
    assert "2개 기관이 함께합니다" in client.get(reverse("home")).content.decode()
    InstitutionFactory()
    assert "3개 기관이 함께합니다" in client.get(reverse("home")).content.decode()


def test_a_new_predecessor_shows_on_the_institution_page(client):
    institution = InstitutionFactory()
    client.get(institution.get_absolute_url())
    PredecessorBody.objects.create(successor=institution, name_ko="옛진흥원", change="merged")
    assert "옛진흥원" in client.get(institution.get_absolute_url()).content.decode()


def test_cached_pages_skip_the_queries(client, django_assert_max_num_queries):
    InstitutionFactory.create_batch(5)
    url = reverse("agencies:directory")
    client.get(url)
    # A cache hit runs only the request's transaction savepoint queries.
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    cards = response.content.decode().count('class="institution-card"')
    assert cards == Institution.objects.count()


def test_city_staff_and_public_do_not_share_cached_lists(client, world):
    former = InstitutionFactory(name_ko="폐지된기관", is_active=False)
    client.get(reverse("agencies:directory"))  # public version cached first
    client.force_login(world.users["city_staff"])
    assert former.name_ko in client.get(reverse("agencies:directory")).content.decode()
    client.logout()
    assert former.name_ko not in client.get(reverse("agencies:directory")).content.decode()
