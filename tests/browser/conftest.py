"""Browser tests: headless Chromium (pytest-playwright) against Django's live server.

Every test in this folder is marked `browser` and runs on a transactional database (the
live server answers from another thread, so test data must be committed); the rows that
migrations create, such as the social themes, are put back before each test.
"""

from pathlib import Path

import pytest

from conftest import add_reference_data
from tests.browser import helpers

BROWSER_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Rows that migrations create (the social themes, the footer's pages) are emptied by
    the flush after every transactional test; put them back."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    add_reference_data()


@pytest.fixture
def server_url(live_server):
    """The live server's address without a trailing slash, e.g. http://localhost:40123."""
    return live_server.url


@pytest.fixture
def browser_context_args(browser_context_args, server_url):
    """Every page opens relative to the live server, so `page.goto("/werk/")` works.

    (pytest-base-url's own `base_url` fixture is session-scoped; the live server is not.)
    """
    return {**browser_context_args, "base_url": server_url, "viewport": helpers.DESKTOP}


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fail on serious or critical axe-core violations."""
    return helpers.axe_check


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: save var/screenshots/<name>.png."""
    return helpers.save_screenshot
