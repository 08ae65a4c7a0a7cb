"""A resident searches the social map on a phone and on a desk, without an account: words,
a filter, a service's page with its hours and a route."""

import random

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from apps.organisation.demo import seed_organisation
from apps.socialmap.demo import seed_social_map
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_resident_finds_help_with_forms(page: Page, axe_check, screenshot, viewport):
    seed_organisation(size="small", rng=random.Random(3))
    seed_social_map(size="small", rng=random.Random(3), faker=Faker("nl_NL"))
    width = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)

    page.goto("/")
    page.get_by_role("link", name="Vind hulp, advies en activiteiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"social map ({width})")

    page.get_by_label("Waar zoek je naar?").fill("formulieren")
    page.get_by_label("Thema").select_option(label="Geldzaken & Regelgeving")
    page.get_by_label("Alleen gratis").check()
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator(".bk-service-card")
    expect(results.first).to_contain_text("Formulierenhulp")
    # The same results as flags on the map, one per service of the page.
    expect(
        page.get_by_role("region", name="Kaart met een vlag per aanbod op deze pagina")
    ).to_be_visible()
    expect(page.locator(".bk-service-map .leaflet-marker-icon")).to_have_count(results.count())
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"social map results ({width})")
    screenshot(page, f"social-map-results-{width}")

    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formulierenhulp")
    expect(page.get_by_text("Openingstijden").first).to_be_visible()
    expect(page.get_by_role("link", name="Plan je route")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"a service ({width})")
    screenshot(page, f"social-map-service-{width}")

    page.goto("/sociale-kaart/?postcode=3811+AB&afstand=5")
    expect(page.locator("#results-heading")).to_contain_text("dichtstbij eerst")
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"near a postcode ({width})")
    screenshot(page, f"social-map-near-{width}")

    page.goto("/sociale-kaart/?q=zeilen+op+de+maan")
    expect(page.get_by_text("Niets gevonden.")).to_be_visible()
