"""Residents fill a self-scan in the portal and see their spider web."""

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.dossiers.tests.factories import DossierFactory
from apps.questionnaires.models import Response
from apps.questionnaires.services.instruments import instruments_load
from tests.browser.helpers import PHONE, dutch, follow
from tests.browser.test_login import log_in_with_password


@pytest.fixture
def instruments():
    instruments_load()


def answer_page(page: Page, value: str, *, skip: int = 0) -> int:
    """Choose `value` for every question on the page but the last `skip`; returns how many
    questions were answered."""
    groups = page.locator("fieldset.bk-scale")
    answered = groups.count() - skip
    for index in range(answered):
        groups.nth(index).get_by_text(value, exact=True).click()
    return answered


def test_anonymous_resident_fills_positive_health_and_sees_the_spider_web(
    page: Page, instruments, axe_check, screenshot
):
    page.goto("/zelfscan/")
    axe_check(page, label="self-scan list")
    follow(page.get_by_role("link", name="Positieve Gezondheid", exact=True))
    axe_check(page, label="self-scan intro")
    page.get_by_role("link", name=dutch("Start")).click()

    answered = 0
    for part in range(1, 7):
        expect(page.get_by_text(f"Deel {part} van 6")).to_be_visible()
        if part == 1:
            axe_check(page, label="self-scan step")
            screenshot(page, "self-scan-step")
        # Two questions of the third part are skipped: they must not count as 0.
        answered += answer_page(page, "7") if part != 3 else answer_page(page, "4", skip=2)
        name = dutch("See my result") if part == 6 else dutch("Next")
        page.get_by_role("button", name=name).click()
    assert answered == 40

    expect(page.get_by_role("heading", level=1)).to_contain_text(dutch("Your result"))
    chart = page.locator("figure svg[role='img']")
    expect(chart).to_be_visible()
    # Zingeving: five questions answered 4, two skipped: a mean of 4, not of 20/7.
    expect(page.get_by_role("row", name="Zingeving")).to_contain_text("4")
    expect(page.get_by_text(dutch("Nothing is stored"))).to_be_visible()
    axe_check(page, label="self-scan result")
    screenshot(page, "self-scan-result")
    assert Response.objects.count() == 0


def test_resident_fills_the_short_scale_on_a_phone_stops_resumes_and_shares(
    page: Page, instruments, axe_check, screenshot
):
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima")
    dossier = DossierFactory(client__account=resident)
    page.set_viewport_size(PHONE)
    log_in_with_password(page, resident.email, TEST_PASSWORD)

    page.goto("/zelfscan/positive-health-short/")
    page.get_by_role("button", name=dutch("Start")).click()
    answer_page(page, "6")
    page.get_by_role("button", name=dutch("Next")).click()
    expect(page.get_by_text("Deel 2 van 6")).to_be_visible()
    screenshot(page, "self-scan-step-phone")
    axe_check(page, label="self-scan step (phone)")
    answer_page(page, "3")
    page.get_by_role("button", name=dutch("Go on later")).click()

    scan = Response.objects.get(respondent=resident)
    assert scan.answers.count() == 6 and not scan.is_completed
    expect(page.get_by_text(dutch("Your answers are saved. You can go on later."))).to_be_visible()
    page.get_by_role("link", name="Ga verder met Positieve Gezondheid, korte meting").click()
    expect(page.locator("fieldset.bk-scale").first.locator("input:checked")).to_have_count(1)
    for part in range(1, 7):
        if part > 2:
            answer_page(page, "8")
        name = dutch("See my result") if part == 6 else dutch("Next")
        page.get_by_role("button", name=name).click()

    expect(page.locator("figure svg[role='img']")).to_be_visible()
    screenshot(page, "self-scan-result-phone")
    axe_check(page, label="self-scan result (phone)")
    scan.refresh_from_db()
    assert scan.is_completed and scan.client == dossier.client and not scan.shared_with_worker

    page.get_by_role("button", name=dutch("Share with my social worker")).click()
    expect(page.get_by_text(dutch("Your social worker can now see this scan."))).to_be_visible()
    scan.refresh_from_db()
    assert scan.shared_with_worker


def test_every_question_skipped_gets_a_word_not_an_empty_web(
    page: Page, instruments, axe_check, screenshot
):
    page.set_viewport_size(PHONE)
    page.goto("/zelfscan/positive-health-short/vragen/1/")
    for part in range(1, 7):
        name = dutch("See my result") if part == 6 else dutch("Next")
        page.get_by_role("button", name=name).click()
    expect(page.get_by_text(dutch("Fill in the scan again"), exact=False).first).to_be_visible()
    expect(page.locator("figure svg[role='img']")).to_have_count(0)
    axe_check(page, label="self-scan result, every question skipped")
    screenshot(page, "self-scan-result-nothing-answered-phone")
    # Back goes to the last page of questions, not to the browser's "send again?" page.
    page.go_back()
    expect(page.get_by_text("Deel 6 van 6")).to_be_visible()
