"""No English on a Dutch page: every page each demo account can reach by following links
is read in Dutch and searched for English interface words; and every text of the code has
a Dutch translation in the catalogue."""

import re
import shutil
import subprocess
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve

from apps.accounts.demo import DEMO_ACCOUNTS
from apps.accounts.models import User

# Words of Django's and our own English interface that have no place in a Dutch page.
# Words that Dutch shares (Status, Filter, Download, Team) are not on the list.
ENGLISH = re.compile(
    r"\b(Select an option|Change|Delete|Save|Search|Cancel|Submit|Active|Closed|Choose|"
    r"Previous|Next|Show|Hide|Remove|Edit|Back|Page|Sign in|Sign out|Log out|Yes|"
    r"January|February|March|April|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    # A day with an English month: Dutch writes "21 nov 2026".
    r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{4})\b"
)
# Pages that are files or act when fetched, and the admin's own history of changes.
SKIPPED = re.compile(r"(\.csv|\.pdf|\.json|/pdf/|/export|/logout|/afmelden|/history/|/delete/)")
PAGES_PER_ROUTE = 2
PAGES_PER_ACCOUNT = 150


class _Reader(HTMLParser):
    """The text a reader sees or hears, and the page's links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attributes.get(name):
                self.text.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.text.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """Per page reached from `starts`: the English words it shows."""
    seen, per_route, found = set(), Counter(), {}
    todo = deque(starts)
    while todo and len(seen) < PAGES_PER_ACCOUNT:
        url = todo.popleft()
        parts = urlsplit(url)
        if parts.netloc or parts.scheme or not parts.path.startswith("/"):
            continue
        page = parts.path + (f"?{parts.query}" if parts.query else "")
        route = _route(parts.path)
        if page in seen or route is None or SKIPPED.search(parts.path):
            continue
        if per_route[route] >= PAGES_PER_ROUTE:
            continue
        seen.add(page)
        per_route[route] += 1
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="nl")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = _Reader()
        reader.feed(response.content.decode())
        # One text per line: a number beside a month in the next cell is no date.
        words = sorted(set(ENGLISH.findall("\n".join(reader.text))))
        if words:
            found[page] = words
        todo.extend(reader.links)
    assert len(seen) > 5, f"the crawl reached too little: {sorted(seen)}"
    return found


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="nl")
def test_no_page_of_any_demo_account_shows_english():
    call_command("seed_demo", "--force", verbosity=0)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    english = {}
    for account in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(email=account.email))
        found = _crawl(client, ["/", "/werk/", "/rapportage/", "/beheer/", "/account/"])
        english |= {f"{account.email} {page}": words for page, words in found.items()}
        client.logout()
    assert english == {}


def test_every_text_of_the_code_has_a_dutch_translation(tmp_path, monkeypatch):
    """The catalogue as `make messages` would write it has no empty or fuzzy entry.

    makemessages writes to ./locale of the directory it runs in: it runs in a temporary
    directory that links to the code and holds a copy of the catalogue, so the test never
    changes the repository's."""
    if not shutil.which("msgattrib"):
        pytest.fail("msgattrib is missing: install gettext (bin/install-system-packages)")
    root = Path(settings.BASE_DIR)
    for name in ("apps", "config", "templates"):
        (tmp_path / name).symlink_to(root / name, target_is_directory=True)
    target = tmp_path / "locale" / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(root / "locale" / "nl" / "LC_MESSAGES" / "django.po", target / "django.po")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
        call_command("makemessages", locale=["nl"], no_obsolete=True, symlinks=True, verbosity=0)
    catalogue = str(target / "django.po")
    problems = {}
    for name, option in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
        found = subprocess.run(
            ["msgattrib", option, "--no-obsolete", catalogue],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        problems[name] = re.findall(r'^msgid "(.+)"$', found, re.MULTILINE)
    assert problems == {"untranslated": [], "fuzzy": []}
