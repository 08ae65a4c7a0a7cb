"""The social map stays fresh: a provider confirms one service through the link in our
e-mail and proposes a change to another, which an editor accepts; a manager sees how fresh
the map is; a worker refers a client from the dossier. On a desk and on a phone."""

import datetime
import random
import re

import pytest
from django.core import mail
from django.utils import timezone
from faker import Faker
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.demo import seed_organisation
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.socialmap import freshness
from apps.socialmap.demo import seed_social_map
from apps.socialmap.models import Referral, Service
from apps.socialmap.tests.factories import a_full_service
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling, follow
from tests.browser.test_casework import log_in_as_staff

LONG_AGO = datetime.date(2025, 1, 6)


def link_path(message) -> str:
    link = re.search(r"https?://\S+/sociale-kaart/bevestigen/\S+/", message.body).group(0)
    return "/" + link.split("/", 3)[3]


def link_for(service: Service) -> str:
    return link_path(next(m for m in mail.outbox if service.name in m.subject))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_provider_confirms_and_proposes_a_change_an_editor_accepts(
    page: Page, axe_check, screenshot, viewport
):
    width = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    walk = a_full_service(name="Wandelgroep De Linde", assured_date=LONG_AGO)
    forms = a_full_service(name="Formulierenhulp Soesterkwartier", assured_date=LONG_AGO)
    freshness.providers_ask()
    assert len(mail.outbox) == 2

    # 1. Everything is right: one click.
    page.goto(link_for(walk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Klopt dit nog?")
    expect(page.get_by_role("heading", name="Wandelgroep De Linde")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"is this still right ({width})")
    screenshot(page, f"social-map-verify-{width}")
    page.get_by_role("button", name="Alles klopt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank je wel")
    walk.refresh_from_db()
    assert walk.assured_date == timezone.localdate()
    page.go_back()
    page.reload()
    expect(page.get_by_text("Deze link is al gebruikt.")).to_be_visible()
    axe_check(page, label=f"a used link ({width})")

    # 2. Something should change: a wrong phone number first, then right.
    page.goto(link_for(forms))
    page.get_by_role("link", name="Er moet iets veranderen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stel een wijziging voor")
    page.get_by_label("Telefoon").fill("12345")
    page.get_by_label("Dinsdag").fill("10.00-12.00")
    page.get_by_role("button", name="Verstuur mijn voorstel").click()
    expect(page.get_by_text("Nog niet alles klopt.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"propose a change with an error ({width})")
    page.get_by_label("Telefoon").fill("06 12345678")
    page.get_by_label("Moeten we nog iets anders weten?").fill("Op dinsdag alleen 's ochtends.")
    screenshot(page, f"social-map-propose-{width}")
    page.get_by_role("button", name="Verstuur mijn voorstel").click()
    expect(page.get_by_text("We hebben je voorstel.")).to_be_visible()

    # 3. The editor sees what changed and accepts it.
    log_in_as_staff(page, UserFactory(role=Role.FUNCTIONAL_ADMIN))
    page.goto("/werk/sociale-kaart/voorstellen/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wijzigingen voorgesteld door aanbieders"
    )
    axe_check(page, label=f"proposals ({width})")
    screenshot(page, f"social-map-proposals-{width}")
    page.get_by_role("link", name="Formulierenhulp Soesterkwartier").click()
    diff = page.get_by_role("table")
    expect(diff).to_contain_text("0800 1234")
    expect(diff).to_contain_text("06 12345678")
    expect(diff).to_contain_text("10:00-12:00")
    expect(page.get_by_text("Op dinsdag alleen 's ochtends.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"a proposed change ({width})")
    screenshot(page, f"social-map-proposal-{width}")
    page.get_by_role("button", name="Neem de wijziging over").click()
    expect(page.get_by_text("De wijziging is overgenomen")).to_be_visible()
    forms.refresh_from_db()
    assert forms.phones.order_by("id").first().number == "06 12345678"
    assert forms.assured_date == timezone.localdate()

    page.goto(f"/sociale-kaart/{forms.pk}/")
    expect(page.get_by_text("06 12345678")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_sees_how_fresh_the_map_is(page: Page, axe_check, screenshot, viewport):
    width = "phone" if viewport == PHONE else "desktop"
    seed_organisation(size="small", rng=random.Random(3))
    seed_social_map(size="small", rng=random.Random(3), faker=Faker("nl_NL"))
    page.set_viewport_size(viewport)
    log_in_as_staff(page, UserFactory(role=Role.MANAGER), lands_on=re.compile("/rapportage/$"))
    page.goto("/werk/sociale-kaart/actualiteit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoe actueel is de sociale kaart?")
    expect(page.get_by_role("heading", name="Per thema")).to_be_visible()
    expect(page.get_by_role("heading", name="Het langst geleden bevestigd")).to_be_visible()
    expect(page.get_by_text("2 voorgestelde wijzigingen wachten op een redacteur.")).to_be_visible()
    expect(page.get_by_text("vragen zonder antwoord").first).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"freshness dashboard ({width})")
    screenshot(page, f"social-map-freshness-{width}")


def test_a_worker_refers_a_client_from_the_dossier(page: Page, axe_check, screenshot):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    dossier = DossierFactory(
        team=worker.teams.get(), responsible_worker=worker, client__first_name="Anna"
    )
    a_full_service(name="Formulierenhulp Soesterkwartier")
    page.set_viewport_size(PHONE)
    log_in_as_staff(page, worker)
    page.goto(f"/werk/dossiers/{dossier.pk}/deel/verwijzingen/")
    page.get_by_role("link", name="Zoek aanbod op de sociale kaart").click()
    expect(page.get_by_text("Je zoekt aanbod voor Anna")).to_be_visible()
    page.get_by_label("Waar zoek je naar?").fill("formulieren")
    follow(page.get_by_role("button", name="Zoeken"))
    screenshot(page, "social-map-staff-search-phone")
    page.locator(".bk-service-card").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Voor medewerkers")).to_be_visible()
    expect(page.get_by_text("Bel eerst de coördinator.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label="a service for staff")
    screenshot(page, "social-map-staff-service-phone")
    page.get_by_label("Notitie (alleen voor het team)").fill("Anna belt zelf op maandag.")
    page.get_by_role("button", name="Zet de doorverwijzing in het dossier").click()
    expect(page.get_by_text("staat in het dossier")).to_be_visible()
    expect(page.get_by_text("Anna belt zelf op maandag.")).to_be_visible()
    axe_check(page, label="referrals in the dossier")
    assert Referral.objects.filter(dossier=dossier).count() == 1
