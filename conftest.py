import importlib
import os
import zlib

import factory.random
import pytest
from faker.providers import BaseProvider

# Playwright runs its own event loop in the test thread; Django's live server is sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright may not download browsers on this network."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


def add_reference_data() -> None:
    """The rows that migrations create (the social themes, the footer's pages), with the
    migrations' own idempotent functions: a flush after a transactional test empties them."""
    from django.apps import apps

    themes = importlib.import_module("apps.organisation.migrations.0002_social_themes")
    themes.add_themes(apps, None)
    pages = importlib.import_module("apps.portal.migrations.0002_information_pages_text")
    pages.add_pages(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrations' rows, also in a test database kept from an earlier run (--reuse-db),
    which that run's transactional tests left empty."""
    with django_db_blocker.unblock():
        add_reference_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, used TOTP codes and statistics sums live in caches; no test may see
    another's."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests last, whatever other plugins reordered: the flush after each of them
    empties tables that the other tests expect the migrations to have filled."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Names as residents really have them: with an apostrophe ("van 't Hof") and letters
# outside ASCII. With BUURTKOMPAS_TEST_NAMES=awkward every generated person gets such a
# name (every last name has an apostrophe, which a page shows escaped): a test that compares
# names unescaped, or a "not shown" check that passes only because the name was escaped,
# then fails. `make test` runs the tests that compare names this way too.
AWKWARD_FIRST_NAMES = ("Ömer", "Zoë", "D'Arcy", "Anne-Marie", "Noël", "Şükrü")
AWKWARD_LAST_NAMES = ("van 't Hof", "D'Amico", "O'Neill", "van 't Houteveen", "d'Ançona", "'t Hart")


class AwkwardNames(BaseProvider):
    def first_name(self):
        return self.random_element(AWKWARD_FIRST_NAMES)

    def last_name(self):
        return self.random_element(AWKWARD_LAST_NAMES)


def pytest_configure(config):
    if os.environ.get("BUURTKOMPAS_TEST_NAMES") == "awkward":
        factory.Faker.add_provider(AwkwardNames, locale="nl_NL")


@pytest.fixture(autouse=True)
def _seeded_test_data(request):
    """The same random test data for a test every run, whatever ran before it or on which
    worker: factory_boy and Faker start from a seed of the test's own name."""
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))
