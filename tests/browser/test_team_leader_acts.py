"""A team leader acts from the team overview, on a desk and on a phone: asks a worker why a
trajectory runs long, and gives a client to a colleague."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling
from tests.browser.test_casework import log_in_as_staff


def a_team():
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    team = leader.teams.get()
    sanne = TeamMembershipFactory(
        team=team, user__role=Role.SOCIAL_WORKER, user__first_name="Sanne", user__last_name="Smit"
    ).user
    tom = TeamMembershipFactory(
        team=team, user__role=Role.SOCIAL_WORKER, user__first_name="Tom", user__last_name="Bos"
    ).user
    today = timezone.localdate()
    clients = {}
    for n, name in enumerate(("Anna", "Bram", "Cor")):
        clients[name] = DossierFactory(
            team=team,
            responsible_worker=sanne,
            started_on=today - timezone.timedelta(days=300 - n),
            client__first_name=name,
            client__last_name="Visser",
        )
    return leader, sanne, tom, clients


def row_of(page: Page, client_name: str):
    return page.locator("li.bk-long-running").filter(has=page.get_by_role("link", name=client_name))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_team_leader_asks_for_an_explanation_and_reassigns_a_client(
    page: Page, axe_check, screenshot, viewport
):
    leader, sanne, tom, clients = a_team()
    width = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    log_in_as_staff(page, leader)

    page.goto("/werk/dossiers/team/")
    expect(page.locator("section.bk-team")).to_contain_text(
        "3 trajecten duren langer dan 6 maanden, 3 zonder uitleg"
    )
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"team overview ({width})")
    screenshot(page, f"team-leader-overview-{width}")

    # Asking for the explanation: the row then says since when, and Sanne gets an e-mail.
    row_of(page, "Anna Visser").get_by_role("button", name="Vraag om uitleg").click()
    expect(row_of(page, "Anna Visser")).to_contain_text("Nog geen uitleg · gevraagd op")
    expect(row_of(page, "Anna Visser").get_by_role("button", name="Vraag om uitleg")).to_have_count(
        0
    )
    assert Dossier.objects.get(pk=clients["Anna"].pk).explanation_requested_by == leader
    assert [message.to for message in mail.outbox] == [[sanne.email]]

    # Giving Bram to Tom, with a reason; Tom gets an e-mail without Bram's name.
    row_of(page, "Bram Visser").get_by_role("link", name="Overdragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bram Visser overdragen aan een collega"
    )
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"reassign ({width})")
    screenshot(page, f"team-leader-reassign-{width}")
    page.get_by_role("main").get_by_role("button", name="Overdragen aan deze collega").click()
    expect(page.get_by_text("Kies wie deze cliënt overneemt.")).to_be_visible()
    axe_check(page, label=f"reassign with an error ({width})")
    page.get_by_label("Tom Bos: 0 van 30 cliënten").check()
    page.get_by_label("Waarom?").fill("Sanne heeft te veel cliënten.")
    page.get_by_role("main").get_by_role("button", name="Overdragen aan deze collega").click()

    expect(page).to_have_url("/werk/dossiers/team/")
    expect(
        page.get_by_text("Tom Bos begeleidt nu Bram Visser en krijgt daarover een e-mail.")
    ).to_be_visible()
    expect(row_of(page, "Bram Visser")).to_contain_text("Tom Bos")
    assert Dossier.objects.get(pk=clients["Bram"].pk).responsible_worker == tom
    assert mail.outbox[-1].to == [tom.email]
    assert "Bram" not in mail.outbox[-1].subject + mail.outbox[-1].body
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"team overview after acting ({width})")
    screenshot(page, f"team-leader-acted-{width}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_team_leader_gives_a_client_away_from_a_members_list(
    page: Page, axe_check, screenshot, viewport
):
    leader, sanne, tom, clients = a_team()
    young = DossierFactory(
        team=leader.teams.get(),
        responsible_worker=sanne,
        started_on=timezone.localdate() - timezone.timedelta(days=12),
        client__first_name="Dirk",
        client__last_name="Visser",
    )
    width = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    log_in_as_staff(page, leader)

    page.goto("/werk/dossiers/team/")
    page.get_by_role("link", name="Sanne Smit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cliënten van Sanne Smit")
    expect(page.get_by_role("main")).to_contain_text("4 open dossiers, langste begeleiding eerst.")
    expect(row_of(page, "Dirk Visser")).to_contain_text("12 dagen")
    # A short trajectory needs no explanation.
    expect(row_of(page, "Dirk Visser").get_by_role("button", name="Vraag om uitleg")).to_have_count(
        0
    )
    assert_no_sideways_scrolling(page)
    axe_check(page, label=f"a member's clients ({width})")
    screenshot(page, f"team-leader-member-{width}")

    row_of(page, "Dirk Visser").get_by_role("link", name="Overdragen").click()
    page.get_by_label("Tom Bos: 0 van 30 cliënten").check()
    page.get_by_role("main").get_by_role("button", name="Overdragen aan deze collega").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cliënten van Sanne Smit")
    expect(page.get_by_text("Tom Bos begeleidt nu Dirk Visser")).to_be_visible()
    expect(row_of(page, "Dirk Visser")).to_have_count(0)
    assert Dossier.objects.get(pk=young.pk).responsible_worker == tom
    assert clients["Anna"].responsible_worker == sanne
