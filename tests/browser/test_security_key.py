"""A staff member adds a security key (WebAuthn) and signs in with it.

Chromium's virtual authenticator (DevTools protocol) plays the key, so no hardware is needed.
"""

import re

from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.browser.test_login import (
    AUTHENTICATE_URL,
    WORKSPACE_URL,
    label,
    log_in_with_password,
    main_button,
    translated,
)

ADD_KEY_URL = "/account/2fa/webauthn/add/"


def plug_in_virtual_security_key(page: Page) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_staff_member_adds_a_security_key_and_signs_in_with_it(page: Page, axe_check, screenshot):
    worker = UserFactory(role=Role.SOCIAL_WORKER, first_name="Sanne")
    plug_in_virtual_security_key(page)

    log_in_with_password(page, worker.email, TEST_PASSWORD)
    expect(page).to_have_url(AUTHENTICATE_URL)
    # Only people who have a key are offered one.
    expect(main_button(page, translated("Use a security key"))).to_have_count(0)
    page.get_by_label(label("Code")).fill(totp_code())
    main_button(page, translated("Sign in")).click()
    expect(page).to_have_url(WORKSPACE_URL)

    page.goto(ADD_KEY_URL)
    if "/reauthenticate/" in page.url:
        page.get_by_label(label(translated("Password"))).fill(TEST_PASSWORD)
        main_button(page, translated("Confirm")).click()
    expect(page).to_have_url(re.compile(re.escape(ADD_KEY_URL)))
    axe_check(page, label="add security key")
    screenshot(page, "security-key-add")
    page.get_by_label(re.compile("^" + re.escape(translated("Name of the key")))).fill(
        "Sleutel werkplek"
    )
    main_button(page, translated("Add")).click()
    expect(page).not_to_have_url(re.compile(re.escape(ADD_KEY_URL)))
    assert Authenticator.objects.filter(user=worker, type=Authenticator.Type.WEBAUTHN).exists()

    page.context.clear_cookies()
    log_in_with_password(page, worker.email, TEST_PASSWORD)
    expect(page).to_have_url(AUTHENTICATE_URL)
    axe_check(page, label="second step with a security key")
    screenshot(page, "login-second-step-security-key")
    page.get_by_role("button", name=translated("Use a security key")).click()

    expect(page).to_have_url(WORKSPACE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated("My caseload"))
    expect(page.get_by_role("main")).to_contain_text("Sanne")
