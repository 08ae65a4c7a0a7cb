"""The worker's day and caseload on a phone and a desktop: the today view, the caseload as
cards or a table, and the search drawer."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.models import Action, ContactMoment, Goal
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    IntakeRequestFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import main_button, translated


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_worker_looks_at_the_day_and_searches_the_caseload(
    page: Page, axe_check, screenshot, viewport
):
    width = viewport["width"]
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
    money = Theme.objects.get(code="geldzaken-regelgeving")
    RegisteredQuestionFactory(dossier=anna, theme=money, subcategory="Schulden")
    goal = Goal.objects.create(dossier=anna, question="Hoe betaal ik mijn rekeningen?")
    Action.objects.create(
        goal=goal,
        description="Samen de post openen",
        owner=Action.Owner.CLIENT,
        target_date=today - timezone.timedelta(days=1),
    )
    ContactMomentFactory(
        dossier=anna,
        worker=worker,
        occurred_at=timezone.now() - timezone.timedelta(minutes=30),
        mode=ContactMoment.Mode.HOME_VISIT,
    )
    DossierFactory(
        team=team,
        responsible_worker=worker,
        worker_assigned_at=timezone.now() - timezone.timedelta(days=1),
        client__first_name="Bram",
        client__last_name="Jansen",
    )
    IntakeRequestFactory(team=team, received_at=timezone.now() - timezone.timedelta(days=3))

    page.set_viewport_size(viewport)
    log_in_as_staff(page, worker)
    page.get_by_role("main").get_by_role("link", name=translated("Today")).click()

    expect(page).to_have_url(re.compile("/werk/vandaag/$"))
    main = page.get_by_role("main")
    expect(main.get_by_text("Samen de post openen")).to_be_visible()
    expect(main.get_by_role("link", name="Bram Jansen")).to_be_visible()
    axe_check(page, label=f"today {width}")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"today-{width}")

    main.get_by_role("link", name=translated("My caseload")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My caseload"))
    expect(main.get_by_role("link", name="Anna Bakker")).to_be_visible()
    expect(main.get_by_text(money.name + " (Schulden)")).to_be_visible()
    axe_check(page, label=f"caseload {width}")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"caseload-{width}")

    # The drawer opens with the keyboard and fetches its fields.
    main.locator("summary", has_text=translated("Search and filter")).focus()
    page.keyboard.press("Enter")
    search = main.get_by_label(translated("Name or postcode"))
    expect(search).to_be_visible()
    axe_check(page, label=f"caseload search {width}")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"caseload-search-{width}")

    search.fill("bakk")
    main_button(page, translated("Show")).click()
    expect(main.get_by_role("link", name="Anna Bakker")).to_be_visible()
    expect(main.get_by_role("link", name="Bram Jansen")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=bakk"))

    # After a reload the drawer stays open while the search is on.
    page.reload()
    expect(main.get_by_label(translated("Name or postcode"))).to_have_value("bakk")
    expect(main.get_by_role("link", name="Bram Jansen")).to_have_count(0)
    axe_check(page, label=f"caseload searched {width}")
    assert_no_sideways_scrolling(page)
