"""A social worker's day in the browser: caseload, a dossier, a contact moment, another team."""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, totp_code
from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import DossierFactory, RegisteredQuestionFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import PHONE, dutch, follow
from tests.browser.test_login import (
    AUTHENTICATE_URL,
    WORKSPACE_URL,
    label,
    log_in_with_password,
    main_button,
    translated,
)


def log_in_as_staff(page: Page, user, *, lands_on=WORKSPACE_URL) -> None:
    log_in_with_password(page, user.email, TEST_PASSWORD)
    expect(page).to_have_url(AUTHENTICATE_URL)
    page.get_by_label(label("Code")).fill(totp_code())
    main_button(page, translated("Sign in")).click()
    expect(page).to_have_url(lands_on)


def test_worker_finds_a_client_and_logs_a_contact_moment(page: Page, axe_check, screenshot):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    team = worker.teams.get()
    today = timezone.localdate()
    anna = DossierFactory(
        team=team,
        responsible_worker=worker,
        started_on=today - timezone.timedelta(days=250),
        client__first_name="Anna",
        client__last_name="Bakker",
    )
    RegisteredQuestionFactory(dossier=anna, theme=Theme.objects.get(code="geldzaken-regelgeving"))
    DossierFactory(team=team, responsible_worker=worker, client__first_name="Bram")

    log_in_as_staff(page, worker)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My caseload"))
    expect(page.get_by_role("link", name="Anna Bakker")).to_be_visible()
    axe_check(page, label="caseload")
    screenshot(page, "caseload")

    page.locator("summary", has_text=translated("Search and filter")).click()
    page.get_by_label(translated("Name or postcode")).fill("bakk")
    main_button(page, translated("Show")).click()
    expect(page.get_by_role("link", name=re.compile("Bram"))).to_have_count(0)
    page.get_by_role("link", name="Anna Bakker").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bakker")
    axe_check(page, label="dossier page")
    screenshot(page, "dossier")

    page.locator("summary", has_text=translated("Log a contact moment")).click()
    when = timezone.localtime() - timezone.timedelta(hours=2)
    page.get_by_label(re.compile("^" + re.escape(translated("when")), re.I)).fill(
        when.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label(
        re.compile("^" + re.escape(translated("kind of contact")), re.I)
    ).select_option("home_visit")
    page.get_by_label(re.compile("^" + re.escape(translated("duration (minutes)")), re.I)).fill(
        "45"
    )
    main_button(page, translated("Save contact moment")).click()

    expect(page.get_by_text(translated("The contact moment is saved."))).to_be_visible()
    expect(page.get_by_role("list").filter(has_text=translated("Home visit"))).to_be_visible()
    assert ContactMoment.objects.filter(dossier=anna, mode="home_visit").exists()

    page.get_by_role("navigation", name=translated("Parts of the dossier")).get_by_role(
        "link", name=dutch("Plan"), exact=True
    ).click()
    goal_label = re.compile("^" + re.escape(translated("New goal, as the client's own question")))
    page.get_by_label(goal_label).fill("Hoe kan ik mijn rekeningen op tijd betalen?")
    main_button(page, translated("Add goal")).click()
    expect(
        page.get_by_role("heading", level=3, name="Hoe kan ik mijn rekeningen op tijd betalen?")
    ).to_be_visible()
    page.locator("summary", has_text=translated("Add an action")).click()
    page.get_by_label(re.compile("^" + re.escape(translated("What will be done")))).fill(
        "Samen een overzicht van de vaste lasten maken"
    )
    page.get_by_label(re.compile("^" + re.escape(translated("Who does it")))).select_option(
        "worker"
    )
    main_button(page, translated("Add action")).click()
    expect(
        page.get_by_role("cell", name="Samen een overzicht van de vaste lasten maken")
    ).to_be_visible()
    axe_check(page, label="dossier page with a plan")
    screenshot(page, "dossier-plan")

    page.set_viewport_size(PHONE)
    page.goto("/werk/")
    axe_check(page, label="caseload on a phone")
    screenshot(page, "caseload-phone")


def test_a_worker_of_another_team_states_a_reason_first(page: Page, axe_check, screenshot):
    dossier = DossierFactory(client__first_name="Kees", client__last_name="Mulder")
    outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user

    log_in_as_staff(page, outsider)
    page.goto(f"/werk/dossiers/{dossier.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        translated("Open a dossier of another team")
    )
    expect(page.get_by_text("Kees Mulder")).to_have_count(0)
    axe_check(page, label="break the glass")
    screenshot(page, "break-glass")
    page.get_by_label(
        re.compile("^" + re.escape(translated("Why do you need to open this dossier?")))
    ).fill("De cliënt belt in crisis en het eigen team is afwezig.")
    main_button(page, translated("Open the dossier")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kees Mulder")
    expect(page.get_by_role("button", name=translated("Save contact moment"))).to_have_count(0)


def test_team_leader_sees_the_team_at_a_glance(page: Page, axe_check, screenshot):
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER, user__first_name="Ahmed").user
    team = leader.teams.get()
    worker = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
    today = timezone.localdate()
    for days in (10, 120, 250, 300):
        DossierFactory(
            team=team, responsible_worker=worker, started_on=today - timezone.timedelta(days=days)
        )

    log_in_as_staff(page, leader)
    page.get_by_role("link", name=translated("My team")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My team"))
    expect(page.get_by_role("table", name=translated("Caseload per team member"))).to_be_visible()
    axe_check(page, label="team overview")
    screenshot(page, "team-overview")


def test_worker_picks_up_an_intake_request_and_merges_a_known_person(
    page: Page, axe_check, screenshot
):
    import datetime

    from apps.dossiers.models import Client, IntakeRequest
    from apps.dossiers.tests.factories import ClientFactory

    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    known = ClientFactory(
        first_name="Fatima", last_name="Amrani", birth_date=datetime.date(1961, 4, 12)
    )
    IntakeRequest.objects.create(
        team=worker.teams.get(),
        source="online",
        first_name="Fatima",
        last_name="Amrani",
        birth_date=datetime.date(1961, 4, 12),
        question="Ik kom niet rond met mijn geld.",
    )

    log_in_as_staff(page, worker)
    follow(page.get_by_role("navigation").get_by_role("link", name="Intake", exact=True))
    axe_check(page, label="intake queue")
    screenshot(page, "intake-queue")
    page.get_by_role("link", name="Fatima Amrani").click()

    look_alike = translated(
        "We already know someone who looks like this person. Check whether it is the same "
        "person, so their history stays together."
    )
    expect(page.get_by_text(look_alike)).to_be_visible()
    axe_check(page, label="intake request")
    screenshot(page, "intake-request")
    page.get_by_label(re.compile(re.escape(known.full_name))).check()
    page.get_by_label(translated("Theme of question %(number)s") % {"number": 1}).select_option(
        label="Geldzaken & Regelgeving"
    )
    main_button(page, translated("Open a dossier")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima Amrani")
    assert Client.objects.count() == 1
