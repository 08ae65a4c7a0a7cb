"""The municipality's accountability report in a browser: a manager writes, previews and
publishes it; the municipality's viewer finds and downloads it. Both on a desktop and a
phone, with axe-core on every page."""

import re

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.core.tests.pdfs import pdf_text
from apps.reports.filters import first_of_month, months_back
from apps.reports.models import MunicipalityReport
from tests.browser.helpers import PHONE, dutch
from tests.browser.test_login import main_button
from tests.browser.test_reports import log_in
from tests.browser.test_reports import organisation as organisation  # the fixture

LIST = "/rapportage/gemeenten/"


def test_a_manager_publishes_and_the_municipality_downloads_the_report(
    page: Page,
    browser: Browser,
    server_url,
    organisation,
    axe_check,
    screenshot,
):
    last_month = months_back(first_of_month(timezone.localdate()), 1)
    start = months_back(last_month, 2)
    log_in(page, organisation["manager"])
    page.get_by_role("navigation", name=dutch("Report subjects")).get_by_role(
        "link", name=dutch("Municipality reports")
    ).click()
    expect(page).to_have_url(re.compile(f"{LIST}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Municipality reports"))
    axe_check(page, label="municipality reports (manager)")

    # A period that ends before it starts is refused with a message beside the field.
    page.get_by_label(dutch("Municipality")).select_option(label="Eemdal")
    page.get_by_label(dutch("From (month)")).fill(last_month.strftime("%Y-%m"))
    page.get_by_label(dutch("Up to and including (month)")).fill(start.strftime("%Y-%m"))
    main_button(page, dutch("Make a draft")).click()
    expect(page.get_by_text(dutch("The end of the period lies before its start."))).to_be_visible()
    assert not MunicipalityReport.objects.exists()

    page.get_by_label(dutch("From (month)")).fill(start.strftime("%Y-%m"))
    page.get_by_label(dutch("Up to and including (month)")).fill(last_month.strftime("%Y-%m"))
    main_button(page, dutch("Make a draft")).click()
    expect(
        page.get_by_text(dutch("The draft is made. Write the texts, then publish."))
    ).to_be_visible()
    report = MunicipalityReport.objects.get()
    axe_check(page, label="draft report (manager)")

    page.get_by_label(dutch("introduction").capitalize()).fill(
        "In deze maanden zochten meer inwoners van Eemdal ons online op."
    )
    main_button(page, dutch("Save the texts")).click()
    expect(page.get_by_text(dutch("The texts are saved."))).to_be_visible()

    main_button(page, dutch("Make a preview")).click()
    generation = page.locator("#report-generation")
    expect(generation.get_by_role("link", name=dutch("Download the preview (PDF)"))).to_be_visible()
    with page.expect_download() as preview:
        generation.get_by_role("link", name=dutch("Download the preview (PDF)")).click()
    preview_text = pdf_text(preview.value.path().read_bytes())
    assert "CONCEPT" in preview_text
    assert "In deze maanden zochten meer inwoners van Eemdal ons online op." in preview_text

    # Publishing asks for the approval first.
    main_button(page, dutch("Publish")).click()
    expect(
        page.get_by_text(dutch("Tick the box to approve the report before publishing."))
    ).to_be_visible()
    page.get_by_label(
        dutch(
            "I have read the preview and approve the texts and figures. Once published, "
            "the report cannot change."
        )
    ).check()
    main_button(page, dutch("Publish")).click()
    expect(page.get_by_text(dutch("The report is being made and published."))).to_be_visible()
    expect(generation.get_by_role("link", name=dutch("Download the report (PDF)"))).to_be_visible()
    expect(page.get_by_role("button", name=dutch("Make a correction"))).to_be_visible()
    report.refresh_from_db()
    assert report.status == MunicipalityReport.Status.PUBLISHED
    axe_check(page, label="published report (manager)")
    screenshot(page, "municipality-report-published")

    # The municipality's viewer, on a phone, finds it and downloads it.
    phone = browser.new_context(base_url=server_url, viewport=PHONE)
    viewer_page = phone.new_page()
    log_in(viewer_page, organisation["viewer"])
    viewer_page.goto(LIST)
    expect(viewer_page.get_by_role("button", name=dutch("Make a draft"))).to_have_count(0)
    viewer_page.get_by_role("link", name="Eemdal").click()
    expect(viewer_page.get_by_text(dutch("Your texts in the report"))).to_have_count(0)
    with viewer_page.expect_download() as download:
        viewer_page.get_by_role("link", name=dutch("Download the report (PDF)")).click()
    published = download.value.path().read_bytes()
    assert "CONCEPT" not in pdf_text(published)
    assert download.value.suggested_filename.endswith("-v1.pdf")
    # The page fits the phone: nothing scrolls sideways.
    assert viewer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(viewer_page, label="published report (municipality viewer, phone)")
    screenshot(viewer_page, "municipality-report-viewer-phone")
    phone.close()
