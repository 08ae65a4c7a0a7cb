"""The report pages in a browser, as a manager, a team leader and a municipality viewer.

Two municipalities with a team each, contacts of several kinds over the three months before
this one, a few closed dossiers; the statistics are computed before the pages are opened.
The dates lie in whole past months, so the figures are the same on every day of the year.
"""

import csv
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Browser, Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory, totp_code
from apps.dossiers.models import ContactMoment, Dossier
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_update
from apps.organisation.models import Neighbourhood, Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.reports.filters import first_of_month, months_back
from apps.reports.subjects import SUBJECTS
from tests.browser.helpers import DESKTOP, PHONE, dutch
from tests.browser.test_login import (
    AUTHENTICATE_URL,
    label,
    log_in_with_password,
    main_button,
    translated,
)

HOME = "/rapportage/"
PAGES = {"overzicht": HOME} | {slug: f"{HOME}{slug}/" for slug in SUBJECTS}

MODES = ContactMoment.Mode
TEAM_A_MODES = [MODES.VIDEO, MODES.PHONE, MODES.HOME_VISIT, MODES.MESSAGE] * 3  # 12 contacts
TEAM_B_MODES = [MODES.FACE_TO_FACE, MODES.PHONE, MODES.GROUP] * 8  # 24 contacts


def _month_start(back: int):
    """The first day of the month `back` months before this one."""
    return months_back(first_of_month(timezone.localdate()), back)


def _at(back: int, day: int, hour: int = 10):
    moment = datetime.combine(_month_start(back).replace(day=day), time(hour))
    return timezone.make_aware(moment)


def _areas(municipality, number: int, latitude: float, longitude: float):
    district = NeighbourhoodFactory(
        municipality=municipality, name=f"{municipality.name} Centrum", cbs_code=f"WK{number:06d}"
    )
    return [
        NeighbourhoodFactory(
            municipality=municipality,
            district=district,
            kind=Neighbourhood.Kind.NEIGHBOURHOOD,
            name=f"{municipality.name} {part}",
            cbs_code=f"BU{number:06d}{index:02d}",
            centroid_latitude=latitude + 0.01 * index,
            centroid_longitude=longitude + 0.015 * index,
        )
        for index, part in enumerate(("Oost", "West", "Haven"), start=1)
    ]


def _dossiers(team, areas, count: int, modes, closed: int):
    """`count` dossiers started three months ago, the contacts of `modes` spread over them
    and the three past months, the first `closed` of them closed last month."""
    themes = list(Theme.objects.order_by("pk"))
    dossiers = [
        DossierFactory(
            team=team,
            client__neighbourhood=areas[n % len(areas)],
            started_on=_month_start(3).replace(day=2 + n),
        )
        for n in range(count)
    ]
    for n, dossier in enumerate(dossiers):
        RegisteredQuestionFactory(dossier=dossier, theme=themes[n % 4])
    for n, mode in enumerate(modes):
        ContactMomentFactory(
            dossier=dossiers[n % count],
            mode=mode,
            duration_minutes=15 + 15 * (n % 3),
            occurred_at=_at(back=1 + n % 3, day=5 + n % 20),
        )
    for n, dossier in enumerate(dossiers[:closed]):
        dossier.status = Dossier.Status.CLOSED
        dossier.ended_on = _month_start(1).replace(day=20)
        dossier.closing_reason = (
            Dossier.ClosingReason.GOALS_REACHED,
            Dossier.ClosingReason.REFERRED,
        )[n % 2]
        dossier.save()
    return dossiers


@pytest.fixture
def organisation():
    """Eemdal with team A: 3 dossiers, 12 contacts (6 online). Lekstede with team B:
    8 dossiers, 24 contacts (none online). Computed three days ago."""
    eemdal = MunicipalityFactory(name="Eemdal")
    lekstede = MunicipalityFactory(name="Lekstede")
    team_a = TeamFactory(name="Team Eemdal-Noord", municipality=eemdal)
    team_b = TeamFactory(name="Team Lekstede-Centrum", municipality=lekstede)
    _dossiers(team_a, _areas(eemdal, 1, 52.15, 5.38), 3, TEAM_A_MODES, closed=1)
    team_b_dossiers = _dossiers(team_b, _areas(lekstede, 2, 51.98, 5.10), 8, TEAM_B_MODES, 2)
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER, first_name="Wendy")
    MunicipalityMembershipFactory(municipality=eemdal, user=viewer)
    run = statistics_update(full=True)
    assert run.status == StatisticsRun.Status.SUCCEEDED, run.error
    StatisticsRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at - timedelta(days=3))
    return {
        "eemdal": eemdal,
        "lekstede": lekstede,
        "team_a": team_a,
        "team_b": team_b,
        "team_b_dossiers": team_b_dossiers,
        "manager": UserFactory(role=Role.MANAGER, first_name="Marieke"),
        "leader": TeamMembershipFactory(team=team_a, user__role=Role.TEAM_LEADER).user,
        "viewer": viewer,
    }


def log_in(page: Page, user) -> None:
    """Password and authenticator code; then the reports, wherever the role lands."""
    log_in_with_password(page, user.email, TEST_PASSWORD)
    expect(page).to_have_url(AUTHENTICATE_URL)
    page.get_by_label(label("Code")).fill(totp_code())
    main_button(page, translated("Sign in")).click()
    expect(page).not_to_have_url(AUTHENTICATE_URL)
    page.goto(HOME)


def key_figure(page: Page, section: str, name: str):
    """The value of a key figure, on the overview within a subject's section."""
    scope = page.locator("section.bk-report-section", has=page.locator(f"#section-{section}"))
    figure = scope.locator(
        ".bk-key-figure",
        has=page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(dutch(name))}\s*$")),
    )
    return figure.locator(".bk-key-figure__value")


def computed_on(run: StatisticsRun) -> str:
    with translation.override("nl"):
        finished = dateformat.format(timezone.localtime(run.finished_at), "j F Y, H:i")
    return dutch(
        "Computed on %(finished)s. The figures are computed every night; "
        "today's changes show tomorrow."
    ) % {"finished": finished}


def option_texts(page: Page, name: str) -> list[str]:
    return [text.strip() for text in page.locator(f"#id_{name} option").all_inner_texts()]


def test_a_manager_recomputes_filters_and_downloads_the_numbers(
    page: Page, organisation, axe_check
):
    first_run = StatisticsRun.objects.get()
    # A contact recorded after the last computation shows only once the figures are
    # computed again.
    ContactMomentFactory(
        dossier=organisation["team_b_dossiers"][0], mode=MODES.PHONE, occurred_at=_at(1, 28)
    )
    log_in(page, organisation["manager"])

    expect(page.get_by_role("heading", level=1)).to_have_text(translated("Reports"))
    status = page.locator("#statistics-status")
    expect(status).to_contain_text(computed_on(first_run))
    expect(key_figure(page, "contact", "Contacts")).to_have_text("36")
    expect(key_figure(page, "bereik", "New dossiers")).to_have_text("11")
    expect(key_figure(page, "bereik", "Closed dossiers")).to_have_text("3")
    axe_check(page, label="reports overview (manager)")

    status.get_by_role("button", name=dutch("Compute all figures again now")).click()
    expect(page).to_have_url(re.compile(r"/rapportage/$"))
    expect(page.get_by_text(dutch("The statistics are being computed again."))).to_be_visible()
    second_run = StatisticsRun.objects.exclude(pk=first_run.pk).get()
    assert second_run.status == StatisticsRun.Status.SUCCEEDED
    assert second_run.requested_by == organisation["manager"]
    expect(status).to_contain_text(computed_on(second_run))
    expect(status.get_by_role("button")).to_have_text(dutch("Compute all figures again now"))
    expect(key_figure(page, "contact", "Contacts")).to_have_text("37")

    page.locator("#id_team").select_option(label=organisation["team_a"].name)
    main_button(page, dutch("Show")).click()
    expect(page).to_have_url(re.compile(rf"[?&]team={organisation['team_a'].pk}(&|$)"))
    expect(key_figure(page, "contact", "Contacts")).to_have_text("12")
    expect(key_figure(page, "bereik", "New dossiers")).to_have_text("3")
    expect(key_figure(page, "contact", "Online")).to_have_text("50,0%")

    page.locator("#id_team").select_option(label=dutch("All teams"))
    page.locator("#id_municipality").select_option(label="Lekstede")
    main_button(page, dutch("Show")).click()
    expect(key_figure(page, "contact", "Contacts")).to_have_text("25")
    expect(key_figure(page, "bereik", "Closed dossiers")).to_have_text("2")
    expect(key_figure(page, "contact", "Online")).to_have_text("0,0%")
    # With a municipality chosen, its districts and neighbourhoods can be chosen.
    areas = page.locator("#id_area option").all_inner_texts()
    assert any(text.startswith("Lekstede Oost") for text in areas), areas
    assert not any(text.startswith("Eemdal") for text in areas), areas
    district = next(text for text in areas if text.startswith("Lekstede Centrum"))
    page.locator("#id_area").select_option(label=district)
    main_button(page, dutch("Show")).click()
    expect(page).to_have_url(re.compile(r"[?&]area=\d+"))
    expect(key_figure(page, "contact", "Contacts")).to_have_text("25")

    page.get_by_role("navigation", name=dutch("Report subjects")).get_by_role(
        "link", name=dutch("Online and offline contact")
    ).click()
    expect(page).to_have_url(re.compile(r"/rapportage/contact/\?.*municipality="))
    figure = page.locator("figure.bk-chart").first
    shown_header = [text.strip() for text in figure.locator("thead th").all_inner_texts()]
    shown_rows = figure.locator("tbody tr")
    with page.expect_download() as download_info:
        figure.locator(".bk-chart__download a").click()
    download = download_info.value
    assert download.suggested_filename.startswith("contact-modes-")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == shown_header
    assert len(rows) - 1 == shown_rows.count()
    assert [row[0] for row in rows[1:]] == [
        text.strip() for text in shown_rows.locator("th").all_inner_texts()
    ]

    for slug, path in PAGES.items():
        response = page.goto(path)
        assert response.status == 200, slug
        axe_check(page, label=f"reports {slug} (manager)")


def test_a_team_leader_sees_only_their_team(page: Page, organisation):
    team_a, team_b = organisation["team_a"], organisation["team_b"]
    log_in(page, organisation["leader"])

    assert option_texts(page, "team") == [dutch("All teams"), team_a.name]
    expect(key_figure(page, "contact", "Contacts")).to_have_text("12")
    expect(key_figure(page, "bereik", "New dossiers")).to_have_text("3")
    expect(page.get_by_role("main")).not_to_contain_text(team_b.name)
    page.goto(f"{HOME}vergelijken/")
    expect(page.get_by_role("main")).to_contain_text(team_a.name)
    expect(page.get_by_role("main")).not_to_contain_text(team_b.name)

    response = page.goto(f"{HOME}?team={team_b.pk}")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        dutch("You do not have access to this page")
    )
    expect(page.get_by_role("main")).not_to_contain_text(team_b.name)


def test_a_municipality_viewer_sees_protected_figures_of_their_municipality(
    page: Page, organisation
):
    log_in(page, organisation["viewer"])

    assert option_texts(page, "municipality") == [dutch("All municipalities"), "Eemdal"]
    assert option_texts(page, "team") == [dutch("All teams"), organisation["team_a"].name]
    # Twelve contacts are rounded to ten; three new dossiers are too few to show.
    expect(key_figure(page, "contact", "Contacts")).to_have_text("10")
    expect(key_figure(page, "bereik", "New dossiers")).to_have_text(dutch("< 10"))
    expect(key_figure(page, "bereik", "Closed dossiers")).to_have_text(dutch("< 10"))
    main = page.get_by_role("main")
    for other in ("Lekstede", organisation["team_b"].name):
        expect(main).not_to_contain_text(other)
    expect(main.get_by_role("button", name=dutch("Compute all figures again now"))).to_have_count(0)

    response = page.goto(f"{HOME}?municipality={organisation['lekstede'].pk}")
    assert response.status == 403


def test_every_report_page_at_desktop_and_phone_width(page: Page, organisation, screenshot):
    log_in(page, organisation["manager"])
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for slug, path in PAGES.items():
            response = page.goto(path)
            assert response.status == 200, slug
            expect(page.locator("html")).to_have_attribute("lang", "nl")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= viewport["width"], f"{slug} scrolls sideways at {width_name}"
            screenshot(page, f"reports-{slug}-{width_name}")


def test_the_rebuild_works_without_javascript(browser: Browser, server_url, organisation):
    context = browser.new_context(base_url=server_url, viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, organisation["manager"])
        page.get_by_role("button", name=dutch("Compute all figures again now")).click()
        expect(page).to_have_url(re.compile(r"/rapportage/$"))
        expect(page.get_by_text(dutch("The statistics are being computed again."))).to_be_visible()
        latest = StatisticsRun.objects.order_by("-pk").first()
        assert StatisticsRun.objects.count() == 2
        assert latest.status == StatisticsRun.Status.SUCCEEDED
        expect(page.locator("#statistics-status")).to_contain_text(computed_on(latest))
    finally:
        context.close()
