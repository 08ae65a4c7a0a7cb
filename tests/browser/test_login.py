"""Logging in through the browser: the portal, the two-step login for staff, and refusals.

Expected texts come from the translation catalogues (`translated("Sign in")`), so a
reworded Dutch translation does not break the tests, but a missing one does.
"""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.browser.helpers import DESKTOP, PHONE, dutch

TOTP_PERIOD_SECONDS = 30

LOGIN_URL = "/account/login/"
AUTHENTICATE_URL = re.compile(r"/account/2fa/authenticate/$")
ACTIVATE_TOTP_URL = re.compile(r"/account/2fa/totp/activate/$")
REAUTHENTICATE_URL = re.compile(r"/account/reauthenticate/\?next=%2Faccount%2F2fa%2Ftotp")
RECOVERY_CODES_URL = re.compile(r"/account/2fa/recovery-codes/")
WORKSPACE_URL = re.compile(r"/werk/$")


def translated(message: str) -> str:
    """The Dutch text for a source string; fails when the catalogues have none."""
    text = dutch(message)
    assert text != message, f"No Dutch translation for {message!r}"
    return text


def label(text: str) -> re.Pattern:
    """A whole form label, with or without Django's trailing colon."""
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")


def expect_dutch_page(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def main_button(page: Page, name: str):
    """A button inside <main>; the header has buttons of its own (sign out, language)."""
    return page.get_by_role("main").get_by_role("button", name=name, exact=True)


def log_in_with_password(page: Page, email: str, password: str) -> None:
    page.goto(LOGIN_URL)
    expect_dutch_page(page)
    page.get_by_label(label(translated("Email address"))).fill(email)
    page.get_by_label(label(translated("Password"))).fill(password)
    main_button(page, translated("Sign in")).click()


def wrong_totp_code() -> str:
    """A six-digit code that allauth will not accept at this moment."""
    accepted = {totp_code(offset=offset) for offset in range(-2, 3)}
    return next(code for code in ("000000", "111111", "123456", "654321") if code not in accepted)


def current_totp_code(secret: str) -> str:
    counter = int(time.time()) // TOTP_PERIOD_SECONDS
    return format_hotp_value(hotp_value(secret, counter))


def test_portal_home_in_dutch_on_desktop_and_phone(page: Page, axe_check, screenshot):
    page.goto("/")
    expect_dutch_page(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    expect(heading).to_have_text(translated("Help close to home, online and face to face"))
    expect(
        page.get_by_role("heading", level=2, name=translated("What is your question about?"))
    ).to_be_visible()
    expect(page.get_by_role("navigation", name=translated("Main menu"))).to_be_attached()
    body = page.locator("body")
    for english in ("Help close to home", "Create an account", "open-source software"):
        expect(body).not_to_contain_text(english)
    axe_check(page, label="portal home (desktop)")
    screenshot(page, "portal-home-desktop")

    page.set_viewport_size(PHONE)
    expect(heading).to_be_visible()
    axe_check(page, label="portal home (phone)")
    screenshot(page, "portal-home-phone")


def test_social_worker_logs_in_with_password_and_totp(page: Page, axe_check, screenshot):
    worker = UserFactory(role=Role.SOCIAL_WORKER, first_name="Sanne", last_name="de Vries")

    page.goto(LOGIN_URL)
    expect_dutch_page(page)
    expect(page.get_by_role("heading", level=1, name=translated("Sign in"))).to_be_visible()
    axe_check(page, label="login page")
    screenshot(page, "login")
    page.set_viewport_size(PHONE)
    screenshot(page, "login-phone")
    page.set_viewport_size(DESKTOP)

    log_in_with_password(page, worker.email, TEST_PASSWORD)

    # Second step: the code from the authenticator app.
    expect(page).to_have_url(AUTHENTICATE_URL)
    expect(
        page.get_by_role("heading", level=1, name=translated("Sign in: second step"))
    ).to_be_visible()
    code_field = page.get_by_label(label(dutch("Code")))
    expect(code_field).to_be_visible()
    axe_check(page, label="two-step code page")
    screenshot(page, "login-totp-code")

    code_field.fill(wrong_totp_code())
    main_button(page, translated("Sign in")).click()
    expect(page.get_by_text(translated("Incorrect code."))).to_be_visible()
    expect(page).to_have_url(AUTHENTICATE_URL)
    axe_check(page, label="two-step code page with an error")
    screenshot(page, "login-totp-code-wrong")
    # Still not logged in: the workspace sends the browser to the login page.
    response = page.request.get("/werk/", max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith(LOGIN_URL)

    page.get_by_label(label(dutch("Code"))).fill(totp_code())
    main_button(page, translated("Sign in")).click()

    expect(page).to_have_url(WORKSPACE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My caseload"))
    expect(page.get_by_role("main")).to_contain_text("Sanne")
    axe_check(page, label="workspace home")
    screenshot(page, "workspace-home-social-worker")


def test_team_leader_without_mfa_must_activate_totp(page: Page, axe_check, screenshot):
    leader = UserFactory(role=Role.TEAM_LEADER, with_totp=False, first_name="Ahmed")

    log_in_with_password(page, leader.email, TEST_PASSWORD)

    # The middleware sends staff without a second factor to the activation page; allauth
    # guards that page with a fresh password check, which the login itself does not count as.
    expect(page).to_have_url(
        re.compile(f"{ACTIVATE_TOTP_URL.pattern}|{REAUTHENTICATE_URL.pattern}")
    )
    if REAUTHENTICATE_URL.search(page.url):
        expect(
            page.get_by_role("heading", level=1, name=translated("Confirm Access"))
        ).to_be_visible()
        axe_check(page, label="password confirmation page")
        screenshot(page, "reauthenticate")
        page.get_by_label(label(translated("Password"))).fill(TEST_PASSWORD)
        main_button(page, translated("Confirm")).click()

    expect(page).to_have_url(ACTIVATE_TOTP_URL)
    expect(
        page.get_by_role("heading", level=1, name=translated("Activate Authenticator App"))
    ).to_be_visible()
    secret = page.get_by_label(label(translated("Authenticator secret"))).input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    axe_check(page, label="TOTP activation page")
    screenshot(page, "totp-activate")

    page.get_by_label(label(dutch("Authenticator code"))).fill(current_totp_code(secret))
    main_button(page, translated("Activate")).click()

    # allauth shows the freshly generated recovery codes once; then the user carries on.
    expect(page).not_to_have_url(ACTIVATE_TOTP_URL)
    if RECOVERY_CODES_URL.search(page.url):
        expect(
            page.get_by_role("heading", level=1, name=translated("Recovery Codes"))
        ).to_be_visible()
        axe_check(page, label="recovery codes page")
        screenshot(page, "recovery-codes")

    page.goto("/werk/")
    expect(page).to_have_url(WORKSPACE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My caseload"))
    expect(page.get_by_role("main")).to_contain_text("Ahmed")


def test_resident_lands_on_portal_and_may_not_open_workspace(
    page: Page, server_url, axe_check, screenshot
):
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima")

    log_in_with_password(page, resident.email, TEST_PASSWORD)

    expect(page).to_have_url(f"{server_url}/")
    expect(page.get_by_role("button", name=translated("Sign out"))).to_be_visible()

    response = page.goto("/werk/")
    assert response is not None
    assert response.status == 403
    expect_dutch_page(page)
    expect(
        page.get_by_role("heading", level=1, name=translated("You do not have access to this page"))
    ).to_be_visible()
    axe_check(page, label="403 page")
    screenshot(page, "forbidden-403")


def test_wrong_password_shows_a_dutch_error(page: Page, axe_check, screenshot):
    user = UserFactory(role=Role.SOCIAL_WORKER)

    log_in_with_password(page, user.email, "Niet-het-goede-wachtwoord-1")

    expect(page).to_have_url(re.compile(rf"{LOGIN_URL}$"))
    error = translated("The email address and/or password you specified are not correct.")
    expect(page.get_by_text(error)).to_be_visible()
    response = page.request.get("/werk/", max_redirects=0)
    assert response.status == 302
    axe_check(page, label="login page with an error")
    screenshot(page, "login-wrong-password")
