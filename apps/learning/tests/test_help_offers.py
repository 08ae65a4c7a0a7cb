"""A facilitator offers a member who falls behind extra material or a call; the member
reads it with their path and answers; an e-mail says only that there is a message."""

import pytest
from django.core import mail
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.learning import services
from apps.learning.models import HelpOffer
from apps.learning.tests.paths import path_data, path_file
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
GROUPS = "/werk/leerpaden/groepen"


@pytest.fixture
def member(facilitator, cohort):
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna", last_name="Bakker")
    return services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=resident)


def test_a_call_offered_answered_and_made(
    client, facilitator, cohort, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    overview = client.get(f"{GROUPS}/{cohort.pk}/").content.decode()
    url = f"{GROUPS}/{cohort.pk}/deelnemer/{member.pk}/"
    assert url in overview
    page = client.get(url)
    assert page.status_code == 200 and "Anna Bakker" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        actor_user_id=facilitator.pk, action="read", object_id=str(member.pk)
    ).exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"kind": "call", "message": "Zullen we even bellen over deel 1?"})
    assert answer.status_code == 302
    offer = HelpOffer.objects.get()
    assert offer.offered_by == facilitator and offer.is_open
    # The e-mail says there is a message, not what it says.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.learner.email]
    assert "deel 1" not in mail.outbox[0].body and "/leren/grip-op-post/" in mail.outbox[0].body

    client.force_login(member.learner)
    path_page = client.get("/leren/grip-op-post/").content.decode()
    assert escape(f"{facilitator.first_name} biedt je een gesprek aan") in path_page
    assert "Zullen we even bellen over deel 1?" in path_page
    client.post(f"/leren/grip-op-post/hulp/{offer.pk}/", {"answer": "yes"})
    offer.refresh_from_db()
    assert offer.answer == HelpOffer.Answer.YES
    again = client.post(f"/leren/grip-op-post/hulp/{offer.pk}/", {"answer": "no"}, follow=True)
    assert "Je hebt hier al op geantwoord." in again.content.decode()
    offer.refresh_from_db()
    assert offer.answer == HelpOffer.Answer.YES

    client.force_login(facilitator)
    assert "wil graag gebeld worden" in client.get(f"{GROUPS}/{cohort.pk}/").content.decode()
    client.post(url, {"action": "done", "offer": offer.pk})
    offer.refresh_from_db()
    assert offer.done_at is not None
    assert "wil graag gebeld worden" not in client.get(f"{GROUPS}/{cohort.pk}/").content.decode()


def test_extra_material_can_be_another_published_path(client, facilitator, cohort, member):
    author = UserFactory(role=Role.TEAM_LEADER)
    other = services.version_publish(
        actor=author,
        version=services.path_import(actor=author, content=path_file(path_data("rust"))),
    )
    client.force_login(facilitator)
    url = f"{GROUPS}/{cohort.pk}/deelnemer/{member.pk}/"
    own = client.post(url, {"kind": "material", "message": "Kijk hier", "path": member.path_id})
    assert own.status_code == 400
    client.post(url, {"kind": "material", "message": "Kijk hier eens", "path": other.path_id})
    client.force_login(member.learner)
    page = client.get("/leren/grip-op-post/").content.decode()
    assert "heeft extra materiaal voor je" in page and "/leren/rust/" in page


def test_wrong_input_sends_nothing(
    client, facilitator, cohort, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    url = f"{GROUPS}/{cohort.pk}/deelnemer/{member.pk}/"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"kind": "call", "message": "  "}).status_code == 400
        assert client.post(url, {"kind": "taart", "message": "Hoi"}).status_code == 400
        assert client.post(url, {"kind": "call", "message": "x" * 1001}).status_code == 400
        assert client.post(url, {"action": "done", "offer": "999"}).status_code == 404
        for forged in ("", "abc", "1.5"):
            assert client.post(url, {"action": "done", "offer": forged}).status_code == 404
    assert not HelpOffer.objects.exists() and not mail.outbox


def test_nobody_else_offers_reads_or_answers(client, facilitator, cohort, member):
    offer = services.help_offer(actor=facilitator, enrolment=member, kind="call", message="Bellen?")
    url = f"{GROUPS}/{cohort.pk}/deelnemer/{member.pk}/"
    colleague = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "call", "message": "Ik ook"}).status_code == 404
    # A member of another group is not found through this group.
    stranger = services.cohort_add_learner(
        actor=facilitator,
        cohort=services.cohort_create(
            actor=facilitator,
            version=cohort.version,
            name="Andere groep",
            team=cohort.team,
            starts_on=cohort.starts_on,
        ),
        learner=UserFactory(role=Role.RESIDENT),
    )
    client.force_login(facilitator)
    assert client.get(f"{GROUPS}/{cohort.pk}/deelnemer/{stranger.pk}/").status_code == 404
    # Another resident cannot answer Anna's offer, nor see it.
    client.force_login(stranger.learner)
    assert client.post(f"/leren/grip-op-post/hulp/{offer.pk}/", {"answer": "no"}).status_code == 404
    assert "Bellen?" not in client.get("/leren/grip-op-post/").content.decode()
    offer.refresh_from_db()
    assert offer.is_open
    assert HelpOffer.objects.count() == 1
