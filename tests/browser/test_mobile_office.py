"""The worker's mobile office: from today's view to a dossier, a contact moment in two taps,
the dossier's sections one at a time, and a photo of the paper plan; on a phone and a
desktop."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.models import Attachment, ContactMoment, Goal
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, assert_no_sideways_scrolling, dutch
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import main_button, translated


def jpeg() -> bytes:
    data = BytesIO()
    Image.new("RGB", (64, 48), (250, 240, 200)).save(data, "JPEG")
    return data.getvalue()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_worker_logs_a_contact_in_two_taps_and_photographs_the_plan(
    page: Page, axe_check, screenshot, viewport
):
    width = viewport["width"]
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    team = worker.teams.get()
    earlier = DossierFactory(team=team, responsible_worker=worker)
    # The worker's last contact was a home visit of 45 minutes: the form starts from it.
    ContactMomentFactory(
        dossier=earlier,
        worker=worker,
        mode=ContactMoment.Mode.HOME_VISIT,
        duration_minutes=45,
        occurred_at=timezone.now() - timezone.timedelta(days=1),
    )
    dossier = DossierFactory(
        team=team,
        responsible_worker=worker,
        worker_assigned_at=timezone.now() - timezone.timedelta(days=1),
        client__first_name="Anna",
        client__last_name="Bakker",
    )
    goal = Goal.objects.create(dossier=dossier, question="Hoe houd ik mijn post bij?")

    page.set_viewport_size(viewport)
    log_in_as_staff(page, worker)
    page.goto("/werk/vandaag/")
    axe_check(page, label=f"today {width}")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"mobile-office-today-{width}")
    page.get_by_role("main").get_by_role("link", name="Anna Bakker").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bakker")
    axe_check(page, label=f"dossier {width}")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"mobile-office-dossier-{width}")

    # Two taps: open the form, save it as it comes.
    page.locator("summary", has_text=translated("Log a contact moment")).click()
    main_button(page, translated("Save contact moment")).click()
    expect(page.get_by_text(translated("The contact moment is saved."))).to_be_visible()
    logged = ContactMoment.objects.get(dossier=dossier)
    assert (logged.mode, logged.duration_minutes, logged.worker) == ("home_visit", 45, worker)
    assert timezone.now() - logged.occurred_at < timezone.timedelta(minutes=5)

    # A section comes in place (htmx), with its own address and the focus on its heading.
    page.get_by_role("navigation", name=translated("Parts of the dossier")).get_by_role(
        "link", name=dutch("Plan"), exact=True
    ).click()
    expect(page).to_have_url(re.compile(rf"/werk/dossiers/{dossier.pk}/deel/plan/$"))
    heading = page.get_by_role("heading", level=2, name=dutch("Plan"), exact=True)
    expect(heading).to_be_focused()
    expect(page.get_by_role("heading", level=3, name=goal.question)).to_be_visible()
    axe_check(page, label=f"dossier plan {width}")
    screenshot(page, f"mobile-office-plan-{width}")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/werk/dossiers/{dossier.pk}/(#contacts)?$"))
    expect(page.get_by_role("heading", level=2, name=translated("Contact moments"))).to_be_visible()

    # The photo: the camera on a phone; a file chooser here.
    page.get_by_role("link", name=translated("Take a photo")).first.click()
    photo_input = page.locator('input[type="file"]')
    assert photo_input.get_attribute("capture") == "environment"
    axe_check(page, label=f"take a photo {width}")
    screenshot(page, f"mobile-office-photo-{width}")
    with page.expect_file_chooser() as chooser:
        photo_input.click()
    chooser.value.set_files({"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    page.get_by_label(translated("Belongs with")).select_option(f"goal:{goal.pk}")
    main_button(page, translated("Save photo")).click()
    expect(page.get_by_text(translated("The file is added to the dossier."))).to_be_visible()
    attachment = Attachment.objects.get(dossier=dossier)
    assert attachment.goal == goal and attachment.content_type == "image/jpeg"
    expect(page.get_by_role("img", name=attachment.title)).to_be_visible()
    assert_no_sideways_scrolling(page)
    screenshot(page, f"mobile-office-photos-{width}")
