"""A trajectory from the phone call to closing: network, life events, a photo, the end."""

import re
import struct
import zlib
from datetime import date
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.models import Attachment, Dossier, IntakeRequest, NetworkMember
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.reports.models import CostItem, PreventedEvent
from tests.browser.helpers import PHONE, follow
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import main_button, translated


def open_section(page: Page, title: str) -> None:
    """Open one section of the dossier page from its navigation."""
    link = page.get_by_role("navigation", name=translated("Parts of the dossier")).get_by_role(
        "link", name=translated(title), exact=True
    )
    link.click()
    expect(link).to_have_attribute("aria-current", "page")


def field(page: Page, text: str):
    return page.get_by_label(re.compile("^" + re.escape(translated(text)), re.I))


def png_photo(path, width=240, height=160) -> None:
    """A small real PNG (a coloured sheet with a stripe), so the thumbnail shows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00"
        + b"".join(
            b"\x1f\x3a\x5f" if abs(y - x * height // width) < 5 else b"\xf5\xe6\xa3"
            for x in range(width)
        )
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_from_a_phone_call_to_a_closed_dossier(page: Page, axe_check, screenshot, tmp_path):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    log_in_as_staff(page, worker)

    # A resident calls: note the request.
    page.get_by_role("navigation").get_by_role("link", name="Intake", exact=True).click()
    follow(page.get_by_role("link", name=translated("Note a request for help")))
    axe_check(page, label="note a request")
    screenshot(page, "intake-new")
    field(page, "first name").fill("Henk")
    field(page, "last name").fill("de Boer")
    field(page, "birth date").fill("1950-03-02")
    page.get_by_label(re.compile("^postcode", re.I)).fill("3811ab")
    field(page, "house number").fill("4")
    field(page, "the question, in their words").fill(
        "Mijn vrouw is overleden en ik red het niet alleen."
    )
    main_button(page, translated("Add to the intake queue")).click()
    expect(page.get_by_text(translated("The request is in the intake queue."))).to_be_visible()
    assert IntakeRequest.objects.get().postcode == "3811 AB"

    # Pick it up.
    page.get_by_role("link", name="Henk de Boer").click()
    page.get_by_label(translated("Theme of question %(number)s") % {"number": 1}).select_option(
        index=1
    )
    main_button(page, translated("Open a dossier")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henk de Boer")
    dossier = Dossier.objects.get()

    # The address was half known on the phone: complete it.
    open_section(page, "Details and status")
    follow(page.get_by_role("link", name=translated("Change the client's details")))
    axe_check(page, label="client details")
    field(page, "street").fill("Langestraat")
    field(page, "town").fill("Amersfoort")
    screenshot(page, "client-edit")
    main_button(page, translated("Save")).click()
    expect(page.get_by_text(translated("The client's details are saved."))).to_be_visible()
    dossier.client.refresh_from_db()
    assert dossier.client.street == "Langestraat"

    # A second question comes up during the intake.
    open_section(page, "Questions")
    page.locator("summary", has_text=translated("Register a question")).click()
    page.get_by_label(translated("Theme")).select_option(label="Huisvesting & Wonen")
    page.get_by_label(re.compile("^" + re.escape(translated("Subcategory")))).fill(
        "Woning aanpassen"
    )
    main_button(page, translated("Add question")).click()
    expect(page.get_by_text("Woning aanpassen")).to_be_visible()

    # Draw the network together.
    open_section(page, "Network")
    people = [
        ("Ineke", "dochter", "family", "1", "emotional", "good"),
        ("Piet", "broer", "family", "3", "none", "strained"),
        ("Fatima", "buurvrouw", "neighbourhood", "1", "practical", "good"),
        ("Gerrit", "biljartclub", "work_school", "2", "company", "neutral"),
        ("Dr. Jansen", "huisarts", "professionals", "2", "care", "good"),
        ("Kees", "oud-collega", "friends", "3", "company", "neutral"),
    ]
    for name, relation, circle, closeness, support, quality in people:
        page.locator("summary", has_text=translated("Add someone to the network")).click()
        field(page, "name").fill(name)
        field(page, "relation to the client").fill(relation)
        field(page, "part of life").select_option(circle)
        page.locator(f"input[name='network-closeness'][value='{closeness}']").check()
        field(page, "kind of support").select_option(support)
        page.locator(f"input[name='network-quality'][value='{quality}']").check()
        main_button(page, translated("Add to the network")).click()
    expect(page.get_by_role("img", name=translated("Network of %(name)s") % {"name": "Henk"}))
    expect(page.get_by_role("table", name=translated("People in the network"))).to_contain_text(
        "Dr. Jansen"
    )
    assert NetworkMember.objects.filter(dossier=dossier).count() == len(people)

    # A life event.
    open_section(page, "Life events")
    page.locator("summary", has_text=translated("Add a life event")).click()
    field(page, "date").fill((timezone.localdate() - timezone.timedelta(days=60)).isoformat())
    field(page, "what happened").select_option("loss")
    field(page, "in a few words").fill("Zijn vrouw Ria is overleden.")
    main_button(page, translated("Add life event")).click()
    expect(page.get_by_text("Zijn vrouw Ria is overleden.")).to_be_visible()

    # The network drawn on paper, as a photo.
    photo = tmp_path / "netwerk.png"
    png_photo(photo)
    open_section(page, "Photos and files")
    page.locator("summary", has_text=translated("Add a photo or scan")).click()
    page.get_by_label(translated("What is it?")).fill("Netwerkkaart van de keukentafel")
    page.get_by_label(translated("Photo or scan")).set_input_files(str(photo))
    main_button(page, translated("Add file")).click()
    expect(page.get_by_text(translated("The file is added to the dossier."))).to_be_visible()
    thumbnail = page.get_by_role("img", name="Netwerkkaart van de keukentafel")
    expect(thumbnail).to_be_visible()
    # Visible is not loaded yet: wait for the image itself before measuring it.
    loaded_width = (
        "image => image.complete ? image.naturalWidth : new Promise(resolve => "
        "image.addEventListener('load', () => resolve(image.naturalWidth)))"
    )
    assert thumbnail.evaluate(loaded_width) == 240
    assert Attachment.objects.get().content_type == "image/png"

    axe_check(page, label="dossier with a photo")
    open_section(page, "Network")
    axe_check(page, label="dossier with network")
    screenshot(page, "dossier-network", full_page=True)

    follow(page.get_by_role("link", name="Piet"))
    axe_check(page, label="change a network member")
    screenshot(page, "network-member-edit")
    page.locator("input[name='network-quality'][value='neutral']").check()
    main_button(page, translated("Save")).click()
    assert NetworkMember.objects.get(name="Piet").quality == "neutral"

    page.set_viewport_size(PHONE)
    page.locator("#network").scroll_into_view_if_needed()
    screenshot(page, "dossier-network-phone")

    # Henk is on the map: the address got coordinates when the dossier opened.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("navigation").get_by_role("link", name=translated("Map"), exact=True).click()
    flag = page.get_by_role("button", name=re.compile(r"^Henk d\.,"))
    expect(flag).to_be_visible()
    flag.press("Enter")
    page.locator(".leaflet-popup").get_by_role("link", name=re.compile("Henk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henk de Boer")

    # Onwards, and close.
    open_section(page, "Details and status")
    main_button(
        page, translated("Move on to: %(status)s") % {"status": translated("Active")}
    ).click()
    page.locator("summary", has_text=translated("Close the dossier")).click()
    field(page, "Why does the dossier close?").select_option("goals_reached")
    page.get_by_role("button", name=translated("Close the dossier")).click()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.CLOSED
    expect(page.get_by_role("button", name=translated("Add to the network"))).to_have_count(0)

    # Looking back with Henk: support likely kept him in his home.
    CostItem.objects.create(
        code="eviction",
        name_nl="Huisuitzetting",
        name_en="Eviction",
        amount=Decimal("8000"),
        source="Voorbeeldbron",
        valid_from=date(2024, 1, 1),
    )
    page.get_by_role("link", name=translated("What did support likely prevent?")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        translated("What did support likely prevent?")
    )
    axe_check(page, label="what support likely prevented")
    page.get_by_label("Huisuitzetting").select_option("likely")
    page.get_by_label(translated("We judged this together with the client")).check()
    main_button(page, translated("Save")).click()
    expect(page.get_by_text(translated("What support likely prevented is saved."))).to_be_visible()
    event = PreventedEvent.objects.get(dossier=dossier)
    assert (event.cost_item.code, event.likelihood, event.with_client) == (
        "eviction",
        "likely",
        True,
    )


def test_team_leader_keeps_a_dossier_for_a_court_case(page: Page, axe_check, screenshot):
    from apps.dossiers.tests.factories import DossierFactory

    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    dossier = DossierFactory(team=leader.teams.get(), client__first_name="Mila")
    log_in_as_staff(page, leader)
    page.goto(f"/werk/dossiers/{dossier.pk}/deel/gegevens/#legal-hold")

    page.get_by_label(translated("Yes, keep it")).check()
    page.get_by_label(re.compile("^" + re.escape(translated("Why is it kept?")))).fill(
        "Rechtszaak over de woning loopt nog"
    )
    main_button(page, translated("Save retention")).click()
    expect(page.get_by_text(translated("The retention setting is saved."))).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Rechtszaak over de woning")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.legal_hold
    axe_check(page, label="dossier under legal hold")
    page.locator("#legal-hold").scroll_into_view_if_needed()
    screenshot(page, "dossier-legal-hold", full_page=False)
