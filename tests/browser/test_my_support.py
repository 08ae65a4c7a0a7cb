"""A resident reads their plan on a phone and on a desk, and ticks off a step of their own."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.models import Action, Goal, IntakeRequest
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, SMALL_PHONE, assert_no_sideways_scrolling
from tests.browser.test_casework import log_in_as_staff
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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_downloads_their_data_corrects_their_details_and_asks_for_erasure(
    page: Page, axe_check, screenshot, viewport, browser
):
    width = "phone" if viewport == PHONE else "desktop"
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna")
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    dossier = DossierFactory(client__account=resident, team=worker.teams.get())
    access_log_record(actor=worker, action=AccessLogEntry.Action.READ, obj=dossier)
    page.set_viewport_size(viewport)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    expect(page.get_by_role("cell", name=worker.email, exact=False)).to_be_visible()
    screenshot(page, f"portal-my-data-{width}")
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"my data ({width})")
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden voor een ander programma (JSON)").click()
    assert download.value.suggested_filename == "mijn-gegevens-buurtkompas.json"
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden om te lezen (pdf)").click()
    assert download.value.suggested_filename == "mijn-gegevens-buurtkompas.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # A wrong postcode is refused at the question; then the details are saved.
    page.get_by_role("link", name="Gegevens wijzigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je contactgegevens")
    page.get_by_label("Postcode").fill("12345")
    page.get_by_role("button", name="Mijn gegevens opslaan").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    axe_check(page, label=f"contact details with an error ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"portal-contact-details-{width}")
    page.get_by_label("Postcode").fill("3811 KG")
    page.get_by_label("Telefoon").fill("06 12345678")
    page.get_by_role("button", name="Mijn gegevens opslaan").click()
    expect(page.get_by_text("Je gegevens zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("3811 KG")).to_be_visible()

    page.get_by_role("button", name="Vraag om mijn gegevens te verwijderen").click()
    expect(page.get_by_text("met kenmerk", exact=False)).to_be_visible()
    asked = IntakeRequest.objects.get(kind=IntakeRequest.Kind.ERASURE)

    # The team reads what it keeps and answers (a worker's phone is 360 pixels wide).
    staff = browser.new_context(base_url=page.url.split("/mijn-gegevens")[0])
    worker_page = staff.new_page()
    worker_page.set_viewport_size(SMALL_PHONE if viewport == PHONE else DESKTOP)
    log_in_as_staff(worker_page, worker)
    worker_page.get_by_role("link", name="Intake").first.click()
    worker_page.get_by_role("link", name=asked.full_name).click()
    expect(worker_page.get_by_role("heading", level=1)).to_contain_text("Verzoek om gegevens")
    axe_check(worker_page, label=f"erasure request ({width})")
    assert_no_sideways_scrolling(worker_page)
    screenshot(worker_page, f"work-erasure-request-{width}")
    worker_page.get_by_label("Je antwoord aan de inwoner").fill(
        "We hebben je account verwijderd. Je dossier bewaren we zeven jaar."
    )
    worker_page.get_by_role("button", name="Antwoord versturen").click()
    expect(worker_page.get_by_text("Je antwoord is verstuurd.", exact=False)).to_be_visible()
    staff.close()

    page.goto("/mijn-hulp/")
    expect(page.get_by_text("Je dossier bewaren we zeven jaar.")).to_be_visible()
    axe_check(page, label=f"my support with an answer ({width})")
