"""The sector benchmark in a browser: a manager makes an export, adds the exports of three
other organisations (one broken file first) and sees the organisation beside the sector."""

import copy
import json
import re

from playwright.sync_api import Page, expect

from apps.reports import sector_benchmark
from apps.reports.models import BenchmarkExport, BenchmarkPeer
from tests.browser.helpers import dutch
from tests.browser.test_login import main_button
from tests.browser.test_reports import log_in
from tests.browser.test_reports import organisation as organisation  # the fixture

PAGE = "/rapportage/sector/"


def _peer_file(tmp_path, document: dict, name: str, factor: float):
    other = copy.deepcopy(document)
    other["organisation"] = name
    for row in other["rows"]:
        if row["value"] is not None and row["group_size"] is not None:
            row["value"] = round(row["value"] * factor, 2)
    other["rows_sha256"] = sector_benchmark.rows_checksum(other["rows"])
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    return path


def test_a_manager_compares_the_organisation_with_three_others(
    page: Page, organisation, tmp_path, axe_check, screenshot
):
    log_in(page, organisation["manager"])
    page.get_by_role("navigation", name=dutch("Report subjects")).get_by_role(
        "link", name=dutch("Sector benchmark")
    ).click()
    expect(page).to_have_url(re.compile(f"{PAGE}$"))
    axe_check(page, label="sector benchmark")

    page.get_by_label(dutch("Pseudonym of our organisation")).fill("Welzijn Oost")
    main_button(page, dutch("Make the export")).click()
    expect(page.get_by_text(dutch("The export is being made."))).to_be_visible()
    exports = page.locator("#benchmark-exports")
    expect(exports.get_by_role("link", name="JSON")).to_be_visible()
    export = BenchmarkExport.objects.get()
    assert export.status == BenchmarkExport.Status.DONE
    with page.expect_download() as download:
        exports.get_by_role("link", name="JSON").click()
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert sector_benchmark.problems_of(json.dumps(document).encode())[1] == []

    upload = page.get_by_label(dutch("Another organisation's export (JSON)"))
    # A file of another version is refused with the reason, and nothing of it is kept.
    broken = tmp_path / "old.json"
    broken.write_text(json.dumps({**document, "schema_version": "0.9"}), encoding="utf-8")
    upload.set_input_files(broken)
    main_button(page, dutch("Add to the comparison")).click()
    expect(page.get_by_role("alert")).to_contain_text("0.9")
    assert not BenchmarkPeer.objects.exists()

    for name, factor in (("Welzijn Noord", 0.6), ("Buurtwerk Zuid", 1.1), ("Sociaal West", 1.4)):
        page.get_by_label(dutch("Another organisation's export (JSON)")).set_input_files(
            _peer_file(tmp_path, document, name, factor)
        )
        main_button(page, dutch("Add to the comparison")).click()
        expect(page.get_by_role("status").filter(has_text=name)).to_be_visible()
    assert BenchmarkPeer.objects.count() == 3

    page.get_by_role("link", name=dutch("See our figures beside the sector")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(dutch("Our figures beside the sector"))
    figure = page.locator("figure.bk-chart").first
    expect(figure.locator("svg")).to_be_visible()
    header = [text.strip() for text in figure.locator("thead th").all_inner_texts()]
    assert header[:3] == [dutch("Indicator"), dutch("Our organisation"), dutch("Sector median")]
    expect(figure.locator("tbody tr").first.locator("td").last).to_have_text("3")
    for name in ("Welzijn Noord", "Buurtwerk Zuid", "Sociaal West"):
        expect(page.locator("main")).not_to_contain_text(name)
    axe_check(page, label="sector comparison")
    screenshot(page, "sector-comparison")
