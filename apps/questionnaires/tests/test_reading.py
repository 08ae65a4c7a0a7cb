"""A scan's lowest parts get suggestions, and each leads to the social map's services of
its theme."""

from decimal import Decimal

import pytest

from apps.organisation.models import Theme
from apps.questionnaires.reading import Part, suggestions

pytestmark = pytest.mark.django_db


def test_a_low_part_links_to_the_services_of_its_theme(client):
    parts = [
        Part("body", "Lichaamsfuncties", Decimal("3")),
        Part("mental", "Mentaal welbevinden", Decimal("9")),
        Part("participation", "Meedoen", Decimal("4.5")),
    ]
    found = suggestions("positive-health", parts)
    assert [suggestion.link for suggestion in found] == [
        "/sociale-kaart/?thema=gezondheid-zorg",
        "/sociale-kaart/?thema=burgerinitiatieven-gemeenschap",
    ]
    for suggestion in found:
        page = client.get(suggestion.link)
        assert page.status_code == 200
        assert not page.context["form"].errors


def test_every_suggestion_names_a_theme_that_exists():
    from apps.questionnaires.reading import _rules

    codes = set(Theme.objects.values_list("code", flat=True))
    for rule in _rules():
        assert rule.get("link") or rule.get("theme") in codes, rule["dimension"]
