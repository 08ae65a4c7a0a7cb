"""The error pages in a browser: readable Dutch, a way home, the site's look, under the
site's Content-Security-Policy, at a phone's and a desk's width."""

import pytest
from playwright.sync_api import Page, expect

from apps.portal import views as portal_views
from tests.browser.helpers import DESKTOP, PHONE, dutch

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


def expect_error_page(page: Page, response, status: int, heading: str) -> None:
    assert response.status == status
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # A way home (a 404 also has the portal's search box and "Hulp vragen").
    expect(page.get_by_role("main").locator('a[href="/"]')).to_have_count(1)
    # The site's style sheets were allowed by the policy and applied: the page has the
    # header bar of every other page, not the browser's default look.
    expect(page.locator(".bk-header")).to_be_visible()
    assert page.evaluate("() => document.styleSheets.length") >= 3
    # No horizontal scrolling on a phone.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_404_page(page: Page, width, axe_check, screenshot):
    page.set_viewport_size(WIDTHS[width])
    response = page.goto("/bestaat-niet/")
    expect_error_page(page, response, 404, dutch("We cannot find this page"))
    axe_check(page, label=f"404 ({width})")
    screenshot(page, f"error-404-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_500_page(page: Page, width, axe_check, screenshot, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database is on fire")

    # Something the home page calls (the URLconf holds the view itself already).
    monkeypatch.setattr(portal_views, "pending_scan_read", broken)
    page.set_viewport_size(WIDTHS[width])
    response = page.goto("/")
    expect_error_page(page, response, 500, "Er ging iets mis")
    assert "on fire" not in page.content()
    axe_check(page, label=f"500 ({width})")
    screenshot(page, f"error-500-{width}")
