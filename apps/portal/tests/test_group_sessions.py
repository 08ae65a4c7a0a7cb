"""A learning group's meetings are activities: its facilitator plans them, its members see
them with their path and sign up; nobody else sees them, in lists, search or by address."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.learning import services as learning
from apps.learning.tests.paths import path_file
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.models import Activity, SignUp

pytestmark = pytest.mark.django_db
NEW = "/werk/activiteiten/nieuw/"


@pytest.fixture
def facilitator():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def cohort(facilitator):
    author = UserFactory(role=Role.TEAM_LEADER)
    version = learning.version_publish(
        actor=author, version=learning.path_import(actor=author, content=path_file())
    )
    return learning.cohort_create(
        actor=facilitator,
        version=version,
        name="Dinsdaggroep",
        team=facilitator.teams.get(),
        starts_on=timezone.localdate(),
    )


@pytest.fixture
def member(facilitator, cohort):
    resident = UserFactory(role=Role.RESIDENT)
    learning.cohort_add_learner(actor=facilitator, cohort=cohort, learner=resident)
    return resident


def _meeting_data(cohort, **changes) -> dict:
    starts = timezone.localtime() + timedelta(days=7)
    return {
        "title": "Bijeenkomst Dinsdaggroep",
        "kind": "group",
        "theme": "",
        "team": cohort.team_id,
        "description": "We praten over deel 1.",
        "place": "Buurthuis De Linde",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "12",
        "status": "planned",
        "cohort": cohort.pk,
    } | changes


def test_a_facilitator_plans_a_meeting_that_only_the_group_sees(
    client, facilitator, cohort, member
):
    client.force_login(facilitator)
    manage = client.get(f"/werk/leerpaden/groepen/{cohort.pk}/beheer/").content.decode()
    assert f"{NEW}?groep={cohort.pk}" in manage
    form = client.get(f"{NEW}?groep={cohort.pk}").context["form"]
    assert form.initial["cohort"] == cohort.pk and form.initial["team"] == cohort.team_id
    assert form.initial["title"] == "Bijeenkomst van Dinsdaggroep"
    assert form.initial["capacity"] == 1
    answer = client.post(NEW, _meeting_data(cohort))
    assert answer.status_code == 302
    meeting = Activity.objects.get()
    assert meeting.cohort == cohort
    assert (
        "Bijeenkomst Dinsdaggroep"
        in client.get(f"/werk/leerpaden/groepen/{cohort.pk}/beheer/").content.decode()
    )

    # The member sees it with their path, and signs up.
    client.force_login(member)
    path_page = client.get("/leren/grip-op-post/").content.decode()
    assert "Je groep komt samen" in path_page and f"/activiteiten/{meeting.pk}/" in path_page
    page = client.get(f"/activiteiten/{meeting.pk}/").content.decode()
    assert "alleen voor de deelnemers" in page
    client.post(f"/activiteiten/{meeting.pk}/aanmelden/")
    assert SignUp.objects.get(activity=meeting, resident=member).status == SignUp.Status.PLACE


def test_nobody_outside_the_group_finds_or_joins_its_meeting(client, facilitator, cohort, member):
    starts = timezone.now() + timedelta(days=3)
    meeting = Activity.objects.create(
        team=cohort.team,
        cohort=cohort,
        title="Bijeenkomst Zonnebloem",
        description="Zonnebloem bijeenkomst",
        place="Online",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=10,
    )
    outsider = UserFactory(role=Role.RESIDENT)
    for user in (None, outsider):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert "Bijeenkomst Zonnebloem" not in client.get("/activiteiten/").content.decode()
        found = client.get("/zoeken/", {"q": "Zonnebloem"}).content.decode()
        assert "Bijeenkomst Zonnebloem" not in found
        assert client.get(f"/activiteiten/{meeting.pk}/").status_code == 404
        assert client.get(f"/activiteiten/{meeting.pk}/agenda.ics").status_code == 404
    assert client.post(f"/activiteiten/{meeting.pk}/aanmelden/").status_code == 404
    assert not SignUp.objects.exists()
    # The member's path page lists it; the facilitator's list of the team's activities too.
    client.force_login(member)
    assert "Bijeenkomst Zonnebloem" in client.get("/leren/grip-op-post/").content.decode()
    client.force_login(facilitator)
    assert "Bijeenkomst Zonnebloem" in client.get("/werk/activiteiten/").content.decode()


def test_only_a_group_you_run_and_its_own_team(client, facilitator, cohort):
    colleague = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, team=cohort.team).user
    client.force_login(colleague)
    answer = client.post(NEW, _meeting_data(cohort))
    assert answer.status_code == 400 and "cohort" in answer.context["form"].errors
    other_team = TeamMembershipFactory(user=facilitator).team
    client.force_login(facilitator)
    answer = client.post(NEW, _meeting_data(cohort, team=other_team.pk))
    assert answer.status_code == 400
    assert "georganiseerd door het team van de groep" in answer.content.decode()
    # A forged group in the address is ignored.
    assert client.get(f"{NEW}?groep=99999").context["form"].initial["cohort"] is None
    assert client.get(f"{NEW}?groep=x").status_code == 200
    assert not Activity.objects.exists()


def test_a_meeting_goes_with_its_group(facilitator, cohort):
    starts = timezone.now() + timedelta(days=3)
    Activity.objects.create(
        team=cohort.team,
        cohort=cohort,
        title="Bijeenkomst",
        description="x",
        place="Online",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    cohort.delete()
    assert not Activity.objects.exists()


def test_only_who_runs_the_group_takes_a_meeting_away_from_it(client, facilitator, cohort):
    starts = timezone.now() + timedelta(days=3)
    meeting = Activity.objects.create(
        team=cohort.team,
        cohort=cohort,
        title="Bijeenkomst",
        description="Alleen voor de groep.",
        place="Online",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=10,
    )
    colleague = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, team=cohort.team).user
    client.force_login(colleague)
    public = _meeting_data(cohort) | {"cohort": ""}
    answer = client.post(f"/werk/activiteiten/{meeting.pk}/", public)
    assert answer.status_code == 400
    assert "Alleen wie de groep begeleidt" in answer.content.decode()
    meeting.refresh_from_db()
    assert meeting.cohort == cohort
    client.force_login(facilitator)
    assert client.post(f"/werk/activiteiten/{meeting.pk}/", public).status_code == 302
    meeting.refresh_from_db()
    assert meeting.cohort is None
