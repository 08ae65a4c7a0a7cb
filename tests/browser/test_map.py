"""The client map in the browser: flags by theme, the keyboard, the list, a phone."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.dossiers.tests.factories import DossierFactory, RegisteredQuestionFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory
from tests.browser.helpers import PHONE, dutch
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import main_button

CLIENTS = [
    # first name, last name, neighbourhood, theme, latitude, longitude
    ("Anna", "Bakker", "Soesterkwartier", "geldzaken-regelgeving", 52.1592, 5.3741),
    ("Bram", "Jansen", "Soesterkwartier", "huisvesting-wonen", 52.1608, 5.3712),
    ("Chaima", "El Idrissi", "Kruiskamp", "mentaal-welbevinden-zingeving", 52.1665, 5.4012),
    ("Dirk", "de Vries", "Kruiskamp", "geldzaken-regelgeving", 52.1649, 5.4051),
    ("Esra", "Yilmaz", "Binnenstad", "ouder-worden-mantelzorg", 52.1561, 5.3878),
]

STREETS = {"Soesterkwartier": "Soesterweg", "Kruiskamp": "Ruimtesonde", "Binnenstad": "Langestraat"}


def make_caseload():
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, user__first_name="Sanne").user
    team = worker.teams.get()
    places = {}
    for first, last, place, theme, lat, lon in CLIENTS:
        neighbourhood = places.setdefault(place, NeighbourhoodFactory(name=place))
        dossier = DossierFactory(
            team=team,
            responsible_worker=worker,
            client__first_name=first,
            client__last_name=last,
            client__neighbourhood=neighbourhood,
            client__street=STREETS[place],
            client__latitude=lat,
            client__longitude=lon,
        )
        RegisteredQuestionFactory(dossier=dossier, theme=Theme.objects.get(code=theme))
    # Someone whose address was not found yet.
    DossierFactory(
        team=team,
        responsible_worker=worker,
        client__first_name="Fenna",
        client__last_name="Smit",
        client__neighbourhood=places["Kruiskamp"],
    )
    return worker


def refuse_the_internet(page: Page, server_url: str) -> list[str]:
    """Every request that leaves the live server is refused and remembered."""
    outside = []
    own = urlsplit(server_url).netloc

    def route(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return outside


def test_worker_finds_clients_on_the_map_by_mouse_and_keyboard(
    page: Page, server_url, axe_check, screenshot
):
    worker = make_caseload()
    outside = refuse_the_internet(page, server_url)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )

    log_in_as_staff(page, worker)
    page.get_by_role("navigation").get_by_role("link", name=dutch("Map"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/werk/kaart/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch("Map of my clients"))
    region = page.get_by_role("region", name=dutch("Map with a flag per client"))
    expect(region).to_be_visible()
    without_map = dutch("The map needs JavaScript. The list below shows the same clients.")
    expect(page.get_by_text(without_map)).to_be_hidden()
    flags = page.locator(".leaflet-marker-icon")
    expect(flags).to_have_count(len(CLIENTS))
    theme_name = Theme.objects.get(code="geldzaken-regelgeving").name_nl
    symbol = str(list(Theme.objects.all()).index(Theme.objects.get(name_nl=theme_name)) + 1)
    anna = page.get_by_role("button", name=f"Anna B., {symbol} {theme_name}")
    expect(anna).to_be_visible()
    legend = page.get_by_role("list", name=dutch("Legend"))
    expect(legend).to_contain_text(theme_name)
    expect(page.get_by_role("table", name=re.compile("Kruiskamp"))).to_contain_text(
        dutch("No location yet")
    )
    expect(page.locator(".bk-map-aside")).to_contain_text("Fenna Smit")
    page.wait_for_load_state("networkidle")
    assert errors == []
    axe_check(page, label="client map")  # injects axe-core, which the CSP reports once
    screenshot(page, "client-map")

    # The keyboard: from the map to the flags, Enter opens one, its link has the focus.
    region.focus()
    page.keyboard.press("Tab")
    screenshot(page, "client-map-flag-focused", full_page=False)
    focused_label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused_label and focused_label.split(",")[0] in {
        f"{first} {last[0]}." for first, last, *_ in CLIENTS
    }
    anna.focus()
    page.keyboard.press("Enter")
    popup_link = page.locator(".leaflet-popup").get_by_role("link", name=re.compile("Anna B."))
    expect(popup_link).to_be_focused()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    screenshot(page, "client-map-popup")
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(anna).to_be_focused()

    anna.click()
    page.locator(".leaflet-popup").get_by_role("link", name=re.compile("Anna B.")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bakker")

    page.goto("/werk/kaart/")
    errors.clear()
    page.get_by_label(re.compile("^" + re.escape(dutch("Theme")))).select_option(label=theme_name)
    main_button(page, dutch("Show")).click()
    expect(page).to_have_url(re.compile(r"theme=geldzaken-regelgeving"))
    expect(flags).to_have_count(2)
    expect(page.get_by_role("link", name="Bram Jansen")).to_have_count(0)

    assert outside == [], "the map fetched something from the internet"
    assert errors == []


def test_the_map_on_a_phone(page: Page, server_url, axe_check, screenshot):
    worker = make_caseload()
    outside = refuse_the_internet(page, server_url)
    log_in_as_staff(page, worker)
    page.set_viewport_size(PHONE)

    page.goto("/werk/kaart/")

    region = page.get_by_role("region", name=dutch("Map with a flag per client"))
    expect(region).to_be_visible()
    box = region.bounding_box()
    assert box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator(".leaflet-marker-icon")).to_have_count(len(CLIENTS))
    page.wait_for_load_state("networkidle")
    axe_check(page, label="client map on a phone")
    screenshot(page, "client-map-phone")
    region.scroll_into_view_if_needed()
    page.locator(".leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    screenshot(page, "client-map-phone-popup", full_page=False)
    assert outside == []


def test_without_javascript_the_list_remains(browser, server_url, screenshot):
    worker = make_caseload()
    context = browser.new_context(base_url=server_url, java_script_enabled=False)
    page = context.new_page()
    log_in_as_staff(page, worker)

    page.goto("/werk/kaart/")

    expect(page.get_by_role("region", name=dutch("Map with a flag per client"))).to_be_hidden()
    expect(
        page.get_by_text(dutch("The map needs JavaScript. The list below shows the same clients."))
    ).to_be_visible()
    for first, last, *_ in CLIENTS:
        expect(page.get_by_role("link", name=f"{first} {last}").first).to_be_visible()
    screenshot(page, "client-map-no-javascript")
    context.close()
