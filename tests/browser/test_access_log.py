"""A functional administrator searches the access log and pages through it, on a desk and a
phone."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from tests.browser.helpers import PHONE
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import label, main_button, translated

LOG_URL = "/werk/toegangslog/"


def fill_the_log() -> None:
    now = timezone.now() - timedelta(minutes=5)
    people = ["sanne.jansen@example.nl", "henk.de.groot@example.nl"]
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            occurred_at=now - timedelta(minutes=n),
            actor_user_id=100 + n % 2,
            actor_email=people[n % 2],
            actor_role=Role.SOCIAL_WORKER,
            action=AccessLogEntry.Action.BREAK_GLASS if n == 3 else AccessLogEntry.Action.READ,
            object_type="dossiers.dossier",
            object_id=str(1000 + n),
            object_repr=f"Joris van 't Hof {n} (Lopend)",
            reason="Cliënt belt in crisis; eigen team niet bereikbaar." if n == 3 else "",
            path=f"/werk/dossiers/{1000 + n}/",
            ip_address="10.20.0.7",
        )
        for n in range(130)
    )


def test_admin_searches_and_pages_through_the_log(page: Page, axe_check, screenshot):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    fill_the_log()
    log_in_as_staff(page, admin)

    page.goto(LOG_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("Access log"))
    expect(page.get_by_role("row")).to_have_count(51)  # header and a page of 50
    screenshot(page, "access-log")
    axe_check(page, label="access log")

    page.get_by_label(label(translated("User's e-mail address"))).fill("sanne")
    page.get_by_label(label(translated("From"))).fill(
        (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    main_button(page, translated("Search")).click()
    expect(page).to_have_url(re.compile(r"actor_email=sanne"))
    expect(page.get_by_role("cell", name="henk.de.groot@example.nl")).to_have_count(0)
    first_row = page.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("sanne.jansen@example.nl")

    page.get_by_role("link", name=translated("Older rows")).click()
    expect(page).to_have_url(re.compile(r"actor_email=sanne.*older=|older=.*actor_email=sanne"))
    expect(page.get_by_role("row")).to_have_count(16)  # 65 of Sanne: 50, then 15
    expect(page.get_by_role("link", name=translated("Older rows"))).to_have_count(0)
    screenshot(page, "access-log-older")
    axe_check(page, label="access log, older rows")

    page.get_by_role("link", name=translated("Newer rows")).click()
    expect(page.get_by_role("row")).to_have_count(51)
    expect(page.get_by_role("link", name=translated("Newer rows"))).to_have_count(0)


def test_wrong_search_fields_get_a_message_each(page: Page, axe_check, screenshot):
    log_in_as_staff(page, UserFactory(role=Role.FUNCTIONAL_ADMIN))
    page.goto(f"{LOG_URL}?occurred_from=2026-05-02&occurred_until=2026-05-01&description=ab")

    expect(page.get_by_role("alert")).to_contain_text(
        translated("Some search fields are not right. Check the messages at the fields.")
    )
    expect(page.get_by_text(translated('This date lies before the "From" date.'))).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    screenshot(page, "access-log-errors")
    axe_check(page, label="access log with wrong fields")


def test_the_log_on_a_phone(page: Page, axe_check, screenshot):
    fill_the_log()
    log_in_as_staff(page, UserFactory(role=Role.FUNCTIONAL_ADMIN))
    page.set_viewport_size(PHONE)
    page.goto(LOG_URL)

    expect(page.get_by_role("link", name=translated("Older rows"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "access-log-phone")
    axe_check(page, label="access log on a phone")
