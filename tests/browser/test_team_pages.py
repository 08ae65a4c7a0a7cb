"""A team leader of a big team: the overview counts the long trajectories and shows the
longest, the whole list and the intake queue come in pages."""

from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.tests.factories import DossierFactory, IntakeRequestFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import PHONE, dutch
from tests.browser.test_casework import log_in_as_staff


def big_team():
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    team = leader.teams.get()
    worker = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
    today, now = timezone.localdate(), timezone.now()
    for n in range(32):
        DossierFactory(
            team=team,
            responsible_worker=worker,
            started_on=today - timezone.timedelta(days=190 + 3 * n),
            long_running_explanation="Wacht op een woning via de gemeente." if n % 4 == 0 else "",
        )
    for n in range(30):
        IntakeRequestFactory(team=team, received_at=now - timezone.timedelta(hours=5 * n + 1))
    return leader, team


def test_the_team_leader_pages_through_long_trajectories_and_the_queue(
    page: Page, axe_check, screenshot
):
    leader, team = big_team()
    log_in_as_staff(page, leader)

    page.goto("/werk/dossiers/team/")
    section = page.locator("section.bk-team")
    expect(section).to_contain_text("32 trajecten duren langer dan 6 maanden, 24 zonder uitleg")
    expect(section.locator("ul.bk-plain-list").first.locator("li")).to_have_count(10)
    axe_check(page, label="team overview")
    screenshot(page, "team-overview-desktop")

    section.get_by_role("link", name="Toon alle 32").click()
    expect(page).to_have_url(f"/werk/dossiers/team/{team.pk}/lang/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(team.name)
    expect(page.locator("main ul.bk-plain-list li")).to_have_count(25)
    axe_check(page, label="long trajectories")
    screenshot(page, "team-long-running-desktop")
    page.get_by_role("link", name=dutch("Next")).click()
    expect(page.locator("main ul.bk-plain-list li")).to_have_count(7)

    page.set_viewport_size(PHONE)
    page.goto(f"/werk/dossiers/team/{team.pk}/lang/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "team-long-running-phone")

    page.goto("/werk/dossiers/intake/")
    expect(page.locator("table tbody tr")).to_have_count(25)
    expect(page.get_by_text("30 verzoeken wachten.")).to_be_visible()
    axe_check(page, label="intake queue")
    screenshot(page, "intake-queue-phone")
    page.get_by_role("link", name=dutch("Next")).click()
    expect(page.locator("table tbody tr")).to_have_count(5)
