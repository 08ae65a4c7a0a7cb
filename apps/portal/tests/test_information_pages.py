"""The footer's pages: on every page, for everyone, in Dutch and English; their text kept by
the functional administrator in the administration, never as markup."""

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.portal.models import InformationPage

pytestmark = pytest.mark.django_db
PAGES = {
    "/privacy/": "Privacyverklaring",
    "/toegankelijkheid/": "Toegankelijkheidsverklaring",
    "/contact/": "Contact",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_anyone_reads_them_and_every_page_links_to_them(client, url, title):
    page = client.get(url)
    assert page.status_code == 200
    assert f'<h1 id="page-heading" class="utrecht-heading-1">{title}</h1>' in page.text
    home = client.get("/")
    assert f'href="{url}"' in home.text
    social_map = client.get("/sociale-kaart/")
    assert f'href="{url}"' in social_map.text


def test_in_english_when_the_reader_chose_english(client):
    client.cookies["django_language"] = "en"
    assert "Accessibility statement" in client.get("/toegankelijkheid/").text


def test_the_text_is_shown_as_text_never_as_markup(client):
    InformationPage.objects.filter(slug="contact").update(
        body_nl="Bel ons.\n\n<script>alert(1)</script>"
    )
    page = client.get("/contact/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert page.text.count('<p class="utrecht-paragraph">') >= 2


def test_the_functional_administrator_changes_the_text_and_is_named(client):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    client.force_login(admin)
    page = InformationPage.objects.get(slug="contact")
    url = f"/beheer/portal/informationpage/{page.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "slug": "contact",
            "title_nl": "Contact",
            "body_nl": "Bel 033 123 45 67 op werkdagen.",
            "title_en": "Contact",
            "body_en": "Call us on working days.",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.updated_by == admin
    assert "033 123 45 67" in client.get("/contact/").text


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.RESIDENT])
def test_nobody_else_changes_it(client, role):
    client.force_login(UserFactory(role=role))
    page = InformationPage.objects.get(slug="privacy")
    response = client.post(
        f"/beheer/portal/informationpage/{page.pk}/change/",
        {"slug": "privacy", "title_nl": "Weg", "body_nl": "Weg"},
    )
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.title_nl == "Privacyverklaring"
