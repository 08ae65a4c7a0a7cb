"""A resident asks to talk about their scan and the intake worker sees it; a scan made
without an account is kept after logging in; a worker fills in the staff survey."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.dossiers.models import IntakeRequest
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires.models import Response
from apps.questionnaires.services.instruments import instruments_load
from tests.browser.helpers import PHONE, dutch, follow
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import log_in_with_password
from tests.browser.test_self_scan import answer_page

SHORT = "positive-health-short"


@pytest.fixture
def instruments():
    instruments_load()


def fill_short_scan_without_account(page: Page) -> None:
    page.goto(f"/zelfscan/{SHORT}/vragen/1/")
    for part in range(1, 7):
        answer_page(page, "3" if part in (2, 5) else "7")
        name = dutch("See my result") if part == 6 else dutch("Next")
        page.get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dutch("Your result"))


def test_a_resident_asks_to_talk_and_the_intake_worker_sees_the_scan(
    page: Page, instruments, axe_check, screenshot, browser
):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    team = worker.teams.get()
    page.set_viewport_size(PHONE)
    fill_short_scan_without_account(page)
    page.get_by_role("link", name=dutch("I would like to talk about this")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        dutch("I would like to talk about this")
    )
    axe_check(page, label="talk form")
    # Nothing filled in: clear messages, nothing sent.
    page.get_by_role("button", name=dutch("Send my question")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert IntakeRequest.objects.count() == 0
    axe_check(page, label="talk form with errors")

    page.get_by_label(dutch("What is your question about?")).select_option(
        label="Mentaal welbevinden & Zingeving"
    )
    page.get_by_label(dutch("Your question, in your own words")).fill(
        "Ik slaap slecht en voel me alleen."
    )
    page.get_by_label(dutch("Your postcode")).fill("3811 ab")
    page.get_by_label(dutch("Your name"), exact=False).fill("Sanne de Boer")
    page.get_by_label(dutch("Phone number"), exact=False).fill("06 12345678")
    page.get_by_label(dutch("Send my scan along. The team can then see my answers.")).check()
    screenshot(page, "talk-form-phone")
    page.get_by_role("button", name=dutch("Send my question")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Your question is sent"))
    axe_check(page, label="talk sent")
    intake = IntakeRequest.objects.get()
    assert intake.source == "online" and intake.team == team
    assert Response.objects.get().intake_request == intake

    staff = browser.new_context(base_url=page.url.split("/zelfscan")[0])
    worker_page = staff.new_page()
    log_in_as_staff(worker_page, worker)
    worker_page.goto(f"/werk/dossiers/intake/{intake.pk}/")
    expect(worker_page.locator(".bk-spiderweb svg[role='img']")).to_be_visible()
    expect(worker_page.get_by_text("Ik slaap slecht en voel me alleen.")).to_be_visible()
    axe_check(worker_page, label="intake with a scan")
    screenshot(worker_page, "intake-with-scan")
    staff.close()


def test_a_scan_without_an_account_is_kept_after_logging_in(
    page: Page, instruments, axe_check, screenshot
):
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima")
    fill_short_scan_without_account(page)
    page.get_by_role("button", name=dutch("Keep this result with an account")).click()
    # The signup page; the resident has an account already and logs in instead.
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.goto("/")
    notice = dutch(
        "A scan filled in without an account is waiting in this browser. Keep it or throw it away."
    )
    page.get_by_role("link", name=notice).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Keep this scan?"))
    axe_check(page, label="keep a waiting scan")
    screenshot(page, "keep-waiting-scan")
    assert Response.objects.count() == 0
    page.get_by_role("button", name=dutch("Yes, keep my scan")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dutch("Your result"))
    scan = Response.objects.get()
    assert scan.respondent == resident and not scan.shared_with_worker


def test_a_worker_fills_in_the_staff_survey(page: Page, instruments, axe_check, screenshot):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    log_in_as_staff(page, worker)
    follow(
        page.get_by_role(
            "link",
            name=dutch("What do you think of Buurtkompas? Tell us in a short questionnaire."),
        )
    )
    axe_check(page, label="staff survey")
    screenshot(page, "staff-survey")
    groups = page.locator("fieldset.bk-scale")
    for index in range(groups.count()):
        groups.nth(index).get_by_text("4", exact=True).click()
    page.get_by_role("button", name=dutch("Send")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        dutch("Thank you. Your answers count in the adoption report.")
    )
    response = Response.objects.get()
    assert response.respondent == worker and response.is_completed
    axe_check(page, label="staff survey thanks")


def test_a_client_answers_the_satisfaction_survey_after_closing(
    page: Page, instruments, axe_check, screenshot
):
    from apps.dossiers.models import Dossier
    from apps.dossiers.services import dossier_advance
    from apps.dossiers.tests.factories import DossierFactory

    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima")
    dossier = DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        status=Dossier.Status.ACTIVE,
        client__account=resident,
    )
    dossier_advance(
        dossier=dossier,
        actor=worker,
        to_status=Dossier.Status.CLOSED,
        closing_reason=Dossier.ClosingReason.GOALS_REACHED,
    )
    page.set_viewport_size(PHONE)
    log_in_with_password(page, resident.email, TEST_PASSWORD)
    page.goto("/zelfscan/")
    expect(
        page.get_by_text(
            dutch("Your support has ended. We would like to know what you thought of it.")
        )
    ).to_be_visible()
    page.get_by_role("button", name=re.compile(dutch("Start"))).click()
    answer_page(page, "8")
    page.get_by_role("button", name=dutch("Next")).click()
    answer_page(page, "7")
    page.get_by_role("button", name=dutch("Next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Anything else?"))
    page.get_by_role("textbox").fill("Fijn dat er naar me geluisterd werd.")
    axe_check(page, label="satisfaction remark")
    screenshot(page, "satisfaction-remark-phone")
    page.get_by_role("button", name=dutch("Send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Thank you for your answers"))
    axe_check(page, label="satisfaction thanks")
    survey = Response.objects.get()
    assert survey.is_completed and str(survey.overall_score) == "8.00"
    assert survey.answers.get(item__code="remark").text.startswith("Fijn")
    assert not survey.shared_with_worker
