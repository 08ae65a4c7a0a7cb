"""Helpers for the browser tests: axe-core checks, screenshots and expected Dutch text."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "var" / "screenshots"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Violations with these impacts fail a test; "minor" and "moderate" ones are only reported.
AXE_BLOCKING_IMPACTS = frozenset({"serious", "critical"})

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The narrowest phone the workspace and the portal are made for.
SMALL_PHONE = {"width": 360, "height": 780}

_AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    const summary = (v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.join(" ")),
    });
    return {
        violations: results.violations.map(summary),
        incomplete: results.incomplete.map(summary),
    };
}"""


def dutch(message: str) -> str:
    """The text a Dutch page shows for a source string, from the translation catalogues."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def axe_check(page: Page, *, label: str = "") -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA plus best practices) on the page as it is now.

    Fails the test on serious or critical violations, listing each with its nodes.
    Returns the minor and moderate ones, which are printed but do not fail, as are the
    checks axe could not decide ("needs review", e.g. contrast over an image).
    """
    _inject_axe(page)
    results = page.evaluate(_AXE_RUN, AXE_TAGS)
    violations = results["violations"]
    where = label or page.url
    for check in results["incomplete"]:
        print(f"axe, needs review ({where}): {describe_violation(check)}")
    blocking = [v for v in violations if v["impact"] in AXE_BLOCKING_IMPACTS]
    reported = [v for v in violations if v["impact"] not in AXE_BLOCKING_IMPACTS]
    for violation in reported:
        print(f"axe, not blocking ({where}): {describe_violation(violation)}")
    if blocking:
        details = "\n".join(f"  {describe_violation(v)}" for v in blocking)
        pytest.fail(f"axe: serious or critical violations on {where}:\n{details}", pytrace=False)
    return reported


def _inject_axe(page: Page) -> None:
    if _has_axe(page):
        return
    try:
        page.add_script_tag(path=str(AXE_PATH))
    except PlaywrightError:
        # The site's CSP allows only scripts with a nonce, so an injected inline <script>
        # is refused; evaluating the source through the DevTools protocol is not.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
    assert _has_axe(page), f"axe-core could not be loaded from {AXE_PATH}"


def _has_axe(page: Page) -> bool:
    return page.evaluate("() => typeof window.axe === 'object'")


def describe_violation(violation: dict) -> str:
    targets = violation["targets"]
    shown = json.dumps(targets[:8], ensure_ascii=False)
    more = f" and {len(targets) - 8} more" if len(targets) > 8 else ""
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']}; "
        f"nodes {shown}{more} ({violation['helpUrl']})"
    )


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as var/screenshots/<name>.png so a person can look at it afterwards."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def follow(locator: Locator) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded.

    A bare click returns before the browser leaves the old page, so a check right after
    it can run on a page that is being replaced.
    """
    with locator.page.expect_navigation():
        locator.click()


def assert_no_sideways_scrolling(page: Page) -> None:
    """The page fits the window's width: nothing to scroll sideways (WCAG 1.4.10)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
