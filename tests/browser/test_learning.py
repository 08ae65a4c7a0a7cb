"""A resident follows a learning path on a phone and on a desk: enrols, reads, answers a
quiz wrong and then right, leaves, comes back where they stopped, finishes and downloads
the certificate."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.learning import services
from apps.learning.models import Enrolment, PathVersion
from apps.learning.tests.paths import path_file
from apps.organisation.tests.factories import TeamMembershipFactory
from tests.browser.helpers import DESKTOP, PHONE, SMALL_PHONE, assert_no_sideways_scrolling, follow
from tests.browser.test_casework import log_in_as_staff
from tests.browser.test_login import log_in_with_password

DEMO_PATH = Path(__file__).resolve().parents[2] / "apps/learning/demo_paths/grip-op-je-geld.yaml"


def _published(content: bytes):
    author = UserFactory(role=Role.TEAM_LEADER)
    draft = services.path_import(actor=author, content=content)
    return services.version_publish(actor=author, version=draft)


def _group(version, *, first_name=None, started_days_ago=0):
    """A social worker of a team and the group they run through the version."""
    names = {"user__first_name": first_name} if first_name else {}
    facilitator = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, **names).user
    cohort = services.cohort_create(
        actor=facilitator,
        version=version,
        name="Dinsdaggroep",
        team=facilitator.teams.get(),
        starts_on=timezone.localdate() - timedelta(days=started_days_ago),
    )
    return facilitator, cohort


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_follows_a_path_to_the_certificate(page: Page, axe_check, screenshot, viewport):
    width = "phone" if viewport == PHONE else "desktop"
    _published(path_file())
    _published(DEMO_PATH.read_bytes())
    resident = UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")
    page.set_viewport_size(viewport)
    log_in_with_password(page, resident.email, TEST_PASSWORD)

    page.goto("/leren/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leerpaden")
    axe_check(page, label=f"learning paths ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"learning-paths-{width}")

    # The demo path's first step shows its picture.
    follow(page.get_by_role("link", name="Grip op je geld"))
    axe_check(page, label=f"a path before enrolling ({width})")
    screenshot(page, f"learning-path-{width}")
    page.get_by_role("button", name="Begin aan dit leerpad").click()
    expect(page.get_by_text("Stap 1 van")).to_be_visible()
    picture = page.locator(".bk-learning-text img").first
    # decode() waits until the picture has arrived, and fails when it cannot be shown.
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)") > 0
    axe_check(page, label=f"a reading step with a picture ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"learning-step-reading-{width}")

    # The short path, from its first step to the end.
    page.goto("/leren/grip-op-post/")
    page.get_by_role("button", name="Begin aan dit leerpad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drie bakjes")
    page.get_by_role("button", name="Klaar, naar de volgende stap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wat weet je al?")
    first = page.locator("form.bk-quiz").first
    first.get_by_label("Je telefoon").check()
    first.get_by_role("button", name="Controleer mijn antwoord").click()
    expect(page.get_by_text("Niet helemaal.")).to_be_visible()
    axe_check(page, label=f"a quiz with a wrong answer ({width})")
    screenshot(page, f"learning-quiz-wrong-{width}")
    page.locator("form.bk-quiz").first.get_by_label("De huur").check()
    page.locator("form.bk-quiz").first.get_by_role(
        "button", name="Controleer mijn antwoord"
    ).click()
    expect(page.get_by_text("Goed!")).to_be_visible()

    # Leave, and come back where they stopped: the quiz, its second question still open.
    page.goto("/")
    page.goto("/leren/")
    page.get_by_role("listitem").filter(has_text="Grip op je post").get_by_role(
        "link", name="Verder"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat weet je al?")
    second = page.locator("form.bk-quiz").nth(1)
    second.get_by_label("Ja", exact=True).check()
    second.get_by_role("button", name="Controleer mijn antwoord").click()
    page.get_by_role("link", name="Volgende stap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Een film over post")
    screenshot(page, f"learning-step-video-{width}")
    page.get_by_role("button", name="Klaar, naar de volgende stap").click()
    page.get_by_label("Wanneer in de week heb je tijd voor je post?").fill("Op zondagavond.")
    axe_check(page, label=f"a reflection ({width})")
    page.get_by_role("button", name="Klaar, naar de volgende stap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw overzicht")
    page.get_by_role("button", name="Klaar, naar de volgende stap").click()
    page.get_by_label("Bakjes staan klaar").check()
    page.get_by_label("Vaste dag gekozen").check()
    axe_check(page, label=f"a checklist ({width})")
    screenshot(page, f"learning-step-checklist-{width}")
    page.get_by_role("button", name="Klaar, naar de volgende stap").click()

    expect(page.get_by_text("Goed gedaan!")).to_be_visible()
    axe_check(page, label=f"a finished path ({width})")
    screenshot(page, f"learning-finished-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download je certificaat (pdf)").click()
    assert download.value.suggested_filename == "certificaat-grip-op-post.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert Enrolment.objects.get(path__slug="grip-op-post").completed_at is not None


@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["desktop", "phone"])
def test_a_team_leader_imports_previews_and_publishes_a_path(
    page: Page, axe_check, screenshot, viewport, tmp_path
):
    width = "phone" if viewport == SMALL_PHONE else "desktop"
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    page.set_viewport_size(viewport)
    log_in_as_staff(page, leader)
    page.goto("/werk/leerpaden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leerpaden")

    broken = tmp_path / "kapot.json"
    broken.write_text('{"format": "buurtkompas-learning-path", "format_version": 1}')
    page.get_by_label("Bestand van het leerpad", exact=False).set_input_files(broken)
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Er is niets geïmporteerd.")).to_be_visible()
    axe_check(page, label=f"import with problems ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-import-problems-{width}")

    page.get_by_label("Bestand van het leerpad", exact=False).set_input_files(DEMO_PATH)
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("is geïmporteerd als concept")).to_be_visible()
    axe_check(page, label=f"learning paths in the workspace ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-paths-{width}")
    page.get_by_role("link", name="Voorbeeld", exact=False).click()
    expect(page.get_by_text("Voorbeeld van versie 1, zoals een deelnemer")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Publiceren", exact=False).click()
    expect(page.get_by_text("is gepubliceerd", exact=False)).to_be_visible()
    assert PathVersion.objects.get().status == "published"


@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["desktop", "phone"])
def test_an_author_writes_a_path_previews_it_and_a_team_leader_publishes_it(
    page: Page, axe_check, screenshot, viewport
):
    width = "phone" if viewport == SMALL_PHONE else "desktop"
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    page.set_viewport_size(viewport)
    log_in_as_staff(page, leader)
    page.goto("/werk/leerpaden/")
    follow(page.get_by_role("link", name="Nieuw leerpad"))
    axe_check(page, label=f"new learning path ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-new-path-{width}")
    page.get_by_label("Titel").fill("Je eerste baan")
    page.get_by_label("Webadres").fill("je-eerste-baan")
    page.get_by_label("Thema").select_option(label="Geldzaken & Regelgeving")
    page.get_by_label("Korte beschrijving").fill("Wat je regelt als je gaat werken.")
    page.get_by_label("Ongeveer hoeveel minuten").fill("30")
    follow(page.get_by_role("button", name="Maak het leerpad"))
    expect(page.get_by_text("Delen: heeft er minstens 1 nodig.")).to_be_visible()

    page.get_by_label("Titel van het nieuwe deel").fill("Je contract")
    follow(page.get_by_role("button", name="Deel toevoegen"))
    page.get_by_label("Soort stap").select_option(label="Lezen")
    page.get_by_label("Titel van de nieuwe stap").fill("Lees je contract")
    follow(page.get_by_role("button", name="Stap toevoegen"))
    page.get_by_label("Tekst").fill("Lees je contract **goed** door voor je tekent.")
    follow(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    axe_check(page, label=f"a step in the editor ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-step-{width}")

    follow(page.get_by_role("link", name="Je eerste baan (versie 1)"))
    page.get_by_label("Soort stap").select_option(label="Quiz")
    page.get_by_label("Titel van de nieuwe stap").fill("Test jezelf")
    follow(page.get_by_role("button", name="Stap toevoegen"))
    follow(page.get_by_role("link", name="Voeg een vraag toe"))
    page.get_by_label("Vraag").first.fill("Wanneer krijg je loon?")
    answers = page.locator("fieldset.bk-panel")
    answers.nth(0).get_by_label("Antwoord", exact=True).fill("Elke maand")
    answers.nth(0).get_by_label("Goed antwoord").check()
    answers.nth(0).get_by_label("Uitleg bij dit antwoord").fill("Klopt: meestal aan het eind.")
    answers.nth(1).get_by_label("Antwoord", exact=True).fill("Eén keer per jaar")
    answers.nth(1).get_by_label("Uitleg bij dit antwoord").fill("Nee, je krijgt elke maand.")
    axe_check(page, label=f"a quiz question in the editor ({width})")
    screenshot(page, f"work-learning-question-{width}")
    follow(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("De vraag is toegevoegd.")).to_be_visible()

    # The quiz goes first.
    follow(page.get_by_role("link", name="Je eerste baan (versie 1)"))
    follow(page.get_by_role("button", name=re.compile(r"Omhoog\W+Test jezelf")))
    steps = page.locator(".bk-editor-steps").first.locator("li > span > a")
    expect(steps).to_have_text(["Test jezelf", "Lees je contract"])
    expect(page.get_by_text("Voordat dit concept gepubliceerd kan worden")).to_have_count(0)
    axe_check(page, label=f"the path editor ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-editor-{width}")

    follow(page.get_by_role("link", name="Bekijk als deelnemer"))
    expect(page.get_by_text("Voorbeeld van versie 1")).to_be_visible()
    follow(page.get_by_role("link", name="Test jezelf"))
    expect(page.get_by_text("Nee, je krijgt elke maand.")).to_be_visible()
    axe_check(page, label=f"preview of a quiz ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-preview-quiz-{width}")
    follow(page.get_by_role("link", name="Terug naar de editor"))
    follow(page.get_by_role("button", name="Publiceren"))
    expect(page.get_by_text("is gepubliceerd", exact=False)).to_be_visible()
    assert PathVersion.objects.get().status == "published"


@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["desktop", "phone"])
def test_a_facilitator_runs_a_group_and_sees_its_members(
    page: Page, axe_check, screenshot, viewport, browser
):
    width = "phone" if viewport == SMALL_PHONE else "desktop"
    version = _published(path_file())
    facilitator = TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Sanne"
    ).user
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna", last_name="Bakker")
    page.set_viewport_size(viewport)
    log_in_as_staff(page, facilitator)
    page.goto("/werk/leerpaden/groepen/")
    page.get_by_label("Leerpad", exact=True).select_option(str(version.pk))
    page.get_by_label("Naam van de groep").fill("Dinsdaggroep")
    page.get_by_label("Begint op").fill("2026-11-30")
    page.get_by_role("button", name="Groep maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leden, schema en gesprekken")
    page.get_by_label("E-mailadres van de inwoner").fill(resident.email)
    page.get_by_role("button", name="Toevoegen aan de groep").click()
    expect(page.get_by_text("De inwoner zit in de groep.")).to_be_visible()

    # The group meets: a meeting is an activity for the group only.
    follow(page.get_by_role("link", name="Plan een bijeenkomst"))
    expect(page.get_by_label("Titel")).to_have_value("Bijeenkomst van Dinsdaggroep")
    starts = timezone.localtime() + timedelta(days=8)
    page.get_by_label("Begint").fill(starts.strftime("%Y-%m-%dT19:00"))
    page.get_by_label("Eindigt").fill(starts.strftime("%Y-%m-%dT20:30"))
    page.get_by_label("Wat er gebeurt").fill("We bespreken deel 1 samen.")
    page.get_by_label("Waar").fill("Buurthuis De Linde")
    follow(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("Een bijeenkomst van een leergroep")).to_be_visible()
    follow(page.get_by_role("link", name="Naar de groep"))
    expect(page.get_by_role("link", name="Bijeenkomst van Dinsdaggroep")).to_be_visible()

    # The member does the first step and writes to the group.
    member = browser.new_context(base_url=page.url.split("/werk/")[0])
    member_page = member.new_page()
    member_page.set_viewport_size(PHONE if viewport == SMALL_PHONE else DESKTOP)
    log_in_with_password(member_page, resident.email, TEST_PASSWORD)
    member_page.goto("/leren/grip-op-post/")
    expect(
        member_page.get_by_text("Je volgt dit leerpad met de groep Dinsdaggroep.")
    ).to_be_visible()
    expect(member_page.get_by_text("Je groep komt samen")).to_be_visible()
    axe_check(member_page, label=f"a path with the group's meetings ({width})")
    screenshot(member_page, f"learning-path-group-{width}")
    follow(member_page.get_by_role("link", name="Bijeenkomst van Dinsdaggroep"))
    expect(member_page.get_by_text("alleen voor de deelnemers")).to_be_visible()
    member_page.goto("/leren/grip-op-post/")
    member_page.get_by_role("link", name="Begin met de eerste stap").click()
    member_page.get_by_role("button", name="Klaar, naar de volgende stap").click()
    member_page.goto("/leren/grip-op-post/")
    member_page.get_by_role("link", name="Praat over dit deel met je groep").first.click()
    member_page.get_by_label("Je bericht aan de groep").fill("Ik sorteer mijn post op zondag.")
    member_page.get_by_role("button", name="Versturen").click()
    expect(member_page.get_by_text("Ik sorteer mijn post op zondag.")).to_be_visible()
    axe_check(member_page, label=f"group discussion ({width})")
    screenshot(member_page, f"learning-discussion-{width}")
    member.close()

    axe_check(page, label=f"members and schedule ({width})")
    screenshot(page, f"work-learning-group-manage-{width}")
    follow(page.get_by_role("link", name="← Dinsdaggroep"))
    expect(page.get_by_role("rowheader", name="Anna Bakker")).to_be_visible()
    expect(page.get_by_text("1 / 6")).to_be_visible()
    axe_check(page, label=f"group overview ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-group-{width}")
    page.get_by_role("link", name="Leden, schema en gesprekken").click()
    page.get_by_role("link", name="Deel 1: Sorteren").click()
    expect(page.get_by_text("Ik sorteer mijn post op zondag.")).to_be_visible()
    page.get_by_role("button", name="Verbergen").click()
    expect(page.get_by_text("verborgen voor de groep")).to_be_visible()
    axe_check(page, label=f"moderation ({width})")
    screenshot(page, f"work-learning-discussion-{width}")


def test_a_journey_leads_to_a_learning_path(page: Page, axe_check, screenshot):
    from apps.organisation.models import Theme
    from apps.portal.models import Journey, JourneyStep

    version = _published(path_file())
    journey = Journey.objects.create(
        theme=Theme.objects.get(code="geldzaken-regelgeving"),
        slug="overzicht-post",
        question="Hoe krijg ik overzicht in mijn post?",
        summary="Sorteer je post en kies een vaste dag.",
        status=Journey.Status.PUBLISHED,
    )
    JourneyStep.objects.create(
        journey=journey,
        position=1,
        kind=JourneyStep.Kind.LEARNING,
        title="Leer het stap voor stap",
        body="Thuis, in je eigen tempo.",
        learning_path=version.path,
    )
    page.set_viewport_size(PHONE)
    page.goto("/vraag/overzicht-post/")
    expect(page.get_by_text("Grip op je post")).to_be_visible()
    axe_check(page, label="a journey with a learning path (phone)")
    assert_no_sideways_scrolling(page)
    screenshot(page, "portal-journey-learning-phone")
    page.get_by_role("link", name="Bekijk het leerpad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grip op je post")


def test_the_group_page_tells_what_changed_before_and_after_the_path(
    page: Page, axe_check, screenshot, settings
):
    from apps.effects.tests.builders import compute
    from apps.effects.tests.test_learning_change import SCAN, in_march, scan
    from apps.learning.tests.paths import path_data
    from apps.questionnaires.services.instruments import instruments_load

    instruments_load()
    settings.EFFECTS_MIN_GROUP_SIZE = 3
    data = path_data()
    data["path"]["pre_measurement"] = data["path"]["post_measurement"] = SCAN
    version = _published(path_file(data))
    for before, after in (("5.00", "7.00"), ("4.00", "6.50"), ("6.00", "8.00"), ("6.0", "8.2")):
        learner = in_march(version)
        scan(learner, timezone.make_aware(timezone.datetime(2025, 3, 1, 12)), before, body=before)
        scan(learner, timezone.make_aware(timezone.datetime(2025, 4, 2, 12)), after, body=before)
    compute()
    facilitator, cohort = _group(version)
    page.set_viewport_size(SMALL_PHONE)
    log_in_as_staff(page, facilitator)
    page.goto(f"/werk/leerpaden/groepen/{cohort.pk}/")
    section = page.get_by_role("region", name="Voor en na het leerpad")
    expect(section.get_by_text("punt beter")).to_be_visible()
    expect(section.get_by_text("4 mensen: 4 duidelijk beter")).to_be_visible()
    expect(section.get_by_text("Per onderdeel van de zelfscan")).to_be_visible()
    axe_check(page, label="a group with the change before and after (phone)")
    assert_no_sideways_scrolling(page)
    screenshot(page, "work-learning-group-change-phone")


@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["desktop", "phone"])
def test_a_facilitator_offers_a_member_a_call_and_the_member_says_yes(
    page: Page, axe_check, screenshot, viewport, browser
):
    width = "phone" if viewport == SMALL_PHONE else "desktop"
    version = _published(path_file())
    facilitator, cohort = _group(version, first_name="Sanne", started_days_ago=14)
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna", last_name="Bakker")
    services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=resident)
    page.set_viewport_size(viewport)
    log_in_as_staff(page, facilitator)
    page.goto(f"/werk/leerpaden/groepen/{cohort.pk}/")
    follow(page.get_by_role("link", name="Anna Bakker"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bakker")
    page.get_by_label("Een gesprek").check()
    page.get_by_label("Je bericht").fill("Hoi Anna, zullen we even bellen over deel 1?")
    axe_check(page, label=f"a member of a group ({width})")
    assert_no_sideways_scrolling(page)
    screenshot(page, f"work-learning-member-{width}")
    follow(page.get_by_role("button", name="Aanbod versturen"))
    expect(page.get_by_text("Je aanbod is verstuurd.")).to_be_visible()

    member = browser.new_context(base_url=page.url.split("/werk/")[0])
    member_page = member.new_page()
    member_page.set_viewport_size(PHONE if viewport == SMALL_PHONE else DESKTOP)
    log_in_with_password(member_page, resident.email, TEST_PASSWORD)
    member_page.goto("/leren/grip-op-post/")
    expect(member_page.get_by_text("Sanne biedt je een gesprek aan")).to_be_visible()
    axe_check(member_page, label=f"an offer of help ({width})")
    screenshot(member_page, f"learning-help-offer-{width}")
    follow(member_page.get_by_role("button", name="Ja, bel me"))
    expect(member_page.get_by_text("Je begeleider ziet je antwoord.")).to_be_visible()
    member.close()

    page.goto(f"/werk/leerpaden/groepen/{cohort.pk}/")
    expect(page.get_by_text("wil graag gebeld worden")).to_be_visible()
