"""From any page to the privacy statement, the accessibility statement and how to reach us;
from the home page's subjects to help nearby. On a phone and on a desk."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling, follow


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_footer_pages_and_the_home_pages_subjects(page: Page, axe_check, screenshot, viewport):
    width = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    page.goto("/")
    footer = page.get_by_role("navigation", name="Over deze website")
    for name in ("Privacyverklaring", "Toegankelijkheidsverklaring", "Contact"):
        footer.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_no_sideways_scrolling(page)
        axe_check(page, label=f"{name} ({width})")
    screenshot(page, f"portal-contact-{width}")
    follow(
        page.get_by_role("navigation", name="Over deze website").get_by_role(
            "link", name="Toegankelijkheidsverklaring"
        )
    )
    screenshot(page, f"portal-accessibility-statement-{width}")

    page.goto("/")
    # A subject of the home page leads to its questions, and from there to help nearby.
    page.get_by_role("link", name="Geldzaken & Regelgeving").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geldzaken & Regelgeving")
    axe_check(page, label=f"theme page ({width})")
    page.get_by_role("link", name="Hulp en activiteiten bij jou in de buurt", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
    expect(page.get_by_label("Thema")).to_have_value("geldzaken-regelgeving")
