"""A resident asks for a ride on a phone; the coordinator matches a volunteer, who reads
only what they need."""

from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory
from apps.portal.models import InformalHelpRequest, VolunteerMatch
from tests.browser.helpers import DESKTOP, PHONE, SMALL_PHONE, assert_no_sideways_scrolling, follow
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import log_in_with_password


def test_a_ride_from_request_to_volunteer(page: Page, axe_check, screenshot, browser):
    coordinator = TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, coordinates_volunteers=True
    ).user
    team = coordinator.teams.get()
    team.neighbourhoods.add(
        NeighbourhoodFactory(centroid_latitude=52.1561, centroid_longitude=5.3878)
    )
    volunteer = TeamMembershipFactory(
        team=team, user__role=Role.VOLUNTEER, user__first_name="Henk", user__last_name="de Groot"
    ).user
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")

    page.set_viewport_size(PHONE)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.goto("/informele-hulp/")
    page.get_by_label("Vervoer").check()
    page.get_by_label("Vertel er iets meer over").fill("Naar de fysiotherapeut, om de week.")
    page.get_by_label("Je postcode").fill("3811 AB")
    page.get_by_label("Telefoonnummer voor de vrijwilliger", exact=False).fill("06 12345678")
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.get_by_text("Je vraag is verstuurd.")).to_be_visible()
    expect(page.get_by_text("Wacht op een vrijwilliger")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page, label="informal help (phone)")
    screenshot(page, "portal-informal-help-phone")
    page.set_viewport_size(DESKTOP)
    axe_check(page, label="informal help (desktop)")
    screenshot(page, "portal-informal-help-desktop")
    asked = InformalHelpRequest.objects.get()

    staff = browser.new_context(base_url=page.url.split("/informele-hulp")[0])
    coordinator_page = staff.new_page()
    coordinator_page.set_viewport_size(DESKTOP)
    log_in_as_staff(coordinator_page, coordinator)
    coordinator_page.get_by_role("link", name="Informele hulp").click()
    coordinator_page.get_by_role("link", name="Vervoer").click()
    coordinator_page.get_by_label("Vrijwilliger", exact=True).select_option(str(volunteer.pk))
    coordinator_page.get_by_role("button", name="Koppelen").click()
    expect(coordinator_page.get_by_text("De vrijwilliger is gekoppeld")).to_be_visible()
    axe_check(coordinator_page, label="informal help request (coordinator)")
    screenshot(coordinator_page, "work-informal-help-request")
    assert VolunteerMatch.objects.get().request == asked
    # The coordinator's pages on a phone: nothing to scroll sideways.
    coordinator_page.set_viewport_size(SMALL_PHONE)
    assert_no_sideways_scrolling(coordinator_page)
    screenshot(coordinator_page, "work-informal-help-request-phone")
    follow(coordinator_page.get_by_role("link", name="Informele hulp").first)
    assert_no_sideways_scrolling(coordinator_page)
    axe_check(coordinator_page, label="informal help queue (phone)")
    screenshot(coordinator_page, "work-informal-help-phone")
    staff.close()

    helper = browser.new_context(base_url=page.url.split("/informele-hulp")[0])
    volunteer_page = helper.new_page()
    volunteer_page.set_viewport_size(PHONE)
    log_in_as_staff(volunteer_page, volunteer, lands_on="/vrijwilliger/koppelingen/")
    expect(volunteer_page.get_by_role("heading", name="Fatima: vervoer")).to_be_visible()
    expect(volunteer_page.get_by_text("El Amrani")).to_have_count(0)
    axe_check(volunteer_page, label="volunteer matches (phone)")
    screenshot(volunteer_page, "volunteer-matches-phone")
    helper.close()
