"""Groups: a facilitator runs a group through a path on a schedule, sees who is ahead and
who is stuck, and moderates the group's discussion; nobody outside the group takes part."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.learning import services
from apps.learning.models import Cohort, Enrolment, Post, PostReport, Step, StepProgress
from apps.learning.tests.paths import path_file
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
PATH = "/leren/grip-op-post/"
GROUPS = "/werk/leerpaden/groepen/"


@pytest.fixture
def member(facilitator, cohort):
    resident = UserFactory(role=Role.RESIDENT, first_name="Anna", last_name="Bakker")
    services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=resident)
    return resident


def modules(version):
    return list(version.modules.order_by("position"))


def test_a_facilitator_makes_a_group_and_adds_a_member(client, facilitator, version):
    client.force_login(facilitator)
    answer = client.post(
        GROUPS,
        {
            "version": version.pk,
            "name": "Donderdaggroep",
            "team": facilitator.teams.get().pk,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    cohort = Cohort.objects.get()
    assert answer.url == f"{GROUPS}{cohort.pk}/beheer/"
    resident = UserFactory(role=Role.RESIDENT)
    client.post(
        f"{GROUPS}{cohort.pk}/beheer/", {"action": "member", "email": resident.email.upper()}
    )
    assert Enrolment.objects.get(learner=resident).cohort == cohort
    again = client.post(
        f"{GROUPS}{cohort.pk}/beheer/", {"action": "member", "email": resident.email}
    )
    assert again.status_code == 400
    assert "al in de groep" in again.content.decode()
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    wrong = client.post(f"{GROUPS}{cohort.pk}/beheer/", {"action": "member", "email": worker.email})
    assert wrong.status_code == 400
    assert Enrolment.objects.count() == 1


def test_a_group_cannot_start_on_a_draft_or_for_another_team(client, facilitator):
    author = UserFactory(role=Role.TEAM_LEADER)
    draft = services.path_import(actor=author, content=path_file())
    client.force_login(facilitator)
    other_team = TeamMembershipFactory().team
    for version, team in ((draft, facilitator.teams.get()),):
        answer = client.post(
            GROUPS,
            {"version": version.pk, "name": "X", "team": team.pk, "starts_on": "2026-12-01"},
        )
        assert answer.status_code == 400
    answer = client.post(GROUPS, {"name": "X", "team": other_team.pk, "starts_on": "2026-12-01"})
    assert answer.status_code == 400
    assert not Cohort.objects.exists()


def test_a_module_that_is_not_open_yet_cannot_be_done(client, facilitator, cohort, member, version):
    second = modules(version)[1]
    services.cohort_schedule(
        actor=facilitator,
        cohort=cohort,
        openings={second.pk: timezone.localdate() + timedelta(days=7)},
    )
    step = Step.objects.filter(module=second).first()
    client.force_login(member)
    page = client.get(PATH).content.decode()
    assert "Opent op" in page
    opened = client.get(f"{PATH}stap/{step.pk}/", follow=True)
    assert "Dit deel opent op" in opened.content.decode()
    client.post(f"{PATH}stap/{step.pk}/", {"reflection": "Te vroeg."})
    assert not StepProgress.objects.filter(step=step).exists()


def test_the_schedule_refuses_a_day_before_the_start(client, facilitator, cohort, version):
    client.force_login(facilitator)
    first = modules(version)[0]
    early = (cohort.starts_on - timedelta(days=1)).isoformat()
    answer = client.post(
        f"{GROUPS}{cohort.pk}/beheer/", {"action": "schedule", f"opens_{first.pk}": early}
    )
    assert answer.status_code == 400
    assert not cohort.openings.exists()


def test_the_overview_shows_who_falls_behind(client, facilitator, cohort, member, version):
    ahead = UserFactory(role=Role.RESIDENT, first_name="Bram", last_name="Aalders")
    enrolment = services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=ahead)
    for step in Step.objects.filter(module__version=version):
        StepProgress.objects.create(
            enrolment=enrolment,
            step=step,
            completed_at=timezone.now(),
            reflection="Zondag is mijn postdag." if step.kind == "reflection" else "",
            reflection_shared=step.kind == "reflection",
        )
    client.force_login(facilitator)
    page = client.get(f"{GROUPS}{cohort.pk}/")
    overview = page.context["overview"]
    behind = {p.name: p.behind for p in overview.participants}
    assert behind == {"Bram Aalders": False, "Anna Bakker": True}
    assert "6 stappen achter" in page.content.decode()
    assert "Zondag is mijn postdag." in page.content.decode()
    assert AccessLogEntry.objects.filter(action="read", object_type="learning.cohort").exists()
    assert [step.finished for step in overview.funnel] == [1] * 6


@pytest.mark.parametrize("size", [5, 200])
def test_the_overview_reads_the_same_for_5_and_200_members(
    client, facilitator, cohort, version, size
):
    residents = UserFactory.create_batch(size, role=Role.RESIDENT)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(path=version.path, version=version, learner=resident, cohort=cohort)
        for resident in residents
    )
    first = Step.objects.filter(module__version=version).first()
    StepProgress.objects.bulk_create(
        StepProgress(enrolment=enrolment, step=first, completed_at=timezone.now())
        for enrolment in enrolments
    )
    client.force_login(facilitator)
    client.get(f"{GROUPS}{cohort.pk}/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{GROUPS}{cohort.pk}/")
    assert len(page.context["overview"].participants) == size
    assert len(queries) == 9


def test_the_discussion_is_for_the_group_only(client, facilitator, cohort, member, version):
    module = modules(version)[0]
    url = f"{PATH}gesprek/{module.pk}/"
    client.force_login(member)
    client.post(url, {"body": "Ik sorteer op zondag."})
    assert Post.objects.get().author == member
    assert client.post(url, {"body": "  "}).status_code == 400
    outsider = UserFactory(role=Role.RESIDENT)
    services.enrol(actor=outsider, path=version.path)  # alone, not in the group
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Ik ook!"}).status_code == 404
    assert Post.objects.count() == 1


def test_the_facilitator_hides_and_members_report(client, facilitator, cohort, member, version):
    module = modules(version)[0]
    other = UserFactory(role=Role.RESIDENT)
    services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=other)
    post = services.post_add(actor=other, cohort=cohort, module=module, body="Koop dit product!")
    client.force_login(member)
    client.post(f"{PATH}bericht/{post.pk}/melden/")
    again = client.post(f"{PATH}bericht/{post.pk}/melden/", follow=True)
    assert "al gemeld" in again.content.decode()
    assert PostReport.objects.count() == 1
    client.force_login(facilitator)
    moderation = client.get(f"{GROUPS}{cohort.pk}/gesprek/{module.pk}/").content.decode()
    assert "1 keer gemeld" in moderation
    client.post(f"/werk/leerpaden/bericht/{post.pk}/verbergen/", {"hide": "yes"})
    client.force_login(member)
    assert "Koop dit product!" not in client.get(f"{PATH}gesprek/{module.pk}/").content.decode()
    client.force_login(other)
    refused = client.post(f"{PATH}bericht/{post.pk}/melden/", follow=True)
    assert "je eigen bericht" in refused.content.decode()


def test_a_post_in_a_part_that_is_not_open_is_refused(client, facilitator, cohort, member, version):
    second = modules(version)[1]
    services.cohort_schedule(
        actor=facilitator,
        cohort=cohort,
        openings={second.pk: timezone.localdate() + timedelta(days=3)},
    )
    client.force_login(member)
    answer = client.post(f"{PATH}gesprek/{second.pk}/", {"body": "Al gelezen!"})
    assert answer.status_code == 400
    assert not Post.objects.exists()


def test_another_teams_worker_sees_no_group(client, cohort, member):
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.get(f"{GROUPS}{cohort.pk}/").status_code == 404
    assert cohort.name not in client.get(GROUPS).content.decode()
    post = services.post_add(
        actor=member, cohort=cohort, module=cohort.version.modules.first(), body="Hoi"
    )
    assert (
        client.post(f"/werk/leerpaden/bericht/{post.pk}/verbergen/", {"hide": "yes"}).status_code
        == 404
    )
    post.refresh_from_db()
    assert post.hidden_at is None
    client.force_login(member)
    assert client.get(GROUPS).status_code == 403
