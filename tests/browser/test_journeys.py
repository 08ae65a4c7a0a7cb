"""An anonymous resident goes from the search box to a journey, its self-test and an online
request for help; a team leader writes, previews and publishes a journey."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.models import IntakeRequest
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.models import Journey, JourneyStep
from apps.questionnaires.models import Response
from apps.questionnaires.services.instruments import instruments_load
from apps.socialmap.tests.factories import ServiceFactory
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    SMALL_PHONE,
    assert_no_sideways_scrolling,
    dutch,
    follow,
)
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_self_scan import answer_page

MIND = "mentaal-welbevinden-zingeving"


@pytest.fixture
def lonely():
    instruments_load()
    theme = Theme.objects.get(code=MIND)
    journey = Journey.objects.create(
        theme=theme,
        slug="ik-voel-me-eenzaam",
        question="Ik voel me eenzaam. Wat kan ik doen?",
        summary="Eenzaamheid komt veel voor. Kleine stappen helpen.",
        introduction="Je eenzaam voelen is niet gek.\n\nEr is veel dat je kunt proberen.",
        status=Journey.Status.PUBLISHED,
    )
    JourneyStep.objects.create(
        journey=journey,
        position=1,
        kind=JourneyStep.Kind.SELF_TEST,
        title="Hoe gaat het met je?",
        body="Vul de korte zelfscan in. Het duurt ongeveer vijf minuten.",
        instrument_code="positive-health-short",
    )
    JourneyStep.objects.create(
        journey=journey,
        position=2,
        kind=JourneyStep.Kind.SERVICES,
        title="Samen met anderen",
        body="In de buurt zijn groepen waar je anderen ontmoet.",
        search_words="eenzaamheid",
    )
    JourneyStep.objects.create(
        journey=journey,
        position=3,
        kind=JourneyStep.Kind.LINK,
        title="Praat erover",
        body="Wil je anoniem praten? Bel of chat met de Luisterlijn.",
        link_url="https://www.deluisterlijn.nl/",
        link_label="De Luisterlijn",
    )
    ServiceFactory(
        name="Praatgroep Eenzaamheid", summary="Elke dinsdag praten over eenzaamheid."
    ).themes.add(theme)
    return journey


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_from_the_search_box_to_a_self_test_to_asking_for_help(
    page: Page, lonely, axe_check, screenshot, viewport
):
    width = "phone" if viewport == PHONE else "desktop"
    team = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).team
    page.set_viewport_size(viewport)
    page.goto("/")
    page.get_by_role("searchbox", name="Zoek antwoorden en hulp").fill("eenzaam")
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoek antwoorden en hulp")
    expect(page.get_by_role("link", name=lonely.question)).to_be_visible()
    expect(page.get_by_role("link", name="Praatgroep Eenzaamheid")).to_be_visible()
    axe_check(page, label=f"search ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"portal-search-{width}")

    page.get_by_role("link", name=lonely.question).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lonely.question)
    expect(page.get_by_role("link", name="Praatgroep Eenzaamheid")).to_be_visible()
    expect(page.get_by_role("heading", name="Wil je liever met iemand praten?")).to_be_visible()
    axe_check(page, label=f"journey ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"portal-journey-{width}")

    page.get_by_role("link", name=re.compile("Doe de zelftest")).click()
    page.get_by_role("link", name=dutch("Start")).click()
    for part in range(1, 7):
        answer_page(page, "3" if part in (2, 5) else "7")
        name = dutch("See my result") if part == 6 else dutch("Next")
        page.get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dutch("Your result"))
    page.get_by_role("link", name=dutch("I would like to talk about this")).click()

    axe_check(page, label=f"help form from a scan ({width})")
    page.get_by_label("Waar gaat je vraag over?").select_option(
        label="Mentaal welbevinden & Zingeving"
    )
    page.get_by_label("Je vraag, in je eigen woorden").fill("Ik zie bijna nooit iemand.")
    page.get_by_label("Je postcode").fill("3811ab")
    page.get_by_label("Een bericht").check()
    page.get_by_label("E-mailadres", exact=False).fill("anoniem@example.org")
    page.get_by_label("Stuur mijn scan mee", exact=False).check()
    assert_no_sideways_scrolling(page)
    screenshot(page, f"portal-help-from-scan-{width}")
    page.get_by_role("button", name="Verstuur mijn vraag").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Je vraag is verstuurd")
    intake = IntakeRequest.objects.get()
    expect(page.get_by_text(intake.reference)).to_be_visible()
    axe_check(page, label=f"help sent ({width})")
    screenshot(page, f"portal-help-sent-{width}")
    assert (intake.team, intake.contact_by, intake.full_name) == (team, "message", "Zonder naam")
    assert Response.objects.get().intake_request == intake
    # Reload and Back never send it again: every step of the way was a redirect.
    page.reload()
    expect(page.get_by_text(intake.reference)).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ik wil hierover praten")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dutch("Your result"))
    assert IntakeRequest.objects.count() == 1


def test_asking_for_help_from_the_bar_on_every_page(page: Page, axe_check, screenshot):
    TeamMembershipFactory(user__role=Role.SOCIAL_WORKER)
    page.set_viewport_size(PHONE)
    page.goto(f"/thema/{MIND}/")
    axe_check(page, label="theme page (phone)")
    screenshot(page, "portal-theme-phone")
    page.set_viewport_size(DESKTOP)
    axe_check(page, label="theme page (desktop)")
    screenshot(page, "portal-theme-desktop")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Hulp vragen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulp vragen")
    axe_check(page, label="help form (phone)")
    # Nothing filled in: the messages stand at the questions, nothing is sent.
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Dit veld is verplicht.").first).to_be_visible()
    axe_check(page, label="help form with errors (phone)")
    assert IntakeRequest.objects.count() == 0
    assert_no_sideways_scrolling(page)
    screenshot(page, "portal-help-phone")


def test_a_team_leader_writes_previews_and_publishes_a_journey(page: Page, axe_check, screenshot):
    instruments_load()
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER, user__first_name="Ahmed").user
    page.set_viewport_size(DESKTOP)
    log_in_as_staff(page, leader)
    page.get_by_role("link", name="Klantreizen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klantreizen")
    page.get_by_role("link", name="Schrijf een nieuwe klantreis").click()
    page.get_by_label("Thema", exact=True).select_option(label="Geldzaken & Regelgeving")
    page.get_by_label("de vraag van de inwoner", exact=False).fill(
        "Hoe vraag ik bijzondere bijstand aan?"
    )
    page.get_by_label("webadres", exact=False).first.fill("bijzondere-bijstand")
    page.get_by_label("kort antwoord", exact=False).fill("Voor kosten die je niet kunt betalen.")
    page.get_by_label("Titel").fill("Wat is bijzondere bijstand?")
    page.get_by_label("Tekst", exact=True).fill("Geld van de gemeente voor een grote uitgave.")
    axe_check(page, label="journey editor")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De klantreis is bewaard.")).to_be_visible()
    expect(page.get_by_text("Concept: inwoners zien deze klantreis nog niet.")).to_be_visible()
    screenshot(page, "journey-editor")

    page.get_by_role("link", name="Voorbeeld").click()
    expect(page.get_by_text("Voorbeeld: deze klantreis is een concept.")).to_be_visible()
    axe_check(page, label="journey preview")
    page.go_back()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("De klantreis staat nu op het portaal.")).to_be_visible()
    journey = Journey.objects.get()
    assert journey.is_published and journey.updated_by == leader
    follow(page.get_by_role("link", name="Klantreizen").first)
    axe_check(page, label="journey list")
    screenshot(page, "journey-list")
    # On a phone of 360 pixels: the list and the editor fit, nothing scrolls sideways.
    page.set_viewport_size(SMALL_PHONE)
    assert_no_sideways_scrolling(page)
    screenshot(page, "journey-list-phone")
    follow(page.get_by_role("link", name=journey.question))
    assert_no_sideways_scrolling(page)
    axe_check(page, label="journey editor (phone)")
    screenshot(page, "journey-editor-phone")
