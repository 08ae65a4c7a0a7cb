"""The caseload and dossier page come from the fragment cache while nothing they show has
changed. Every change through the services must show on the very next read."""

import pytest
from django.test import Client as BrowserClient
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.dossiers import services
from apps.dossiers.models import Action, ContactMoment, Dossier, Goal, LifeEvent
from apps.dossiers.tests.factories import (
    DossierFactory,
    IntakeRequestFactory,
    LifeEventFactory,
    NetworkMemberFactory,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]

CASELOAD = "/werk/"


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        started_on=timezone.localdate() - timezone.timedelta(days=200),
    )


def page(client, dossier):
    return client.get(f"/werk/dossiers/{dossier.pk}/").content.decode()


def contact_logged(dossier, worker):
    services.contact_moment_log(
        dossier=dossier,
        actor=worker,
        occurred_at=timezone.now() - timezone.timedelta(minutes=5),
        mode=ContactMoment.Mode.HOME_VISIT,
        duration_minutes=45,
        notes="Samen de post doorgenomen.",
    )
    return "Samen de post doorgenomen."


def question_registered(dossier, worker):
    theme = Theme.objects.order_by("-pk").first()
    services.question_register(
        dossier=dossier, actor=worker, theme=theme, subcategory="Betalingsregeling"
    )
    return "Betalingsregeling"


def goal_added(dossier, worker):
    services.plan_goal_add(dossier=dossier, actor=worker, question="Hoe kan ik rondkomen?")
    return "Hoe kan ik rondkomen?"


def goal_achieved(dossier, worker):
    goal = Goal.objects.create(dossier=dossier, question="Hoe vind ik werk?")
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())
    return (
        lambda: services.plan_goal_set_achieved(goal=goal, actor=worker, achieved=True),
        'class="bk-achieved"',
    )


def action_added(dossier, worker):
    goal = Goal.objects.create(dossier=dossier, question="Hoe vind ik werk?")
    services.plan_action_add(goal=goal, actor=worker, description="Cv maken", owner="client")
    return "Cv maken"


def network_member_added(dossier, worker):
    services.network_member_save(
        dossier=dossier,
        actor=worker,
        name="Zonnebloem",
        relation="buurvrouw",
        circle="neighbourhood",
        closeness=1,
        support="practical",
        quality="good",
    )
    return "Zonnebloem"


def network_member_changed(dossier, worker):
    member = NetworkMemberFactory(dossier=dossier, name="Kees")
    return (
        lambda: services.network_member_save(
            dossier=dossier, actor=worker, member=member, name="Korenbloem"
        ),
        "Korenbloem",
    )


def life_event_added(dossier, worker):
    services.life_event_add(
        dossier=dossier,
        actor=worker,
        occurred_on=timezone.localdate() - timezone.timedelta(days=3),
        kind=LifeEvent.Kind.BIRTH,
        description="Een kleindochter geboren.",
    )
    return "Een kleindochter geboren."


def client_renamed(dossier, worker):
    services.client_update(client=dossier.client, actor=worker, last_name="Bakkerstraat-Ooms")
    return "Bakkerstraat-Ooms"


def explanation_given(dossier, worker):
    services.dossier_explain_long_running(
        dossier=dossier, actor=worker, explanation="Schuldhulp duurt nog drie maanden."
    )
    return "Schuldhulp duurt nog drie maanden."


# Changes whose text was not on the page before: (change, shows on the caseload too).
ADDITIONS = [
    (contact_logged, False),
    (question_registered, True),
    (goal_added, False),
    (action_added, False),
    (network_member_added, False),
    (life_event_added, False),
    (client_renamed, True),
    (explanation_given, False),
]


@pytest.mark.parametrize(
    ("change", "on_caseload"), ADDITIONS, ids=lambda c: getattr(c, "__name__", "")
)
def test_a_change_shows_at_once(client, worker, dossier, change, on_caseload):
    client.force_login(worker)
    before_page, before_caseload = page(client, dossier), client.get(CASELOAD).content.decode()
    expected = escape(change(dossier, worker))
    assert expected not in before_page
    assert expected in page(client, dossier)
    if on_caseload:
        assert expected not in before_caseload
        assert expected in client.get(CASELOAD).content.decode()


def test_a_contact_moment_changes_the_caseload_row(client, worker, dossier):
    client.force_login(worker)
    assert "Nog geen contact" in client.get(CASELOAD).content.decode()
    contact_logged(dossier, worker)
    row = client.get(CASELOAD).content.decode()
    assert "Nog geen contact" not in row
    assert "Huisbezoek" in row


@pytest.mark.parametrize(
    "change", [goal_achieved, network_member_changed], ids=lambda c: c.__name__
)
def test_an_edit_shows_at_once(client, worker, dossier, change):
    apply, expected = change(dossier, worker)
    client.force_login(worker)
    assert expected not in page(client, dossier)
    apply()
    assert expected in page(client, dossier)


def test_removals_and_status_changes_show_at_once(client, worker, dossier):
    event = LifeEventFactory(dossier=dossier, description="Verhuisd naar Overvecht.")
    goal = Goal.objects.create(dossier=dossier, question="Hoe kom ik rond?")
    action = Action.objects.create(goal=goal, description="Bellen met de bank", owner="client")
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())
    client.force_login(worker)
    assert "Verhuisd naar Overvecht." in page(client, dossier)
    services.life_event_remove(event=event, actor=worker)
    assert "Verhuisd naar Overvecht." not in page(client, dossier)

    services.plan_action_set_status(action=action, actor=worker, status=Action.Status.DONE)
    assert 'value="done" selected' in page(client, dossier)

    caseload_before = client.get(CASELOAD).content.decode()
    services.dossier_advance(
        dossier=dossier,
        actor=worker,
        to_status=Dossier.Status.CLOSED,
        closing_reason=Dossier.ClosingReason.GOALS_REACHED,
    )
    assert escape(dossier.client.full_name) in caseload_before
    assert escape(dossier.client.full_name) not in client.get(CASELOAD).content.decode()


def test_a_merged_intake_updates_the_clients_other_dossier(client, worker, dossier):
    dossier.client.phone = ""
    dossier.client.birth_date = timezone.localdate().replace(year=1961)
    dossier.client.save(update_fields=["phone", "birth_date"])
    intake = IntakeRequestFactory(
        team=dossier.team,
        first_name=dossier.client.first_name,
        last_name=dossier.client.last_name,
        birth_date=dossier.client.birth_date,
        postcode=dossier.client.postcode,
        house_number=dossier.client.house_number,
        phone="06 12 34 56 78",
    )
    client.force_login(worker)
    # Shown as a Dutch reader dials it, whatever way it was typed.
    assert "06 12345678" not in page(client, dossier)
    services.intake_convert(
        intake=intake,
        actor=worker,
        questions=[(Theme.objects.first(), "", "")],
        existing_client=dossier.client,
    )
    assert "06 12345678" in page(client, dossier)


def test_each_browser_gets_its_own_csrf_token_in_a_cached_page(worker, dossier):
    """The body of the page is kept once; its forms must carry the reader's own token."""
    Goal.objects.create(dossier=dossier, question="Hoe kom ik rond?")
    first, second = (BrowserClient(enforce_csrf_checks=True) for _ in range(2))
    for browser in (first, second):
        browser.force_login(worker)
        html = page(browser, dossier)
        token = html.split('name="csrfmiddlewaretoken" value="')[-1].split('"')[0]
        assert "placeholder" not in token
        goal = dossier.goals.get()
        response = browser.post(
            f"/werk/dossiers/{dossier.pk}/plan/doel/{goal.pk}/bereikt/",
            {"achieved": "yes", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, response.status_code


def test_a_reader_from_another_team_never_gets_the_owners_cached_forms(worker, dossier, client):
    other = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(worker)
    assert f"/werk/dossiers/{dossier.pk}/uitleg/" in page(client, dossier)
    services.dossier_break_glass(
        dossier=dossier, actor=other, reason="Crisis in de nacht, cliënt belt"
    )
    client.force_login(other)
    html = page(client, dossier)
    assert f"/werk/dossiers/{dossier.pk}/uitleg/" not in html
    assert "csrfmiddlewaretoken" not in html.split("<main")[1]
