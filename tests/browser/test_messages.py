"""A resident answers their social worker's message with a photo of a letter, on a phone
and on a desk; the worker reads it in the dossier's conversation."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.models import Message
from apps.portal.services import message_send, thread_start
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import log_in_with_password


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_answers_a_message_with_a_photo(
    page: Page, axe_check, screenshot, viewport, tmp_path, browser
):
    width = "phone" if viewport == PHONE else "desktop"
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")
    worker = TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Sanne", user__last_name="Smit"
    ).user
    dossier = DossierFactory(
        client__account=resident, team=worker.teams.get(), responsible_worker=worker
    )
    thread = thread_start(
        actor=worker,
        dossier=dossier,
        subject="Brief van de gemeente",
        body="Hoi Fatima, kun je een foto van de brief sturen?",
    )
    letter = tmp_path / "brief.jpg"
    image = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(image, "JPEG")
    letter.write_bytes(image.getvalue())

    page.set_viewport_size(viewport)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.get_by_role("link", name="Berichten").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berichten")
    expect(page.get_by_text("1 nieuw bericht")).to_be_visible()
    axe_check(page, label=f"messages ({width})")
    screenshot(page, f"portal-messages-{width}")

    page.get_by_role("link", name="Brief van de gemeente").click()
    expect(page.get_by_text("kun je een foto van de brief sturen?")).to_be_visible()
    page.get_by_label("Je bericht").fill("Hier is de brief. Ik snap niet wat ze willen.")
    page.get_by_label("Foto's of pdf's toevoegen", exact=False).set_input_files(str(letter))
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Je bericht is verstuurd.")).to_be_visible()
    expect(page.get_by_role("link", name="brief.jpg")).to_be_visible()
    expect(page.get_by_text("nog niet gelezen")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"conversation ({width})")
    screenshot(page, f"portal-thread-{width}")
    answer = Message.objects.get(from_client=True)
    assert answer.attachments.get().content_type == "image/jpeg"
    # The worker's message is read now; it counted as a contact moment.
    assert Message.objects.get(from_client=False).read_at is not None
    assert ContactMoment.objects.filter(dossier=dossier, mode="message").count() == 1

    if viewport == DESKTOP:
        staff = browser.new_context(base_url=page.url.split("/mijn-hulp")[0])
        worker_page = staff.new_page()
        worker_page.set_viewport_size(DESKTOP)
        log_in_as_staff(worker_page, worker)
        worker_page.goto(f"/werk/dossiers/{dossier.pk}/deel/berichten/")
        worker_page.get_by_role("link", name="Brief van de gemeente").click()
        expect(worker_page.get_by_text("Ik snap niet wat ze willen.")).to_be_visible()
        message_send(actor=worker, thread=thread, body="Dank je. Ik bel je morgen.")
        worker_page.reload()
        axe_check(worker_page, label="conversation for the worker")
        screenshot(worker_page, "work-thread-desktop")
        staff.close()
