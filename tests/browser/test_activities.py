"""A resident signs up for a full activity and lands on the waiting list, on a phone and
on a desk; the organising worker sees them on the list of who signed up."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal import activities
from apps.portal.models import Activity, SignUp
from tests.browser.helpers import DESKTOP, PHONE, SMALL_PHONE, assert_no_sideways_scrolling, follow
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import log_in_with_password


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_full_activity_puts_the_resident_on_the_waiting_list(
    page: Page, axe_check, screenshot, viewport, browser
):
    width = "phone" if viewport == PHONE else "desktop"
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    starts = timezone.now() + timedelta(days=4)
    group = Activity.objects.create(
        team=worker.teams.get(),
        theme=Theme.objects.get(code="mentaal-welbevinden-zingeving"),
        title="Praatgroep Eenzaamheid",
        description="Een kleine groep die elke week samenkomt.\n\nEen sociaal werker begeleidt.",
        place="Buurthuis De Linde, Lindelaan 4",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=1,
    )
    Activity.objects.create(
        team=worker.teams.get(),
        title="Taalcafé",
        kind=Activity.Kind.WALK_IN,
        description="Oefen Nederlands.",
        place="Bibliotheek",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    activities.sign_up(actor=UserFactory(role=Role.RESIDENT), activity=group)
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")

    page.set_viewport_size(viewport)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.goto("/activiteiten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activiteiten")
    expect(page.get_by_text("Vol: wachtlijst")).to_be_visible()
    axe_check(page, label=f"activities ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"portal-activities-{width}")

    page.get_by_role("link", name="Praatgroep Eenzaamheid").click()
    page.get_by_role("button", name="Zet me op de wachtlijst").click()
    expect(page.get_by_text("Je staat op de wachtlijst.").first).to_be_visible()
    axe_check(page, label=f"activity, on the waiting list ({width})")
    screenshot(page, f"portal-activity-waiting-{width}")
    assert SignUp.objects.get(resident=resident).status == SignUp.Status.WAITING

    # The organiser sees who comes, at a desk or on a phone of 360 pixels.
    staff = browser.new_context(base_url=page.url.split("/activiteiten")[0])
    worker_page = staff.new_page()
    worker_page.set_viewport_size(DESKTOP if viewport == DESKTOP else SMALL_PHONE)
    log_in_as_staff(worker_page, worker)
    follow(worker_page.get_by_role("link", name="Activiteiten"))
    assert_no_sideways_scrolling(worker_page)
    screenshot(worker_page, f"work-activities-{width}")
    worker_page.get_by_role("link", name="Praatgroep Eenzaamheid").click()
    expect(worker_page.get_by_role("cell", name="Op de wachtlijst")).to_be_visible()
    expect(worker_page.get_by_role("rowheader", name="Fatima El Amrani")).to_be_visible()
    assert_no_sideways_scrolling(worker_page)
    axe_check(worker_page, label=f"who signed up ({width})")
    screenshot(worker_page, f"work-activity-participants-{width}")
    staff.close()
