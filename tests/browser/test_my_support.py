"""A resident reads their plan on a phone and on a desk, and ticks off a step of their own."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.dossiers.models import Action, Goal
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling
from tests.browser.test_login import log_in_with_password


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_resident_reads_their_plan_and_ticks_off_a_step(
    page: Page, axe_check, screenshot, viewport
):
    width = "phone" if viewport == PHONE else "desktop"
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna")
    worker = TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Sanne", user__last_name="Smit"
    ).user
    dossier = DossierFactory(
        client__account=resident, team=worker.teams.get(), responsible_worker=worker
    )
    goal = Goal.objects.create(dossier=dossier, question="Hoe betaal ik mijn rekeningen op tijd?")
    mine = Action.objects.create(
        goal=goal, description="Alle brieven in één map doen", owner=Action.Owner.CLIENT
    )
    Action.objects.create(
        goal=goal, description="Een afspraak maken bij de schuldhulp", owner=Action.Owner.WORKER
    )
    ContactMomentFactory(
        dossier=dossier,
        client_summary=(
            "We hebben je post samen bekeken. Volgende keer kijken we naar je vaste lasten."
        ),
    )
    page.set_viewport_size(viewport)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.get_by_role("link", name="Mijn hulp").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn hulp")
    expect(page.get_by_text("Je sociaal werker is Sanne Smit")).to_be_visible()
    expect(page.get_by_text("We hebben je post samen bekeken.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"my support ({width})")
    screenshot(page, f"portal-my-support-{width}")

    # The button names its step for a screen reader, not only "I did this".
    button = page.locator(f"#action-{mine.pk}").get_by_role("button", name="Dit heb ik gedaan")
    expect(button).to_have_accessible_name(re.compile("Alle brieven in één map doen"))
    button.click()
    expect(page.get_by_text("Goed gedaan!")).to_be_visible()
    expect(page.locator(f"#action-{mine.pk}").get_by_role("button")).to_contain_text(
        "Toch nog niet gedaan"
    )
    axe_check(page, label=f"my support after ticking ({width})")
    mine.refresh_from_db()
    assert mine.status == Action.Status.DONE


def test_a_resident_downloads_their_data_and_sees_who_looked(page: Page, axe_check, screenshot):
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna")
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    dossier = DossierFactory(client__account=resident, team=worker.teams.get())
    from apps.audit.models import AccessLogEntry
    from apps.audit.services import access_log_record

    access_log_record(actor=worker, action=AccessLogEntry.Action.READ, obj=dossier)
    page.set_viewport_size(PHONE)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.goto("/mijn-hulp/")
    page.get_by_role("link", name="Download je gegevens", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    expect(page.get_by_role("cell", name=worker.email, exact=False)).to_be_visible()
    screenshot(page, "portal-my-data-phone")
    assert_no_sideways_scrolling(page)
    axe_check(page, label="my data (phone)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download mijn gegevens (JSON)").click()
    assert download.value.suggested_filename == "mijn-gegevens-buurtkompas.json"
