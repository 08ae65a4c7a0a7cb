"""A refused phone number and postcode, as a social worker sees them on a phone and at a
desk: the Dutch message right at the field, what they typed still there to correct."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.core.validators import PHONE_INVALID_MESSAGE
from apps.dossiers.models import Client, IntakeRequest
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import expect_dutch_page, main_button, translated

WRONG_PHONE = "06-1234567"
WRONG_POSTCODE = "1234 SA"
POSTCODE_MESSAGE = "Postcodes with the letters SA, SD or SS do not exist. Check the postcode."


def expect_message_at(page: Page, field: str, message: str) -> None:
    """The message sits in the same form field as the input, and the input says so."""
    form_field = page.locator(".utrecht-form-field", has=page.locator(f"#id_{field}"))
    expect(form_field.locator(".utrecht-form-field-error-message")).to_have_text(message)
    expect(page.locator(f"#id_{field}")).to_have_attribute("aria-invalid", "true")
    # A screen reader reads the message with the field (aria-describedby).
    expect(page.locator(f"#id_{field}")).to_have_accessible_description(
        re.compile(re.escape(message))
    )


def refuse_and_look(page: Page, screenshot, axe_check, name: str) -> None:
    expect_dutch_page(page)
    with translation.override("nl"):
        expect_message_at(page, "phone", str(PHONE_INVALID_MESSAGE))
    expect_message_at(page, "postcode", translated(POSTCODE_MESSAGE))
    expect(page.locator("#id_phone")).to_have_value(WRONG_PHONE)
    expect(page.locator("#id_postcode")).to_have_value(WRONG_POSTCODE)
    axe_check(page, label=name)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.locator("#id_phone").scroll_into_view_if_needed()
        screenshot(page, f"{name}-{size}")


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def test_the_client_form_refuses_a_wrong_phone_number_and_postcode(
    page: Page, worker, screenshot, axe_check
):
    dossier = DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        client__first_name="Anna",
        client__last_name="Bakker",
        client__postcode="3811 AA",
    )
    log_in_as_staff(page, worker)
    page.goto(f"/werk/dossiers/{dossier.pk}/client/")
    page.locator("#id_phone").fill(WRONG_PHONE)
    page.locator("#id_postcode").fill(WRONG_POSTCODE)
    main_button(page, translated("Save")).click()

    refuse_and_look(page, screenshot, axe_check, "client-edit-refused")
    client = Client.objects.get(pk=dossier.client_id)
    assert (client.postcode, str(client.phone)) == ("3811 AA", str(dossier.client.phone))


def test_the_phone_intake_form_refuses_a_wrong_phone_number_and_postcode(
    page: Page, worker, screenshot, axe_check
):
    log_in_as_staff(page, worker)
    page.goto("/werk/dossiers/intake/nieuw/")
    page.locator("#id_first_name").fill("Henk")
    page.locator("#id_last_name").fill("de Boer")
    page.locator("#id_question").fill("Mijn vrouw is overleden en ik red het niet alleen.")
    page.locator("#id_phone").fill(WRONG_PHONE)
    page.locator("#id_postcode").fill(WRONG_POSTCODE)
    main_button(page, translated("Add to the intake queue")).click()

    refuse_and_look(page, screenshot, axe_check, "intake-new-refused")
    assert not IntakeRequest.objects.exists()
