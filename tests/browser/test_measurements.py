"""Measurements in the dossier: a worker reads a scan the client shared, records ZRM and
compares two, and asks the client to fill in a scan in the portal."""

import re

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires.models import Assignment, Instrument, InstrumentVersion, Response
from apps.questionnaires.services import answering, measurements, self_scans
from apps.questionnaires.services.instruments import instruments_load
from tests.browser.helpers import DESKTOP, PHONE, dutch
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import label, log_in_with_password, main_button
from tests.browser.test_self_scan import answer_page

PH17 = "positive-health-short"
ZRM = "zrm"
# ZRM level per domain in the worker's recording: a dip on finances and housing.
ZRM_LEVELS = [2, 3, 4, 2, 4, 3, 4, 5, 4, 4, 3, 3, 5]
ZRM_EARLIER_LEVEL = 2


@pytest.fixture
def instruments():
    instruments_load()


def dutch_plural(singular: str, plural: str, count: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.ngettext(singular, plural, count) % {"count": count}


def dutch_date(moment) -> str:
    """A date as the pages show it ("j F Y" in Dutch)."""
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(timezone.localtime(moment), "j F Y")


def instrument_name(code: str) -> str:
    return Instrument.objects.get(code=code).name_nl


def measurements_table(page: Page, code: str):
    name = dutch("Measurements with %(name)s, newest first") % {"name": instrument_name(code)}
    return page.locator("#measurements").get_by_role("table", name=name)


def open_folded_form(page: Page, summary: str) -> None:
    """Open a folded form of the measurements section; htmx fetches it on opening."""
    page.locator("#measurements summary", has_text=summary).click()


def setup_client_with_worker(first_name="Fatima", last_name="Amrani"):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    resident = UserFactory(role=Role.RESIDENT, first_name=first_name)
    dossier = DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        started_on=timezone.localdate() - timezone.timedelta(days=120),
        client__account=resident,
        client__first_name=first_name,
        client__last_name=last_name,
    )
    return worker, resident, dossier


def shared_self_scan(resident) -> Response:
    """A PH-17 the resident filled in alone and shared with their team."""
    version = InstrumentVersion.objects.current().get(instrument__code=PH17)
    scan = self_scans.self_scan_start(version=version, actor=resident)
    # A different score per part, so the web has a shape and each row a value of its own.
    per_dimension = {}
    for index, dimension in enumerate(version.dimensions.order_by("order")):
        per_dimension[dimension.pk] = 4 + index
    answering.response_answer_save(
        response=scan,
        answers={item.code: per_dimension[item.dimension_id] for item in version.items.all()},
    )
    scan = answering.response_complete(response=scan)
    return self_scans.response_share_set(response=scan, actor=resident, shared=True)


def earlier_zrm(dossier, worker, *, days_ago: int) -> Response:
    """A ZRM the worker recorded some time ago, every domain on the same level."""
    zrm = Instrument.objects.get(code=ZRM)
    response = measurements.measurement_start(
        dossier=dossier, instrument=zrm, actor=worker, moment=Response.Moment.NONE
    )
    codes = response.version.items.values_list("code", flat=True)
    measurements.measurement_save(
        response=response,
        answers=dict.fromkeys(codes, ZRM_EARLIER_LEVEL),
        actor=worker,
        complete=True,
    )
    then = timezone.now() - timezone.timedelta(days=days_ago)
    Response.objects.filter(pk=response.pk).update(started_at=then, completed_at=then)
    response.refresh_from_db()
    return response


def test_worker_reads_a_shared_scan_records_zrm_and_compares_two(
    page: Page, instruments, axe_check, screenshot
):
    worker, resident, dossier = setup_client_with_worker()
    scan = shared_self_scan(resident)
    earlier = earlier_zrm(dossier, worker, days_ago=60)
    ph17, zrm = instrument_name(PH17), instrument_name(ZRM)

    log_in_as_staff(page, worker)
    page.goto(f"/werk/dossiers/{dossier.pk}/deel/metingen/")
    section = page.locator("#measurements")
    expect(section.get_by_role("heading", level=2)).to_have_text(dutch("Measurements"))
    expect(section.get_by_role("heading", level=3, name=ph17)).to_be_visible()
    scan_row = measurements_table(page, PH17).get_by_role("row").nth(1)
    expect(scan_row).to_contain_text(dutch("Filled in alone"))
    expect(scan_row.get_by_role("link")).to_have_text(dutch_date(scan.completed_at))
    axe_check(page, label="dossier with measurements")
    screenshot(page, "measurements-dossier")

    scan_row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ph17)
    expect(page.locator(".bk-facts")).to_contain_text(dutch_date(scan.completed_at))
    expect(page.locator(".bk-spiderweb svg[role='img']")).to_be_visible()
    expect(page.locator(".bk-spiderweb__legend-item")).to_have_count(1)
    shared = dutch("The client shared this scan on %(date)s. They can take that back.")
    expect(page.get_by_text(shared % {"date": dutch_date(scan.shared_changed_at)})).to_be_visible()
    # Lichaamsfuncties is the first part: every answer there was 4.
    body = page.get_by_role("row", name=re.compile("^Lichaamsfuncties"))
    expect(body.get_by_role("cell")).to_have_text("4")
    axe_check(page, label="measurement detail (shared scan)")
    screenshot(page, "measurements-detail")

    page.get_by_role("link", name=re.compile(re.escape(dossier.client.full_name))).click()
    open_folded_form(page, dutch("Record a measurement"))
    instrument_field = page.get_by_label(label(dutch("Questionnaire")))
    expect(instrument_field).to_be_visible()
    instrument_field.select_option(label=zrm)
    page.get_by_label(label(dutch("Moment"))).select_option(label=dutch("At intake"))
    main_button(page, dutch("Start")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(zrm)
    domains = page.locator("fieldset.bk-scale")
    expect(domains).to_have_count(13)
    # A ZRM answer is a level with its description, not a bare number.
    expect(domains.first.get_by_role("radio")).to_have_count(5)
    expect(domains.first.get_by_label(re.compile(r"^1\. \S+"))).to_be_visible()
    axe_check(page, label="ZRM fill")
    screenshot(page, "measurements-zrm-fill")
    for index, level in enumerate(ZRM_LEVELS):
        # The level's label covers its radio button: a person clicks the description.
        domains.nth(index).locator("label", has_text=re.compile(rf"^{level}\. ")).click()
    main_button(page, dutch("Finish and save")).click()

    expect(page.get_by_text(dutch("The measurement is saved."))).to_be_visible()
    recorded = Response.objects.get(version__instrument__code=ZRM, moment=Response.Moment.INTAKE)
    assert recorded.is_completed and recorded.mode == Response.Mode.BY_WORKER
    assert recorded.recorded_by == worker and recorded.dossier == dossier
    assert sorted(recorded.answers.values_list("value", flat=True)) == sorted(ZRM_LEVELS)
    expect(page.get_by_role("heading", level=1)).to_have_text(zrm)
    expect(page.locator(".bk-facts")).to_contain_text(dutch_date(recorded.completed_at))
    expect(page.locator(".bk-spiderweb svg[role='img']")).to_be_visible()

    page.get_by_role("link", name=re.compile(re.escape(dossier.client.full_name))).click()
    zrm_rows = measurements_table(page, ZRM).get_by_role("row")
    expect(zrm_rows).to_have_count(3)
    expect(zrm_rows.nth(1)).to_contain_text(dutch("At intake"))
    expect(zrm_rows.nth(2)).to_contain_text(dutch("No set moment"))
    compare = page.locator("#measurements").get_by_role(
        "group", name=dutch("Compare two measurements with %(name)s") % {"name": zrm}
    )
    # The oldest and the newest are chosen already.
    expect(compare.get_by_label(dutch("First measurement"))).to_have_value(str(earlier.pk))
    expect(compare.get_by_label(dutch("Second measurement"))).to_have_value(str(recorded.pk))
    screenshot(page, "measurements-dossier-two-zrm")
    compare.get_by_role("button", name=dutch("Compare")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        dutch("%(name)s: two measurements") % {"name": zrm}
    )
    expect(page.locator(".bk-spiderweb svg[role='img']")).to_be_visible()
    legend = page.locator(".bk-spiderweb__legend-item")
    expect(legend).to_have_count(2)
    expect(legend.nth(0)).to_contain_text(dutch_date(recorded.completed_at))
    expect(legend.nth(1)).to_contain_text(dutch_date(earlier.completed_at))
    # Two series in the drawing itself, not only in the legend.
    shapes = page.locator(".bk-spiderweb svg .bk-spiderweb__series .bk-spiderweb__shape")
    expect(shapes).to_have_count(2)
    changes = page.get_by_role("table", name=dutch("Score per part, and the change"))
    expect(changes.get_by_role("row", name=re.compile("^Financiën"))).to_contain_text(
        dutch("the same")
    )
    expect(changes.get_by_role("row", name=re.compile("^Werk"))).to_contain_text(
        dutch("%(amount)s higher") % {"amount": "1"}
    )
    axe_check(page, label="compare two ZRM")
    screenshot(page, "measurements-compare")


def test_worker_asks_for_a_scan_and_the_resident_fills_it_in_on_a_phone(
    page: Page, new_context, instruments, axe_check, screenshot, mailoutbox
):
    worker, resident, dossier = setup_client_with_worker(first_name="Henk", last_name="Visser")
    ph17 = instrument_name(PH17)

    log_in_as_staff(page, worker)
    page.goto(f"/werk/dossiers/{dossier.pk}/deel/metingen/")
    open_folded_form(page, dutch("Ask the client to fill in a scan"))
    scan_field = page.get_by_label(label(dutch("Scan")))
    expect(scan_field).to_be_visible()
    scan_field.select_option(label=ph17)
    main_button(page, dutch("Send request")).click()

    expect(
        page.get_by_text(
            dutch("The client gets an e-mail that something is waiting for them in the portal.")
        )
    ).to_be_visible()
    asked = page.locator("#measurements li", has_text=ph17)
    expect(asked).to_contain_text(dutch("waiting"))
    assignment = Assignment.objects.get(client=dossier.client)
    assert assignment.instrument.code == PH17 and assignment.assigned_by == worker
    assert [message.to for message in mailoutbox] == [[resident.email]]
    assert ph17 not in mailoutbox[0].body

    # The resident on their own phone: a browser of their own, so the worker stays signed in.
    resident_page = new_context().new_page()
    resident_page.set_viewport_size(PHONE)
    log_in_with_password(resident_page, resident.email, TEST_PASSWORD)
    waiting = dutch_plural(
        "There is %(count)s questionnaire waiting for you.",
        "There are %(count)s questionnaires waiting for you.",
        1,
    )
    resident_page.get_by_role("link", name=waiting).click()

    asked_of_you = resident_page.get_by_role("region", name=dutch("Asked of you"))
    expect(asked_of_you).to_be_visible()
    expect(asked_of_you.get_by_role("heading", level=3)).to_have_text(ph17)
    axe_check(resident_page, label="self-scan list with a request")
    screenshot(resident_page, "measurements-asked-of-you-phone")
    # The instrument's name is hidden text in the button; Chromium puts a space before
    # its colon, as the hidden span is taken out of the line.
    start = re.compile(rf"^{re.escape(dutch('Start'))}\s?: {re.escape(ph17)}$")
    asked_of_you.get_by_role("button", name=start).click()

    for part in range(1, 7):
        expect(resident_page.get_by_text(f"Deel {part} van 6")).to_be_visible()
        answer_page(resident_page, "6")
        name = dutch("See my result") if part == 6 else dutch("Next")
        resident_page.get_by_role("button", name=name).click()

    expect(resident_page.locator("figure svg[role='img']")).to_be_visible()
    resident_page.get_by_role("button", name=dutch("Share with my social worker")).click()
    expect(
        resident_page.get_by_text(dutch("Your social worker can now see this scan."))
    ).to_be_visible()
    assignment.refresh_from_db()
    scan = assignment.response
    assert scan.is_completed and scan.shared_with_worker and scan.client == dossier.client
    assert scan.mode == Response.Mode.SELF and scan.answers.count() == 17

    # The request is done: it no longer waits in the portal.
    resident_page.goto("/zelfscan/")
    expect(resident_page.get_by_role("region", name=dutch("Asked of you"))).to_have_count(0)

    page.set_viewport_size(DESKTOP)
    page.reload()
    row = measurements_table(page, PH17).get_by_role("row").nth(1)
    expect(row).to_contain_text(dutch("Filled in alone"))
    expect(row.get_by_role("link")).to_have_text(dutch_date(scan.completed_at))
    screenshot(page, "measurements-dossier-after-request")
    row.get_by_role("link").click()
    expect(page.locator(".bk-spiderweb svg[role='img']")).to_be_visible()
